-- The starting schema: accounts, the knowledge base and support requests.
CREATE EXTENSION IF NOT EXISTS citext;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;

-- Account types decide which audiences a customer reads; each has an audience of the same key.
CREATE TABLE account_types (
    key         text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_]{1,39}$'),
    label_pl    text NOT NULL,
    label_en    text NOT NULL,
    position    integer NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO account_types (key, label_pl, label_en, position) VALUES
    ('accountant', 'Księgowy', 'Accountant', 1),
    ('office_client', 'Klient Biura', 'Office client', 2),
    ('partner', 'Partner Handlowy', 'Sales partner', 3);

CREATE TABLE users (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email               citext NOT NULL UNIQUE,
    name                text NOT NULL DEFAULT '',
    password_hash       text,
    password_changed_at timestamptz,
    account_type        text REFERENCES account_types (key) ON UPDATE CASCADE,
    staff_role          text,
    source              text NOT NULL DEFAULT 'registered' CHECK (source IN ('support_email', 'registered', 'social', 'admin')),
    email_verified_at   timestamptz,
    blocked_at          timestamptz,
    external_id         text UNIQUE,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_account_type_idx ON users (account_type) WHERE account_type IS NOT NULL;
CREATE INDEX users_staff_role_idx ON users (staff_role) WHERE staff_role IS NOT NULL;
CREATE INDEX users_name_trgm_idx ON users USING gin (name gin_trgm_ops);

-- Social sign-in identities linked to a user.
CREATE TABLE identities (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider    text NOT NULL,
    subject     text NOT NULL,
    email       citext,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (provider, subject)
);
CREATE INDEX identities_user_idx ON identities (user_id);

-- One-time links sent by e-mail; only the SHA-256 of the secret is stored.
CREATE TABLE email_tokens (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose     text NOT NULL,
    token_hash  bytea NOT NULL UNIQUE,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX email_tokens_user_idx ON email_tokens (user_id, purpose);
CREATE INDEX email_tokens_expires_idx ON email_tokens (expires_at);

CREATE TABLE categories (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug        text NOT NULL UNIQUE,
    name        text NOT NULL,
    description text NOT NULL DEFAULT '',
    position    integer NOT NULL DEFAULT 0,
    external_id text UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sections (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    category_id bigint NOT NULL REFERENCES categories (id),
    slug        text NOT NULL UNIQUE,
    name        text NOT NULL,
    description text NOT NULL DEFAULT '',
    position    integer NOT NULL DEFAULT 0,
    audiences   text[] NOT NULL DEFAULT '{public}',
    external_id text UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sections_category_idx ON sections (category_id, position);
CREATE INDEX sections_audiences_idx ON sections USING gin (audiences);

CREATE TABLE articles (
    id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    section_id            bigint NOT NULL REFERENCES sections (id),
    slug                  text NOT NULL UNIQUE,
    kind                  text NOT NULL DEFAULT 'article' CHECK (kind IN ('article', 'faq')),
    state                 text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'in_review', 'published', 'archived')),
    audiences             text[] NOT NULL DEFAULT '{public}',
    tags                  text[] NOT NULL DEFAULT '{}',
    publish_at            timestamptz,
    published_at          timestamptz,
    current_revision_id   bigint,
    published_revision_id bigint,
    author_id             bigint REFERENCES users (id) ON DELETE SET NULL,
    external_id           text UNIQUE,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX articles_section_idx ON articles (section_id);
CREATE INDEX articles_audiences_idx ON articles USING gin (audiences);
CREATE INDEX articles_tags_idx ON articles USING gin (tags);
CREATE INDEX articles_published_idx ON articles (updated_at DESC, id DESC) WHERE published_revision_id IS NOT NULL;
CREATE INDEX articles_publish_at_idx ON articles (publish_at) WHERE publish_at IS NOT NULL;

-- Every save is a revision; readers get published_revision_id while editors work on newer ones.
CREATE TABLE article_revisions (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    article_id  bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    number      integer NOT NULL,
    title       text NOT NULL,
    body_md     text NOT NULL DEFAULT '',
    body_html   text NOT NULL DEFAULT '',
    author_id   bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (article_id, number)
);
ALTER TABLE articles
    ADD FOREIGN KEY (current_revision_id) REFERENCES article_revisions (id) DEFERRABLE INITIALLY DEFERRED,
    ADD FOREIGN KEY (published_revision_id) REFERENCES article_revisions (id) DEFERRABLE INITIALLY DEFERRED;

-- Slugs an article had before, so old links keep working (they redirect).
CREATE TABLE article_slugs (
    slug        text PRIMARY KEY,
    article_id  bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE comments (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    article_id  bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    author_id   bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    parent_id   bigint REFERENCES comments (id) ON DELETE CASCADE,
    body        text NOT NULL,
    hidden_at   timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX comments_article_idx ON comments (article_id, created_at);

CREATE TABLE votes (
    article_id  bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    helpful     boolean NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (article_id, user_id)
);

CREATE TABLE tickets (
    id                      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    requester_id            bigint NOT NULL REFERENCES users (id),
    subject                 text NOT NULL,
    status                  text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'open', 'pending', 'solved', 'closed')),
    channel                 text NOT NULL DEFAULT 'web' CHECK (channel IN ('web', 'email', 'api')),
    kind                    text NOT NULL DEFAULT 'question' CHECK (kind IN ('question', 'account_type_change')),
    requested_account_type  text REFERENCES account_types (key) ON UPDATE CASCADE,
    assignee_id             bigint REFERENCES users (id) ON DELETE SET NULL,
    external_id             text UNIQUE,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    solved_at               timestamptz
);
CREATE INDEX tickets_requester_idx ON tickets (requester_id, created_at DESC, id DESC);
CREATE INDEX tickets_status_idx ON tickets (status, created_at DESC, id DESC);
CREATE INDEX tickets_assignee_idx ON tickets (assignee_id, created_at DESC, id DESC);
CREATE INDEX tickets_created_idx ON tickets (created_at DESC, id DESC);

CREATE TABLE ticket_messages (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ticket_id   bigint NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    author_id   bigint REFERENCES users (id) ON DELETE SET NULL,
    body        text NOT NULL,
    internal    boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ticket_messages_ticket_idx ON ticket_messages (ticket_id, created_at);

-- Links between FAQ articles and the tickets they were written from.
CREATE TABLE article_sources (
    article_id  bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    ticket_id   bigint NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    PRIMARY KEY (article_id, ticket_id)
);
CREATE INDEX article_sources_ticket_idx ON article_sources (ticket_id);

-- Every staff action, with what changed.
CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor_id    bigint REFERENCES users (id) ON DELETE SET NULL,
    actor       text NOT NULL,
    action      text NOT NULL,
    object      text NOT NULL,
    before      jsonb,
    after       jsonb,
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_object_idx ON audit_log (object, at DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, at DESC);
