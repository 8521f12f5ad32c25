/**
 * The demo password is printed in the README and by `npm start`: in production no account may
 * accept it. Checked with the real verification, so a demo account renamed, or a password set
 * to it by hand, is found as well as the seeded ones.
 */
import { withTenant } from '../db';
import { users } from '../db/schema';
import { PLATFORM_TENANT_ID } from '../tenants/root';
import { DEMO_PASSWORD } from '../demo/logins.js';
import { verifyPassword } from './password';

/** argon2 runs on libuv's four threads: more at once only queues. */
const AT_ONCE = 4;

/** Whether this password is the public demo one (refused wherever a password is chosen in production). */
export function passwordIsPublic(password: string): boolean {
	return password === DEMO_PASSWORD;
}

/** The logins (email or phone) of every account, disabled ones included, that accepts the demo password. */
export async function accountsAcceptingDemoPassword(): Promise<string[]> {
	const accounts = await withTenant(PLATFORM_TENANT_ID, (tx) =>
		tx
			.select({ email: users.email, phone: users.phone, passwordHash: users.passwordHash })
			.from(users)
	);
	const found: string[] = [];
	for (let i = 0; i < accounts.length; i += AT_ONCE) {
		const batch = accounts.slice(i, i + AT_ONCE);
		const accepted = await Promise.all(
			batch.map((a) => verifyPassword(a.passwordHash, DEMO_PASSWORD))
		);
		batch.forEach((a, j) => accepted[j] && found.push(a.email ?? a.phone ?? '?'));
	}
	return found;
}
