CREATE TABLE "mpesa_callbacks" (
	"tenant_id" uuid NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "mpesa_callbacks_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"kind" text NOT NULL,
	"body" text NOT NULL,
	"remote_address" text,
	"reference" text,
	"outcome" text DEFAULT 'received' NOT NULL,
	"payment_id" uuid,
	"note" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mpesa_callbacks_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "mpesa_callbacks" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "payments" (
	"tenant_id" uuid NOT NULL,
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"source" text NOT NULL,
	"channel" text NOT NULL,
	"status" text NOT NULL,
	"subscriber_id" uuid,
	"package_id" uuid,
	"phone" text NOT NULL,
	"amount_kes" integer NOT NULL,
	"account_reference" text,
	"shortcode" text,
	"merchant_request_id" text,
	"checkout_request_id" text,
	"receipt" text,
	"result_code" integer,
	"result_desc" text,
	"note" text,
	"payer_name" text,
	"initiated_by" uuid,
	"device" jsonb,
	"query_attempts" integer DEFAULT 0 NOT NULL,
	"next_query_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"settled_at" timestamp with time zone,
	CONSTRAINT "payments_amount_positive" CHECK ("payments"."amount_kes" > 0)
);
--> statement-breakpoint
ALTER TABLE "payments" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "rate_limits" (
	"key" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"hits" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "rate_limits_key_window_start_pk" PRIMARY KEY("key","window_start")
);
--> statement-breakpoint
ALTER TABLE "mpesa_callbacks" ADD CONSTRAINT "mpesa_callbacks_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_initiated_by_users_id_fk" FOREIGN KEY ("initiated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "mpesa_callbacks_tenant_received_idx" ON "mpesa_callbacks" USING btree ("tenant_id","received_at" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "mpesa_callbacks_reference_idx" ON "mpesa_callbacks" USING btree ("tenant_id","reference");--> statement-breakpoint
CREATE UNIQUE INDEX "payments_checkout_request_key" ON "payments" USING btree ("checkout_request_id");--> statement-breakpoint
CREATE UNIQUE INDEX "payments_tenant_receipt_key" ON "payments" USING btree ("tenant_id","receipt");--> statement-breakpoint
CREATE INDEX "payments_tenant_created_idx" ON "payments" USING btree ("tenant_id","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "payments_tenant_status_created_idx" ON "payments" USING btree ("tenant_id","status","created_at" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "payments_subscriber_idx" ON "payments" USING btree ("subscriber_id","created_at");--> statement-breakpoint
CREATE INDEX "payments_due_query_idx" ON "payments" USING btree ("next_query_at") WHERE "payments"."status" = 'pending';--> statement-breakpoint
CREATE POLICY "mpesa_callbacks_tenant_isolation" ON "mpesa_callbacks" AS PERMISSIVE FOR ALL TO "mtandao_app" USING (tenant_id IN (SELECT visible.id FROM tenants visible)) WITH CHECK (tenant_id IN (SELECT visible.id FROM tenants visible));--> statement-breakpoint
CREATE POLICY "payments_tenant_isolation" ON "payments" AS PERMISSIVE FOR ALL TO "mtandao_app" USING (tenant_id IN (SELECT visible.id FROM tenants visible)) WITH CHECK (tenant_id IN (SELECT visible.id FROM tenants visible));