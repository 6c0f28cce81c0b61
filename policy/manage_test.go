package policy_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/audit"
	"github.com/helpcenter/helpcenter/internal/db"
	"github.com/helpcenter/helpcenter/internal/db/dbtest"
	"github.com/helpcenter/helpcenter/policy"
)

// mustStaff creates a staff user (audit entries reference real users).
func mustStaff(t *testing.T, d *db.DB, role string) policy.Subject {
	t.Helper()
	s := policy.Subject{StaffRole: role, Email: role + "@example.com"}
	if err := d.Pool.QueryRow(context.Background(), `INSERT INTO users (email, name, staff_role) VALUES ($1, $2, $3) RETURNING id`, s.Email, role, role).Scan(&s.UserID); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestMatrixRoundTrip(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	e := mustEnforcer(t, d)
	admin, editor := mustStaff(t, d, "admin"), mustStaff(t, d, "editor")
	m, err := e.Matrix(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"anonymous": {"public"}, "signed_in": {"public", "signed_in"},
		"accountant": {"accountant"}, "office_client": {"office_client"}, "partner": {"partner"},
	}
	if diff := cmp.Diff(want, m.Grants); diff != "" {
		t.Fatalf("default matrix (-want +got):\n%s", diff)
	}

	if err := e.PutMatrix(ctx, editor, map[string][]string{"partner": {"partner", "accountant"}}); apperr.CodeOf(err) != apperr.Forbidden {
		t.Fatalf("editor changed the matrix: %v", err)
	}
	if err := e.PutMatrix(ctx, admin, map[string][]string{"partner": {"partner", "accountant"}}); err != nil {
		t.Fatal(err)
	}
	partner := policy.Subject{UserID: 9, AccountType: "partner"}
	if diff := cmp.Diff([]string{"accountant", "partner", "public", "signed_in"}, e.Audiences(partner)); diff != "" {
		t.Errorf("partner audiences after grant (-want +got):\n%s", diff)
	}
	// Bad input names the row and changes nothing.
	err = e.PutMatrix(ctx, admin, map[string][]string{"partner": {"nonexistent"}, "ghost": {"public"}, "anonymous": {"staff"}})
	ae := apperr.As(err)
	if ae == nil || ae.Code != apperr.Invalid || len(ae.Fields) != 3 {
		t.Fatalf("invalid matrix: %v", err)
	}
	if !e.CanRead(partner, []string{"accountant"}) {
		t.Error("a rejected change altered the policy")
	}
	entries, _ := audit.Find(ctx, d.Bun, audit.Filter{Action: "policy.grants"})
	if len(entries) != 1 || entries[0].Actor != "admin@example.com" {
		t.Fatalf("audit entries = %+v", entries)
	}
}

func TestReadersOf(t *testing.T) {
	got := policy.ReadersOf(map[string][]string{"anonymous": {"public"}, "signed_in": {"signed_in"}, "partner": {"partner"}})
	want := map[string][]string{"anonymous": {"public"}, "signed_in": {"public", "signed_in"}, "partner": {"partner", "public", "signed_in"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error(diff)
	}
}

func TestRolesGuardsAndCustomRoles(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	e := mustEnforcer(t, d)
	admin := mustStaff(t, d, "admin")
	err := e.PutRoles(ctx, admin, map[string][]string{"admin": {"article:edit"}})
	if ae := apperr.As(err); ae == nil || ae.Code != apperr.Invalid || ae.Fields[0].Field != "roles.admin" {
		t.Fatalf("stripping admin of policy:manage: %v", err)
	}
	if err := e.PutRoles(ctx, admin, map[string][]string{"agent": {"article:edit", "article:publish", "ticket:reply"}}); err != nil {
		t.Fatal(err)
	}
	if !e.Can(policy.Subject{UserID: 3, StaffRole: "agent"}, policy.ArticlePublish) {
		t.Error("agent did not get article:publish")
	}
	if e.Can(policy.Subject{UserID: 3, StaffRole: "agent"}, policy.TicketAssign) {
		t.Error("agent kept ticket:assign after it was removed")
	}
	if err := e.PutRoles(ctx, admin, map[string][]string{"moderator": {"comment:moderate"}}); err != nil {
		t.Fatal(err)
	}
	mod := policy.Subject{UserID: 4, StaffRole: "moderator"}
	if !e.Can(mod, policy.CommentModerate) || e.Can(mod, policy.ArticleEdit) || !e.CanRead(mod, []string{"staff"}) {
		t.Error("custom role permissions wrong")
	}
	if err := e.PutRoles(ctx, admin, map[string][]string{"x": {"fly:away"}}); apperr.CodeOf(err) != apperr.Invalid {
		t.Errorf("unknown permission accepted: %v", err)
	}
	if err := e.DeleteStaffRole(ctx, admin, "editor"); apperr.CodeOf(err) != apperr.Conflict {
		t.Errorf("built-in role deleted: %v", err)
	}
	if err := e.DeleteStaffRole(ctx, admin, "moderator"); err != nil {
		t.Fatal(err)
	}
	if e.Can(mod, policy.CommentModerate) {
		t.Error("deleted role still grants")
	}
}

func TestAccountTypeLifecycle(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	e := mustEnforcer(t, d)
	admin := mustStaff(t, d, "admin")
	if _, err := e.CreateAccountType(ctx, admin, policy.AccountType{Key: "Biuro Premium", LabelPL: "", LabelEN: "x"}); apperr.CodeOf(err) != apperr.Invalid {
		t.Fatalf("bad key accepted: %v", err)
	}
	if _, err := e.CreateAccountType(ctx, admin, policy.AccountType{Key: "accountant", LabelPL: "a", LabelEN: "a"}); apperr.CodeOf(err) != apperr.Invalid {
		t.Fatalf("duplicate accepted: %v", err)
	}
	if _, err := e.CreateAccountType(ctx, admin, policy.AccountType{Key: "premium", LabelPL: "Biuro Premium", LabelEN: "Premium office"}); err != nil {
		t.Fatal(err)
	}
	premium := policy.Subject{UserID: 5, AccountType: "premium"}
	if diff := cmp.Diff([]string{"premium", "public", "signed_in"}, e.Audiences(premium)); diff != "" {
		t.Errorf("new type's audiences (-want +got):\n%s", diff)
	}
	if _, err := e.UpdateAccountType(ctx, admin, "premium", "Biuro Premium+", ""); err != nil {
		t.Fatal(err)
	}
	dbtest.MustExec(t, d, `INSERT INTO users (email, account_type) VALUES ('p@example.com', 'premium')`)
	if err := e.DeleteAccountType(ctx, admin, "premium"); apperr.CodeOf(err) != apperr.Conflict {
		t.Fatalf("type in use deleted: %v", err)
	}
	dbtest.MustExec(t, d, `UPDATE users SET account_type = NULL`)
	if err := e.DeleteAccountType(ctx, admin, "premium"); err != nil {
		t.Fatal(err)
	}
	if len(e.AllAudiences()) != 6 {
		t.Errorf("audiences after retiring = %v", e.AllAudiences())
	}
	n, _ := d.Bun.NewSelect().Table("casbin_rule").Where("v0 = 'type:premium' OR v1 = 'audience:premium'").Count(ctx)
	if n != 0 {
		t.Errorf("%d policy lines of the retired type remain", n)
	}
}
