-- The unassigned queue, searching the working queue, and search terms from Go.
--
-- "assignee_id IS NULL" is not an equality, so an index led by
-- assignee_id cannot return unassigned tickets in date order; partial indexes can.
CREATE INDEX tickets_unassigned_idx ON tickets (created_at DESC, id DESC) WHERE assignee_id IS NULL;
CREATE INDEX tickets_unassigned_status_idx ON tickets (status, created_at DESC, id DESC) WHERE assignee_id IS NULL;
CREATE INDEX tickets_unassigned_unsolved_idx ON tickets (created_at DESC, id DESC)
    WHERE assignee_id IS NULL AND status IN ('new', 'open', 'pending');

-- Searching the working queue: its own (small) index of words, so that a word common in
-- old tickets but absent from open ones costs nothing.
CREATE INDEX tickets_unsolved_search_idx ON tickets USING gin (search) WHERE status IN ('new', 'open', 'pending');

-- Search terms are computed by internal/polish (stems, folded diacritics) and stored with
-- array_to_tsvector, so the dictionary configuration of migration 0040 is not used.
DROP TEXT SEARCH CONFIGURATION ticket_search;
