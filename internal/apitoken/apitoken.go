// Package apitoken manages the API tokens that frontends and scripts send as
// "Authorization: Bearer hc_...". Only the SHA-256 of a secret is stored; the secret is
// shown once, when the token is created. A token either reads a set of audiences (policy
// lines "p, token:<id>, audience:<a>, read", written in the token's own transaction) or
// acts with a staff role. Revoked and expired tokens stop working on the next request.
package apitoken

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/audit"
	"github.com/helpcenter/helpcenter/internal/db"
	"github.com/helpcenter/helpcenter/policy"
)

// Prefix starts every secret, so that leaked tokens are easy to recognise (and to scan
// for in repositories).
const Prefix = "hc_"

// Service creates, lists, revokes and checks tokens.
type Service struct {
	db     *db.DB
	policy *policy.Enforcer
}

// New returns the token service.
func New(d *db.DB, p *policy.Enforcer) *Service { return &Service{db: d, policy: p} }

// Token is a stored token (never its secret).
type Token struct {
	ID   int64  `bun:"id" json:"id"`
	Name string `bun:"name" json:"name"`
	// Audiences are what an audience token reads (with the audiences they imply, see
	// content.ClosedAudiences); empty for a staff token.
	Audiences []string `bun:"audiences,array" json:"audiences"`
	// StaffRole is the role a staff token acts with; "" for an audience token.
	StaffRole      string     `bun:"staff_role" json:"staff_role,omitempty"`
	CreatedBy      int64      `bun:"created_by" json:"created_by,omitempty"`
	CreatedByLabel string     `bun:"created_by_label" json:"created_by_label"`
	CreatedAt      time.Time  `bun:"created_at" json:"created_at"`
	ExpiresAt      *time.Time `bun:"expires_at" json:"expires_at"`
	RevokedAt      *time.Time `bun:"revoked_at" json:"revoked_at"`
	LastUsedAt     *time.Time `bun:"last_used_at" json:"last_used_at"`
}

// Active reports whether the token still works at now.
func (t *Token) Active(now time.Time) bool {
	return t.RevokedAt == nil && (t.ExpiresAt == nil || t.ExpiresAt.After(now))
}

// CreateInput describes a new token: either Audiences or StaffRole.
type CreateInput struct {
	Name      string
	Audiences []string
	StaffRole string
	// ExpiresAt nil means the token works until revoked.
	ExpiresAt *time.Time
}

// Created is a new token with its secret, which is not stored and cannot be shown again.
type Created struct {
	Token
	Secret string
}

func hash(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

func newSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return Prefix + base64.RawURLEncoding.EncodeToString(b), nil
}

func tokenObject(id int64) string { return fmt.Sprintf("token:%d", id) }

// Create makes a token (permission token:manage). An audience token reads the given
// audiences and those they imply (an account type implies signed_in, everything implies
// public), so a token "for accountants" reads what a signed-in accountant reads. Nobody
// can create a token more powerful than themselves: a staff token's role may hold only
// permissions the creator holds, and an audience token only audiences the creator reads.
func (s *Service) Create(ctx context.Context, actor policy.Subject, in CreateInput) (*Created, error) {
	if err := s.policy.Require(actor, policy.TokenManage); err != nil {
		return nil, err
	}
	var problems []apperr.FieldError
	name := strings.TrimSpace(in.Name)
	if name == "" || utf8.RuneCountInString(name) > 100 {
		problems = append(problems, apperr.Field("name", "Podaj nazwę tokenu (najwyżej 100 znaków)."))
	}
	switch {
	case len(in.Audiences) == 0 && in.StaffRole == "":
		problems = append(problems, apperr.Field("audiences", "Podaj grupy odbiorców albo rolę zespołu."))
	case len(in.Audiences) > 0 && in.StaffRole != "":
		problems = append(problems, apperr.Field("staff_role", "Token czyta albo wybrane grupy odbiorców, albo działa z rolą zespołu – nie jedno i drugie."))
	}
	var audiences []string
	if len(in.Audiences) > 0 {
		known := s.policy.AllAudiences()
		for _, a := range in.Audiences {
			a = strings.TrimSpace(a)
			if !slices.Contains(known, a) {
				problems = append(problems, apperr.Field("audiences", "Nieznana grupa odbiorców: "+a+"."))
				break
			}
			audiences = append(audiences, a)
		}
		audiences = content.ClosedAudiences(audiences)
	}
	if in.ExpiresAt != nil && !in.ExpiresAt.After(time.Now()) {
		problems = append(problems, apperr.Field("expires_at", "Data wygaśnięcia musi być w przyszłości."))
	}
	if err := apperr.InvalidFields(problems...); err != nil {
		return nil, err
	}
	if in.StaffRole != "" {
		var exists bool
		if err := s.db.Pool.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM staff_roles WHERE key = $1)", in.StaffRole).Scan(&exists); err != nil {
			return nil, err
		}
		if !exists {
			return nil, apperr.InvalidFields(apperr.Field("staff_role", "Nie ma takiej roli zespołu."))
		}
		for _, p := range s.policy.PermissionsOf(policy.Subject{StaffRole: in.StaffRole}) {
			if !s.policy.Can(actor, p) {
				return nil, apperr.Forbiddenf("Nie możesz utworzyć tokenu z uprawnieniem %s, którego sam nie masz.", p)
			}
		}
	}
	for _, a := range audiences {
		if !s.policy.CanRead(actor, []string{a}) {
			return nil, apperr.Forbiddenf("Nie możesz utworzyć tokenu czytającego grupę %s, której sam nie widzisz.", a)
		}
	}
	secret, err := newSecret()
	if err != nil {
		return nil, err
	}
	out := &Created{Secret: secret}
	err = s.db.Bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		err := tx.NewRaw(`INSERT INTO api_tokens (name, token_hash, staff_role, created_by, created_by_label, expires_at)
			VALUES (?, ?, NULLIF(?, ''), NULLIF(?, 0), ?, ?)
			RETURNING id, name, COALESCE(staff_role, '') AS staff_role, COALESCE(created_by, 0) AS created_by, created_by_label, created_at, expires_at`,
			name, hash(secret), in.StaffRole, actor.UserID, actor.Label(), in.ExpiresAt).Scan(ctx, &out.Token)
		if err != nil {
			return fmt.Errorf("insert token: %w", err)
		}
		for _, a := range audiences {
			if _, err := tx.NewRaw("INSERT INTO casbin_rule (ptype, v0, v1, v2) VALUES ('p', ?, ?, 'read')",
				tokenObject(out.ID), "audience:"+a).Exec(ctx); err != nil {
				return fmt.Errorf("insert token policy: %w", err)
			}
		}
		out.Audiences = audiences
		if out.Audiences == nil {
			out.Audiences = []string{}
		}
		return audit.Record(ctx, tx, actor, "token.create", tokenObject(out.ID), nil, out.Token)
	})
	if err != nil {
		return nil, err
	}
	// Other instances reload on the notification; this one at once.
	if err := s.policy.Reload(ctx); err != nil {
		return nil, err
	}
	return out, nil
}

