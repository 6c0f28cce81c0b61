package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/go-cmp/cmp"
	"github.com/uptrace/bun"

	"github.com/helpcenter/helpcenter/internal/account"
	"github.com/helpcenter/helpcenter/internal/account/accounttest"
	"github.com/helpcenter/helpcenter/internal/app/apptest"
	"github.com/helpcenter/helpcenter/internal/db/dbtest"
	"github.com/helpcenter/helpcenter/internal/mail/mailtest"
)

const strongPassword = "Zielona-Łąka-nad-Wisłą-7"

// site is the help center with a real SMTP server behind it.
type site struct {
	*apptest.Server
	smtp *mailtest.Server
}

func newSite(t *testing.T, opts ...apptest.Option) *site {
	t.Helper()
	smtp := mailtest.NewServer(t)
	s := apptest.New(t, append([]apptest.Option{apptest.Env("SMTP_URL", smtp.URL())}, opts...)...)
	return &site{Server: s, smtp: smtp}
}

func (s *site) post(t *testing.T, c *http.Client, path, body string, header ...string) (*http.Response, string) {
	t.Helper()
	req := apptest.JSONRequest(t, http.MethodPost, s.URL+path, body)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return apptest.Do(t, c, req)
}

func (s *site) get(t *testing.T, c *http.Client, path string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.URL+path, nil)
	return apptest.Do(t, c, req)
}

type me struct {
	ID          int64   `json:"id"`
	Email       string  `json:"email"`
	Name        string  `json:"name"`
	AccountType *string `json:"account_type"`
	StaffRole   *string `json:"staff_role"`
	CSRF        string  `json:"csrf_token"`
}

func (s *site) me(t *testing.T, c *http.Client) (int, me) {
	t.Helper()
	resp, body := s.get(t, c, "/api/v1/me")
	var m me
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal([]byte(body), &m); err != nil {
			t.Fatal(err)
		}
	}
	return resp.StatusCode, m
}

// linkPath turns an e-mailed link into a path on the test server.
func linkPath(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil || u.Query().Get("token") == "" {
		t.Fatalf("bad link %q", link)
	}
	return u.RequestURI()
}

func tokenOf(t *testing.T, link string) string {
	u, _ := url.Parse(link)
	return u.Query().Get("token")
}

func sessionCookie(resp *http.Response) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == "hc_session" {
			return c
		}
	}
	return nil
}

func importSeedUsers(t *testing.T, s *site) []map[string]any {
	t.Helper()
	root, _ := dbtest.RepoRoot()
	path := filepath.Join(root, "..", "shared", "data", "helpcenter", "users.jsonl")
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("seed users not available: %v", err)
	}
	defer f.Close()
	if err := s.DB.Bun.RunInTx(context.Background(), nil, func(ctx context.Context, tx bun.Tx) error {
		return account.ImportUsers(ctx, tx, f, "users.jsonl")
	}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var m map[string]any
		_ = json.Unmarshal([]byte(line), &m)
		out = append(out, m)
	}
	return out
}

