-- Fewer index entries written per settled payment (each STK callback writes about 27):
-- the payments status index keeps only the payments a manager must look at, and two indexes
-- nothing reads go (a tenant's callbacks newest first is its primary key (tenant_id, id); the
-- expiry sweep has subscribers_expiring_idx).
DROP INDEX "mpesa_callbacks_tenant_received_idx";--> statement-breakpoint
DROP INDEX "payments_tenant_status_created_idx";--> statement-breakpoint
DROP INDEX "subscribers_tenant_status_expiry_idx";--> statement-breakpoint
CREATE INDEX "payments_tenant_open_status_created_idx" ON "payments" USING btree ("tenant_id","status","created_at" DESC NULLS FIRST) WHERE "payments"."status" <> 'succeeded';