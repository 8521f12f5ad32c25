CREATE TABLE "agent_sync_items" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"result" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agent_sync_items_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "agent_sync_items" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "subscribers" ADD COLUMN "id_number" text;--> statement-breakpoint
ALTER TABLE "subscribers" ADD COLUMN "notes" text;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "agents_take_cash" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "agent_sync_items" ADD CONSTRAINT "agent_sync_items_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_entries_tenant_cash_receipt_key" ON "ledger_entries" USING btree ("tenant_id","reference") WHERE "ledger_entries"."kind" = 'cash' and "ledger_entries"."reference" is not null;--> statement-breakpoint
CREATE INDEX "ledger_entries_tenant_cash_idx" ON "ledger_entries" USING btree ("tenant_id","created_at") WHERE "ledger_entries"."kind" = 'cash';--> statement-breakpoint
ALTER TABLE "subscribers" ADD CONSTRAINT "subscribers_id_number_length" CHECK (char_length("subscribers"."id_number") <= 20);--> statement-breakpoint
ALTER TABLE "subscribers" ADD CONSTRAINT "subscribers_notes_length" CHECK (char_length("subscribers"."notes") <= 500);--> statement-breakpoint
CREATE POLICY "agent_sync_items_tenant_isolation" ON "agent_sync_items" AS PERMISSIVE FOR ALL TO "mtandao_app" USING (tenant_id IN (SELECT visible.id FROM tenants visible)) WITH CHECK (tenant_id IN (SELECT visible.id FROM tenants visible));