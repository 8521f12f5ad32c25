/** Lets tests await simulator state ("two callbacks delivered") instead of sleeping. */
export class StateSignal {
	private readonly listeners = new Set<() => void>();

	notify(): void {
		for (const listener of [...this.listeners]) listener();
	}

	/** Resolves with `check()`'s value once it is not undefined; rejects after `timeoutMs`. */
	until<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
		const ready = check();
		if (ready !== undefined) return Promise.resolve(ready);
		return new Promise<T>((resolve, reject) => {
			const listener = (): void => {
				const value = check();
				if (value === undefined) return;
				cleanup();
				resolve(value);
			};
			const timer = setTimeout(() => {
				cleanup();
				reject(new Error(`Daraja simulator: timed out after ${timeoutMs} ms waiting for ${what}`));
			}, timeoutMs);
			const cleanup = (): void => {
				clearTimeout(timer);
				this.listeners.delete(listener);
			};
			this.listeners.add(listener);
		});
	}
}

/** setTimeout that the owner can cancel all at once when the simulator is reset or closed. */
export class TimerSet {
	private readonly timers = new Set<NodeJS.Timeout>();

	/** Runs `run` after `ms`; the returned function cancels it. */
	after(ms: number, run: () => void): () => void {
		const timer = setTimeout(() => {
			this.timers.delete(timer);
			run();
		}, ms);
		this.timers.add(timer);
		return () => {
			clearTimeout(timer);
			this.timers.delete(timer);
		};
	}

	sleep(ms: number): Promise<void> {
		return new Promise((resolve) => {
			this.after(ms, resolve);
		});
	}

	clear(): void {
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
	}
}
