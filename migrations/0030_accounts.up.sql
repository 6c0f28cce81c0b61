-- Sign-in state kept in PostgreSQL so that every instance sees the same sessions, limits
-- and pending social sign-ins.

-- Server-side sessions of signed-in users. The cookie carries a random secret; only its
-- SHA-256 is stored, so a copy of this table signs nobody in. Sessions are looked up by
-- user when a password changes or a user is blocked (sign-out everywhere).
CREATE TABLE sessions (
    id_hash       bytea PRIMARY KEY,
    user_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token    text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    ip            text NOT NULL DEFAULT '',
    user_agent    text NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

-- Fixed-window counters for the sign-in, password and registration limits, shared by all
-- instances. A key is e.g. 'login:ip:203.0.113.7' or 'login:email:anna@example.com'.
CREATE TABLE rate_limits (
    key           text NOT NULL,
    window_start  timestamptz NOT NULL,
    hits          integer NOT NULL DEFAULT 0,
    expires_at    timestamptz NOT NULL,
    PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_limits_expires_idx ON rate_limits (expires_at);

-- Social sign-ins between the redirect to the provider and its callback: the state
-- (hashed, also kept in a cookie of the same browser), the OIDC nonce and the PKCE verifier.
CREATE TABLE oauth_states (
    state_hash    bytea PRIMARY KEY,
    provider      text NOT NULL,
    nonce         text NOT NULL,
    verifier      text NOT NULL,
    next_path     text NOT NULL DEFAULT '/',
    expires_at    timestamptz NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX oauth_states_expires_idx ON oauth_states (expires_at);

-- A token may carry what its purpose needs, e.g. the social identity that an e-mail
-- confirmation will link.
ALTER TABLE email_tokens ADD COLUMN data jsonb;
