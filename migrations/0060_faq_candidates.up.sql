-- Recurring questions (internal/faqdraft): groups of tickets that ask the same thing, as the
-- last full recomputation found them, so the console and the API read a few precomputed rows
-- however many tickets there are. A job recomputes them periodically and on request; new
-- tickets are placed into existing groups between runs.

-- One row per group, ranked by how often and how recently the question was asked.
CREATE TABLE faq_candidate_groups (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- rank is the group's position by score in the run that made it (1 = asked most).
    rank                integer NOT NULL,
    -- question stands for the group: a cleaned question built from its tickets.
    question            text NOT NULL,
    representative_id   bigint NOT NULL,
    -- sample_ticket_ids are the most recently asked tickets, newest first (at most 100);
    -- faq_candidate_members lists them all.
    sample_ticket_ids   bigint[] NOT NULL,
    ticket_count        integer NOT NULL CHECK (ticket_count > 0),
    first_asked_at      timestamptz NOT NULL,
    last_asked_at       timestamptz NOT NULL,
    score               double precision NOT NULL,
    terms               text[] NOT NULL DEFAULT '{}',
    -- A group is covered when a published article answers it: one written from its tickets
    -- (source), one that staff replies in its tickets link to (link), or one the search
    -- index finds for its question (search).
    covered_article_id  bigint REFERENCES articles (id) ON DELETE SET NULL,
    covered_by          text CHECK (covered_by IN ('source', 'link', 'search')),
    coverage_score      real,
    -- draft_article_id is an unpublished FAQ already written from the group's tickets.
    draft_article_id    bigint REFERENCES articles (id) ON DELETE SET NULL,
    updated_at          timestamptz NOT NULL DEFAULT now()
);
-- The list shows the gaps first, then the covered groups, each by rank.
CREATE INDEX faq_candidate_groups_list_idx ON faq_candidate_groups (((covered_article_id IS NOT NULL)), rank, id);

-- Every grouped ticket and its group. It is derived data rewritten by each run, so it has
-- no foreign keys: a deleted ticket simply stops matching anything.
CREATE TABLE faq_candidate_members (
    ticket_id  bigint PRIMARY KEY,
    group_id   bigint NOT NULL
);
CREATE INDEX faq_candidate_members_group_idx ON faq_candidate_members (group_id);

-- The full recomputations: when, over how many tickets, and up to which ticket, so that
-- tickets that arrive later can be placed until the next run.
CREATE TABLE faq_candidate_runs (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    started_at      timestamptz NOT NULL,
    finished_at     timestamptz NOT NULL,
    tickets         integer NOT NULL,
    grouped         integer NOT NULL,
    groups          integer NOT NULL,
    last_ticket_id  bigint NOT NULL,
    duration_ms     integer NOT NULL,
    cpu_ms          integer NOT NULL
);

-- The requesters told that a FAQ written from their tickets is published: once each.
CREATE TABLE faq_notifications (
    article_id  bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    mail_id     bigint,
    sent_by     bigint REFERENCES users (id) ON DELETE SET NULL,
    sent_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (article_id, user_id)
);
