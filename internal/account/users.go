package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/audit"
	"github.com/helpcenter/helpcenter/policy"
)

// Where a user came from.
const (
	SourceSupportEmail = "support_email" // created from a request sent by e-mail (a contact)
	SourceRegistered   = "registered"    // registered in the help center
	SourceSocial       = "social"        // first signed in with Google, Microsoft or Facebook
	SourceAdmin        = "admin"         // created by staff or on the command line
)

// User is a person known to the help center.
type User struct {
	ID    int64  `bun:"id" json:"id"`
	Email string `bun:"email" json:"email"`
	Name  string `bun:"name" json:"name"`
	// AccountType decides which customer audiences the user reads; "" = none set yet.
	AccountType string `bun:"account_type" json:"account_type"`
	// StaffRole is admin, editor, agent (or a custom role); "" for customers.
	StaffRole       string     `bun:"staff_role" json:"staff_role"`
	Source          string     `bun:"source" json:"source"`
	HasPassword     bool       `bun:"has_password" json:"has_password"`
	Providers       []string   `bun:"providers,array" json:"providers"` // linked social sign-in providers
	EmailVerifiedAt *time.Time `bun:"email_verified_at" json:"email_verified_at"`
	BlockedAt       *time.Time `bun:"blocked_at" json:"blocked_at"`
	ExternalID      string     `bun:"external_id" json:"external_id"`
	CreatedAt       time.Time  `bun:"created_at" json:"created_at"`
	UpdatedAt       time.Time  `bun:"updated_at" json:"updated_at"`
}

// IsContact reports whether the user has never been able to sign in.
func (u *User) IsContact() bool { return !u.HasPassword && len(u.Providers) == 0 }

// Blocked reports whether staff blocked the user.
func (u *User) Blocked() bool { return u.BlockedAt != nil }

// Subject is the user as the policy sees them.
func (u *User) Subject() policy.Subject {
	return policy.Subject{UserID: u.ID, AccountType: u.AccountType, StaffRole: u.StaffRole, Name: u.DisplayName(), Email: u.Email}
}

// DisplayName is the name, or the e-mail address when no name is known.
func (u *User) DisplayName() string {
	if u.Name != "" {
		return u.Name
	}
	return u.Email
}

// userColumns selects a User from "users u".
const userColumns = `u.id, u.email, u.name, coalesce(u.account_type, '') AS account_type,
	coalesce(u.staff_role, '') AS staff_role, u.source, u.password_hash IS NOT NULL AS has_password,
	coalesce((SELECT array_agg(i.provider ORDER BY i.provider) FROM identities i WHERE i.user_id = u.id), '{}') AS providers,
	u.email_verified_at, u.blocked_at, coalesce(u.external_id, '') AS external_id, u.created_at, u.updated_at`

// errNoUser is returned by the lookups when nobody matches.
var errNoUser = apperr.NotFoundf("Nie ma takiego użytkownika.")

func userWhere(ctx context.Context, idb bun.IDB, where string, args ...any) (*User, error) {
	var u User
	err := idb.NewRaw("SELECT "+userColumns+" FROM users u WHERE "+where, args...).Scan(ctx, &u)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoUser
	}
	if err != nil {
		return nil, err
	}
	if u.Providers == nil {
		u.Providers = []string{}
	}
	return &u, nil
}

func userByID(ctx context.Context, idb bun.IDB, id int64) (*User, error) {
	return userWhere(ctx, idb, "u.id = ?", id)
}

// userByEmail finds a user by address in any letter case (the column is citext).
func userByEmail(ctx context.Context, idb bun.IDB, email string) (*User, error) {
	return userWhere(ctx, idb, "u.email = ?::citext", email)
}

// Me returns the signed-in user behind s.
func (s *Service) Me(ctx context.Context, subject policy.Subject) (*User, error) {
	if subject.UserID == 0 {
		return nil, apperr.New(apperr.Unauthorized, "Zaloguj się, aby kontynuować.")
	}
	return userByID(ctx, s.db.Bun, subject.UserID)
}

// UserByEmail finds a user by address in any letter case; trusted callers only (the
// command line, other services). It answers NotFound when nobody has the address.
func (s *Service) UserByEmail(ctx context.Context, email string) (*User, error) {
	return userByEmail(ctx, s.db.Bun, strings.TrimSpace(email))
}

