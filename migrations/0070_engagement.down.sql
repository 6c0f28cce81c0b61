DROP TABLE IF EXISTS suggestion_opens;
DROP TABLE IF EXISTS search_log;
DROP TABLE IF EXISTS article_views;
DROP TABLE IF EXISTS anonymous_votes;
ALTER TABLE votes DROP COLUMN IF EXISTS updated_at;
DROP INDEX IF EXISTS comments_parent_idx;
DROP INDEX IF EXISTS comments_author_idx;
ALTER TABLE comments
    DROP CONSTRAINT IF EXISTS comments_body_length,
    DROP COLUMN IF EXISTS ticket_id,
    DROP COLUMN IF EXISTS hidden_by,
    DROP COLUMN IF EXISTS from_staff;
