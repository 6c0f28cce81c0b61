CREATE TEXT SEARCH CONFIGURATION ticket_search (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION ticket_search
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part WITH unaccent, simple;
DROP INDEX tickets_unsolved_search_idx, tickets_unassigned_unsolved_idx, tickets_unassigned_status_idx, tickets_unassigned_idx;