// UserByID returns one user to staff with user:read, or to the user themselves.
func (s *Service) UserByID(ctx context.Context, actor policy.Subject, id int64) (*User, error) {
	if actor.UserID != id || actor.TokenID != 0 {
		if err := s.policy.Require(actor, policy.UserRead); err != nil {
			return nil, err
		}
	}
	return userByID(ctx, s.db.Bun, id)
}

// ParseEmail checks an e-mail address typed by a person and returns it trimmed. The
// letter case is kept as typed; comparisons ignore it.
func ParseEmail(field, raw string) (string, error) {
	e := strings.TrimSpace(raw)
	if e == "" {
		return "", apperr.InvalidFields(apperr.Field(field, "Podaj adres e-mail."))
	}
	bad := apperr.InvalidFields(apperr.Field(field, "Podaj poprawny adres e-mail, np. anna.kowalska@example.com."))
	if len(e) > 254 || strings.ContainsAny(e, " \t\r\n<>\"(),;:\\[]") {
		return "", bad
	}
	a, err := mail.ParseAddress(e)
	if err != nil || a.Address != e {
		return "", bad
	}
	local, domain, ok := strings.Cut(e, "@")
	if !ok || local == "" || len(local) > 64 || !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") ||
		strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") {
		return "", bad
	}
	return e, nil
}

// ParseName checks a person's name; required says whether it may be empty.
func ParseName(field, raw string, required bool) (string, error) {
	n := strings.Join(strings.Fields(raw), " ")
	switch {
	case n == "" && required:
		return "", apperr.InvalidFields(apperr.Field(field, "Podaj imię i nazwisko."))
	case utf8.RuneCountInString(n) > 200:
		return "", apperr.InvalidFields(apperr.Field(field, "Imię i nazwisko może mieć najwyżej 200 znaków."))
	case strings.IndexFunc(n, unicode.IsControl) >= 0:
		return "", apperr.InvalidFields(apperr.Field(field, "Imię i nazwisko zawiera niedozwolone znaki."))
	}
	return n, nil
}

// checkAccountType accepts "" (none) or a configured account type.
func checkAccountType(ctx context.Context, idb bun.IDB, key string) error {
	if key == "" {
		return nil
	}
	ok, err := idb.NewSelect().Table("account_types").Where("key = ?", key).Exists(ctx)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.InvalidFields(apperr.Field("account_type", fmt.Sprintf("Nie ma typu konta %q.", key)))
	}
	return nil
}

// checkStaffRole accepts "" (customer) or a configured staff role.
func checkStaffRole(ctx context.Context, idb bun.IDB, key string) error {
	if key == "" {
		return nil
	}
	ok, err := idb.NewSelect().Table("staff_roles").Where("key = ?", key).Exists(ctx)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.InvalidFields(apperr.Field("staff_role", fmt.Sprintf("Nie ma roli %q.", key)))
	}
	return nil
}

// EnsureContact returns the user with this address, creating a contact (no password,
// source support_email) when nobody has it. Call it inside the transaction that records
// what the person sent (a request, a message). A known user keeps their name unless it
// was empty. Blocked users are returned as they are; the caller decides.
func (s *Service) EnsureContact(ctx context.Context, idb bun.IDB, email, name string) (*User, error) {
	return ensureContact(ctx, idb, email, name, SourceSupportEmail)
}

func ensureContact(ctx context.Context, idb bun.IDB, email, name, source string) (*User, error) {
	email, err := ParseEmail("email", email)
	if err != nil {
		return nil, err
	}
	if name, err = ParseName("name", name, false); err != nil {
		return nil, err
	}
	var id int64
	err = idb.NewRaw(`INSERT INTO users (email, name, source) VALUES (?, ?, ?)
		ON CONFLICT (email) DO UPDATE SET name = CASE WHEN users.name = '' THEN EXCLUDED.name ELSE users.name END,
			updated_at = CASE WHEN users.name = '' AND EXCLUDED.name <> '' THEN now() ELSE users.updated_at END
		RETURNING id`, email, name, source).Scan(ctx, &id)
	if err != nil {
		return nil, fmt.Errorf("ensure contact: %w", err)
	}
	return userByID(ctx, idb, id)
}

// NewUser is what creating a user takes.
type NewUser struct {
	Email, Name string
	AccountType string // "" = none
	StaffRole   string // "" = customer
	// Password is optional; without one the user is a contact until they use a link.
	Password string
}

