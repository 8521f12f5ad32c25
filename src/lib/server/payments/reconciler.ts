/**
 * Runs STK reconciliation in the background: every few seconds, pushes whose callback is overdue
 * are asked about (see `reconcilePendingPayments`). Every server process may run one; the row lock
 * in each settlement keeps two from settling the same payment.
 */
import { reconcilePendingPayments } from './stk';
import { safeErrorText } from '../logging/safe-error';

export class PaymentReconciler {
	private timer: ReturnType<typeof setInterval> | undefined;
	private running: Promise<unknown> | undefined;

	constructor(
		private readonly everyMs = 15_000,
		private readonly log: (line: string) => void = console.log
	) {}

	start(): void {
		this.timer ??= setInterval(() => void this.runNow(), this.everyMs);
	}

	runNow(): Promise<unknown> {
		this.running ??= reconcilePendingPayments()
			.catch((error) => this.log(`payment reconciliation failed: ${safeErrorText(error)}`))
			.finally(() => (this.running = undefined));
		return this.running;
	}

	async stop(): Promise<void> {
		clearInterval(this.timer);
		this.timer = undefined;
		await this.running;
	}
}
