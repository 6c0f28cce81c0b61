DROP TRIGGER IF EXISTS search_synonyms_changed ON search_synonyms;
DROP FUNCTION IF EXISTS search_synonyms_changed();
DROP TABLE IF EXISTS search_synonyms;
