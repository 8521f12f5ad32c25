DROP INDEX "audit_log_tenant_time_idx";--> statement-breakpoint
DROP INDEX "subscribers_tenant_created_idx";--> statement-breakpoint
CREATE INDEX "subscribers_tenant_status_created_idx" ON "subscribers" USING btree ("tenant_id","status","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "audit_log_tenant_time_idx" ON "audit_log" USING btree ("tenant_id","created_at" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "subscribers_tenant_created_idx" ON "subscribers" USING btree ("tenant_id","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);