import { resolve } from 'node:path';
import { openDatabase } from '/work/main/src/lib/server/db';
const db = await openDatabase({ url: 'postgres://postgres@127.0.0.1:5432/mtandao_probe', migrationsDir: resolve('/work/main/drizzle'), poolSize: 2 });
await db.close();