// CreateUser creates a user on behalf of staff with user:manage.
func (s *Service) CreateUser(ctx context.Context, actor policy.Subject, in NewUser) (*User, error) {
	if err := s.policy.Require(actor, policy.UserManage); err != nil {
		return nil, err
	}
	return s.createUser(ctx, actor, in)
}

// BootstrapUser creates a user without a permission check. Only trusted callers use it:
// the command line (`helpcenter user create`) and the demo set-up.
func (s *Service) BootstrapUser(ctx context.Context, in NewUser) (*User, error) {
	return s.createUser(ctx, audit.System, in)
}

func (s *Service) createUser(ctx context.Context, actor audit.Actor, in NewUser) (*User, error) {
	var problems []apperr.FieldError
	email, err := ParseEmail("email", in.Email)
	problems = appendFields(problems, err)
	name, err := ParseName("name", in.Name, false)
	problems = appendFields(problems, err)
	if in.Password != "" {
		problems = appendFields(problems, CheckPassword(in.Password, email, name))
	}
	if err := apperr.InvalidFields(problems...); err != nil {
		return nil, err
	}
	var hash *string
	if in.Password != "" {
		h, err := s.hasher.hash(in.Password)
		if err != nil {
			return nil, err
		}
		hash = &h
	}
	var u *User
	err = s.db.Bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := checkAccountType(ctx, tx, in.AccountType); err != nil {
			return err
		}
		if err := checkStaffRole(ctx, tx, in.StaffRole); err != nil {
			return err
		}
		var id int64
		err := tx.NewRaw(`INSERT INTO users (email, name, account_type, staff_role, source, password_hash, password_changed_at, email_verified_at)
			VALUES (?, ?, NULLIF(?, ''), NULLIF(?, ''), ?, ?, CASE WHEN ?::text IS NULL THEN NULL ELSE now() END, NULL)
			ON CONFLICT (email) DO NOTHING RETURNING id`,
			email, name, in.AccountType, in.StaffRole, SourceAdmin, hash, hash).Scan(ctx, &id)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.InvalidFields(apperr.Field("email", "Użytkownik z tym adresem już istnieje."))
		}
		if err != nil {
			return err
		}
		if u, err = userByID(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, "user.create", userObject(id), nil, auditView(u))
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

func appendFields(problems []apperr.FieldError, err error) []apperr.FieldError {
	if ae := apperr.As(err); ae != nil {
		return append(problems, ae.Fields...)
	}
	return problems
}

func userObject(id int64) string { return fmt.Sprintf("user:%d", id) }

// auditView is what the audit log keeps of a user (no secrets).
func auditView(u *User) map[string]any {
	return map[string]any{"email": u.Email, "name": u.Name, "account_type": u.AccountType,
		"staff_role": u.StaffRole, "blocked": u.Blocked()}
}

// UserFilter selects users for staff; zero fields do not filter.
type UserFilter struct {
	// Query matches e-mail or name (substring, any case).
	Query       string
	AccountType string
	StaffRole   string
	// StaffOnly keeps users with any staff role.
	StaffOnly bool
	// BeforeID pages back: users with a smaller id.
	BeforeID int64
	// Limit is at most 100; 20 when zero.
	Limit int
}

