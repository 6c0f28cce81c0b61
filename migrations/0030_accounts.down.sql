ALTER TABLE email_tokens DROP COLUMN IF EXISTS data;
DROP TABLE IF EXISTS oauth_states, rate_limits, sessions;
