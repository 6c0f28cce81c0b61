DELETE FROM casbin_rule WHERE v0 LIKE 'token:%';
DROP TABLE IF EXISTS api_tokens;
