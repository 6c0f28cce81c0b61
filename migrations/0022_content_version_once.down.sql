CREATE OR REPLACE FUNCTION content_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE content_version SET version = version + 1;
    PERFORM pg_notify('helpcenter_content', '');
    RETURN NULL;
END
$$;
