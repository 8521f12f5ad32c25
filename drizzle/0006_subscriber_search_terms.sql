CREATE TABLE "subscriber_search_terms" (
	"tenant_id" uuid NOT NULL,
	"term" text NOT NULL,
	"subscriber_id" uuid NOT NULL,
	CONSTRAINT "subscriber_search_terms_tenant_id_term_subscriber_id_pk" PRIMARY KEY("tenant_id","term","subscriber_id")
);
--> statement-breakpoint
ALTER TABLE "subscriber_search_terms" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
DROP INDEX "subscribers_name_search";--> statement-breakpoint
ALTER TABLE "subscriber_search_terms" ADD CONSTRAINT "subscriber_search_terms_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "subscriber_search_terms_subscriber_idx" ON "subscriber_search_terms" USING btree ("subscriber_id");--> statement-breakpoint
CREATE INDEX "subscribers_tenant_account_range_idx" ON "subscribers" USING btree ("tenant_id","account_number" collate "C");--> statement-breakpoint
CREATE POLICY "subscriber_search_terms_tenant_isolation" ON "subscriber_search_terms" AS PERMISSIVE FOR ALL TO "mtandao_app" USING (tenant_id IN (SELECT visible.id FROM tenants visible)) WITH CHECK (tenant_id IN (SELECT visible.id FROM tenants visible));