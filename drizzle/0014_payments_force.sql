ALTER TABLE payments FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE mpesa_callbacks FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
-- A payment is never deleted; a callback body is kept exactly as it came.
REVOKE DELETE, TRUNCATE ON payments FROM mtandao_app;
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON mpesa_callbacks FROM mtandao_app;
--> statement-breakpoint
GRANT UPDATE (outcome, payment_id, note, reference) ON mpesa_callbacks TO mtandao_app;
