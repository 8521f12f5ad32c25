/**
 * `/system/identity` and `/system/resource`: single items without ids, unlike list menus.
 */
import type { ApiCommand } from './command';
import { Messages, RouterError } from './errors';
import type { Row } from './table';
import { formatDuration } from './values';

export const DEFAULT_VERSION = '7.16.2 (stable)';
/** First version that answers an empty print with `!empty`. */
export const EMPTY_REPLY_VERSION = '7.18.2 (stable)';

export interface SingleItemMenu {
	read(): Row;
	/** Absent for read-only menus. */
	set?(command: ApiCommand): void;
}

export interface SystemState {
	identity: string;
	readonly version: string;
	readonly boardName: string;
	bootedAt: number;
	resource: Record<string, string>;
	now(): number;
}

export function systemMenus(state: SystemState): Map<string, SingleItemMenu> {
	return new Map<string, SingleItemMenu>([
		[
			'/system/identity',
			{
				read: () => ({ name: state.identity }),
				set(command) {
					for (const name of command.attributes.keys()) {
						if (name !== 'name' && !name.startsWith('.')) {
							throw new RouterError(Messages.unknownParameter);
						}
					}
					const name = command.attributes.get('name');
					if (name !== undefined) state.identity = name;
				}
			}
		],
		[
			'/system/resource',
			{
				read: () => ({
					uptime: formatDuration((state.now() - state.bootedAt) / 1000),
					version: state.version,
					'build-time': '2024-10-29 09:00:00',
					'factory-software': '6.44.6',
					'free-memory': '178257920',
					'total-memory': '268435456',
					cpu: 'ARMv7',
					'cpu-count': '4',
					'cpu-frequency': '716',
					'cpu-load': '3',
					'free-hdd-space': '1064960',
					'total-hdd-space': '16777216',
					'architecture-name': 'arm',
					'board-name': state.boardName,
					platform: 'MikroTik',
					...state.resource
				})
			}
		]
	]);
}
