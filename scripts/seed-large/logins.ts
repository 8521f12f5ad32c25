/**
 * The logins `npm run seed:large` makes and `npm run bench:large` uses. The password is public (it
 * is printed and written here): a seeded database is for measuring, never for customers. It is
 * not the demo's password, so the server starts on the seeded database in production mode.
 */
export const SEED_PASSWORD = 'seed-large-not-secret';

export const SEED_LOGINS = {
	/** The platform admin: every tenant. */
	platform: { who: 'Platform admin', login: 'admin@seed-large.local' },
	/** The manager of the largest tenant (Zuri Net, 200,000 subscribers at full scale). */
	largest: { who: 'Manager, Zuri Net (largest ISP)', login: '0700000001', phone: '254700000001' },
	/** The manager of Zuri Net's largest reseller, which has hotspot sites under it. */
	reseller: {
		who: 'Manager, a reseller under Zuri Net',
		login: '0700000002',
		phone: '254700000002'
	}
} as const;

/** Where the seed keeps what it built: its own schema, apart from the application's tables. */
export const SEED_SCHEMA = 'seed_large';
