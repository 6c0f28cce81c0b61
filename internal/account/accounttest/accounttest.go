// Package accounttest signs test clients in to a running help center (apptest.Server):
// it creates the user, signs in over HTTP like a browser and hands back the client with
// its session cookie and the session's CSRF token.
package accounttest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/helpcenter/helpcenter/internal/account"
	"github.com/helpcenter/helpcenter/internal/app/apptest"
)

// Password is the password of every user made here.
const Password = "testowe-hasło-123"

var seq atomic.Int64

// User is a signed-in test user.
type User struct {
	*account.User
	// Client carries the session cookie and follows no redirects.
	Client *http.Client
	// CSRF is the session's token for X-CSRF-Token and csrf_token form fields.
	CSRF string
}

// Do sends req with the user's session (and CSRF header on state-changing methods).
func (u *User) Do(t testing.TB, req *http.Request) (*http.Response, string) {
	t.Helper()
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		req.Header.Set("X-CSRF-Token", u.CSRF)
	}
	return apptest.Do(t, u.Client, req)
}

// SignIn creates a user (an e-mail is made up when in.Email is empty) and signs them in.
func SignIn(t testing.TB, s *apptest.Server, in account.NewUser) *User {
	t.Helper()
	if in.Email == "" {
		in.Email = fmt.Sprintf("user%d@example.com", seq.Add(1))
	}
	if in.Name == "" {
		in.Name = "Test " + strings.Split(in.Email, "@")[0]
	}
	in.Password = Password
	u, err := s.Accounts.BootstrapUser(t.Context(), in)
	if err != nil {
		t.Fatalf("create %s: %v", in.Email, err)
	}
	return Login(t, s, u, Password)
}

// Customer signs in a customer of the given account type ("" for none).
func Customer(t testing.TB, s *apptest.Server, accountType string) *User {
	t.Helper()
	return SignIn(t, s, account.NewUser{AccountType: accountType})
}

// Staff signs in a staff member with the given role (admin, editor, agent).
func Staff(t testing.TB, s *apptest.Server, role string) *User {
	t.Helper()
	return SignIn(t, s, account.NewUser{StaffRole: role})
}

// Login signs an existing user in with a password in a fresh client.
func Login(t testing.TB, s *apptest.Server, u *account.User, password string) *User {
	t.Helper()
	c := s.Client()
	body, _ := json.Marshal(map[string]string{"email": u.Email, "password": password})
	resp, text := apptest.Do(t, c, apptest.JSONRequest(t, http.MethodPost, s.URL+"/api/v1/auth/login", string(body)))
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("sign in %s: %d %s", u.Email, resp.StatusCode, text)
	}
	return &User{User: u, Client: c, CSRF: CSRFOf(t, s, c)}
}

// CSRFOf asks GET /api/v1/me for the client's CSRF token.
func CSRFOf(t testing.TB, s *apptest.Server, c *http.Client) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/api/v1/me", nil)
	resp, text := apptest.Do(t, c, req)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/v1/me: %d %s", resp.StatusCode, text)
	}
	var me struct {
		CSRF string `json:"csrf_token"`
	}
	if err := json.Unmarshal([]byte(text), &me); err != nil || me.CSRF == "" {
		t.Fatalf("no csrf_token in %s", text)
	}
	return me.CSRF
}
