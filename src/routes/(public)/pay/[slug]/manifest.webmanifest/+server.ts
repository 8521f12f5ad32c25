import type { RequestHandler } from './$types';
import { manifestResponse, publicManifest } from '$lib/server/self-service/manifest';
import { tenantOr404 } from '$lib/server/self-service/public-pages';

export const GET: RequestHandler = async ({ params }) =>
	manifestResponse(publicManifest(await tenantOr404(params.slug), 'pay'));
