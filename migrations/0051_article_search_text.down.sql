ALTER INDEX article_search_tsv_idx RESET (fastupdate);
CREATE INDEX article_search_audiences_idx ON article_search USING gin (audiences);
ALTER TABLE article_search ADD COLUMN title text NOT NULL DEFAULT '', ADD COLUMN plain text NOT NULL DEFAULT '';
UPDATE article_search s SET title = t.title, plain = t.plain FROM article_search_text t WHERE t.article_id = s.article_id;
ALTER TABLE article_search ALTER COLUMN title DROP DEFAULT, ALTER COLUMN plain DROP DEFAULT;
DROP TABLE article_search_text;
