-- Reader engagement: comments that staff answer, hide or turn into requests; votes of
-- signed-in users and of visitors' browsers; article view counts; the search log with
-- click-through; and suggestions opened from the request form (deflection).

-- from_staff is decided when the comment is written (the author could moderate), so the
-- "support team" mark stays right when the author later leaves the team. ticket_id links
-- a comment that staff turned into a request.
ALTER TABLE comments
    ADD COLUMN from_staff boolean NOT NULL DEFAULT false,
    ADD COLUMN hidden_by bigint REFERENCES users (id) ON DELETE SET NULL,
    ADD COLUMN ticket_id bigint REFERENCES tickets (id) ON DELETE SET NULL,
    ADD CONSTRAINT comments_body_length CHECK (char_length(body) BETWEEN 1 AND 5000);
-- The comment rate limit counts an author's recent comments.
CREATE INDEX comments_author_idx ON comments (author_id, created_at DESC);
CREATE INDEX comments_parent_idx ON comments (parent_id) WHERE parent_id IS NOT NULL;

ALTER TABLE votes ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

-- Visitors vote once per browser: voter is the SHA-256 of a random cookie value, so the
-- table holds nothing that identifies a person.
CREATE TABLE anonymous_votes (
    article_id  bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    voter       bytea NOT NULL CHECK (length(voter) = 32),
    helpful     boolean NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (article_id, voter)
);

-- Views per article and day, added up in memory and written in batches.
CREATE TABLE article_views (
    article_id  bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    day         date NOT NULL,
    views       bigint NOT NULL CHECK (views >= 0),
    PRIMARY KEY (article_id, day)
);
CREATE INDEX article_views_day_idx ON article_views (day, article_id);

-- Every search a reader runs (portal and API), with the number of results the reader got
-- and the article they opened from the results, if any. normalized groups spellings
-- (letter case, spaces, Polish diacritics) for the reports.
CREATE TABLE search_log (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at                  timestamptz NOT NULL DEFAULT now(),
    query               text NOT NULL CHECK (char_length(query) <= 256),
    normalized          text NOT NULL,
    results             integer NOT NULL CHECK (results >= 0),
    source              text NOT NULL CHECK (source IN ('portal', 'api')),
    reader              text NOT NULL CHECK (reader IN ('anonymous', 'customer', 'staff', 'token')),
    clicked_article_id  bigint REFERENCES articles (id) ON DELETE SET NULL,
    clicked_at          timestamptz
);
CREATE INDEX search_log_at_idx ON search_log (at DESC);
CREATE INDEX search_log_normalized_idx ON search_log (normalized, at DESC);

-- Articles opened from the live suggestions of the request form. request_sent_at is set
-- when the same browser (or user) sends a request afterwards; an open without it is a
-- question answered without a request (deflection).
CREATE TABLE suggestion_opens (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    opened_at        timestamptz NOT NULL DEFAULT now(),
    article_id       bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    query            text NOT NULL CHECK (char_length(query) <= 256),
    visitor          bytea,
    user_id          bigint REFERENCES users (id) ON DELETE SET NULL,
    request_sent_at  timestamptz
);
CREATE INDEX suggestion_opens_at_idx ON suggestion_opens (opened_at DESC);
CREATE INDEX suggestion_opens_visitor_idx ON suggestion_opens (visitor, opened_at DESC) WHERE visitor IS NOT NULL;
CREATE INDEX suggestion_opens_user_idx ON suggestion_opens (user_id, opened_at DESC) WHERE user_id IS NOT NULL;
