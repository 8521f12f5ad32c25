-- The scope's signature was sha256(key || '|' || scope): the same value in every transaction, for
-- ever, readable by anything running in a request (current_setting('app.scope_sig')). Captured
-- once, it opened that scope from any later transaction.
--
-- Now the app asks app_enter_scope(scope, expires, signature) for a scope, with an HMAC-SHA256
-- over the scope and an expiry a couple of minutes ahead. The function checks it and stores, for
-- the current transaction only, an HMAC over the scope, this backend and this transaction's start
-- time; app_scope() accepts only that. A signature read from one transaction opens nothing in
-- another. HMAC is built from sha256() (pgcrypto's hmac() is not in every deployment nor in
-- PGlite's default build): HMAC(K, m) = sha256((K' xor opad) || sha256((K' xor ipad) || m)), with
-- the padded keys kept beside the key.
CREATE FUNCTION app_scope_key_pad(key text, pad integer) RETURNS bytea
	LANGUAGE plpgsql IMMUTABLE STRICT SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	k bytea := convert_to(key, 'UTF8');
	padded bytea;
BEGIN
	IF length(k) > 64 THEN
		k := sha256(k);
	END IF;
	k := k || decode(repeat('00', 64 - length(k)), 'hex');
	padded := k;
	FOR i IN 0..63 LOOP
		padded := set_byte(padded, i, get_byte(k, i) # pad);
	END LOOP;
	RETURN padded;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_scope_key_pad(text, integer) FROM PUBLIC;
--> statement-breakpoint
ALTER TABLE app_scope_keys
	ADD COLUMN inner_pad bytea GENERATED ALWAYS AS (app_scope_key_pad(key, 54)) STORED,
	ADD COLUMN outer_pad bytea GENERATED ALWAYS AS (app_scope_key_pad(key, 92)) STORED;
--> statement-breakpoint
CREATE FUNCTION app_enter_scope(claim text, expires bigint, signature text) RETURNS boolean
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	now_s bigint := extract(epoch FROM clock_timestamp())::bigint;
	k record;
BEGIN
	SELECT inner_pad, outer_pad INTO k FROM public.app_scope_keys;
	-- Expired, or dated further ahead than the app ever signs: refused either way.
	IF claim IS NULL OR claim = '' OR expires IS NULL OR signature IS NULL OR expires < now_s OR expires > now_s + 300
		OR encode(sha256(k.outer_pad || sha256(k.inner_pad || convert_to('enter|' || expires::text || '|' || claim, 'UTF8'))), 'hex') <> signature THEN
		RAISE EXCEPTION 'scope signature refused' USING ERRCODE = '42501';
	END IF;
	PERFORM set_config('app.scope', claim, true);
	PERFORM set_config('app.scope_sig', encode(sha256(k.outer_pad || sha256(k.inner_pad || convert_to(
		'bound|' || pg_backend_pid()::text || '|' || (extract(epoch FROM transaction_timestamp()) * 1000000)::bigint::text || '|' || claim,
		'UTF8'))), 'hex'), true);
	RETURN true;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_enter_scope(text, bigint, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_enter_scope(text, bigint, text) TO mtandao_app;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app_scope() RETURNS text
	LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	claimed text := current_setting('app.scope', true);
	signature text := current_setting('app.scope_sig', true);
	k record;
BEGIN
	IF claimed IS NULL OR claimed = '' OR signature IS NULL OR signature = '' THEN
		RETURN NULL;
	END IF;
	SELECT inner_pad, outer_pad INTO k FROM public.app_scope_keys;
	IF encode(sha256(k.outer_pad || sha256(k.inner_pad || convert_to(
		'bound|' || pg_backend_pid()::text || '|' || (extract(epoch FROM transaction_timestamp()) * 1000000)::bigint::text || '|' || claimed,
		'UTF8'))), 'hex') = signature THEN
		RETURN claimed;
	END IF;
	RETURN NULL;
END
$$;
--> statement-breakpoint
-- The helpers every policy calls pin their search path too: what they call cannot be swapped by a
-- caller that puts a schema of its own ahead of pg_catalog.
CREATE OR REPLACE FUNCTION app_scope_value(kind text) RETURNS text
	LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
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
CREATE OR REPLACE FUNCTION app_scope_tenant() RETURNS uuid
	LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
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
-- Postgres 15 and later already refuse it; older ones let every role create objects in public,
-- where they could stand in for what an unqualified name in a function or policy means.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
