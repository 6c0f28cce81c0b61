package api_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/helpcenter/helpcenter/internal/account/accounttest"
	"github.com/helpcenter/helpcenter/internal/app/apptest"
)

type adminUser struct {
	ID          int64  `json:"id"`
	Email       string `json:"email"`
	AccountType string `json:"account_type"`
	StaffRole   string `json:"staff_role"`
	BlockedAt   *string
}

type explanation struct {
	Allowed          bool     `json:"allowed"`
	Because          []string `json:"because"`
	SubjectAudiences []string `json:"subject_audiences"`
}

// An admin manages users and tokens through the API, explains visibility, and the
// guards hold; nobody else gets in.
func TestAdminUsersTokensExplain(t *testing.T) {
	s := apptest.New(t)
	admin := sessionCaller(t, s, accounttest.Staff(t, s, "admin"))
	editor := sessionCaller(t, s, accounttest.Staff(t, s, "editor"))
	customerUser := accounttest.Customer(t, s, "")
	customer := sessionCaller(t, s, customerUser)
	anonymous := &contentManager{s: s, v: admin.v, client: s.Client(), header: map[string]string{}}

	// A section for accountants with one published article.
	var cat, sec struct {
		ID int64 `json:"id"`
	}
	editor.must(t, 201, "POST", "/api/v1/admin/categories", `{"name": "Biuro"}`, &cat)
	editor.must(t, 201, "POST", "/api/v1/admin/sections", fmt.Sprintf(`{"category_id": %d, "name": "Dla biur", "audiences": ["accountant"]}`, cat.ID), &sec)
	var art managedArticle
	editor.must(t, 201, "POST", "/api/v1/admin/articles", fmt.Sprintf(`{"section_id": %d, "title": "Rabaty dla biur", "body_md": "Tekst."}`, sec.ID), &art)
	editor.must(t, 200, "POST", fmt.Sprintf("/api/v1/admin/articles/%d/publish", art.ID), `{}`, nil)

	// Find the customer, explain (no), give them the type, explain (yes).
	var users struct {
		Data []adminUser `json:"data"`
	}
	admin.must(t, 200, "GET", "/api/v1/admin/users?q="+customerUser.Email, "", &users)
	if len(users.Data) != 1 || users.Data[0].ID != customerUser.ID {
		t.Fatalf("search by e-mail = %+v", users.Data)
	}
	explainPath := fmt.Sprintf("/api/v1/admin/explain?user_id=%d&article_id=%d", customerUser.ID, art.ID)
	var ex explanation
	admin.must(t, 200, "GET", explainPath, "", &ex)
	if ex.Allowed || !slices.Equal(ex.SubjectAudiences, []string{"public", "signed_in"}) {
		t.Fatalf("explain before = %+v", ex)
	}
	var updated adminUser
	admin.must(t, 200, "PATCH", fmt.Sprintf("/api/v1/admin/users/%d", customerUser.ID), `{"account_type": "accountant"}`, &updated)
	if updated.AccountType != "accountant" {
		t.Fatalf("update = %+v", updated)
	}
	admin.must(t, 200, "GET", explainPath, "", &ex)
	if !ex.Allowed || !strings.Contains(strings.Join(ex.Because, "\n"), "type:accountant") {
		t.Fatalf("explain after = %+v", ex)
	}
	// And the customer really reads it now.
	if st, body := customer.call(t, "GET", fmt.Sprintf("/api/v1/articles/%d", art.ID), ""); st != 200 {
		t.Fatalf("customer reading after the change = %d %s", st, body)
	}

	// Tokens: create (secret once), explain, revoke.
	var tok struct {
		ID    int64  `json:"id"`
		Token string `json:"token"`
	}
	admin.must(t, 201, "POST", "/api/v1/admin/tokens", `{"name": "Strona partnerów", "audiences": ["partner"]}`, &tok)
	if !strings.HasPrefix(tok.Token, "hc_") {
		t.Fatalf("token secret = %q", tok.Token)
	}
	var list struct {
		Data []map[string]any `json:"data"`
	}
	admin.must(t, 200, "GET", "/api/v1/admin/tokens", "", &list)
	if len(list.Data) != 1 || list.Data[0]["token"] != nil {
		t.Fatalf("token list shows a secret or misses the token: %+v", list.Data)
	}
	admin.must(t, 200, "GET", fmt.Sprintf("/api/v1/admin/explain?token_id=%d&article_id=%d", tok.ID, art.ID), "", &ex)
	if ex.Allowed {
		t.Fatalf("partner token may read an accountant article: %+v", ex)
	}
	admin.must(t, 204, "DELETE", fmt.Sprintf("/api/v1/admin/tokens/%d", tok.ID), "", nil)
	if st, _ := tokenCaller(t, s, tok.Token).call(t, "GET", "/api/v1/categories", ""); st != http.StatusUnauthorized {
		t.Fatalf("revoked token answered %d", st)
	}

	// Password link for a user: 202 and queued.
	admin.must(t, 202, "POST", fmt.Sprintf("/api/v1/admin/users/%d/password-link", customerUser.ID), "", nil)

	// Guards: the only admin cannot be blocked (by themselves or anybody).
	adminID := users.Data[0].ID
	admin.must(t, 200, "GET", "/api/v1/admin/users?staff_role=admin", "", &users)
	if len(users.Data) != 1 {
		t.Fatalf("admins = %+v", users.Data)
	}
	adminID = users.Data[0].ID
	if st, body := admin.call(t, "PATCH", fmt.Sprintf("/api/v1/admin/users/%d", adminID), `{"blocked": true}`); st != 400 || !slices.Contains(problemFields(t, body), "blocked") {
		t.Fatalf("self-block = %d %s", st, body)
	}
	if st, body := admin.call(t, "PATCH", fmt.Sprintf("/api/v1/admin/users/%d", adminID), `{"staf_role": ""}`); st != 400 || !slices.Contains(problemFields(t, body), "staf_role") {
		t.Fatalf("unknown field = %d %s", st, body)
	}

	// Editors (user:read) may explain, but manage neither tokens nor users; customers and
	// visitors reach none of it.
	if st, _ := editor.call(t, "GET", explainPath, ""); st != 200 {
		t.Errorf("editor explain = %d, want 200", st)
	}
	for _, c := range []struct {
		name string
		who  *contentManager
		want int
	}{{"editor", editor, 403}, {"customer", customer, 403}, {"anonymous", anonymous, 401}} {
		for _, path := range []string{"/api/v1/admin/tokens", explainPath} {
			if c.name == "editor" && path == explainPath {
				continue
			}
			if st, _ := c.who.call(t, "GET", path, ""); st != c.want {
				t.Errorf("%s GET %s = %d, want %d", c.name, path, st, c.want)
			}
		}
		if st, _ := c.who.call(t, "PATCH", fmt.Sprintf("/api/v1/admin/users/%d", customerUser.ID), `{"staff_role": "admin"}`); st != c.want {
			t.Errorf("%s promoting a customer = %d, want %d", c.name, st, c.want)
		}
	}
}
