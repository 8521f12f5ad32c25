/**
 * What the agent's pages show from the phone's own database, kept current: the outbox of the
 * logged-in agent and their last offline data, reloaded whenever a tab or the worker changes them.
 */
import { onMount } from 'svelte';
import { listItems, offlineData } from './outbox';
import { onChange, type OfflineData, type OutboxItem } from './store';

export interface AgentView {
	loaded: boolean;
	items: OutboxItem[];
	data: OfflineData | null;
}

/** Call during a component's set-up: the view fills in once mounted (IndexedDB is browser-only). */
export function agentView(agentId: () => string): AgentView {
	const view = $state<AgentView>({ loaded: false, items: [], data: null });
	onMount(() => {
		let latest = 0;
		const load = async () => {
			const call = ++latest;
			const id = agentId();
			const [items, data] = await Promise.all([listItems(id), offlineData(id)]);
			if (call !== latest) return;
			view.items = items;
			view.data = data ?? null;
			view.loaded = true;
		};
		void load();
		return onChange(() => void load());
	});
	return view;
}

/** Items still to be sent (waiting or in flight) and those the agent must look at. */
export function queueCounts(items: readonly OutboxItem[]) {
	let pending = 0;
	let attention = 0;
	for (const item of items) {
		if (item.state === 'waiting' || item.state === 'sending') pending++;
		else if (item.state === 'needs-attention') attention++;
	}
	return { pending, attention };
}
