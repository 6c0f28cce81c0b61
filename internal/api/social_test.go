package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/helpcenter/helpcenter/internal/account/oauthtest"
	"github.com/helpcenter/helpcenter/internal/app/apptest"
)

// socialSite is a help center with one provider pointed at a fake one.
func socialSite(t *testing.T, mode oauthtest.Mode) (*site, *oauthtest.Provider, string) {
	t.Helper()
	fake := oauthtest.New(t, mode)
	var name string
	var opts []apptest.Option
	switch mode {
	case oauthtest.OIDC:
		name = "google"
		opts = []apptest.Option{apptest.Env("HELPCENTER_GOOGLE_CLIENT_ID", fake.ClientID), apptest.Env("HELPCENTER_GOOGLE_CLIENT_SECRET", fake.ClientSecret),
			apptest.Env("HELPCENTER_GOOGLE_ISSUER", fake.URL)}
	case oauthtest.MultiTenant:
		name = "microsoft"
		opts = []apptest.Option{apptest.Env("HELPCENTER_MICROSOFT_CLIENT_ID", fake.ClientID), apptest.Env("HELPCENTER_MICROSOFT_CLIENT_SECRET", fake.ClientSecret),
			apptest.Env("HELPCENTER_MICROSOFT_ISSUER", fake.URL)}
	case oauthtest.Facebook:
		name = "facebook"
		opts = []apptest.Option{apptest.Env("HELPCENTER_FACEBOOK_CLIENT_ID", fake.ClientID), apptest.Env("HELPCENTER_FACEBOOK_CLIENT_SECRET", fake.ClientSecret),
			apptest.Env("HELPCENTER_FACEBOOK_DIALOG_URL", fake.DialogURL()), apptest.Env("HELPCENTER_FACEBOOK_GRAPH_URL", fake.GraphURL())}
	}
	return newSite(t, opts...), fake, name
}

// signInWith goes through start, the provider and the callback like a browser; tamper
// may change the callback URL before the browser follows it. It returns the callback's
// answer.
func signInWith(t *testing.T, s *site, c *http.Client, provider, next string, tamper func(*url.URL)) *http.Response {
	t.Helper()
	resp, _ := s.get(t, c, "/api/v1/auth/"+provider+"/start?next="+url.QueryEscape(next))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("start = %d", resp.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodGet, resp.Header.Get("Location"), nil)
	resp, _ = apptest.Do(t, c, req)
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("provider = %d", resp.StatusCode)
	}
	cb, _ := url.Parse(resp.Header.Get("Location"))
	if tamper != nil {
		tamper(cb)
	}
	req, _ = http.NewRequest(http.MethodGet, cb.String(), nil)
	resp, _ = apptest.Do(t, c, req)
	return resp
}

// flashOf follows a redirect and returns the flash message shown there.
func flashOf(t *testing.T, s *site, c *http.Client, resp *http.Response) string {
	t.Helper()
	_, body := s.get(t, c, resp.Header.Get("Location"))
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
	return strings.TrimSpace(doc.Find(".flash").First().Text())
}

func TestSocialSignInEndToEnd(t *testing.T) {
	for _, mode := range []oauthtest.Mode{oauthtest.OIDC, oauthtest.MultiTenant} {
		s, fake, name := socialSite(t, mode)
		t.Run(name, func(t *testing.T) {
			fake.SignInNext(oauthtest.User{Subject: "sub-1", Email: "Ola@Example.com", EmailVerified: true, Name: "Ola Social", TenantID: "t-1"})
			c := s.Client()
			resp := signInWith(t, s, c, name, "/articles/jak-zaczac", nil)
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/articles/jak-zaczac" || sessionCookie(resp) == nil {
				t.Fatalf("callback = %d %q", resp.StatusCode, resp.Header.Get("Location"))
			}
			status, m := s.me(t, c)
			if status != http.StatusOK || m.Email != "Ola@Example.com" || m.Name != "Ola Social" {
				t.Fatalf("/me = %d %+v", status, m)
			}
			// The providers list offers the button.
			_, body := s.get(t, s.Client(), "/api/v1/auth/providers")
			if !strings.Contains(body, `"name":"`+name+`"`) {
				t.Errorf("providers = %s", body)
			}
		})
	}
}