// FindUsers lists users newest first for staff with user:read.
func (s *Service) FindUsers(ctx context.Context, actor policy.Subject, f UserFilter) ([]User, error) {
	if err := s.policy.Require(actor, policy.UserRead); err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > 100 {
		f.Limit = 20
	}
	where, args := []string{"true"}, []any{}
	if q := strings.TrimSpace(f.Query); q != "" {
		where = append(where, "(u.email ILIKE ? OR u.name ILIKE ?)")
		like := "%" + escapeLike(q) + "%"
		args = append(args, like, like)
	}
	if f.AccountType != "" {
		where, args = append(where, "u.account_type = ?"), append(args, f.AccountType)
	}
	if f.StaffRole != "" {
		where, args = append(where, "u.staff_role = ?"), append(args, f.StaffRole)
	}
	if f.StaffOnly {
		where = append(where, "u.staff_role IS NOT NULL")
	}
	if f.BeforeID > 0 {
		where, args = append(where, "u.id < ?"), append(args, f.BeforeID)
	}
	args = append(args, f.Limit)
	out := []User{}
	err := s.db.Bun.NewRaw("SELECT "+userColumns+" FROM users u WHERE "+strings.Join(where, " AND ")+
		" ORDER BY u.id DESC LIMIT ?", args...).Scan(ctx, &out)
	if err != nil {
		return nil, err
	}
	return out, nil
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// UserUpdate changes a user; nil fields stay as they are, "" clears a type or role.
type UserUpdate struct {
	Name        *string
	AccountType *string
	StaffRole   *string
	Blocked     *bool
}

// UpdateUser changes a user's name, account type, staff role or blocked flag, for staff
// with user:manage. Blocking signs the user out everywhere at once. Staff cannot block
// themselves or take away their own staff role, the last active admin can be neither
// demoted nor blocked, and only holders of policy:manage grant or remove the admin role
// (user:manage alone must not be a way up to every permission).
func (s *Service) UpdateUser(ctx context.Context, actor policy.Subject, id int64, up UserUpdate) (*User, error) {
	if err := s.policy.Require(actor, policy.UserManage); err != nil {
		return nil, err
	}
	var after *User
	err := s.db.Bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		before, err := userWhere(ctx, tx, "u.id = ? FOR UPDATE OF u", id)
		if err != nil {
			return err
		}
		var problems []apperr.FieldError
		set, args := []string{"updated_at = now()"}, []any{}
		if up.Name != nil {
			name, err := ParseName("name", *up.Name, false)
			problems = appendFields(problems, err)
			set, args = append(set, "name = ?"), append(args, name)
		}
		if up.AccountType != nil {
			if err := checkAccountType(ctx, tx, *up.AccountType); err != nil {
				if apperr.CodeOf(err) != apperr.Invalid {
					return err
				}
				problems = appendFields(problems, err)
			}
			set, args = append(set, "account_type = NULLIF(?, '')"), append(args, *up.AccountType)
		}
		if up.StaffRole != nil {
			if err := checkStaffRole(ctx, tx, *up.StaffRole); err != nil {
				if apperr.CodeOf(err) != apperr.Invalid {
					return err
				}
				problems = appendFields(problems, err)
			}
			if actor.UserID == id && *up.StaffRole != before.StaffRole {
				problems = append(problems, apperr.Field("staff_role", "Nie możesz zmienić własnej roli."))
			}
			set, args = append(set, "staff_role = NULLIF(?, '')"), append(args, *up.StaffRole)
		}
		if up.Blocked != nil {
			if actor.UserID == id && *up.Blocked {
				problems = append(problems, apperr.Field("blocked", "Nie możesz zablokować własnego konta."))
			}
			if *up.Blocked {
				set = append(set, "blocked_at = coalesce(blocked_at, now())")
			} else {
				set = append(set, "blocked_at = NULL")
			}
		}
		if up.StaffRole != nil && (*up.StaffRole == "admin") != (before.StaffRole == "admin") && !s.policy.Can(actor, policy.PolicyManage) {
			problems = append(problems, apperr.Field("staff_role", "Rolę administratora nadaje i odbiera tylko osoba z uprawnieniem policy:manage."))
		}
		if err := apperr.InvalidFields(problems...); err != nil {
			return err
		}
		losesAdmin := before.StaffRole == "admin" && !before.Blocked() &&
			((up.StaffRole != nil && *up.StaffRole != "admin") || (up.Blocked != nil && *up.Blocked))
		if losesAdmin {
			// Lock the admins so that two concurrent demotions cannot both pass the check.
			var others int
			if err := tx.NewRaw("SELECT count(*) FROM (SELECT id FROM users WHERE staff_role = 'admin' AND blocked_at IS NULL AND id <> ? FOR UPDATE) a", id).Scan(ctx, &others); err != nil {
				return err
			}
			if others == 0 {
				return apperr.Conflictf("To ostatni aktywny administrator: najpierw nadaj rolę administratora komuś innemu.")
			}
		}
		args = append(args, id)
		if _, err := tx.NewRaw("UPDATE users SET "+strings.Join(set, ", ")+" WHERE id = ?", args...).Exec(ctx); err != nil {
			return err
		}
		if up.Blocked != nil && *up.Blocked {
			if err := endUserSessions(ctx, tx, id); err != nil {
				return err
			}
		}
		if after, err = userByID(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, "user.update", userObject(id), auditView(before), auditView(after))
	})
	if err != nil {
		return nil, err
	}
	return after, nil
}
