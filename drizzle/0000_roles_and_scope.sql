-- Roles and the signed request scope. Hand-written: drizzle-kit does not manage functions.
--
-- Requests run as mtandao_app: it owns nothing and has no BYPASSRLS, so every tenant table's
-- policies apply to it. Its view is decided by the setting app.scope ("tenant:<uuid>",
-- "login:<email or phone>", "session:<id>", "invite:<id>"), which only counts when app.scope_sig
-- is sha256(key || '|' || scope) for a key the app role cannot read. Code running inside a
-- request therefore cannot read another tenant by calling set_config itself.
DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'mtandao_app') THEN
		CREATE ROLE mtandao_app NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOLOGIN;
	END IF;
END
$$;
--> statement-breakpoint
CREATE TABLE app_scope_keys (
	singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
	key text NOT NULL
);
--> statement-breakpoint
REVOKE ALL ON app_scope_keys FROM PUBLIC;
--> statement-breakpoint
INSERT INTO app_scope_keys (key) VALUES (replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''));
--> statement-breakpoint
CREATE FUNCTION app_scope() RETURNS text
	LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
DECLARE
	claimed text := current_setting('app.scope', true);
	signature text := current_setting('app.scope_sig', true);
	secret text;
BEGIN
	IF claimed IS NULL OR claimed = '' OR signature IS NULL THEN
		RETURN NULL;
	END IF;
	SELECT key INTO secret FROM app_scope_keys;
	IF encode(sha256(convert_to(secret || '|' || claimed, 'UTF8')), 'hex') = signature THEN
		RETURN claimed;
	END IF;
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE FUNCTION app_scope_value(kind text) RETURNS text
	LANGUAGE sql STABLE SET search_path = pg_catalog, public
AS $$
	SELECT CASE WHEN app_scope() LIKE kind || ':%' THEN substr(app_scope(), length(kind) + 2) END
$$;
--> statement-breakpoint
CREATE FUNCTION app_scope_tenant() RETURNS uuid
	LANGUAGE sql STABLE SET search_path = pg_catalog, public
AS $$
	SELECT CASE WHEN v ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN v::uuid END
	FROM (SELECT app_scope_value('tenant') AS v) s
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_scope() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_scope(), app_scope_value(text), app_scope_tenant() TO mtandao_app;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO mtandao_app;
--> statement-breakpoint
-- Tables created later by the owner are usable by the app role; their policies decide which rows.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO mtandao_app;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO mtandao_app;
