package account

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/helpcenter/helpcenter/internal/account/oauthtest"
	"github.com/helpcenter/helpcenter/internal/apperr"
)

// socialEnv is a service with one fake provider enabled.
func socialEnv(t *testing.T, mode oauthtest.Mode) (*testEnv, *oauthtest.Provider, string) {
	t.Helper()
	fake := oauthtest.New(t, mode)
	var p Provider
	switch mode {
	case oauthtest.OIDC:
		p = NewGoogle(OIDCConfig{ClientID: fake.ClientID, ClientSecret: fake.ClientSecret, Issuer: fake.URL})
	case oauthtest.MultiTenant:
		p = NewMicrosoft(OIDCConfig{ClientID: fake.ClientID, ClientSecret: fake.ClientSecret, Issuer: fake.URL}, "common")
	case oauthtest.Facebook:
		p = NewFacebook(FacebookConfig{ClientID: fake.ClientID, ClientSecret: fake.ClientSecret, DialogURL: fake.DialogURL(), GraphURL: fake.GraphURL()})
	}
	e := newTestEnv(t, func(o *Options) { o.Providers = []Provider{p} })
	return e, fake, p.Name()
}

// authorize starts a sign-in, follows the provider's redirect over HTTP and returns the
// callback's state and code.
func authorize(t *testing.T, e *testEnv, provider string) (state, code string) {
	t.Helper()
	start, err := e.StartSocial(ctx, provider, "/articles/x")
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(start.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize answered %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if !strings.HasPrefix(loc.String(), e.SocialCallbackURL(provider)) {
		t.Fatalf("redirected to %s, want the callback", loc)
	}
	if loc.Query().Get("state") != start.State {
		t.Fatal("the provider changed the state")
	}
	return start.State, loc.Query().Get("code")
}

func finish(e *testEnv, provider, state, cookie, code string) (SocialResult, error) {
	return e.FinishSocial(ctx, SocialCallback{Provider: provider, State: state, CookieState: cookie, Code: code})
}

func TestSocialSignInCreatesVerifiedUser(t *testing.T) {
	for _, mode := range []oauthtest.Mode{oauthtest.OIDC, oauthtest.MultiTenant} {
		e, fake, name := socialEnv(t, mode)
		t.Run(name, func(t *testing.T) {
			fake.SignInNext(oauthtest.User{Subject: "g-1", Email: "Ola@Example.com", EmailVerified: true, Name: "Ola Nowak", TenantID: "tenant-1"})
			state, code := authorize(t, e, name)
			q := fake.LastAuthorize()
			if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" || !strings.Contains(q.Get("scope"), "email") {
				t.Errorf("authorize request lacks PKCE, nonce or scope: %v", q)
			}
			res, err := finish(e, name, state, state, code)
			if err != nil || res.User == nil {
				t.Fatalf("FinishSocial = %+v, %v", res, err)
			}
			u := res.User
			if u.Email != "Ola@Example.com" || u.Source != SourceSocial || u.EmailVerifiedAt == nil || u.Name != "Ola Nowak" ||
				len(u.Providers) != 1 || u.Providers[0] != name || res.Next != "/articles/x" {
				t.Errorf("user = %+v next=%q", u, res.Next)
			}
			// The second sign-in finds the identity, even with another address.
			fake.SignInNext(oauthtest.User{Subject: "g-1", Email: "ola.new@example.com", EmailVerified: true, TenantID: "tenant-1"})
			state, code = authorize(t, e, name)
			again, err := finish(e, name, state, state, code)
			if err != nil || again.User == nil || again.User.ID != u.ID {
				t.Fatalf("second sign-in = %+v, %v", again, err)
			}
		})
	}
}

func TestSocialVerifiedAddressLinksExistingUser(t *testing.T) {
	e, fake, name := socialEnv(t, oauthtest.OIDC)
	existing := e.mustCreateUser(t, "anna@example.com", goodPassword, func(n *NewUser) { n.AccountType = "partner" })
	fake.SignInNext(oauthtest.User{Subject: "g-anna", Email: "ANNA@example.com", EmailVerified: true, Name: "Anna"})
	state, code := authorize(t, e, name)
	res, err := finish(e, name, state, state, code)
	if err != nil || res.User == nil || res.User.ID != existing.ID || res.User.AccountType != "partner" {
		t.Fatalf("FinishSocial = %+v, %v", res, err)
	}
}

