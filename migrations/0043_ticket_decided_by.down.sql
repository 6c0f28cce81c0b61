DROP INDEX tickets_decided_by_idx;