func TestSocialTamperingEndToEnd(t *testing.T) {
	s, fake, name := socialSite(t, oauthtest.OIDC)
	fake.SignInNext(oauthtest.User{Subject: "sub-2", Email: "ola@example.com", EmailVerified: true})
	tests := []struct {
		name    string
		prepare func()
		tamper  func(*url.URL)
	}{
		{"changed state", nil, func(u *url.URL) {
			q := u.Query()
			q.Set("state", q.Get("state")+"x")
			u.RawQuery = q.Encode()
		}},
		{"no state", nil, func(u *url.URL) {
			q := u.Query()
			q.Del("state")
			u.RawQuery = q.Encode()
		}},
		{"changed code", nil, func(u *url.URL) {
			q := u.Query()
			q.Set("code", "forged-code")
			u.RawQuery = q.Encode()
		}},
		{"wrong nonce in the ID token", func() { fake.TamperNonce("forged-nonce") }, nil},
		{"token from another issuer", func() { fake.TamperIssuer("https://evil.example") }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.prepare != nil {
				tt.prepare()
				defer func() { fake.TamperNonce(""); fake.TamperIssuer("") }()
			}
			c := s.Client()
			resp := signInWith(t, s, c, name, "/", tt.tamper)
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" || sessionCookie(resp) != nil {
				t.Fatalf("tampered callback = %d %q", resp.StatusCode, resp.Header.Get("Location"))
			}
			if msg := flashOf(t, s, c, resp); !strings.Contains(msg, "nie powiodło się") {
				t.Errorf("flash = %q", msg)
			}
			if status, _ := s.me(t, c); status != http.StatusUnauthorized {
				t.Errorf("signed in after tampering: %d", status)
			}
		})
	}
	t.Run("callback in another browser", func(t *testing.T) {
		c := s.Client()
		var lured *url.URL
		signInWith(t, s, c, name, "/", func(u *url.URL) {
			cp := *u
			lured = &cp
			u.RawQuery = "" // this browser never completes the sign-in
		})
		victim := s.Client()
		req, _ := http.NewRequest(http.MethodGet, lured.String(), nil)
		resp, _ := apptest.Do(t, victim, req)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" || sessionCookie(resp) != nil {
			t.Fatalf("callback without the state cookie = %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
	t.Run("unknown provider", func(t *testing.T) {
		resp, _ := s.get(t, s.Client(), "/api/v1/auth/myspace/start")
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("unknown provider = %d", resp.StatusCode)
		}
	})
}

func TestSocialUnverifiedEmailEndToEnd(t *testing.T) {
	for _, mode := range []oauthtest.Mode{oauthtest.Facebook, oauthtest.OIDC} {
		s, fake, name := socialSite(t, mode)
		t.Run(name, func(t *testing.T) {
			fake.SignInNext(oauthtest.User{Subject: "fb-1", Email: "marta@example.com", EmailVerified: false, Name: "Marta"})
			c := s.Client()
			resp := signInWith(t, s, c, name, "/", nil)
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" || sessionCookie(resp) != nil {
				t.Fatalf("unverified callback = %d %q", resp.StatusCode, resp.Header.Get("Location"))
			}
			if msg := flashOf(t, s, c, resp); !strings.Contains(msg, "marta@example.com") {
				t.Errorf("flash = %q", msg)
			}
			link := s.smtp.WaitFor(t, "marta@example.com", 20*time.Second).Link("/login/confirm?token=")
			if link == "" {
				t.Fatal("no confirmation link")
			}
			// Opening the link only shows a button; pressing it links and signs in.
			resp, body := s.get(t, c, linkPath(t, link))
			doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
			if resp.StatusCode != http.StatusOK || doc.Find(`form[action="/login/confirm"] button`).Length() != 1 {
				t.Fatalf("confirm page = %d", resp.StatusCode)
			}
			form := url.Values{"token": {tokenOf(t, link)}}
			req, _ := http.NewRequest(http.MethodPost, s.URL+"/login/confirm", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, _ = apptest.Do(t, c, req)
			if resp.StatusCode != http.StatusSeeOther || sessionCookie(resp) == nil {
				t.Fatalf("confirm = %d", resp.StatusCode)
			}
			if status, m := s.me(t, c); status != http.StatusOK || m.Email != "marta@example.com" {
				t.Fatalf("/me = %d %+v", status, m)
			}
			// From now on the provider signs in directly.
			again := s.Client()
			resp = signInWith(t, s, again, name, "/", nil)
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" || sessionCookie(resp) == nil {
				t.Fatalf("second sign-in = %d %q", resp.StatusCode, resp.Header.Get("Location"))
			}
		})
	}
}
