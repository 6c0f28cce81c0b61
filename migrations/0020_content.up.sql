-- Knowledge base: publishing rules the database keeps by itself, scheduled publication,
-- and a content version that every instance watches to drop its read caches.

-- Readers see an article exactly when it has a published revision. Unpublishing and
-- archiving clear it; "published" always has one. While a newer revision of a live
-- article is edited or reviewed the state says so and readers keep the published one.
-- updated_at is when readers' view last changed (publishing, metadata); edited_at is the
-- last save of any kind, for the console's lists.
ALTER TABLE articles
    ADD COLUMN edited_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN scheduled_revision_id bigint REFERENCES article_revisions (id) DEFERRABLE INITIALLY DEFERRED,
    ADD CONSTRAINT articles_archived_unpublished CHECK (state <> 'archived' OR published_revision_id IS NULL),
    ADD CONSTRAINT articles_published_has_revision CHECK (state <> 'published' OR published_revision_id IS NOT NULL),
    ADD CONSTRAINT articles_schedule_complete CHECK ((publish_at IS NULL) = (scheduled_revision_id IS NULL)),
    ADD CONSTRAINT articles_slug_format CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND slug ~ '[a-z]');
ALTER TABLE categories ADD CONSTRAINT categories_slug_format CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND slug ~ '[a-z]');
ALTER TABLE sections ADD CONSTRAINT sections_slug_format CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND slug ~ '[a-z]');

CREATE INDEX categories_position_idx ON categories (position, id);
CREATE INDEX articles_section_published_idx ON articles (section_id, updated_at DESC, id DESC) WHERE published_revision_id IS NOT NULL;
CREATE INDEX articles_edited_idx ON articles (edited_at DESC, id DESC);
CREATE INDEX article_slugs_article_idx ON article_slugs (article_id);
CREATE INDEX article_revisions_article_idx ON article_revisions (article_id, number DESC);

-- The content version goes up with every statement that changes what readers may get;
-- the notification tells every instance to drop its cached responses at once.
CREATE TABLE content_version (
    id       boolean PRIMARY KEY DEFAULT true CHECK (id),
    version  bigint NOT NULL
);
INSERT INTO content_version (version) VALUES (1);

CREATE FUNCTION content_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE content_version SET version = version + 1;
    PERFORM pg_notify('helpcenter_content', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER categories_content_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON categories
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed();
CREATE TRIGGER sections_content_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sections
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed();
CREATE TRIGGER articles_content_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON articles
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed();
CREATE TRIGGER article_slugs_content_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON article_slugs
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed();
CREATE TRIGGER comments_content_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON comments
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed();
