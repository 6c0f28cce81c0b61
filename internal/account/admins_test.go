package account

import (
	"testing"

	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/policy"
)

// The installation always keeps an active admin, and user:manage alone is no way up to
// the admin role.
func TestLastAdminAndAdminRoleGuards(t *testing.T) {
	e := newTestEnv(t)
	// A custom role that manages users but not policies.
	if err := e.policy.PutRoles(ctx, adminSubject, map[string][]string{"people": {"user:read", "user:manage"}}); err != nil {
		t.Fatal(err)
	}
	hr := e.mustCreateUser(t, "hr@example.com", "", func(n *NewUser) { n.StaffRole = "people" })
	hrSubject := policy.Subject{UserID: hr.ID, StaffRole: "people", Email: hr.Email}
	root := adminSubject.UserID

	if _, err := e.UpdateUser(ctx, hrSubject, root, UserUpdate{StaffRole: ptr("agent")}); apperr.CodeOf(err) != apperr.Invalid {
		t.Fatalf("user:manage without policy:manage demoted an admin: %v", err)
	}
	if _, err := e.UpdateUser(ctx, hrSubject, hr.ID, UserUpdate{StaffRole: ptr("admin")}); apperr.CodeOf(err) != apperr.Invalid {
		t.Fatalf("user:manage promoted itself to admin: %v", err)
	}
	if _, err := e.UpdateUser(ctx, hrSubject, root, UserUpdate{Blocked: ptr(true)}); apperr.CodeOf(err) != apperr.Conflict {
		t.Fatalf("blocking the last admin = %v, want conflict", err)
	}

	// With a second admin, the first may be demoted by them; then the second is the last.
	second := e.mustCreateUser(t, "second@example.com", "", func(n *NewUser) { n.StaffRole = "admin" })
	secondSubject := policy.Subject{UserID: second.ID, StaffRole: "admin", Email: second.Email}
	if _, err := e.UpdateUser(ctx, secondSubject, root, UserUpdate{StaffRole: ptr("editor")}); err != nil {
		t.Fatalf("demoting one of two admins: %v", err)
	}
	if _, err := e.UpdateUser(ctx, hrSubject, second.ID, UserUpdate{Blocked: ptr(true)}); apperr.CodeOf(err) != apperr.Conflict {
		t.Fatalf("blocking the remaining admin = %v, want conflict", err)
	}
	u, err := e.UserByID(ctx, adminSubject, second.ID)
	if err != nil || u.Blocked() || u.StaffRole != "admin" {
		t.Fatalf("the last admin changed: %+v %v", u, err)
	}
}
