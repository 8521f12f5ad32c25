ALTER TABLE "routers" ADD COLUMN "last_reconciled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "routers" ADD COLUMN "last_reconcile_summary" text;