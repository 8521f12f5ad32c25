/**
 * Asks a JSON address every couple of seconds while `keepGoing` says so. A failed request (a
 * phone on 2G drops a few) just waits for the next turn. Returns the function that stops it.
 */
export function pollJson<T>(
	url: string,
	keepGoing: (value: T) => boolean,
	onValue: (value: T) => void,
	everyMs = 2_000
): () => void {
	let stopped = false;
	let timer: ReturnType<typeof setTimeout> | undefined;
	const tick = async () => {
		try {
			const response = await fetch(url, {
				headers: { accept: 'application/json' },
				cache: 'no-store'
			});
			if (response.ok) {
				const value = (await response.json()) as T;
				if (stopped) return;
				onValue(value);
				if (!keepGoing(value)) return;
			}
		} catch {
			// Offline for a moment: the next turn tries again.
		}
		if (!stopped) timer = setTimeout(() => void tick(), everyMs);
	};
	timer = setTimeout(() => void tick(), everyMs);
	return () => {
		stopped = true;
		clearTimeout(timer);
	};
}
