ALTER TABLE ledger_entries FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
-- Money is never edited: a mistake is answered by a reversal or a correction entry.
REVOKE UPDATE, DELETE, TRUNCATE ON ledger_entries FROM mtandao_app;
