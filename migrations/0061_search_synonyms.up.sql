-- Staff-edited synonym groups for search (internal/synonyms), added to the built-in ones.
-- Search expands queries with them, so a change needs no re-indexing; every instance
-- reloads them on the helpcenter_synonyms notification, and the content version moves so
-- that cached search results are dropped everywhere.
CREATE TABLE search_synonyms (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    position    integer NOT NULL,
    phrases     text[] NOT NULL CHECK (cardinality(phrases) >= 2),
    updated_by  bigint REFERENCES users (id) ON DELETE SET NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- The reload notification goes first: an instance then has the new synonyms before the
-- content notification makes it drop its cached results.
CREATE FUNCTION search_synonyms_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('helpcenter_synonyms', '');
    -- As content_changed() does: one content version bump per transaction.
    IF current_setting('helpcenter.content_changed_in', true) IS DISTINCT FROM txid_current()::text THEN
        UPDATE content_version SET version = version + 1;
        PERFORM pg_notify('helpcenter_content', '');
        PERFORM set_config('helpcenter.content_changed_in', txid_current()::text, true);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER search_synonyms_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON search_synonyms
    FOR EACH STATEMENT EXECUTE FUNCTION search_synonyms_changed();
