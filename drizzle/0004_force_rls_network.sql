ALTER TABLE routers FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE packages FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE subscribers FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE provisioning_jobs FORCE ROW LEVEL SECURITY;
