import { mpesaHook } from '$lib/server/payments/hook-route';

export const POST = mpesaHook('stk');
