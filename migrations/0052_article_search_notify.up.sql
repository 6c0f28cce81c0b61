-- A change of the search index is a change of what readers get: it bumps the content
-- version and notifies every instance (content_changed, migration 0020), so cached search
-- results are dropped everywhere even when no article row changed with it.
CREATE TRIGGER article_search_content_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON article_search
    FOR EACH STATEMENT EXECUTE FUNCTION content_changed();
