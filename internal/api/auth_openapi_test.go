package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/helpcenter/helpcenter/internal/account"
	"github.com/helpcenter/helpcenter/internal/account/accounttest"
	"github.com/helpcenter/helpcenter/internal/api/apitest"
)

// Every answer of the sign-in API is one its OpenAPI document describes: the statuses,
// headers and bodies of success, refusal and rate limit alike.
func TestAuthAnswersMatchOpenAPI(t *testing.T) {
	s := newSite(t)
	v := apitest.NewValidator(t)
	user := accounttest.SignIn(t, s.Server, account.NewUser{Email: "doc@example.com", AccountType: "partner"})
	post := func(c *http.Client, path, body string, header ...string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, s.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, _ := v.Do(t, c, req)
		return resp
	}
	get := func(c *http.Client, path string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, s.URL+path, nil)
		resp, _ := v.Do(t, c, req)
		return resp
	}

	get(user.Client, "/api/v1/me")
	get(s.Client(), "/api/v1/me")
	get(s.Client(), "/api/v1/auth/providers")
	post(s.Client(), "/api/v1/auth/password-link", `{"email":"doc@example.com"}`)
	post(s.Client(), "/api/v1/auth/password-link", `{"email":"nie-adres"}`)
	post(s.Client(), "/api/v1/auth/register", `{"email":"nowy@example.com","name":"Nowy"}`)
	post(s.Client(), "/api/v1/auth/login", `{"email":"doc@example.com","password":"wrong-password"}`)
	post(s.Client(), "/api/v1/auth/password", `{"token":"nonsense","password":"Dobre-Hasło-123"}`)
	post(s.Client(), "/api/v1/auth/confirm", `{"token":"nonsense"}`)
	post(user.Client, "/api/v1/auth/logout", ``)
	post(user.Client, "/api/v1/auth/logout", ``, "X-CSRF-Token", user.CSRF)

	link := s.smtp.WaitFor(t, "doc@example.com", 20*time.Second).Link("token=")
	if resp := post(s.Client(), "/api/v1/auth/password", `{"token":"`+tokenOf(t, link)+`","password":"Dobre-Hasło-123"}`); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("set password = %d", resp.StatusCode)
	}
	if resp := post(s.Client(), "/api/v1/auth/login", `{"email":"doc@example.com","password":"Dobre-Hasło-123"}`); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("login = %d", resp.StatusCode)
	}
	for i := 0; i < 11; i++ {
		post(s.Client(), "/api/v1/auth/login", `{"email":"limited@example.com","password":"guess-guess"}`)
	}
	if undocumented := v.Undocumented(s.Server, "/api/v1/auth"); len(undocumented) > 0 {
		t.Errorf("routes without OpenAPI: %v", undocumented)
	}
	if undocumented := v.Undocumented(s.Server, "/api/v1/me"); len(undocumented) > 0 {
		t.Errorf("routes without OpenAPI: %v", undocumented)
	}
}
