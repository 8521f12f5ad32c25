/**
 * The RouterOS simulator in a process of its own, for benchmarks: the router and the client
 * under test each get a core instead of sharing one event loop. Driven over IPC by
 * provision.ts (`fork` with `--import tsx`); exits when its parent goes away.
 */
import { startRouterSim } from '../../tools/sim/routeros';

export type SimRequest =
	| { type: 'rows'; id: number; menu: string }
	| { type: 'commands'; id: number; path?: string }
	| { type: 'close' };

export type SimMessage =
	{ type: 'ready'; host: string; port: number } | { type: 'result'; id: number; value: number };

const send = (message: SimMessage) => process.send?.(message);

const sim = await startRouterSim({ identity: 'bench-router' });
process.on('message', (request: SimRequest) => void answer(request));

async function answer(request: SimRequest): Promise<void> {
	switch (request.type) {
		case 'rows':
			send({ type: 'result', id: request.id, value: sim.router.rows(request.menu).length });
			break;
		case 'commands':
			send({ type: 'result', id: request.id, value: sim.router.commandCount(request.path) });
			break;
		case 'close':
			await sim.close();
			process.exit(0);
	}
}
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', host: sim.host, port: sim.port });
