ALTER TABLE push_subscriptions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE notifications FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE push_deliveries FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
-- Jobs that failed before notifications existed are not announced now, all at once.
UPDATE provisioning_jobs SET failure_notified_at = coalesce(finished_at, now()) WHERE status = 'failed';
--> statement-breakpoint
-- Routers already down are announced once, from now on, if they stay down.
UPDATE routers SET down_since = now() WHERE last_error IS NOT NULL AND (last_seen_at IS NULL OR last_error_at > last_seen_at);
