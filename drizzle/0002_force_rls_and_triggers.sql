-- FORCE makes the policies apply to the tables' owner too (superusers still skip them, which is
-- why every request also switches to mtandao_app: see withScope in src/lib/server/db/scope.ts).
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE users FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE sessions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE invitations FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
-- The audit log is append-only for the application.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM mtandao_app;
--> statement-breakpoint
-- A tenant's path is its parent's path plus itself, copied here so no caller can forge it.
-- The parent is read with the caller's rights: an invisible parent gives no path and the insert fails.
CREATE FUNCTION tenants_fill_path() RETURNS trigger
	LANGUAGE plpgsql SET search_path = pg_catalog, public
AS $$
BEGIN
	IF NEW.parent_id IS NULL THEN
		NEW.path := ARRAY[NEW.id];
	ELSE
		SELECT path || NEW.id INTO NEW.path FROM tenants WHERE id = NEW.parent_id;
		IF NEW.path IS NULL THEN
			RAISE EXCEPTION 'parent tenant % is not visible', NEW.parent_id USING ERRCODE = '42501';
		END IF;
	END IF;
	RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER tenants_fill_path BEFORE INSERT ON tenants FOR EACH ROW EXECUTE FUNCTION tenants_fill_path();
--> statement-breakpoint
-- Moving a tenant would leave its descendants' paths stale; the product never moves one.
CREATE FUNCTION tenants_freeze_tree() RETURNS trigger
	LANGUAGE plpgsql SET search_path = pg_catalog, public
AS $$
BEGIN
	IF NEW.parent_id IS DISTINCT FROM OLD.parent_id OR NEW.path IS DISTINCT FROM OLD.path OR NEW.id <> OLD.id THEN
		RAISE EXCEPTION 'a tenant cannot be moved' USING ERRCODE = '42501';
	END IF;
	RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER tenants_freeze_tree BEFORE UPDATE ON tenants FOR EACH ROW EXECUTE FUNCTION tenants_freeze_tree();
--> statement-breakpoint
-- The platform root: every tenant hangs under it, and the platform admin's scope is it.
INSERT INTO tenants (id, parent_id, path, name, slug, kind)
VALUES ('00000000-0000-4000-8000-000000000000', NULL, '{}', 'Mtandao', 'platform', 'platform');
