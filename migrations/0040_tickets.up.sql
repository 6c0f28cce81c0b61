-- Requests: full-text search, the account-type decision, who wrote each message, agent
-- settings, and the indexes that keep the inbox and "My activities" fast at a million
-- tickets (see internal/ticket/doc.go and docs/benchmarks.md for the query plans).

-- Words are matched without diacritics ("usuniete" finds "usunięte") and without stemming;
-- the service expands query words into prefixes to cover Polish inflection.
CREATE TEXT SEARCH CONFIGURATION ticket_search (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION ticket_search
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part WITH unaccent, simple;

-- search holds the words of the subject and of every message (internal notes included: it
-- serves the staff inbox only). Positions are stripped: the inbox sorts by date, not rank.
ALTER TABLE tickets
    ADD COLUMN search tsvector NOT NULL DEFAULT ''::tsvector,
    ADD COLUMN decision text CHECK (decision IN ('approved', 'declined')),
    ADD COLUMN decided_by bigint REFERENCES users (id) ON DELETE SET NULL,
    ADD COLUMN decided_at timestamptz,
    ADD CONSTRAINT tickets_requested_type_check
        CHECK ((kind = 'account_type_change') = (requested_account_type IS NOT NULL)),
    ADD CONSTRAINT tickets_solved_at_check CHECK (status NOT IN ('solved', 'closed') OR solved_at IS NOT NULL);

-- from_staff tells a staff reply from the requester's own words even when the author
-- account is gone (authors may be deleted) or imported.
-- external_seq is a message's place in an imported conversation, so a re-import updates
-- the messages it brought and keeps those written in the help center since.
ALTER TABLE ticket_messages
    ADD COLUMN from_staff boolean NOT NULL DEFAULT false,
    ADD COLUMN external_seq integer,
    ADD CONSTRAINT ticket_messages_external_seq_key UNIQUE (ticket_id, external_seq);
CREATE INDEX ticket_messages_author_idx ON ticket_messages (author_id) WHERE author_id IS NOT NULL;

CREATE INDEX tickets_search_idx ON tickets USING gin (search);
CREATE INDEX tickets_updated_idx ON tickets (updated_at DESC, id DESC);
CREATE INDEX tickets_status_updated_idx ON tickets (status, updated_at DESC, id DESC);
-- The working queue (new, open, pending) is a small part of all tickets; partial indexes
-- keep "unsolved", "unsolved and mine" and "unsolved and unassigned" fast in every order.
CREATE INDEX tickets_unsolved_idx ON tickets (created_at DESC, id DESC)
    WHERE status IN ('new', 'open', 'pending');
CREATE INDEX tickets_unsolved_updated_idx ON tickets (updated_at DESC, id DESC)
    WHERE status IN ('new', 'open', 'pending');
CREATE INDEX tickets_unsolved_assignee_idx ON tickets (assignee_id, created_at DESC, id DESC)
    WHERE status IN ('new', 'open', 'pending');
CREATE INDEX tickets_assignee_status_idx ON tickets (assignee_id, status, created_at DESC, id DESC);
-- Account-type requests are rare among questions.
CREATE INDEX tickets_kind_idx ON tickets (kind, created_at DESC, id DESC) WHERE kind <> 'question';
-- The auto-close job picks solved tickets by when they were solved.
CREATE INDEX tickets_solved_at_idx ON tickets (solved_at) WHERE status = 'solved';

-- Per-agent preferences of the inbox.
CREATE TABLE ticket_agent_settings (
    user_id     bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    notify_new  boolean NOT NULL DEFAULT false,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
