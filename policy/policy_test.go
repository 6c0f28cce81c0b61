package policy_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/db"
	"github.com/helpcenter/helpcenter/internal/db/dbtest"
	"github.com/helpcenter/helpcenter/policy"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func mustEnforcer(t *testing.T, d *db.DB) *policy.Enforcer {
	t.Helper()
	e, err := policy.New(context.Background(), d, quiet)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestDefaultAudiences(t *testing.T) {
	e := mustEnforcer(t, dbtest.New(t))
	all := []string{"accountant", "office_client", "partner", "public", "signed_in", "staff"}
	tests := []struct {
		name string
		s    policy.Subject
		want []string
	}{
		{"anonymous", policy.Anonymous, []string{"public"}},
		{"signed in without type", policy.Subject{UserID: 1}, []string{"public", "signed_in"}},
		{"accountant", policy.Subject{UserID: 2, AccountType: "accountant"}, []string{"accountant", "public", "signed_in"}},
		{"office client", policy.Subject{UserID: 3, AccountType: "office_client"}, []string{"office_client", "public", "signed_in"}},
		{"partner", policy.Subject{UserID: 4, AccountType: "partner"}, []string{"partner", "public", "signed_in"}},
		{"agent", policy.Subject{UserID: 5, StaffRole: "agent"}, all},
		{"editor", policy.Subject{UserID: 6, StaffRole: "editor"}, all},
		{"admin", policy.Subject{UserID: 7, StaffRole: "admin"}, all},
		{"unknown account type reads only the signed-in material", policy.Subject{UserID: 8, AccountType: "ghost"}, []string{"public", "signed_in"}},
		{"token without lines reads nothing", policy.Subject{TokenID: 9}, []string{}},
		{"staff token", policy.Subject{TokenID: 10, StaffRole: "editor"}, all},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, e.Audiences(tt.s)); diff != "" {
				t.Errorf("Audiences (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDefaultPermissions(t *testing.T) {
	e := mustEnforcer(t, dbtest.New(t))
	agent := policy.Subject{UserID: 1, StaffRole: "agent"}
	editor := policy.Subject{UserID: 2, StaffRole: "editor"}
	admin := policy.Subject{UserID: 3, StaffRole: "admin"}
	customer := policy.Subject{UserID: 4, AccountType: "accountant"}
	tests := []struct {
		s    policy.Subject
		p    policy.Permission
		want bool
	}{
		{agent, policy.ArticleEdit, true},
		{agent, policy.ArticlePublish, false},
		{agent, policy.TicketReply, true},
		{agent, policy.PolicyManage, false},
		{editor, policy.ArticlePublish, true},
		{editor, policy.TicketReply, false},
		{admin, policy.PolicyManage, true},
		{admin, policy.TokenManage, true},
		{customer, policy.TicketRead, false},
		{customer, policy.ArticleEdit, false},
		{policy.Anonymous, policy.ArticleEdit, false},
	}
	for _, tt := range tests {
		if got := e.Can(tt.s, tt.p); got != tt.want {
			t.Errorf("%s Can(%s) = %v, want %v", tt.s.Roles(), tt.p, got, tt.want)
		}
	}
	if err := e.Require(customer, policy.TicketRead); apperr.CodeOf(err) != apperr.Forbidden {
		t.Errorf("customer Require(ticket:read) = %v, want forbidden", err)
	}
	if err := e.Require(policy.Anonymous, policy.TicketRead); apperr.CodeOf(err) != apperr.Unauthorized {
		t.Errorf("anonymous Require(ticket:read) = %v, want unauthorized", err)
	}
}

// A change written by one instance reaches another through NOTIFY within a second, and a
// missed notification is caught by the version check.
func TestLiveReloadAcrossInstances(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	url := dbtest.NewURL(t)
	open := func() *db.DB {
		d, err := db.Open(ctx, url, db.Options{MaxConns: 4})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(d.Close)
		return d
	}
	d1, d2 := open(), open()
	e1, e2 := mustEnforcer(t, d1), mustEnforcer(t, d2)
	ln := db.NewListener(d2, quiet)
	e2.Watch(ctx, ln, time.Hour)
	go ln.Listen(ctx)
	time.Sleep(200 * time.Millisecond) // let the listener connect

	accountant := policy.Subject{UserID: 1, AccountType: "accountant"}
	if _, err := d1.Pool.Exec(ctx, `INSERT INTO casbin_rule (ptype, v0, v1, v2) VALUES ('p', 'type:accountant', 'audience:partner', 'read')`); err != nil {
		t.Fatal(err)
	}
	waitFor(t, time.Second, func() bool { return e2.CanRead(accountant, []string{"partner"}) })
	if e1.CanRead(accountant, []string{"partner"}) {
		t.Error("an enforcer without a watcher changed by itself")
	}
	if err := e1.Reload(ctx); err != nil || !e1.CanRead(accountant, []string{"partner"}) {
		t.Errorf("explicit reload did not pick up the change: %v", err)
	}

	// A new account type gets its audience at once.
	if _, err := d1.Pool.Exec(ctx, `INSERT INTO account_types (key, label_pl, label_en) VALUES ('premium', 'Biuro Premium', 'Premium office')`); err != nil {
		t.Fatal(err)
	}
	waitFor(t, time.Second, func() bool { return len(e2.AllAudiences()) == 7 })
}

func TestVersionCheckCatchesMissedNotification(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d := dbtest.New(t)
	e := mustEnforcer(t, d)
	// No listener runs: only the periodic check can notice.
	e.Watch(ctx, db.NewListener(d, quiet), 50*time.Millisecond)
	if _, err := d.Pool.Exec(ctx, `DELETE FROM casbin_rule WHERE v0 = 'anonymous'`); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 2*time.Second, func() bool { return len(e.Audiences(policy.Anonymous)) == 0 })
}

func TestExplainRead(t *testing.T) {
	e := mustEnforcer(t, dbtest.New(t))
	ex := e.ExplainRead(policy.Subject{UserID: 1, AccountType: "accountant"}, []string{"accountant"})
	if !ex.Allowed || len(ex.Because) < 2 {
		t.Fatalf("explain = %+v", ex)
	}
	ex = e.ExplainRead(policy.Anonymous, []string{"staff"})
	if ex.Allowed {
		t.Fatalf("anonymous may read staff: %+v", ex)
	}
}

func waitFor(t *testing.T, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("condition not met within %s", d)
}
