/**
 * RouterOS API simulator: a TCP server speaking the real wire protocol over in-memory routers.
 * See server.ts for `startRouterSim`, router.ts for the test helpers, faults.ts for failures.
 */
export { startRouterSim, startRouterSims } from './server';
export type { RouterSim, RouterSimOptions, RouterSimTls, UserRouterOptions } from './server';
export { SimRouter } from './router';
export type {
	CommandRecord,
	ExecutionContext,
	HotspotSessionInput,
	PppSessionInput,
	RouterOptions,
	RouterUser
} from './router';
export { RouterFaults, type ReplyDelay } from './faults';
export type { ApiCommand } from './command';
export { Messages, RouterError, TrapCategory } from './errors';
export type { Row } from './table';
export { RawApiClient, attributesOf } from './raw-api-client';
export {
	encodeLength,
	decodeLength,
	encodeSentence,
	SentenceReader,
	ProtocolError
} from './protocol';