func TestSocialUnverifiedAddressNeedsConfirmation(t *testing.T) {
	for _, mode := range []oauthtest.Mode{oauthtest.OIDC, oauthtest.Facebook} {
		e, fake, name := socialEnv(t, mode)
		t.Run(name, func(t *testing.T) {
			existing := e.mustCreateUser(t, "victim@example.com", goodPassword)
			// Google with email_verified=false; Facebook never vouches for the address.
			fake.SignInNext(oauthtest.User{Subject: "attacker", Email: "victim@example.com", EmailVerified: false, Name: "Mallory"})
			state, code := authorize(t, e, name)
			res, err := finish(e, name, state, state, code)
			if err != nil {
				t.Fatal(err)
			}
			if res.User != nil || res.ConfirmationSentTo != "victim@example.com" {
				t.Fatalf("an unverified address signed in: %+v", res)
			}
			var linked int
			_ = e.db.Pool.QueryRow(ctx, `SELECT count(*) FROM identities`).Scan(&linked)
			if linked != 0 {
				t.Fatal("identity linked without confirmation")
			}
			msg := e.waitMails(t, "victim@example.com", 1)[0]
			if msg.Template != "confirm_identity" || !strings.Contains(msg.Text, "/login/confirm?token=") {
				t.Fatalf("confirmation mail = %+v", msg)
			}
			// The mailbox owner confirms: now the identity is theirs and signs in.
			u, err := e.ConfirmIdentity(ctx, tokenIn(t, msg.Text))
			if err != nil || u.ID != existing.ID || len(u.Providers) != 1 {
				t.Fatalf("ConfirmIdentity = %+v, %v", u, err)
			}
			state, code = authorize(t, e, name)
			res, err = finish(e, name, state, state, code)
			if err != nil || res.User == nil || res.User.ID != existing.ID {
				t.Fatalf("sign-in after confirmation = %+v, %v", res, err)
			}
		})
	}
}

func TestSocialFacebookNewAddress(t *testing.T) {
	e, fake, name := socialEnv(t, oauthtest.Facebook)
	fake.SignInNext(oauthtest.User{Subject: "fb-77", Email: "nowa@example.com", Name: "Nowa Osoba"})
	state, code := authorize(t, e, name)
	res, err := finish(e, name, state, state, code)
	if err != nil || res.User != nil || res.ConfirmationSentTo == "" {
		t.Fatalf("FinishSocial = %+v, %v", res, err)
	}
	u, err := e.ConfirmIdentity(ctx, tokenIn(t, e.waitMails(t, "nowa@example.com", 1)[0].Text))
	if err != nil || u.Source != SourceSocial || u.Name != "Nowa Osoba" || u.EmailVerifiedAt == nil {
		t.Fatalf("confirmed user = %+v, %v", u, err)
	}
	// Without an e-mail address there is nobody to confirm.
	fake.SignInNext(oauthtest.User{Subject: "fb-78", Name: "No Mail"})
	state, code = authorize(t, e, name)
	if _, err := finish(e, name, state, state, code); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("no address: %v", err)
	}
}

