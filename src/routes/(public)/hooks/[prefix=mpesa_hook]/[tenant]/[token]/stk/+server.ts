import { mpesaHook } from '$lib/server/http/mpesa-hook';

export const POST = mpesaHook('stk');
