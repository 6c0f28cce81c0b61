package policy

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"

	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/db"
)

//go:embed model.conf
var modelText string

// Built-in audiences; every account type adds one of its own key.
const (
	AudiencePublic   = "public"
	AudienceSignedIn = "signed_in"
	AudienceStaff    = "staff"
)

// Permission is a staff action checked against the policy: a resource and an action.
type Permission struct{ Object, Action string }

func (p Permission) String() string { return p.Object + ":" + p.Action }

// ParsePermission reads "object:action".
func ParsePermission(s string) (Permission, bool) {
	obj, act, ok := strings.Cut(s, ":")
	if !ok || obj == "" || act == "" || strings.HasPrefix(obj, "audience") {
		return Permission{}, false
	}
	return Permission{obj, act}, true
}

// The staff permissions. Roles get them through policy lines "p, role:<r>, <obj>, <act>".
var (
	ArticleEdit     = Permission{"article", "edit"}     // create and edit drafts, submit for review
	ArticlePublish  = Permission{"article", "publish"}  // publish, schedule, unpublish, archive
	StructureManage = Permission{"structure", "manage"} // categories and sections
	CommentModerate = Permission{"comment", "moderate"} // hide comments, reply as staff
	TicketRead      = Permission{"ticket", "read"}      // the inbox
	TicketReply     = Permission{"ticket", "reply"}     // public replies and internal notes
	TicketAssign    = Permission{"ticket", "assign"}    // assignee and status
	UserRead        = Permission{"user", "read"}
	UserManage      = Permission{"user", "manage"}   // account types, roles, blocking
	PolicyManage    = Permission{"policy", "manage"} // audiences matrix, roles, account types
	TokenManage     = Permission{"token", "manage"}
	AuditRead       = Permission{"audit", "read"}
	MailRead        = Permission{"mail", "read"} // the outbox
)

// Permissions lists every known permission, in the order the console shows them.
var Permissions = []Permission{ArticleEdit, ArticlePublish, StructureManage, CommentModerate,
	TicketRead, TicketReply, TicketAssign, UserRead, UserManage, PolicyManage, TokenManage, AuditRead, MailRead}

// Roles returns the policy subjects whose rules apply to s: a user is anonymous, signed
// in, of their account type and of their staff role at once; a token is itself (its
// audience lines) and its staff role.
func (s Subject) Roles() []string {
	var roles []string
	switch {
	case s.TokenID != 0:
		roles = []string{s.Key()}
	case s.UserID != 0:
		roles = []string{"anonymous", "signed_in"}
		if s.AccountType != "" {
			roles = append(roles, "type:"+s.AccountType)
		}
	default:
		roles = []string{"anonymous"}
	}
	if s.StaffRole != "" {
		roles = append(roles, "role:"+s.StaffRole)
	}
	return roles
}

// Enforcer answers every access question from the live policy. Reads are lock-free on an
// immutable snapshot; a reload builds a new snapshot and swaps it in.
type Enforcer struct {
	db    *db.DB
	log   *slog.Logger
	state atomic.Pointer[snapshot]
	mu    sync.Mutex // serialises reloads
}

type snapshot struct {
	version   int64
	e         *casbin.Enforcer
	audiences []string // every audience: built-ins and account types
	cache     sync.Map // roles key -> []string readable audiences
}

// New loads the policy from the database.
func New(ctx context.Context, d *db.DB, log *slog.Logger) (*Enforcer, error) {
	e := &Enforcer{db: d, log: log}
	if err := e.Reload(ctx); err != nil {
		return nil, err
	}
	return e, nil
}

// Reload reads policies and account types again. It is called on notifications, after
// the reconnect of the listener, by the periodic version check, and by this instance's
// own policy edits right after they commit.
func (e *Enforcer) Reload(ctx context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	var version int64
	if err := e.db.Pool.QueryRow(ctx, "SELECT version FROM policy_version").Scan(&version); err != nil {
		return fmt.Errorf("read policy version: %w", err)
	}
	m, err := model.NewModelFromString(modelText)
	if err != nil {
		return err
	}
	ce, err := casbin.NewEnforcer(m, &adapter{db: e.db.Bun})
	if err != nil {
		return fmt.Errorf("load policy: %w", err)
	}
	audiences := []string{AudiencePublic, AudienceSignedIn, AudienceStaff}
	rows, err := e.db.Pool.Query(ctx, "SELECT key FROM account_types ORDER BY position, key")
	if err != nil {
		return err
	}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return err
		}
		audiences = append(audiences, k)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	e.state.Store(&snapshot{version: version, e: ce, audiences: audiences})
	return nil
}

// Version is the policy version of the loaded snapshot.
func (e *Enforcer) Version() int64 { return e.state.Load().version }

