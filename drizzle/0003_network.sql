CREATE TABLE "packages" (
	"tenant_id" uuid NOT NULL,
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"price_kes" integer NOT NULL,
	"validity_unit" text NOT NULL,
	"validity_count" integer NOT NULL,
	"rate_limit" text NOT NULL,
	"data_cap_mb" integer,
	"shared_devices" integer DEFAULT 1 NOT NULL,
	"profile_name" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "packages_tenant_id_key" UNIQUE("tenant_id","id"),
	CONSTRAINT "packages_price_positive" CHECK ("packages"."price_kes" > 0 and "packages"."price_kes" <= 1000000),
	CONSTRAINT "packages_validity_positive" CHECK ("packages"."validity_count" > 0),
	CONSTRAINT "packages_rate_limit_shape" CHECK ("packages"."rate_limit" ~ '^[0-9]+[kKmMgG]?/[0-9]+[kKmMgG]?$'),
	CONSTRAINT "packages_shared_devices" CHECK ("packages"."shared_devices" between 1 and 50)
);
--> statement-breakpoint
ALTER TABLE "packages" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "provisioning_jobs" (
	"tenant_id" uuid NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "provisioning_jobs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"router_id" uuid NOT NULL,
	"action" text NOT NULL,
	"subscriber_id" uuid,
	"package_id" uuid,
	"payload" jsonb,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"run_after" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_until" timestamp with time zone,
	"locked_by" text,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "provisioning_jobs_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "provisioning_jobs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "routers" (
	"tenant_id" uuid NOT NULL,
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"host" text NOT NULL,
	"port" integer DEFAULT 8728 NOT NULL,
	"tls" boolean DEFAULT false NOT NULL,
	"username" text NOT NULL,
	"password_enc" text NOT NULL,
	"hotspot_server" text DEFAULT 'all' NOT NULL,
	"identity" text,
	"version" text,
	"last_seen_at" timestamp with time zone,
	"last_error" text,
	"last_error_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "routers_tenant_id_key" UNIQUE("tenant_id","id"),
	CONSTRAINT "routers_port_range" CHECK ("routers"."port" between 1 and 65535)
);
--> statement-breakpoint
ALTER TABLE "routers" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "subscribers" (
	"tenant_id" uuid NOT NULL,
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_number" text NOT NULL,
	"name" text NOT NULL,
	"phone" text NOT NULL,
	"kind" text NOT NULL,
	"router_id" uuid,
	"package_id" uuid,
	"status" text DEFAULT 'pending' NOT NULL,
	"expires_at" timestamp with time zone,
	"router_username" text NOT NULL,
	"router_password_enc" text NOT NULL,
	"registered_by" uuid,
	"latitude" double precision,
	"longitude" double precision,
	"client_ref" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "subscribers_phone_shape" CHECK ("subscribers"."phone" ~ '^254[17][0-9]{8}$')
);
--> statement-breakpoint
ALTER TABLE "subscribers" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "packages" ADD CONSTRAINT "packages_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provisioning_jobs" ADD CONSTRAINT "provisioning_jobs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provisioning_jobs" ADD CONSTRAINT "provisioning_jobs_router_fk" FOREIGN KEY ("tenant_id","router_id") REFERENCES "public"."routers"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "routers" ADD CONSTRAINT "routers_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscribers" ADD CONSTRAINT "subscribers_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscribers" ADD CONSTRAINT "subscribers_registered_by_users_id_fk" FOREIGN KEY ("registered_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscribers" ADD CONSTRAINT "subscribers_router_fk" FOREIGN KEY ("tenant_id","router_id") REFERENCES "public"."routers"("tenant_id","id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscribers" ADD CONSTRAINT "subscribers_package_fk" FOREIGN KEY ("tenant_id","package_id") REFERENCES "public"."packages"("tenant_id","id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "packages_tenant_name_key" ON "packages" USING btree ("tenant_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "packages_tenant_profile_key" ON "packages" USING btree ("tenant_id","profile_name");--> statement-breakpoint
CREATE UNIQUE INDEX "provisioning_jobs_id_key" ON "provisioning_jobs" USING btree ("id");--> statement-breakpoint
CREATE INDEX "provisioning_jobs_open_idx" ON "provisioning_jobs" USING btree ("router_id","id") WHERE "provisioning_jobs"."status" in ('pending', 'running');--> statement-breakpoint
CREATE INDEX "provisioning_jobs_tenant_status_idx" ON "provisioning_jobs" USING btree ("tenant_id","status","id");--> statement-breakpoint
CREATE UNIQUE INDEX "routers_tenant_name_key" ON "routers" USING btree ("tenant_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "subscribers_tenant_account_key" ON "subscribers" USING btree ("tenant_id","account_number");--> statement-breakpoint
CREATE UNIQUE INDEX "subscribers_tenant_username_key" ON "subscribers" USING btree ("tenant_id","router_username");--> statement-breakpoint
CREATE UNIQUE INDEX "subscribers_tenant_client_ref_key" ON "subscribers" USING btree ("tenant_id","client_ref");--> statement-breakpoint
CREATE INDEX "subscribers_tenant_phone_idx" ON "subscribers" USING btree ("tenant_id","phone");--> statement-breakpoint
CREATE INDEX "subscribers_tenant_created_idx" ON "subscribers" USING btree ("tenant_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "subscribers_tenant_status_expiry_idx" ON "subscribers" USING btree ("tenant_id","status","expires_at");--> statement-breakpoint
CREATE INDEX "subscribers_expiring_idx" ON "subscribers" USING btree ("expires_at") WHERE "subscribers"."status" = 'active';--> statement-breakpoint
CREATE INDEX "subscribers_name_search" ON "subscribers" USING gin (to_tsvector('simple', "name"));--> statement-breakpoint
CREATE POLICY "packages_tenant_isolation" ON "packages" AS PERMISSIVE FOR ALL TO "mtandao_app" USING (tenant_id IN (SELECT visible.id FROM tenants visible)) WITH CHECK (tenant_id IN (SELECT visible.id FROM tenants visible));--> statement-breakpoint
CREATE POLICY "provisioning_jobs_tenant_isolation" ON "provisioning_jobs" AS PERMISSIVE FOR ALL TO "mtandao_app" USING (tenant_id IN (SELECT visible.id FROM tenants visible)) WITH CHECK (tenant_id IN (SELECT visible.id FROM tenants visible));--> statement-breakpoint
CREATE POLICY "routers_tenant_isolation" ON "routers" AS PERMISSIVE FOR ALL TO "mtandao_app" USING (tenant_id IN (SELECT visible.id FROM tenants visible)) WITH CHECK (tenant_id IN (SELECT visible.id FROM tenants visible));--> statement-breakpoint
CREATE POLICY "subscribers_tenant_isolation" ON "subscribers" AS PERMISSIVE FOR ALL TO "mtandao_app" USING (tenant_id IN (SELECT visible.id FROM tenants visible)) WITH CHECK (tenant_id IN (SELECT visible.id FROM tenants visible));