-- The search index: one row per published article, written by content/search in the same
-- transaction as the publish or unpublish that causes it. Terms are computed in Go (Polish
-- stemming, diacritic folding), so the tsvector holds ready lexemes and needs no text
-- search configuration on the server. Visibility is filtered with audiences && allowed.
CREATE TABLE article_search (
    article_id  bigint PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    kind        text NOT NULL,
    section_id  bigint NOT NULL,
    category_id bigint NOT NULL,
    audiences   text[] NOT NULL,
    title       text NOT NULL,
    plain       text NOT NULL,
    tsv         tsvector NOT NULL,
    updated_at  timestamptz NOT NULL
);
CREATE INDEX article_search_tsv_idx ON article_search USING gin (tsv);
CREATE INDEX article_search_audiences_idx ON article_search USING gin (audiences);

-- The words of indexed articles (folded), for typo correction with trigram similarity.
CREATE TABLE search_words (
    word text PRIMARY KEY
);
CREATE INDEX search_words_trgm_idx ON search_words USING gin (word gin_trgm_ops);
