-- Byte order, so a prefix is a plain range (term >= 'kam' and term < 'kan') whatever the locale.
ALTER TABLE subscriber_search_terms ALTER COLUMN term TYPE text COLLATE "C";
--> statement-breakpoint
CREATE FUNCTION subscribers_index_name() RETURNS trigger
	LANGUAGE plpgsql SET search_path = pg_catalog, public
AS $$
BEGIN
	IF TG_OP = 'UPDATE' THEN
		IF NEW.name IS NOT DISTINCT FROM OLD.name THEN
			RETURN NEW;
		END IF;
		DELETE FROM subscriber_search_terms WHERE subscriber_id = NEW.id;
	END IF;
	INSERT INTO subscriber_search_terms (tenant_id, term, subscriber_id)
	SELECT DISTINCT NEW.tenant_id, word, NEW.id
	FROM regexp_split_to_table(lower(NEW.name), '[^[:alnum:]]+') AS word
	WHERE word <> '';
	RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER subscribers_index_name AFTER INSERT OR UPDATE OF name ON subscribers
	FOR EACH ROW EXECUTE FUNCTION subscribers_index_name();
--> statement-breakpoint
INSERT INTO subscriber_search_terms (tenant_id, term, subscriber_id)
SELECT DISTINCT s.tenant_id, word, s.id
FROM subscribers s, regexp_split_to_table(lower(s.name), '[^[:alnum:]]+') AS word
WHERE word <> '';
--> statement-breakpoint
ALTER TABLE subscriber_search_terms FORCE ROW LEVEL SECURITY;
