-- Casbin policies, with a version bumped (and a notification sent) on every change so
-- that every running instance reloads at once.
CREATE TABLE casbin_rule (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ptype   text NOT NULL,
    v0      text NOT NULL DEFAULT '',
    v1      text NOT NULL DEFAULT '',
    v2      text NOT NULL DEFAULT '',
    v3      text NOT NULL DEFAULT '',
    v4      text NOT NULL DEFAULT '',
    v5      text NOT NULL DEFAULT '',
    UNIQUE (ptype, v0, v1, v2, v3, v4, v5)
);

CREATE TABLE policy_version (
    id       boolean PRIMARY KEY DEFAULT true CHECK (id),
    version  bigint NOT NULL
);
INSERT INTO policy_version (version) VALUES (1);

CREATE FUNCTION policy_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE policy_version SET version = version + 1;
    PERFORM pg_notify('helpcenter_policy', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER casbin_rule_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON casbin_rule
    FOR EACH STATEMENT EXECUTE FUNCTION policy_changed();
CREATE TRIGGER account_types_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON account_types
    FOR EACH STATEMENT EXECUTE FUNCTION policy_changed();

-- Staff roles are data too (custom roles may be added); the built-in ones cannot be deleted.
CREATE TABLE staff_roles (
    key       text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_]{1,39}$'),
    label_pl  text NOT NULL,
    label_en  text NOT NULL,
    builtin   boolean NOT NULL DEFAULT false
);
INSERT INTO staff_roles (key, label_pl, label_en, builtin) VALUES
    ('admin', 'Administrator', 'Administrator', true),
    ('editor', 'Redaktor', 'Editor', true),
    ('agent', 'Konsultant', 'Support agent', true);
ALTER TABLE users ADD FOREIGN KEY (staff_role) REFERENCES staff_roles (key) ON UPDATE CASCADE;
CREATE TRIGGER staff_roles_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON staff_roles
    FOR EACH STATEMENT EXECUTE FUNCTION policy_changed();

-- Default visibility: visitors read public; signed-in users also signed_in; each account
-- type its own audience; staff everything.
INSERT INTO casbin_rule (ptype, v0, v1, v2) VALUES
    ('p', 'anonymous', 'audience:public', 'read'),
    ('p', 'signed_in', 'audience:public', 'read'),
    ('p', 'signed_in', 'audience:signed_in', 'read'),
    ('p', 'type:accountant', 'audience:accountant', 'read'),
    ('p', 'type:office_client', 'audience:office_client', 'read'),
    ('p', 'type:partner', 'audience:partner', 'read'),
    ('p', 'role:admin', 'audience:*', 'read'),
    ('p', 'role:editor', 'audience:*', 'read'),
    ('p', 'role:agent', 'audience:*', 'read');

-- Default staff permissions.
INSERT INTO casbin_rule (ptype, v0, v1, v2)
SELECT 'p', 'role:admin', split_part(perm, ':', 1), split_part(perm, ':', 2)
FROM unnest(ARRAY['article:edit', 'article:publish', 'structure:manage', 'comment:moderate',
    'ticket:read', 'ticket:reply', 'ticket:assign', 'user:read', 'user:manage', 'policy:manage',
    'token:manage', 'audit:read', 'mail:read']) AS perm;
INSERT INTO casbin_rule (ptype, v0, v1, v2)
SELECT 'p', 'role:editor', split_part(perm, ':', 1), split_part(perm, ':', 2)
FROM unnest(ARRAY['article:edit', 'article:publish', 'structure:manage', 'comment:moderate',
    'ticket:read', 'user:read', 'audit:read']) AS perm;
INSERT INTO casbin_rule (ptype, v0, v1, v2)
SELECT 'p', 'role:agent', split_part(perm, ':', 1), split_part(perm, ':', 2)
FROM unnest(ARRAY['article:edit', 'comment:moderate', 'ticket:read', 'ticket:reply',
    'ticket:assign', 'user:read']) AS perm;
