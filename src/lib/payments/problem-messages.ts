/** A payment problem in the reader's language. */
import { m } from '$lib/paraglide/messages';
import type { PaymentProblem } from './problems';

export function problemMessage(problem: PaymentProblem): string {
	switch (problem) {
		case 'cancelled':
			return m.pay_problem_cancelled();
		case 'wrong-pin':
			return m.pay_problem_wrong_pin();
		case 'insufficient-funds':
			return m.pay_problem_insufficient_funds();
		case 'unreachable':
			return m.pay_problem_unreachable();
		case 'timed-out':
			return m.pay_problem_timed_out();
		case 'prompt-open':
			return m.pay_problem_prompt_open();
		case 'not-sent':
			return m.pay_problem_not_sent();
		case 'limit':
			return m.pay_problem_limit();
		case 'not-permitted':
			return m.pay_problem_not_permitted();
		case 'not-configured':
			return m.pay_problem_not_configured();
		case 'unavailable':
			return m.pay_problem_unavailable();
		case 'merchant':
			return m.pay_problem_merchant();
		case 'rejected':
			return m.pay_problem_rejected();
		case 'suspended':
			return m.pay_problem_suspended();
		case 'not-started':
			return m.pay_problem_not_started();
		case 'failed':
			return m.pay_problem_failed();
	}
}
