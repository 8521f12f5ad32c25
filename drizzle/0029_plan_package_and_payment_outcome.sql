ALTER TABLE "payments" ADD COLUMN "bought_package_id" uuid;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "bought_price_kes" integer;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "wallet_after_kes" integer;--> statement-breakpoint
ALTER TABLE "subscribers" ADD COLUMN "plan_package_id" uuid;--> statement-breakpoint
ALTER TABLE "subscribers" ADD CONSTRAINT "subscribers_plan_package_fk" FOREIGN KEY ("tenant_id","plan_package_id") REFERENCES "public"."packages"("tenant_id","id") ON DELETE restrict ON UPDATE no action;