// TestImportedContactGetsPasswordAndSignsIn is the done-when path: a contact
// imported from users.jsonl (source support_email, no password) asks for a password link,
// receives it on a real SMTP server, sets a password, signs in, and /me shows the account
// type; then a new address registers the same way.
func TestImportedContactGetsPasswordAndSignsIn(t *testing.T) {
	s := newSite(t)
	var contact map[string]any
	for _, u := range importSeedUsers(t, s) {
		if u["source"] == "support_email" && u["has_password"] == false && u["account_type"] != "none" {
			contact = u
			break
		}
	}
	if contact == nil {
		t.Fatal("no support-e-mail contact with an account type in users.jsonl")
	}
	email := contact["email"].(string)
	c := s.Client()

	// Signing in is impossible before: a contact has no password.
	if resp, _ := s.post(t, c, "/api/v1/auth/login", `{"email":"`+email+`","password":"`+strongPassword+`"}`); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("contact signed in without a password: %d", resp.StatusCode)
	}
	// "Uzyskaj hasło", typed in another letter case.
	resp, body := s.post(t, c, "/api/v1/auth/password-link", `{"email":"`+strings.ToUpper(email)+`"}`)
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("password-link = %d %s", resp.StatusCode, body)
	}
	msg := s.smtp.WaitFor(t, email, 20*time.Second)
	if msg.Subject != "Ustaw hasło w serwisie Centrum pomocy" || msg.HTML == "" {
		t.Errorf("mail subject %q, HTML part %d bytes", msg.Subject, len(msg.HTML))
	}
	link := msg.Link("/password/set?token=")
	if !strings.HasPrefix(link, s.URL+"/password/set?token=") {
		t.Fatalf("link %q does not point at this help center", link)
	}
	// Following the link shows the form (and does not use the link up).
	resp, body = s.get(t, c, linkPath(t, link))
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
	if resp.StatusCode != http.StatusOK || doc.Find(`form[action="/password/set"] input[name=password][type=password]`).Length() != 1 ||
		doc.Find(`input[name=token]`).AttrOr("value", "") != tokenOf(t, link) {
		t.Fatalf("set-password page = %d\n%.500s", resp.StatusCode, body)
	}
	resp, body = s.post(t, c, "/api/v1/auth/password", `{"token":"`+tokenOf(t, link)+`","password":"`+strongPassword+`"}`)
	if resp.StatusCode != http.StatusNoContent || sessionCookie(resp) == nil {
		t.Fatalf("set password = %d %s", resp.StatusCode, body)
	}
	ck := sessionCookie(resp)
	if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure {
		t.Errorf("session cookie flags: HttpOnly=%v SameSite=%v Secure=%v", ck.HttpOnly, ck.SameSite, ck.Secure)
	}
	status, m := s.me(t, c)
	if status != http.StatusOK || m.AccountType == nil || *m.AccountType != contact["account_type"] || !strings.EqualFold(m.Email, email) || m.CSRF == "" {
		t.Fatalf("/me after setting the password = %d %+v", status, m)
	}
	// A fresh browser signs in with the new password.
	fresh := s.Client()
	if resp, body := s.post(t, fresh, "/api/v1/auth/login", `{"email":"`+email+`","password":"`+strongPassword+`"}`); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("sign in = %d %s", resp.StatusCode, body)
	}
	if status, m := s.me(t, fresh); status != http.StatusOK || *m.AccountType != contact["account_type"] {
		t.Fatalf("/me = %d %+v", status, m)
	}

	// A new address registers the same way, through the portal form this time.
	newcomer := s.Client()
	resp, body = s.post(t, newcomer, "/api/v1/auth/register", `{"email":"Nowa.Osoba@Example.com","name":"Nowa Osoba"}`)
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("register = %d %s", resp.StatusCode, body)
	}
	msg = s.smtp.WaitFor(t, "nowa.osoba@example.com", 20*time.Second)
	if !strings.Contains(msg.Subject, "rejestrację") {
		t.Errorf("registration mail subject %q", msg.Subject)
	}
	link = msg.Link("/password/set?token=")
	form := url.Values{"token": {tokenOf(t, link)}, "password": {strongPassword}, "password_confirm": {strongPassword}, "csrf_token": {""}}
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/password/set", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, body = apptest.Do(t, newcomer, req)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" || sessionCookie(resp) == nil {
		t.Fatalf("portal set password = %d %s\n%.300s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	status, m = s.me(t, newcomer)
	if status != http.StatusOK || m.Name != "Nowa Osoba" || m.AccountType != nil {
		t.Fatalf("newcomer /me = %d %+v", status, m)
	}
}

func TestAnswersDoNotRevealAddresses(t *testing.T) {
	s := newSite(t)
	accounttest.SignIn(t, s.Server, account.NewUser{Email: "known@example.com"})
	tests := []struct{ path, known, unknown string }{
		{"/api/v1/auth/password-link", `{"email":"known@example.com"}`, `{"email":"unknown@example.com"}`},
		{"/api/v1/auth/register", `{"email":"known@example.com","name":"K"}`, `{"email":"unknown@example.com","name":"U"}`},
		{"/api/v1/auth/login", `{"email":"known@example.com","password":"wrong password!"}`, `{"email":"unknown@example.com","password":"wrong password!"}`},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			r1, b1 := s.post(t, s.Client(), tt.path, tt.known)
			r2, b2 := s.post(t, s.Client(), tt.path, tt.unknown)
			if r1.StatusCode != r2.StatusCode || b1 != b2 || r1.Header.Get("Content-Type") != r2.Header.Get("Content-Type") {
				t.Errorf("known: %d %s\nunknown: %d %s", r1.StatusCode, b1, r2.StatusCode, b2)
			}
		})
	}
	// Only the known address got mail (the password link), and the unknown registration.
	s.smtp.WaitFor(t, "known@example.com", 20*time.Second)
	s.smtp.WaitFor(t, "unknown@example.com", 20*time.Second)
	for _, m := range s.smtp.Messages() {
		if m.To[0] == "unknown@example.com" && !strings.Contains(m.Subject, "rejestrację") {
			t.Errorf("the unknown address got %q", m.Subject)
		}
	}
}

