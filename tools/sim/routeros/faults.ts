/**
 * Ways a router in the field misbehaves, switchable at runtime from a test:
 * `sim.faults.replyDelayMs = 200`, `sim.faults.dropOnCommand = '/ppp/secret/add'`, …
 */
import type { ApiCommand } from './command';

export type ReplyDelay = number | ((command: ApiCommand) => number);

export class RouterFaults {
	/** New connections are destroyed as soon as they open (the client sees a reset). */
	refuseConnections = false;
	/** Connections open and commands are read, but nothing is ever answered (a hung router). */
	unresponsive = false;
	/** Every login fails with RouterOS's "invalid user name or password (6)". */
	rejectLogin = false;
	/** RouterOS 7.18+: a print that finds nothing answers `!empty` before `!done`. */
	emptyReplies = false;
	/** Milliseconds before each command's replies are sent; a function can vary it per command. */
	replyDelayMs: ReplyDelay = 0;
	/**
	 * The Nth command received from now (1 = the next one; `/login` not counted) destroys its
	 * connection instead of being answered. Fires once, then resets to null.
	 */
	dropAfterCommands: number | null = null;
	/** A command path (exact string or pattern) whose arrival destroys the connection; fires once. */
	dropOnCommand: string | RegExp | null = null;
	/** When dropping, run the command first: the change happens but the reply is lost. */
	executeBeforeDrop = false;
	/** Paths of the commands whose connection a fault dropped, oldest first. */
	dropped: string[] = [];

	reset(): void {
		Object.assign(this, new RouterFaults());
	}

	/** @internal Decides whether this command's connection dies, consuming a one-shot fault. */
	takeDrop(command: ApiCommand): boolean {
		const target = this.dropOnCommand;
		if (target !== null) {
			const hit = typeof target === 'string' ? target === command.path : target.test(command.path);
			if (hit) {
				this.dropOnCommand = null;
				this.dropped.push(command.path);
				return true;
			}
		}
		if (this.dropAfterCommands === null || command.path === '/login') return false;
		this.dropAfterCommands -= 1;
		if (this.dropAfterCommands > 0) return false;
		this.dropAfterCommands = null;
		this.dropped.push(command.path);
		return true;
	}

	/** @internal */
	delayFor(command: ApiCommand): number {
		const delay =
			typeof this.replyDelayMs === 'function' ? this.replyDelayMs(command) : this.replyDelayMs;
		return Math.max(0, delay);
	}
}
