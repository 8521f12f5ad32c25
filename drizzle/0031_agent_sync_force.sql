ALTER TABLE agent_sync_items FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
-- What a phone was told stays what it is told again: the app only adds rows.
REVOKE UPDATE, DELETE, TRUNCATE ON agent_sync_items FROM mtandao_app;
