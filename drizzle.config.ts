import { defineConfig } from 'drizzle-kit';

// Migrations are generated from the schema and committed; they run as the database owner at start-up.
export default defineConfig({
	dialect: 'postgresql',
	schema: './src/lib/server/db/schema.ts',
	out: './drizzle',
	entities: { roles: { provider: '', exclude: [] } }
});
