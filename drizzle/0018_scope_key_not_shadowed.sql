-- app_scope() runs as its owner and read the signing key from "app_scope_keys" through a search
-- path without pg_temp in it, and such a path searches the session's temporary schema first: a
-- session running as the app role could create a temporary table app_scope_keys holding a key of
-- its own and sign any scope it liked. The key table is now named with its schema, and pg_temp
-- comes last in the path, as the Postgres manual asks of SECURITY DEFINER functions.
CREATE OR REPLACE FUNCTION app_scope() RETURNS text
	LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
	claimed text := current_setting('app.scope', true);
	signature text := current_setting('app.scope_sig', true);
	secret text;
BEGIN
	IF claimed IS NULL OR claimed = '' OR signature IS NULL THEN
		RETURN NULL;
	END IF;
	SELECT key INTO secret FROM public.app_scope_keys;
	IF encode(sha256(convert_to(secret || '|' || claimed, 'UTF8')), 'hex') = signature THEN
		RETURN claimed;
	END IF;
	RETURN NULL;
END
$$;
--> statement-breakpoint
-- The helpers every row-level security policy calls run as the caller and name what they call
-- with its schema, so they need no SET clause: a function with one is called through a wrapper
-- that saves and restores the settings at each call, and the policies call these once per table
-- in every statement. app_scope_tenant reads the scope itself rather than through
-- app_scope_value. Same results as before.
CREATE OR REPLACE FUNCTION app_scope_value(kind text) RETURNS text
	LANGUAGE plpgsql STABLE
AS $$
DECLARE
	claimed text := public.app_scope();
BEGIN
	IF claimed LIKE kind || ':%' THEN
		RETURN substr(claimed, length(kind) + 2);
	END IF;
	RETURN NULL;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_scope_value(text) RESET ALL;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app_scope_tenant() RETURNS uuid
	LANGUAGE plpgsql STABLE
AS $$
DECLARE
	claimed text := public.app_scope();
BEGIN
	IF claimed ~ '^tenant:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
		RETURN substr(claimed, 8)::uuid;
	END IF;
	RETURN NULL;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app_scope_tenant() RESET ALL;
