ALTER TABLE "sessions" ADD COLUMN "act_as_tenant_id" uuid;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "act_as_reason" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "act_as_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_act_as_tenant_id_tenants_id_fk" FOREIGN KEY ("act_as_tenant_id") REFERENCES "public"."tenants"("id") ON DELETE set null ON UPDATE no action;