func TestBruteForceHitsTheLimit(t *testing.T) {
	s := newSite(t)
	accounttest.SignIn(t, s.Server, account.NewUser{Email: "target@example.com"})
	var last *http.Response
	var body string
	for i := 0; i < 12; i++ {
		last, body = s.post(t, s.Client(), "/api/v1/auth/login", `{"email":"target@example.com","password":"guess-`+strconv.Itoa(i)+`-xxxx"}`)
		if last.StatusCode == http.StatusTooManyRequests {
			break
		}
		if last.StatusCode != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d %s", i, last.StatusCode, body)
		}
	}
	if last.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("12 wrong passwords were all answered %d", last.StatusCode)
	}
	if ra, err := strconv.Atoi(last.Header.Get("Retry-After")); err != nil || ra <= 0 || ra > 15*60 {
		t.Errorf("Retry-After = %q", last.Header.Get("Retry-After"))
	}
	if !strings.Contains(last.Header.Get("Content-Type"), "problem+json") || !strings.Contains(body, `"status":429`) {
		t.Errorf("429 body: %s", body)
	}
	// Even the right password waits now.
	if resp, _ := s.post(t, s.Client(), "/api/v1/auth/login", `{"email":"TARGET@example.com","password":"`+accounttest.Password+`"}`); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("right password during the lock-out: %d", resp.StatusCode)
	}
}

func TestSessionFixation(t *testing.T) {
	s := newSite(t)
	victim := accounttest.SignIn(t, s.Server, account.NewUser{Email: "victim@example.com"})
	attacker := accounttest.SignIn(t, s.Server, account.NewUser{Email: "attacker@example.com"})
	base, _ := url.Parse(s.URL)
	planted := map[string]string{
		"a made-up id":               "attacker-chosen-session-id-0123456789abcdef",
		"the attacker's own session": cookieValue(attacker.Client, base),
	}
	for name, value := range planted {
		t.Run(name, func(t *testing.T) {
			c := s.Client()
			c.Jar.SetCookies(base, []*http.Cookie{{Name: "hc_session", Value: value, Path: "/"}})
			resp, body := s.post(t, c, "/api/v1/auth/login", `{"email":"victim@example.com","password":"`+accounttest.Password+`"}`,
				"X-CSRF-Token", attacker.CSRF)
			if resp.StatusCode != http.StatusNoContent {
				t.Fatalf("login = %d %s", resp.StatusCode, body)
			}
			got := sessionCookie(resp)
			if got == nil || got.Value == value {
				t.Fatal("the planted session id was kept")
			}
			// Whoever knows the planted id is not the victim.
			other := s.Client()
			other.Jar.SetCookies(base, []*http.Cookie{{Name: "hc_session", Value: value, Path: "/"}})
			if status, m := s.me(t, other); status == http.StatusOK && m.ID == victim.ID {
				t.Fatal("the planted id signs in as the victim")
			}
		})
	}
}

func cookieValue(c *http.Client, u *url.URL) string {
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "hc_session" {
			return ck.Value
		}
	}
	return ""
}

