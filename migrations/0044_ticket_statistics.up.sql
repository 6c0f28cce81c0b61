-- The inbox's filters are correlated: unassigned tickets are nearly all new or open, new
-- tickets are recent, account-type requests have their own rhythm. Without knowing that,
-- the planner may walk a date index hoping for matches that never come (e.g. "unassigned
-- and closed"). Multi-column statistics tell it how the values go together.
CREATE STATISTICS tickets_status_assignee_stats (mcv, ndistinct, dependencies) ON status, assignee_id FROM tickets;
CREATE STATISTICS tickets_status_kind_stats (mcv, ndistinct, dependencies) ON status, kind FROM tickets;

-- Unassigned tickets by last activity: activity mostly happens on assigned tickets, so a
-- walk of the general index would pass many of them first.
CREATE INDEX tickets_unassigned_updated_idx ON tickets (updated_at DESC, id DESC) WHERE assignee_id IS NULL;
