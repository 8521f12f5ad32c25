/** The Daraja simulator's public surface, for tests and the demo start script. */
export { startDarajaSim } from './server';
export type { DarajaSim, DarajaSimOptions, InjectedFault, StkCredentials } from './sim-api';
export { SANDBOX, stkPassword } from './merchants';
export type { ShortcodeConfig } from './merchants';
export { kenyanTimestamp, parseKenyanTimestamp } from './kenya-time';
export { OUTCOME_CODES, resultDescription } from './outcomes';
export type { DeliveryMode, OutcomeSpec } from './outcomes';
export type { Delivery, DeliveryFilter, DeliveryKind } from './callbacks';
export type { StkPushRecord, StkResult } from './stk-messages';
export type { ReleaseOrder } from './stk';
export type {
	C2bPaymentBody,
	C2bRegistration,
	MsisdnFormat,
	PayBillInput,
	PayBillResult
} from './c2b';
