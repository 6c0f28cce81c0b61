ALTER TABLE users DROP CONSTRAINT IF EXISTS users_staff_role_fkey;
DROP TRIGGER IF EXISTS account_types_changed ON account_types;
DROP TABLE IF EXISTS staff_roles, casbin_rule, policy_version;
DROP FUNCTION IF EXISTS policy_changed();
