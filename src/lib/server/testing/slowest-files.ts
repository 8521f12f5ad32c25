/**
 * vitest reporter: after the run, the ten slowest test files (import plus tests and hooks) and the
 * run's wall time, so that the next slowdown is seen in CI's log.
 */
import { relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

const SHOWN = 10;

export default class SlowestFiles implements Reporter {
	private started = performance.now();

	onTestRunStart() {
		this.started = performance.now();
	}

	onTestRunEnd(modules: ReadonlyArray<TestModule>) {
		if (modules.length === 0) return;
		const timed = modules.map((module) => {
			const d = module.diagnostic();
			const ms =
				d.environmentSetupDuration +
				d.prepareDuration +
				d.collectDuration +
				d.setupDuration +
				d.duration;
			return { file: relative(process.cwd(), module.moduleId), ms };
		});
		timed.sort((a, b) => b.ms - a.ms);
		const lines = timed
			.slice(0, SHOWN)
			.map(({ file, ms }) => `${(ms / 1000).toFixed(1).padStart(7)} s  ${file}`);
		const wall = ((performance.now() - this.started) / 1000).toFixed(1);
		console.log(
			`\nSlowest ${Math.min(SHOWN, timed.length)} of ${timed.length} test files (the run took ${wall} s):\n${lines.join('\n')}\n`
		);
	}
}
