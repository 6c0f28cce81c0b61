DROP INDEX tickets_kind_status_idx;
