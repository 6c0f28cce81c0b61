package apitoken_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/helpcenter/helpcenter/internal/apitoken"
	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/audit"
	"github.com/helpcenter/helpcenter/internal/db"
	"github.com/helpcenter/helpcenter/internal/db/dbtest"
	"github.com/helpcenter/helpcenter/policy"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func setup(t *testing.T) (*db.DB, *policy.Enforcer, *apitoken.Service) {
	t.Helper()
	d := dbtest.New(t)
	e, err := policy.New(context.Background(), d, quiet)
	if err != nil {
		t.Fatal(err)
	}
	return d, e, apitoken.New(d, e)
}

func mustUser(t *testing.T, d *db.DB, staffRole string) policy.Subject {
	t.Helper()
	var id int64
	email := fmt.Sprintf("%s-%d@example.com", staffRole, time.Now().UnixNano())
	if err := d.Pool.QueryRow(context.Background(), "INSERT INTO users (email, staff_role) VALUES ($1, NULLIF($2, '')) RETURNING id",
		email, staffRole).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return policy.Subject{UserID: id, StaffRole: staffRole, Email: email}
}

func TestAudienceToken(t *testing.T) {
	ctx := context.Background()
	d, e, svc := setup(t)
	admin := mustUser(t, d, "admin")
	tok, err := svc.Create(ctx, admin, apitoken.CreateInput{Name: "Portal księgowych", Audiences: []string{"accountant"}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tok.Secret, "hc_") || len(tok.Secret) != 3+43 {
		t.Errorf("secret %q does not look like hc_ + 32 random bytes", tok.Secret)
	}
	var stored []byte
	if err := d.Pool.QueryRow(ctx, "SELECT token_hash FROM api_tokens WHERE id = $1", tok.ID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(stored), tok.Secret[3:]) {
		t.Error("the secret is stored in clear")
	}
	s, err := svc.Authenticate(ctx, tok.Secret)
	if err != nil || s.TokenID != tok.ID || s.StaffRole != "" {
		t.Fatalf("authenticate: %+v %v", s, err)
	}
	if diff := cmp.Diff([]string{"accountant", "public", "signed_in"}, e.Audiences(s)); diff != "" {
		t.Errorf("token audiences (-want +got):\n%s", diff)
	}
	if e.Can(s, policy.ArticleEdit) {
		t.Error("an audience token may edit articles")
	}
	list, err := svc.List(ctx, admin)
	if err != nil || len(list) != 1 || list[0].Name != "Portal księgowych" || !cmp.Equal(list[0].Audiences, []string{"accountant", "public", "signed_in"}) || list[0].LastUsedAt == nil {
		t.Fatalf("list: %+v %v", list, err)
	}

	if err := svc.Revoke(ctx, admin, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Authenticate(ctx, tok.Secret); !apperr.Is(err, apperr.Unauthorized) {
		t.Fatalf("revoked token: %v, want unauthorized", err)
	}
	if got := e.Audiences(policy.Subject{TokenID: tok.ID}); len(got) != 0 {
		t.Errorf("revoked token still reads %v", got)
	}
	if err := svc.Revoke(ctx, admin, tok.ID); err != nil {
		t.Errorf("revoking twice: %v", err)
	}
	if err := svc.Revoke(ctx, admin, 424242); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("revoking an unknown token: %v", err)
	}
	entries, _ := audit.Find(ctx, d.Bun, audit.Filter{Object: fmt.Sprintf("token:%d", tok.ID)})
	if len(entries) != 2 || entries[0].Action != "token.revoke" || entries[1].Action != "token.create" || strings.Contains(string(entries[1].After), tok.Secret) {
		t.Errorf("audit entries: %+v", entries)
	}
}

func TestStaffTokenAndExpiry(t *testing.T) {
	ctx := context.Background()
	d, e, svc := setup(t)
	admin := mustUser(t, d, "admin")
	tok, err := svc.Create(ctx, admin, apitoken.CreateInput{Name: "Automaty", StaffRole: "editor"})
	if err != nil {
		t.Fatal(err)
	}
	s, err := svc.Authenticate(ctx, tok.Secret)
	if err != nil || s.StaffRole != "editor" || !e.Can(s, policy.ArticlePublish) || e.Can(s, policy.PolicyManage) {
		t.Fatalf("staff token: %+v %v", s, err)
	}
	soon := time.Now().Add(1100 * time.Millisecond)
	short, err := svc.Create(ctx, admin, apitoken.CreateInput{Name: "Krótki", Audiences: []string{"public"}, ExpiresAt: &soon})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Authenticate(ctx, short.Secret); err != nil {
		t.Fatalf("fresh token: %v", err)
	}
	time.Sleep(time.Until(soon) + 100*time.Millisecond)
	if _, err := svc.Authenticate(ctx, short.Secret); !apperr.Is(err, apperr.Unauthorized) {
		t.Fatalf("expired token: %v", err)
	}
}

func TestCreateRules(t *testing.T) {
	ctx := context.Background()
	d, _, svc := setup(t)
	admin := mustUser(t, d, "admin")
	editor := mustUser(t, d, "editor")
	past := time.Now().Add(-time.Hour)
	tests := []struct {
		name  string
		actor policy.Subject
		in    apitoken.CreateInput
		code  apperr.Code
		field string
	}{
		{"anonymous", policy.Anonymous, apitoken.CreateInput{Name: "x", Audiences: []string{"public"}}, apperr.Unauthorized, ""},
		{"editor lacks token:manage", editor, apitoken.CreateInput{Name: "x", Audiences: []string{"public"}}, apperr.Forbidden, ""},
		{"no name", admin, apitoken.CreateInput{Audiences: []string{"public"}}, apperr.Invalid, "name"},
		{"neither audiences nor role", admin, apitoken.CreateInput{Name: "x"}, apperr.Invalid, "audiences"},
		{"both", admin, apitoken.CreateInput{Name: "x", Audiences: []string{"public"}, StaffRole: "agent"}, apperr.Invalid, "staff_role"},
		{"unknown audience", admin, apitoken.CreateInput{Name: "x", Audiences: []string{"vip"}}, apperr.Invalid, "audiences"},
		{"unknown role", admin, apitoken.CreateInput{Name: "x", StaffRole: "boss"}, apperr.Invalid, "staff_role"},
		{"expired", admin, apitoken.CreateInput{Name: "x", Audiences: []string{"public"}, ExpiresAt: &past}, apperr.Invalid, "expires_at"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := svc.Create(ctx, tt.actor, tt.in)
			ae := apperr.As(err)
			if ae == nil || ae.Code != tt.code || (tt.field != "" && (len(ae.Fields) == 0 || ae.Fields[0].Field != tt.field)) {
				t.Fatalf("error = %v, want %s %s", err, tt.code, tt.field)
			}
		})
	}
	// A role that holds token:manage but not policy:manage cannot mint an admin token.
	dbtest.MustExec(t, d, "INSERT INTO casbin_rule (ptype, v0, v1, v2) VALUES ('p', 'role:editor', 'token', 'manage')")
	e, err := policy.New(ctx, d, quiet)
	if err != nil {
		t.Fatal(err)
	}
	svc3 := apitoken.New(d, e)
	if !e.Can(editor, policy.TokenManage) {
		t.Fatal("setup: editor should hold token:manage now")
	}
	if _, err := svc3.Create(ctx, editor, apitoken.CreateInput{Name: "eskalacja", StaffRole: "admin"}); !apperr.Is(err, apperr.Forbidden) {
		t.Fatalf("editor minting an admin token: %v, want forbidden", err)
	}
	if _, err := svc3.Create(ctx, editor, apitoken.CreateInput{Name: "ok", StaffRole: "editor"}); err != nil {
		t.Fatalf("editor minting an editor token: %v", err)
	}
}

func TestAuthenticateRejectsGarbage(t *testing.T) {
	_, _, svc := setup(t)
	for _, s := range []string{"", "hc_", "hc_nope", "Bearer x", strings.Repeat("a", 500)} {
		if _, err := svc.Authenticate(context.Background(), s); !apperr.Is(err, apperr.Unauthorized) {
			t.Errorf("Authenticate(%q) = %v", s, err)
		}
	}
}
