-- The busiest append-only tables (the ledger, stored callbacks, router jobs) no longer carry a
-- foreign key to tenants. Their row-level security check on insert already proves the tenant
-- exists (a row must belong to a tenant visible to the scope), and the key's check locked the
-- tenant's row FOR KEY SHARE on every insert: every payment of a tenant queued on one row.
-- Tenants are never deleted. The keys to subscribers and routers stay.
ALTER TABLE "ledger_entries" DROP CONSTRAINT "ledger_entries_tenant_id_tenants_id_fk";
--> statement-breakpoint
ALTER TABLE "mpesa_callbacks" DROP CONSTRAINT "mpesa_callbacks_tenant_id_tenants_id_fk";
--> statement-breakpoint
ALTER TABLE "provisioning_jobs" DROP CONSTRAINT "provisioning_jobs_tenant_id_tenants_id_fk";
