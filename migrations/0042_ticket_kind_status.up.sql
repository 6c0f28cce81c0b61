-- Account-type requests by status (e.g. the new, unassigned ones): the few such tickets in
-- date order, without intersecting the large per-status indexes.
CREATE INDEX tickets_kind_status_idx ON tickets (kind, status, created_at DESC, id DESC) WHERE kind <> 'question';
