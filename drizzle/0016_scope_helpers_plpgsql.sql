-- The scope helpers run once per table reference in every statement (each row-level security
-- policy asks for the scope). As SQL functions with a SET clause they cannot be inlined and their
-- bodies were planned afresh at each call site, about 0.15 ms each; as PL/pgSQL their plans are
-- cached for the session. Same results as before.
CREATE OR REPLACE FUNCTION app_scope_value(kind text) RETURNS text
	LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public
AS $$
DECLARE
	claimed text := app_scope();
BEGIN
	IF claimed LIKE kind || ':%' THEN
		RETURN substr(claimed, length(kind) + 2);
	END IF;
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app_scope_tenant() RETURNS uuid
	LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public
AS $$
DECLARE
	v text := app_scope_value('tenant');
BEGIN
	IF v ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
		RETURN v::uuid;
	END IF;
	RETURN NULL;
END
$$;
