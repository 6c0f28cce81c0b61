-- Bump the content version (and notify) once per transaction instead of once per
-- statement: a large import used to update the one version row tens of thousands of
-- times in one transaction, and each update had to walk the chain of the row's earlier
-- versions, so imports slowed down quadratically. One bump per transaction is all the
-- caches need: they only have to see that something changed when the change commits.
CREATE OR REPLACE FUNCTION content_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('helpcenter.content_changed_in', true) IS DISTINCT FROM txid_current()::text THEN
        UPDATE content_version SET version = version + 1;
        PERFORM pg_notify('helpcenter_content', '');
        PERFORM set_config('helpcenter.content_changed_in', txid_current()::text, true);
    END IF;
    RETURN NULL;
END
$$;
