-- Deleting a user sets tickets.decided_by to NULL; without an index every deletion would
-- read the whole tickets table.
CREATE INDEX tickets_decided_by_idx ON tickets (decided_by) WHERE decided_by IS NOT NULL;