func TestSocialTampering(t *testing.T) {
	e, fake, name := socialEnv(t, oauthtest.OIDC)
	fake.SignInNext(oauthtest.User{Subject: "g-2", Email: "ola@example.com", EmailVerified: true})

	t.Run("state not from this browser", func(t *testing.T) {
		state, code := authorize(t, e, name)
		other, _ := e.StartSocial(ctx, name, "/")
		if _, err := finish(e, name, state, other.State, code); err != errSocialFailed {
			t.Errorf("cookie of another sign-in: %v", err)
		}
		if _, err := finish(e, name, state, "", code); err != errSocialFailed {
			t.Errorf("no cookie: %v", err)
		}
	})
	t.Run("made-up state", func(t *testing.T) {
		_, code := authorize(t, e, name)
		forged := randomToken()
		if _, err := finish(e, name, forged, forged, code); err != errSocialFailed {
			t.Errorf("forged state: %v", err)
		}
	})
	t.Run("state used twice", func(t *testing.T) {
		state, code := authorize(t, e, name)
		if _, err := finish(e, name, state, state, code); err != nil {
			t.Fatal(err)
		}
		if _, err := finish(e, name, state, state, code); err != errSocialFailed {
			t.Errorf("replayed callback: %v", err)
		}
	})
	t.Run("state of another provider", func(t *testing.T) {
		state, code := authorize(t, e, name)
		if _, err := finish(e, "facebook", state, state, code); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("disabled provider: %v", err)
		}
		_, _ = e.db.Pool.Exec(ctx, `UPDATE oauth_states SET provider = 'microsoft'`)
		if _, err := finish(e, name, state, state, code); err != errSocialFailed {
			t.Errorf("state stored for another provider: %v", err)
		}
	})
	t.Run("expired state", func(t *testing.T) {
		state, code := authorize(t, e, name)
		_, _ = e.db.Pool.Exec(ctx, `UPDATE oauth_states SET expires_at = now() - interval '1 second'`)
		if _, err := finish(e, name, state, state, code); err != errSocialFailed {
			t.Errorf("expired state: %v", err)
		}
	})
	t.Run("wrong nonce", func(t *testing.T) {
		fake.TamperNonce("not-the-nonce-we-sent")
		defer fake.TamperNonce("")
		state, code := authorize(t, e, name)
		if _, err := finish(e, name, state, state, code); err != errSocialFailed {
			t.Errorf("ID token with a wrong nonce: %v", err)
		}
	})
	t.Run("code from another sign-in", func(t *testing.T) {
		state, _ := authorize(t, e, name)
		_, code := authorize(t, e, name) // its verifier belongs to the other state
		if _, err := finish(e, name, state, state, code); err != errSocialFailed {
			t.Errorf("code with the wrong PKCE verifier: %v", err)
		}
	})
	t.Run("cancelled at the provider", func(t *testing.T) {
		state, _ := authorize(t, e, name)
		_, err := e.FinishSocial(ctx, SocialCallback{Provider: name, State: state, CookieState: state, Error: "access_denied"})
		if !apperr.Is(err, apperr.Unauthorized) {
			t.Errorf("cancelled: %v", err)
		}
	})
	var users int
	_ = e.db.Pool.QueryRow(ctx, `SELECT count(*) FROM identities`).Scan(&users)
	if users != 1 {
		t.Errorf("%d identities after the tampering attempts, want only the one honest sign-in", users)
	}
}

func TestSocialMicrosoftTenants(t *testing.T) {
	e, fake, name := socialEnv(t, oauthtest.MultiTenant)
	t.Run("work account address is not trusted by itself", func(t *testing.T) {
		fake.SignInNext(oauthtest.User{Subject: "ms-1", Email: "ceo@example.com", TenantID: "some-tenant"})
		state, code := authorize(t, e, name)
		res, err := finish(e, name, state, state, code)
		if err != nil || res.User != nil || res.ConfirmationSentTo == "" {
			t.Fatalf("unverified work account = %+v, %v", res, err)
		}
	})
	t.Run("personal account address is", func(t *testing.T) {
		fake.SignInNext(oauthtest.User{Subject: "ms-2", Email: "ola@example.com", TenantID: microsoftConsumerTenant})
		state, code := authorize(t, e, name)
		res, err := finish(e, name, state, state, code)
		if err != nil || res.User == nil {
			t.Fatalf("personal account = %+v, %v", res, err)
		}
	})
	t.Run("issuer of another tenant", func(t *testing.T) {
		fake.SignInNext(oauthtest.User{Subject: "ms-3", Email: "x@example.com", EmailVerified: true, TenantID: "tenant-a"})
		fake.TamperIssuer(fake.URL + "/tenant-b/v2.0")
		defer fake.TamperIssuer("")
		state, code := authorize(t, e, name)
		if _, err := finish(e, name, state, state, code); err != errSocialFailed {
			t.Errorf("token issued by another tenant: %v", err)
		}
	})
}

func TestSocialIssuerChecked(t *testing.T) {
	e, fake, name := socialEnv(t, oauthtest.OIDC)
	fake.TamperIssuer("https://evil.example")
	state, code := authorize(t, e, name)
	if _, err := finish(e, name, state, state, code); err != errSocialFailed {
		t.Errorf("ID token from another issuer: %v", err)
	}
}

func TestSocialBlockedUser(t *testing.T) {
	e, fake, name := socialEnv(t, oauthtest.OIDC)
	u := e.mustCreateUser(t, "blocked@example.com", "")
	if _, err := e.UpdateUser(ctx, adminSubject, u.ID, UserUpdate{Blocked: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	fake.SignInNext(oauthtest.User{Subject: "g-b", Email: "blocked@example.com", EmailVerified: true})
	state, code := authorize(t, e, name)
	if _, err := finish(e, name, state, state, code); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("blocked user signed in: %v", err)
	}
}

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"/articles/a?x=1": "/articles/a?x=1", "": "/", "//evil.example": "/", "/\\evil.example": "/",
		"https://evil.example/": "/", "javascript:alert(1)": "/", "/a\r\nSet-Cookie: x": "/",
	} {
		if got := LocalPath(in); got != want {
			t.Errorf("LocalPath(%q) = %q, want %q", in, got, want)
		}
	}
}
