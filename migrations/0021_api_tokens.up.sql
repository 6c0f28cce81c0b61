-- API tokens for frontends and scripts. Only the SHA-256 of the secret is stored. The
-- audiences a token reads are policy lines ('p', 'token:<id>', 'audience:<a>', 'read')
-- written in the same transaction; a staff token acts with its staff role instead.
CREATE TABLE api_tokens (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    token_hash    bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    staff_role    text REFERENCES staff_roles (key) ON UPDATE CASCADE,
    created_by    bigint REFERENCES users (id) ON DELETE SET NULL,
    created_by_label text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz,
    revoked_at    timestamptz,
    last_used_at  timestamptz
);
CREATE INDEX api_tokens_created_idx ON api_tokens (created_at DESC, id DESC);