func TestCSRF(t *testing.T) {
	s := newSite(t)
	u := accounttest.SignIn(t, s.Server, account.NewUser{})
	tests := []struct {
		name   string
		header []string
		want   int
	}{
		{"no token", nil, http.StatusForbidden},
		{"wrong token", []string{"X-CSRF-Token", "x" + u.CSRF}, http.StatusForbidden},
		{"token of another session", []string{"X-CSRF-Token", accounttest.SignIn(t, s.Server, account.NewUser{}).CSRF}, http.StatusForbidden},
		{"foreign origin with the right token", []string{"X-CSRF-Token", u.CSRF, "Origin", "https://evil.example"}, http.StatusForbidden},
		{"right token", []string{"X-CSRF-Token", u.CSRF, "Origin", s.URL}, http.StatusNoContent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := s.post(t, u.Client, "/api/v1/auth/logout", "", tt.header...)
			if resp.StatusCode != tt.want {
				t.Fatalf("logout = %d %s, want %d", resp.StatusCode, body, tt.want)
			}
			if tt.want == http.StatusForbidden {
				if status, _ := s.me(t, u.Client); status != http.StatusOK {
					t.Fatal("a refused request signed the user out")
				}
			}
		})
	}
	if status, _ := s.me(t, u.Client); status != http.StatusUnauthorized {
		t.Errorf("after logout /me = %d", status)
	}

	t.Run("form without the hidden field", func(t *testing.T) {
		u := accounttest.SignIn(t, s.Server, account.NewUser{})
		for _, token := range []string{"", "forged"} {
			req, _ := http.NewRequest(http.MethodPost, s.URL+"/logout", strings.NewReader(url.Values{"csrf_token": {token}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, body := apptest.Do(t, u.Client, req)
			if resp.StatusCode != http.StatusForbidden || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
				t.Fatalf("form logout with token %q = %d %s", token, resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
			if !strings.Contains(doc.Find("main").Text(), "Odśwież stronę") {
				t.Errorf("403 page does not say what to do: %s", doc.Find("main").Text())
			}
		}
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/logout", strings.NewReader(url.Values{"csrf_token": {u.CSRF}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if resp, _ := apptest.Do(t, u.Client, req); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("form logout with the token = %d", resp.StatusCode)
		}
	})
	t.Run("login from a foreign page", func(t *testing.T) {
		resp, _ := s.post(t, s.Client(), "/api/v1/auth/login", `{"email":"x@example.com","password":"whatever-123"}`, "Origin", "https://evil.example")
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("cross-site sign-in = %d", resp.StatusCode)
		}
		form := url.Values{"email": {"x@example.com"}, "password": {"whatever"}}
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		if resp, _ := apptest.Do(t, s.Client(), req); resp.StatusCode != http.StatusForbidden {
			t.Errorf("cross-site sign-in form = %d", resp.StatusCode)
		}
	})
	t.Run("no cookie needs no token", func(t *testing.T) {
		resp, _ := s.post(t, s.Client(), "/api/v1/auth/password-link", `{"email":"x@example.com"}`, "Origin", s.URL)
		if resp.StatusCode != http.StatusAccepted {
			t.Errorf("cookie-less call = %d", resp.StatusCode)
		}
	})
}

func TestBlockedUserIsShutOut(t *testing.T) {
	s := newSite(t)
	admin := accounttest.Staff(t, s.Server, "admin")
	u := accounttest.Customer(t, s.Server, "partner")
	blocked := true
	if _, err := s.Accounts.UpdateUser(context.Background(), admin.Subject(), u.ID, account.UserUpdate{Blocked: &blocked}); err != nil {
		t.Fatal(err)
	}
	if status, _ := s.me(t, u.Client); status != http.StatusUnauthorized {
		t.Errorf("blocked user's session: /me = %d", status)
	}
	resp, body := s.post(t, s.Client(), "/api/v1/auth/login", `{"email":"`+u.Email+`","password":"`+accounttest.Password+`"}`)
	if resp.StatusCode != http.StatusForbidden || sessionCookie(resp) != nil {
		t.Errorf("blocked user signs in: %d %s", resp.StatusCode, body)
	}
	resp, _ = s.post(t, s.Client(), "/api/v1/auth/login", `{"email":"`+u.Email+`","password":"wrong password 1"}`)
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("blocked user with a wrong password: %d, want the usual 401", resp.StatusCode)
	}
}