// Watch keeps the policy current until ctx is done: it reloads on every notification
// and, as a safety net for missed notifications, whenever the stored version differs
// from the loaded one (checked every interval).
func (e *Enforcer) Watch(ctx context.Context, ln *db.Listener, interval time.Duration) {
	ln.Handle("helpcenter_policy", func(ctx context.Context) {
		if err := e.Reload(ctx); err != nil && ctx.Err() == nil {
			e.log.Error("reload policy", "err", err)
		}
	})
	go func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				var v int64
				if err := e.db.Pool.QueryRow(ctx, "SELECT version FROM policy_version").Scan(&v); err != nil {
					continue
				}
				if v != e.Version() {
					if err := e.Reload(ctx); err != nil && ctx.Err() == nil {
						e.log.Error("reload policy", "err", err)
					}
				}
			}
		}
	}()
}

// AllAudiences lists every audience: public, signed_in, staff and one per account type.
func (e *Enforcer) AllAudiences() []string {
	return slices.Clone(e.state.Load().audiences)
}

// Audiences returns the audiences s may read, sorted. Every list, search and count
// filters with it in SQL (audiences && $allowed).
func (e *Enforcer) Audiences(s Subject) []string {
	st := e.state.Load()
	roles := s.Roles()
	key := strings.Join(roles, ",")
	if v, ok := st.cache.Load(key); ok {
		return v.([]string)
	}
	var out []string
	for _, a := range st.audiences {
		for _, r := range roles {
			if ok, _ := st.e.Enforce(r, "audience:"+a, "read"); ok {
				out = append(out, a)
				break
			}
		}
	}
	sort.Strings(out)
	if out == nil {
		out = []string{}
	}
	st.cache.Store(key, out)
	return out
}

// CanRead reports whether s may read something shown to any of audiences.
func (e *Enforcer) CanRead(s Subject, audiences []string) bool {
	allowed := e.Audiences(s)
	for _, a := range audiences {
		if slices.Contains(allowed, a) {
			return true
		}
	}
	return false
}

// Can reports whether s holds permission p.
func (e *Enforcer) Can(s Subject, p Permission) bool {
	st := e.state.Load()
	for _, r := range s.Roles() {
		if ok, _ := st.e.Enforce(r, p.Object, p.Action); ok {
			return true
		}
	}
	return false
}

// ErrForbidden is wrapped by Require's errors.
var ErrForbidden = errors.New("permission denied")

// Require returns a Forbidden application error unless s holds p. Service methods call it
// first, so no delivery path can skip the check.
func (e *Enforcer) Require(s Subject, p Permission) error {
	if e.Can(s, p) {
		return nil
	}
	if s.IsAnonymous() {
		return &apperr.Error{Code: apperr.Unauthorized, Message: "Zaloguj się, aby kontynuować.", Err: ErrForbidden}
	}
	return &apperr.Error{Code: apperr.Forbidden, Message: "Nie masz uprawnień do tej czynności.", Err: fmt.Errorf("%w: %s lacks %s", ErrForbidden, s.Key(), p)}
}

// Permissions returns the permissions s holds (for navigation and /me).
func (e *Enforcer) PermissionsOf(s Subject) []Permission {
	var out []Permission
	for _, p := range Permissions {
		if e.Can(s, p) {
			out = append(out, p)
		}
	}
	return out
}

// Rules returns the loaded policy lines (ptype first), for the console and Explain.
func (e *Enforcer) Rules() [][]string {
	st := e.state.Load()
	var out [][]string
	ps, _ := st.e.GetPolicy()
	for _, p := range ps {
		out = append(out, append([]string{"p"}, p...))
	}
	gs, _ := st.e.GetGroupingPolicy()
	for _, g := range gs {
		out = append(out, append([]string{"g"}, g...))
	}
	return out
}

// Explanation says why a subject may or may not read something.
type Explanation struct {
	Allowed bool     `json:"allowed"`
	Because []string `json:"because"`
}

// ExplainRead tells whether s may read content shown to audiences, naming the roles and
// the policy lines that decide.
func (e *Enforcer) ExplainRead(s Subject, audiences []string) Explanation {
	st := e.state.Load()
	roles := s.Roles()
	var because []string
	because = append(because, "subject "+s.Key()+" acts as: "+strings.Join(roles, ", "))
	allowed := false
	for _, a := range audiences {
		for _, r := range roles {
			ok, expl, _ := st.e.EnforceEx(r, "audience:"+a, "read")
			if ok {
				allowed = true
				because = append(because, fmt.Sprintf("audience %q is readable by %s (policy: p, %s)", a, r, strings.Join(expl, ", ")))
			}
		}
	}
	if !allowed {
		because = append(because, fmt.Sprintf("no role of the subject reads any of the audiences %s", strings.Join(audiences, ", ")))
	}
	return Explanation{Allowed: allowed, Because: because}
}
