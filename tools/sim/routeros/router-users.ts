/**
 * The router's own accounts (`/user`, `/user/group`): who may log in to the API and who may
 * change things. The billing app's onboarding creates its own API user here.
 */
import { FULL_POLICY, policyAllows } from './menus';
import type { Table } from './table';

export interface RouterUser {
	readonly name: string;
	readonly password?: string;
	/** A `/user/group` name; `full` by default. */
	readonly group?: string;
}

export class RouterUsers {
	constructor(
		private readonly users: Table,
		private readonly groups: Table
	) {}

	/** Adds the configured accounts, creating a full-rights group for an unknown group name. */
	seed(accounts: readonly RouterUser[]): void {
		for (const account of accounts) {
			const group = account.group ?? 'full';
			if (this.groups.idOfKey(group) === undefined) {
				this.groups.insert({ ...this.groups.defaults(), name: group, policy: FULL_POLICY });
			}
			this.users.insert({
				...this.users.defaults(),
				name: account.name,
				group,
				password: account.password ?? ''
			});
		}
	}

	has(name: string): boolean {
		return this.users.idOfKey(name) !== undefined;
	}

	/** An API login: the user is enabled, the password matches and the group grants `api`. */
	login(name: string, password: string, now: number): boolean {
		const id = this.users.idOfKey(name);
		const user = id === undefined ? undefined : this.users.get(id);
		if (id === undefined || !user || user.disabled === 'true' || user.password !== password) {
			return false;
		}
		if (!this.may(name, 'api')) return false;
		// RouterOS 7.10+ prints dates as `2024-10-29 09:00:00`.
		const loggedIn = new Date(now).toISOString().replace('T', ' ').slice(0, 19);
		this.users.update(id, { 'last-logged-in': loggedIn });
		return true;
	}

	/** Whether the user's group policy grants a right such as `write`. */
	may(name: string, right: string): boolean {
		const userId = this.users.idOfKey(name);
		const group = userId === undefined ? undefined : this.users.get(userId)?.group;
		const groupId = group === undefined ? undefined : this.groups.idOfKey(group);
		const policy = groupId === undefined ? undefined : this.groups.get(groupId)?.policy;
		return policy !== undefined && policyAllows(policy, right);
	}
}
