import type { ParamMatcher } from '@sveltejs/kit';

/**
 * `/hooks/daraja/…` is what we register with Safaricom: Daraja refuses callback URLs that contain
 * "mpesa" (PROTOCOLS.md). `/hooks/mpesa/…` answers the same, for gateways that allow it.
 */
export const match: ParamMatcher = (value) => value === 'daraja' || value === 'mpesa';
