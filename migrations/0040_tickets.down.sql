DROP TABLE ticket_agent_settings;
DROP INDEX tickets_solved_at_idx, tickets_kind_idx, tickets_assignee_status_idx, tickets_unsolved_assignee_idx,
    tickets_unsolved_updated_idx, tickets_unsolved_idx, tickets_status_updated_idx, tickets_updated_idx,
    tickets_search_idx, ticket_messages_author_idx;
ALTER TABLE ticket_messages DROP CONSTRAINT ticket_messages_external_seq_key, DROP COLUMN external_seq, DROP COLUMN from_staff;
ALTER TABLE tickets
    DROP CONSTRAINT tickets_solved_at_check,
    DROP CONSTRAINT tickets_requested_type_check,
    DROP COLUMN decided_at,
    DROP COLUMN decided_by,
    DROP COLUMN decision,
    DROP COLUMN search;
DROP TEXT SEARCH CONFIGURATION ticket_search;