func TestNewPasswordSignsOutOtherSessions(t *testing.T) {
	s := newSite(t)
	laptop := accounttest.SignIn(t, s.Server, account.NewUser{Email: "anna@example.com"})
	phone := accounttest.Login(t, s.Server, laptop.User, accounttest.Password)
	c := s.Client()
	s.post(t, c, "/api/v1/auth/password-link", `{"email":"anna@example.com"}`)
	link := s.smtp.WaitFor(t, "anna@example.com", 20*time.Second).Link("token=")
	resp, _ := s.post(t, c, "/api/v1/auth/password", `{"token":"`+tokenOf(t, link)+`","password":"`+strongPassword+`"}`)
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("set password = %d", resp.StatusCode)
	}
	for name, other := range map[string]*accounttest.User{"laptop": laptop, "phone": phone} {
		if status, _ := s.me(t, other.Client); status != http.StatusUnauthorized {
			t.Errorf("%s still signed in after the password change: %d", name, status)
		}
	}
	if status, _ := s.me(t, c); status != http.StatusOK {
		t.Errorf("the browser that set the password is not signed in: %d", status)
	}
	// The same link does not work twice.
	resp, body := s.post(t, s.Client(), "/api/v1/auth/password", `{"token":"`+tokenOf(t, link)+`","password":"`+strongPassword+`x"}`)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `"field":"token"`) {
		t.Errorf("reused link = %d %s", resp.StatusCode, body)
	}
}

func TestPasswordRulesOverHTTP(t *testing.T) {
	s := newSite(t)
	accounttest.SignIn(t, s.Server, account.NewUser{Email: "ewa.nowak@example.com"})
	s.post(t, s.Client(), "/api/v1/auth/password-link", `{"email":"ewa.nowak@example.com"}`)
	tok := tokenOf(t, s.smtp.WaitFor(t, "ewa.nowak@example.com", 20*time.Second).Link("token="))
	for _, pw := range []string{"krótkie", "ewa.nowak", "1234567890", "qwertyuiop"} {
		resp, body := s.post(t, s.Client(), "/api/v1/auth/password", `{"token":"`+tok+`","password":"`+pw+`"}`)
		var p struct {
			Errors []struct{ Field, Message string } `json:"errors"`
		}
		_ = json.Unmarshal([]byte(body), &p)
		if resp.StatusCode != http.StatusBadRequest || len(p.Errors) != 1 || p.Errors[0].Field != "password" || p.Errors[0].Message == "" {
			t.Errorf("password %q = %d %s", pw, resp.StatusCode, body)
		}
	}
	// The link survived the rejected attempts.
	if resp, _ := s.post(t, s.Client(), "/api/v1/auth/password", `{"token":"`+tok+`","password":"`+strongPassword+`"}`); resp.StatusCode != http.StatusNoContent {
		t.Errorf("good password after rejected ones = %d", resp.StatusCode)
	}
}

func TestMe(t *testing.T) {
	s := newSite(t)
	resp, body := s.get(t, s.Client(), "/api/v1/me")
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, `"status":401`) {
		t.Errorf("anonymous /me = %d %s", resp.StatusCode, body)
	}
	agent := accounttest.Staff(t, s.Server, "agent")
	resp, body = s.get(t, agent.Client, "/api/v1/me")
	var got map[string]any
	_ = json.Unmarshal([]byte(body), &got)
	if resp.StatusCode != http.StatusOK || got["staff_role"] != "agent" || got["account_type"] != nil || got["csrf_token"] != agent.CSRF ||
		resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("agent /me = %d %s", resp.StatusCode, body)
	}
	var perms []string
	for _, p := range got["permissions"].([]any) {
		perms = append(perms, p.(string))
	}
	if diff := cmp.Diff([]string{"article:edit", "comment:moderate", "ticket:read", "ticket:reply", "ticket:assign", "user:read"}, perms); diff != "" {
		t.Errorf("agent permissions (-want +got):\n%s", diff)
	}
}

func TestOpenAPIDescribesAccounts(t *testing.T) {
	s := newSite(t)
	_, body := s.get(t, s.Client(), "/api/openapi.json")
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	for path, method := range map[string]string{
		"/api/v1/auth/password-link": "post", "/api/v1/auth/register": "post", "/api/v1/auth/password": "post",
		"/api/v1/auth/login": "post", "/api/v1/auth/logout": "post", "/api/v1/auth/confirm": "post",
		"/api/v1/auth/{provider}/start": "get", "/api/v1/auth/{provider}/callback": "get", "/api/v1/me": "get",
		"/api/v1/auth/providers": "get",
	} {
		if doc.Paths[path][method] == nil {
			t.Errorf("OpenAPI lacks %s %s", method, path)
		}
	}
}
