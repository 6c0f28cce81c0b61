DROP TRIGGER IF EXISTS categories_content_changed ON categories;
DROP TRIGGER IF EXISTS sections_content_changed ON sections;
DROP TRIGGER IF EXISTS articles_content_changed ON articles;
DROP TRIGGER IF EXISTS article_slugs_content_changed ON article_slugs;
DROP TRIGGER IF EXISTS comments_content_changed ON comments;
DROP FUNCTION IF EXISTS content_changed();
DROP TABLE IF EXISTS content_version;
DROP INDEX IF EXISTS articles_edited_idx, categories_position_idx, articles_section_published_idx, article_slugs_article_idx, article_revisions_article_idx;
ALTER TABLE categories DROP CONSTRAINT IF EXISTS categories_slug_format;
ALTER TABLE sections DROP CONSTRAINT IF EXISTS sections_slug_format;
ALTER TABLE articles
    DROP CONSTRAINT IF EXISTS articles_archived_unpublished,
    DROP CONSTRAINT IF EXISTS articles_published_has_revision,
    DROP CONSTRAINT IF EXISTS articles_schedule_complete,
    DROP CONSTRAINT IF EXISTS articles_slug_format,
    DROP COLUMN IF EXISTS scheduled_revision_id,
    DROP COLUMN IF EXISTS edited_at;
