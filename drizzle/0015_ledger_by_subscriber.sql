DROP INDEX "ledger_entries_subscriber_idx";--> statement-breakpoint
CREATE INDEX "ledger_entries_subscriber_idx" ON "ledger_entries" USING btree ("subscriber_id","id");