-- Searches read many index rows and only a page of texts: the texts move to their own
-- table so the index rows stay small.
CREATE TABLE article_search_text (
    article_id bigint PRIMARY KEY REFERENCES article_search (article_id) ON DELETE CASCADE,
    title      text NOT NULL,
    plain      text NOT NULL
);
INSERT INTO article_search_text (article_id, title, plain) SELECT article_id, title, plain FROM article_search;
ALTER TABLE article_search DROP COLUMN title, DROP COLUMN plain;
-- Searches always match text first and then check audiences on the (small) rows; with an
-- index on audiences the planner would rather read every visible article and test its
-- large vector, which is many times slower.
DROP INDEX article_search_audiences_idx;
-- No fast-update pending list: after a bulk import it would hold thousands of entries
-- that every search scans one by one until a vacuum merges them. Articles are published
-- one at a time, so the slower insert does not matter.
ALTER INDEX article_search_tsv_idx SET (fastupdate = off);
SELECT gin_clean_pending_list('article_search_tsv_idx'::regclass);
