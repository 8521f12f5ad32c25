CREATE TABLE "mpesa_settings" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"shortcode" text NOT NULL,
	"till_number" text,
	"consumer_key_enc" text NOT NULL,
	"consumer_secret_enc" text NOT NULL,
	"passkey_enc" text NOT NULL,
	"environment" text DEFAULT 'sandbox' NOT NULL,
	"base_url" text,
	"callback_token" text NOT NULL,
	"callback_ip_allowlist" text[],
	"strict_validation" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid,
	CONSTRAINT "mpesa_settings_shortcode_shape" CHECK ("mpesa_settings"."shortcode" ~ '^[0-9]{5,7}$'),
	CONSTRAINT "mpesa_settings_till_shape" CHECK ("mpesa_settings"."till_number" is null or "mpesa_settings"."till_number" ~ '^[0-9]{5,8}$')
);
--> statement-breakpoint
ALTER TABLE "mpesa_settings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "mpesa_settings" ADD CONSTRAINT "mpesa_settings_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mpesa_settings" ADD CONSTRAINT "mpesa_settings_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "mpesa_settings_callback_token_key" ON "mpesa_settings" USING btree ("callback_token");--> statement-breakpoint
CREATE POLICY "mpesa_settings_tenant_isolation" ON "mpesa_settings" AS PERMISSIVE FOR ALL TO "mtandao_app" USING (tenant_id IN (SELECT visible.id FROM tenants visible)) WITH CHECK (tenant_id IN (SELECT visible.id FROM tenants visible));