const listQuery = `SELECT t.id, t.name, COALESCE(t.staff_role, '') AS staff_role, COALESCE(t.created_by, 0) AS created_by,
		t.created_by_label, t.created_at, t.expires_at, t.revoked_at, t.last_used_at,
		ARRAY(SELECT substr(r.v1, length('audience:') + 1) FROM casbin_rule r
			WHERE r.ptype = 'p' AND r.v0 = 'token:' || t.id AND r.v1 LIKE 'audience:%' AND r.v2 = 'read' ORDER BY 1) AS audiences
	FROM api_tokens t`

// List returns every token, newest first (permission token:manage).
func (s *Service) List(ctx context.Context, actor policy.Subject) ([]Token, error) {
	if err := s.policy.Require(actor, policy.TokenManage); err != nil {
		return nil, err
	}
	var out []Token
	if err := s.db.Bun.NewRaw(listQuery+" ORDER BY t.created_at DESC, t.id DESC").Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	if out == nil {
		out = []Token{}
	}
	return out, nil
}

// Revoke stops a token at once (permission token:manage); its policy lines go too.
// Revoking a revoked token changes nothing.
func (s *Service) Revoke(ctx context.Context, actor policy.Subject, id int64) error {
	if err := s.policy.Require(actor, policy.TokenManage); err != nil {
		return err
	}
	err := s.db.Bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var before Token
		if err := tx.NewRaw(listQuery+" WHERE t.id = ? FOR UPDATE OF t", id).Scan(ctx, &before); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return apperr.NotFoundf("Nie ma takiego tokenu.")
			}
			return err
		}
		if before.RevokedAt != nil {
			return nil
		}
		var after Token
		if err := tx.NewRaw(`UPDATE api_tokens SET revoked_at = now() WHERE id = ?
			RETURNING id, name, COALESCE(staff_role, '') AS staff_role, COALESCE(created_by, 0) AS created_by,
				created_by_label, created_at, expires_at, revoked_at, last_used_at`, id).Scan(ctx, &after); err != nil {
			return err
		}
		if _, err := tx.NewRaw("DELETE FROM casbin_rule WHERE v0 = ?", tokenObject(id)).Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, "token.revoke", tokenObject(id), before, after)
	})
	if err != nil {
		return err
	}
	return s.policy.Reload(ctx)
}

// errInvalid is the answer for an unknown, revoked or expired token (the same for all
// three, so the answer tells an attacker nothing).
func errInvalid() error {
	return apperr.New(apperr.Unauthorized, "Token API jest nieprawidłowy, wygasł albo został unieważniony.")
}

// Authenticate turns a bearer secret into the token's subject, checking the database on
// every call so that a revocation anywhere takes effect on the next request. last_used_at
// is written at most once a minute.
func (s *Service) Authenticate(ctx context.Context, secret string) (policy.Subject, error) {
	if !strings.HasPrefix(secret, Prefix) || len(secret) > 200 {
		return policy.Subject{}, errInvalid()
	}
	var (
		id     int64
		name   string
		role   string
		usable bool
		stale  bool
	)
	err := s.db.Pool.QueryRow(ctx, `SELECT id, name, COALESCE(staff_role, ''),
			revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now()),
			last_used_at IS NULL OR last_used_at < now() - interval '1 minute'
		FROM api_tokens WHERE token_hash = $1`, hash(secret)).Scan(&id, &name, &role, &usable, &stale)
	if err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return policy.Subject{}, errInvalid()
		}
		return policy.Subject{}, fmt.Errorf("look up token: %w", err)
	}
	if !usable {
		return policy.Subject{}, errInvalid()
	}
	if stale {
		if _, err := s.db.Pool.Exec(ctx, "UPDATE api_tokens SET last_used_at = now() WHERE id = $1", id); err != nil {
			return policy.Subject{}, fmt.Errorf("mark token used: %w", err)
		}
	}
	return policy.Subject{TokenID: id, StaffRole: role, Name: name}, nil
}
