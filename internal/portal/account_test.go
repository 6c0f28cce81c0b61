package portal_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/helpcenter/helpcenter/internal/account"
	"github.com/helpcenter/helpcenter/internal/account/accounttest"
	"github.com/helpcenter/helpcenter/internal/app/apptest"
	"github.com/helpcenter/helpcenter/internal/mail/mailtest"
)

func page(t *testing.T, s *apptest.Server, c *http.Client, path string) (*http.Response, *goquery.Document) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.URL+path, nil)
	resp, body := apptest.Do(t, c, req)
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return resp, doc
}

func submit(t *testing.T, s *apptest.Server, c *http.Client, path string, form url.Values) (*http.Response, *goquery.Document) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, body := apptest.Do(t, c, req)
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
	return resp, doc
}

func fieldError(doc *goquery.Document, name string) string {
	return strings.TrimSpace(doc.Find("#f-" + name + "-error").Text())
}

func TestLoginPage(t *testing.T) {
	s := apptest.New(t)
	u := accounttest.SignIn(t, s, account.NewUser{Email: "anna@example.com"})

	resp, doc := page(t, s, s.Client(), "/login?next=/articles/x")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /login = %d", resp.StatusCode)
	}
	form := doc.Find(`form[action="/login"][method=post]`)
	for _, sel := range []string{`label[for=f-email]`, `input#f-email[name=email][type=email][autocomplete=username]`,
		`label[for=f-password]`, `input#f-password[name=password][type=password][autocomplete=current-password]`,
		`input[type=hidden][name=csrf_token]`, `input[type=hidden][name=next][value="/articles/x"]`, `button[type=submit]`} {
		if form.Find(sel).Length() != 1 {
			t.Errorf("login form lacks %s", sel)
		}
	}
	if doc.Find(`a[href="/password"]`).Length() == 0 || doc.Find(`a[href="/register"]`).Length() == 0 {
		t.Error("no links to Uzyskaj hasło and registration")
	}
	if doc.Find(`meta[name=robots][content=noindex]`).Length() != 1 || resp.Header.Get("Cache-Control") != "no-store" {
		t.Error("the sign-in page may be indexed or cached")
	}

	t.Run("wrong password keeps the address", func(t *testing.T) {
		resp, doc := submit(t, s, s.Client(), "/login", url.Values{"email": {"anna@example.com"}, "password": {"wrong password"}})
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("status %d", resp.StatusCode)
		}
		if v, _ := doc.Find("#f-email").Attr("value"); v != "anna@example.com" {
			t.Errorf("e-mail not kept: %q", v)
		}
		if v, _ := doc.Find("#f-password").Attr("value"); v != "" {
			t.Error("the password was sent back")
		}
		if msg := doc.Find(`.flash-error[role=alert]`).Text(); !strings.Contains(msg, "Nieprawidłowy adres e-mail lub hasło") {
			t.Errorf("error message %q", msg)
		}
	})
	t.Run("empty fields", func(t *testing.T) {
		resp, doc := submit(t, s, s.Client(), "/login", url.Values{})
		if resp.StatusCode != http.StatusUnprocessableEntity || fieldError(doc, "email") == "" || fieldError(doc, "password") == "" {
			t.Fatalf("status %d, errors %q %q", resp.StatusCode, fieldError(doc, "email"), fieldError(doc, "password"))
		}
		if v, _ := doc.Find("#f-email").Attr("aria-invalid"); v != "true" {
			t.Error("invalid field not marked for screen readers")
		}
	})
	t.Run("success goes where the visitor wanted, with a flash", func(t *testing.T) {
		c := s.Client()
		resp, _ := submit(t, s, c, "/login", url.Values{"email": {"ANNA@example.com"}, "password": {accounttest.Password}, "next": {"/requests"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/requests" {
			t.Fatalf("login = %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		_, doc := page(t, s, c, "/password")
		if msg := doc.Find(".flash-ok").Text(); msg != "Zalogowano." {
			t.Errorf("flash %q", msg)
		}
	})
	t.Run("next never leaves the site", func(t *testing.T) {
		resp, _ := submit(t, s, s.Client(), "/login", url.Values{"email": {"anna@example.com"}, "password": {accounttest.Password}, "next": {"//evil.example/"}})
		if resp.Header.Get("Location") != "/" {
			t.Errorf("redirected to %q", resp.Header.Get("Location"))
		}
	})
	t.Run("signed in users skip the page", func(t *testing.T) {
		resp, _ := page(t, s, u.Client, "/login")
		if resp.StatusCode != http.StatusSeeOther {
			t.Errorf("signed-in GET /login = %d", resp.StatusCode)
		}
	})
}

func TestRegisterAndPasswordLinkPages(t *testing.T) {
	smtp := mailtest.NewServer(t)
	s := apptest.New(t, apptest.Env("SMTP_URL", smtp.URL()))

	t.Run("invalid input re-renders with the input kept", func(t *testing.T) {
		resp, doc := submit(t, s, s.Client(), "/register", url.Values{"email": {"not-an-address"}, "name": {"Jan Nowak"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(fieldError(doc, "email"), "poprawny adres") {
			t.Fatalf("status %d, email error %q", resp.StatusCode, fieldError(doc, "email"))
		}
		if v, _ := doc.Find("#f-name").Attr("value"); v != "Jan Nowak" {
			t.Errorf("name not kept: %q", v)
		}
		if v, _ := doc.Find("#f-email").Attr("value"); v != "not-an-address" {
			t.Errorf("e-mail not kept: %q", v)
		}
	})
	t.Run("registration, then the flash on the next page", func(t *testing.T) {
		c := s.Client()
		resp, _ := submit(t, s, c, "/register", url.Values{"email": {"jan@example.com"}, "name": {"Jan Nowak"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
			t.Fatalf("register = %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		_, doc := page(t, s, c, "/login")
		if msg := doc.Find(".flash-ok").Text(); !strings.Contains(msg, "jan@example.com") {
			t.Errorf("flash %q", msg)
		}
		_, doc = page(t, s, c, "/login")
		if doc.Find(".flash").Length() != 0 {
			t.Error("the flash showed twice")
		}
		smtp.WaitFor(t, "jan@example.com", 20*time.Second)
	})
	t.Run("Uzyskaj hasło", func(t *testing.T) {
		_, doc := page(t, s, s.Client(), "/password")
		if h := doc.Find("h1").Text(); h != "Uzyskaj hasło" {
			t.Errorf("heading %q", h)
		}
		c := s.Client()
		resp, _ := submit(t, s, c, "/password", url.Values{"email": {"jan@example.com"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("POST /password = %d", resp.StatusCode)
		}
		_, doc = page(t, s, c, "/login")
		if msg := doc.Find(".flash-ok").Text(); !strings.Contains(msg, "24 godziny") {
			t.Errorf("flash %q", msg)
		}
	})
	t.Run("too many requests", func(t *testing.T) {
		var resp *http.Response
		var doc *goquery.Document
		for i := 0; i < 6; i++ {
			resp, doc = submit(t, s, s.Client(), "/password", url.Values{"email": {"often@example.com"}})
		}
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
			t.Fatalf("sixth request = %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
		if msg := doc.Find(".flash-error").Text(); !strings.Contains(msg, "Spróbuj ponownie za") {
			t.Errorf("message %q", msg)
		}
		if v, _ := doc.Find("#f-email").Attr("value"); v != "often@example.com" {
			t.Errorf("address not kept: %q", v)
		}
	})
	t.Run("set password: mismatch, rule, invalid link", func(t *testing.T) {
		msgs := smtp.WaitCount(t, 2, 20*time.Second)
		link, _ := url.Parse(msgs[len(msgs)-1].Link("token="))
		tok := link.Query().Get("token")
		resp, doc := submit(t, s, s.Client(), "/password/set", url.Values{"token": {tok}, "password": {"Długie-hasło-1"}, "password_confirm": {"Inne-hasło-22"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || fieldError(doc, "password_confirm") == "" {
			t.Errorf("mismatch = %d %q", resp.StatusCode, fieldError(doc, "password_confirm"))
		}
		resp, doc = submit(t, s, s.Client(), "/password/set", url.Values{"token": {tok}, "password": {"krótkie"}, "password_confirm": {"krótkie"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(fieldError(doc, "password"), "10 znaków") {
			t.Errorf("short = %d %q", resp.StatusCode, fieldError(doc, "password"))
		}
		if v, _ := doc.Find("input[name=token]").Attr("value"); v != tok {
			t.Error("the token was not kept for the next try")
		}
		resp, doc = page(t, s, s.Client(), "/password/set?token=nonsense")
		if resp.StatusCode != http.StatusBadRequest || doc.Find(`a[href="/password"]`).Length() == 0 || doc.Find("form[action='/password/set']").Length() != 0 {
			t.Errorf("invalid link page = %d", resp.StatusCode)
		}
		if resp.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Error("the set-password page may leak its token in Referer")
		}
	})
}

func TestHeaderAndLogout(t *testing.T) {
	s := apptest.New(t)
	u := accounttest.SignIn(t, s, account.NewUser{Name: "Ewa Księgowa", StaffRole: "editor"})
	// Any page built with web.Chrome shows the signed-in user; "Uzyskaj hasło" is one.
	_, doc := page(t, s, u.Client, "/password")
	if name := doc.Find(".account summary").Text(); name != "Ewa Księgowa" {
		t.Errorf("header shows %q", name)
	}
	if doc.Find(`.account a[href="/admin/"]`).Length() != 1 {
		t.Error("staff link missing")
	}
	token, _ := doc.Find(`form[action="/logout"] input[name=csrf_token]`).Attr("value")
	if token != u.CSRF {
		t.Fatalf("sign-out form token %q, want the session's", token)
	}
	resp, _ := submit(t, s, u.Client, "/logout", url.Values{"csrf_token": {token}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout = %d", resp.StatusCode)
	}
	_, doc = page(t, s, u.Client, "/password")
	if doc.Find(`.account a[href="/login"]`).Length() == 0 || doc.Find(".account summary").Length() != 0 {
		t.Error("still shown as signed in")
	}
	if !strings.Contains(doc.Find(".flash-ok").Text(), "Wylogowano") {
		t.Errorf("flash %q", doc.Find(".flash").Text())
	}
}

func TestEnglishLoginPage(t *testing.T) {
	s := apptest.New(t)
	_, doc := page(t, s, s.Client(), "/login")
	if h := doc.Find("h1").Text(); h != "Zaloguj się" {
		t.Errorf("Polish heading %q", h)
	}
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/login", nil)
	req.AddCookie(&http.Cookie{Name: "lang", Value: "en"})
	_, body := apptest.Do(t, s.Client(), req)
	doc, _ = goquery.NewDocumentFromReader(strings.NewReader(body))
	if h := doc.Find("h1").Text(); h != "Sign in" {
		t.Errorf("English heading %q", h)
	}
}

func TestSocialButtons(t *testing.T) {
	s := apptest.New(t, apptest.Env("HELPCENTER_GOOGLE_CLIENT_ID", "id"), apptest.Env("HELPCENTER_GOOGLE_CLIENT_SECRET", "secret"))
	_, doc := page(t, s, s.Client(), "/login?next=/requests")
	href, _ := doc.Find("a.social-google").Attr("href")
	if href != "/api/v1/auth/google/start?next=%2Frequests" || !strings.Contains(doc.Find("a.social-google").Text(), "Google") {
		t.Errorf("Google button href %q", href)
	}
	if doc.Find("a.social-facebook").Length() != 0 {
		t.Error("a provider without configuration has a button")
	}
}
