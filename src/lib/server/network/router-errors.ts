/** A router failure as one line for job rows, router status and logs (never with credentials). */
import {
	RouterCertificateChanged,
	RouterCommandFailed,
	RouterLoginFailed,
	RouterUnreachable
} from './routeros/client';
import { RouterAddressRefused } from './router-address';

export function describeRouterError(error: unknown): string {
	if (error instanceof RouterAddressRefused)
		return `Router address refused (${error.reason}): change the router's host, port or credentials`;
	if (error instanceof RouterUnreachable) return `Router unreachable (${error.reason})`;
	if (error instanceof RouterCertificateChanged)
		return `The router presented a certificate other than the trusted one (SHA-256 ${error.presented})`;
	if (error instanceof RouterLoginFailed) return 'The router refused the API user name or password';
	if (error instanceof RouterCommandFailed) return `The router refused: ${error.message}`;
	return error instanceof Error ? error.message : String(error);
}
