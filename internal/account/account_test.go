package account

import (
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/audit"
	"github.com/helpcenter/helpcenter/policy"
)

const goodPassword = "Kredka-Morze-Żagiel-42"

func fieldOf(err error) string {
	if ae := apperr.As(err); ae != nil && len(ae.Fields) > 0 {
		return ae.Fields[0].Field + ": " + ae.Fields[0].Message
	}
	return ""
}

func TestCheckPassword(t *testing.T) {
	tests := []struct {
		name, password, email, person string
		wantPart                      string // "" = accepted
	}{
		{"long and unusual", goodPassword, "anna@example.com", "Anna Nowak", ""},
		{"passphrase with spaces", "cztery słowa na hasło", "anna@example.com", "", ""},
		{"nine characters", "Abcdefgh1", "anna@example.com", "", "co najmniej 10 znaków (ma 9)"},
		{"nine Polish letters count as nine", "żółćżółćż", "anna@example.com", "", "co najmniej 10 znaków (ma 9)"},
		{"the e-mail address", "Anna.Nowak@Example.com", "anna.nowak@example.com", "", "adresem e-mail"},
		{"the local part", "anna.nowak", "anna.nowak@example.com", "", "adresem e-mail"},
		{"contains the address", "xanna.nowak@example.com1", "anna.nowak@example.com", "", "adresem e-mail"},
		{"the name", "Anna Nowakowska", "a@example.com", "Anna Nowakowska", "imieniem i nazwiskiem"},
		{"one character", "kkkkkkkkkkkk", "a@example.com", "", "jednego powtórzonego znaku"},
		{"one Polish character", "żżżżżżżżżżżż", "a@example.com", "", "jednego powtórzonego znaku"},
		{"common", "Qwertyuiop", "a@example.com", "", "najczęściej używanych"},
		{"common Polish", "zaq12wsxcde", "a@example.com", "", "najczęściej używanych"},
		{"product name", "HelpCenter123", "a@example.com", "", "najczęściej używanych"},
		{"too long", strings.Repeat("ab", 200), "a@example.com", "", "najwyżej 256"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckPassword(tt.password, tt.email, tt.person)
			if tt.wantPart == "" {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				return
			}
			f := fieldOf(err)
			if !strings.HasPrefix(f, "password: ") || !strings.Contains(f, tt.wantPart) {
				t.Fatalf("error = %q, want password field saying %q", f, tt.wantPart)
			}
		})
	}
}

func TestHasher(t *testing.T) {
	h := newHasher(true)
	enc, err := h.hash(goodPassword)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("hash format %q", enc)
	}
	if ok, stale, err := h.verify(enc, goodPassword); !ok || stale || err != nil {
		t.Errorf("verify right password = %v %v %v", ok, stale, err)
	}
	if ok, _, _ := h.verify(enc, goodPassword+"x"); ok {
		t.Error("wrong password verified")
	}
	if enc2, _ := h.hash(goodPassword); enc2 == enc {
		t.Error("two hashes of one password are equal: no salt?")
	}
	// A hash made with other parameters still verifies and is reported stale.
	if ok, stale, _ := newHasher(false).verify(enc, goodPassword); !ok || !stale {
		t.Errorf("production hasher on a test hash: ok=%v stale=%v", ok, stale)
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=64,t=1,p=1$AAAA$AAAA", "$argon2id$v=19$m=99999999,t=1,p=1$AAAA$AAAA", "plain"} {
		if _, _, err := h.verify(bad, "x"); err == nil {
			t.Errorf("malformed hash %q accepted", bad)
		}
	}
}

func TestEnsureContact(t *testing.T) {
	e := newTestEnv(t)
	c, err := e.EnsureContact(ctx, e.db.Bun, "Jan.Kowalski@Example.com", "")
	if err != nil {
		t.Fatal(err)
	}
	if !c.IsContact() || c.Source != SourceSupportEmail || c.HasPassword {
		t.Errorf("new contact = %+v", c)
	}
	again, err := e.EnsureContact(ctx, e.db.Bun, "jan.kowalski@example.COM", "Jan Kowalski")
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != c.ID || again.Name != "Jan Kowalski" || again.Email != "Jan.Kowalski@Example.com" {
		t.Errorf("second call = %+v, want the same user with the name filled in", again)
	}
	third, _ := e.EnsureContact(ctx, e.db.Bun, "jan.kowalski@example.com", "Ktoś Inny")
	if third.Name != "Jan Kowalski" {
		t.Errorf("a known name was overwritten: %q", third.Name)
	}
	if _, err := e.EnsureContact(ctx, e.db.Bun, "not an address", ""); fieldOf(err) == "" {
		t.Errorf("bad address: %v", err)
	}
}

func TestParseEmail(t *testing.T) {
	for in, ok := range map[string]bool{
		"anna@example.com": true, " Anna@Example.COM ": true, "a.b+tag@sub.example.pl": true,
		"": false, "anna": false, "anna@localhost": false, "Anna <anna@example.com>": false, "a@b@example.com": false,
		"anna@example..com": false, "anna @example.com": false, "anna@example.com\r\nBcc: x@y.z": false,
	} {
		_, err := ParseEmail("email", in)
		if (err == nil) != ok {
			t.Errorf("ParseEmail(%q) err=%v, want ok=%v", in, err, ok)
		}
	}
}

func TestLoginAnswers(t *testing.T) {
	e := newTestEnv(t)
	u := e.mustCreateUser(t, "Anna@Example.com", goodPassword)
	e.mustCreateUser(t, "contact@example.com", "")
	blocked := e.mustCreateUser(t, "blocked@example.com", goodPassword)
	if _, err := e.UpdateUser(ctx, adminSubject, blocked.ID, UserUpdate{Blocked: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, email, password string
		want                  apperr.Code
	}{
		{"right pair", "Anna@Example.com", goodPassword, ""},
		{"other letter case", "anna@EXAMPLE.com", goodPassword, ""},
		{"spaces around the address", "  Anna@Example.com ", goodPassword, ""},
		{"wrong password", "anna@example.com", goodPassword + "!", apperr.Unauthorized},
		{"unknown address", "nobody@example.com", goodPassword, apperr.Unauthorized},
		{"contact without password", "contact@example.com", goodPassword, apperr.Unauthorized},
		{"blocked, wrong password", "blocked@example.com", "wrong password", apperr.Unauthorized},
		{"blocked, right password", "blocked@example.com", goodPassword, apperr.Forbidden},
		{"empty", "", "", apperr.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := e.Login(ctx, Credentials{Email: tt.email, Password: tt.password, ClientIP: "198.51.100.1"})
			if apperr.CodeOf(err) != tt.want {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if tt.want == "" && got.ID != u.ID {
				t.Errorf("signed in as %d, want %d", got.ID, u.ID)
			}
			if tt.want == apperr.Unauthorized && err.Error() != ErrBadCredentials.Error() {
				t.Errorf("answer %q differs from the one answer for bad credentials", err)
			}
		})
	}
}

// TestLoginTimingUnknownVsKnown uses the production hashing parameters: the hash is what
// takes time, and an unknown address must pay for one too.
func TestLoginTimingUnknownVsKnown(t *testing.T) {
	if testing.Short() {
		t.Skip("uses production hashing parameters")
	}
	e := newTestEnv(t, func(o *Options) { o.FastPasswords = false })
	e.mustCreateUser(t, "known@example.com", goodPassword)
	e.mustCreateUser(t, "contact@example.com", "")
	// Interleaved, so that other load on the machine hits every kind of address alike.
	emails := []string{"known@example.com", "unknown@example.com", "contact@example.com"}
	samples := map[string][]time.Duration{}
	for i := 0; i < 7; i++ {
		for _, email := range emails {
			start := time.Now()
			_, err := e.Login(ctx, Credentials{Email: email, Password: "wrong password 123", ClientIP: "198.51.100.7"})
			samples[email] = append(samples[email], time.Since(start))
			if !apperr.Is(err, apperr.Unauthorized) {
				t.Fatalf("%s: %v", email, err)
			}
		}
	}
	// The fastest run is the work a sign-in cannot avoid; load on a busy machine only
	// ever adds to it.
	fastest := func(email string) time.Duration {
		ds := samples[email]
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		return ds[0]
	}
	known, unknown, contact := fastest(emails[0]), fastest(emails[1]), fastest(emails[2])
	t.Logf("fastest wrong-password sign-in: known %s, unknown %s, contact %s", known, unknown, contact)
	for name, d := range map[string]time.Duration{"unknown": unknown, "contact": contact} {
		// Skipping the hash for an unknown address would make it 20-100 times faster.
		if ratio := float64(d) / float64(known); ratio < 0.5 || ratio > 2 {
			t.Errorf("%s address took %s against %s for a known one (ratio %.2f): timing tells them apart", name, d, known, ratio)
		}
	}
}

func TestLoginBruteForceHitsTheLimit(t *testing.T) {
	e := newTestEnv(t, func(o *Options) {
		o.Limits = Limits{LoginPerEmail: Limit{5, time.Hour}, LoginPerIP: Limit{8, time.Hour}}
	})
	e.mustCreateUser(t, "anna@example.com", goodPassword)
	try := func(email, ip, password string) error {
		_, err := e.Login(ctx, Credentials{Email: email, Password: password, ClientIP: ip})
		return err
	}
	for i := 1; i <= 5; i++ {
		if err := try("anna@example.com", "203.0.113.1", "guess number "+string(rune('0'+i))); !apperr.Is(err, apperr.Unauthorized) {
			t.Fatalf("guess %d: %v", i, err)
		}
	}
	// The sixth guess is refused even with the right password, from another address and
	// in another letter case: the limit is per e-mail.
	err := try("ANNA@example.com", "203.0.113.99", goodPassword)
	if !apperr.Is(err, apperr.RateLimited) {
		t.Fatalf("sixth attempt: %v, want rate limited", err)
	}
	if wait := RetryAfter(err); wait <= 0 || wait > time.Hour {
		t.Errorf("Retry-After = %s", wait)
	}
	// Many addresses from one IP hit the per-IP limit.
	var last error
	for i := 0; i < 8; i++ {
		last = try("other"+string(rune('a'+i))+"@example.com", "203.0.113.1", "whatever password")
	}
	if !apperr.Is(last, apperr.RateLimited) {
		t.Errorf("spraying addresses from one IP: %v, want rate limited", last)
	}
}

func TestSuccessfulLoginResetsTheAddressLimit(t *testing.T) {
	e := newTestEnv(t, func(o *Options) { o.Limits = Limits{LoginPerEmail: Limit{3, time.Hour}} })
	e.mustCreateUser(t, "anna@example.com", goodPassword)
	for i := 0; i < 2; i++ {
		_, _ = e.Login(ctx, Credentials{Email: "anna@example.com", Password: "typo typo typo", ClientIP: "192.0.2.1"})
	}
	if _, err := e.Login(ctx, Credentials{Email: "anna@example.com", Password: goodPassword, ClientIP: "192.0.2.1"}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if _, err := e.Login(ctx, Credentials{Email: "anna@example.com", Password: "typo typo typo", ClientIP: "192.0.2.1"}); apperr.Is(err, apperr.RateLimited) {
			t.Fatalf("limited after a successful sign-in reset the counter (attempt %d)", i)
		}
	}
}

func TestTokens(t *testing.T) {
	e := newTestEnv(t)
	u := e.mustCreateUser(t, "anna@example.com", "")
	other := e.mustCreateUser(t, "other@example.com", "")

	t.Run("works once", func(t *testing.T) {
		tok := e.mustIssue(t, u.ID, PurposeSetPassword)
		if err := e.CheckLink(ctx, tok, PurposeSetPassword); err != nil {
			t.Fatalf("fresh link: %v", err)
		}
		got, err := e.SetPassword(ctx, NewPassword{Token: tok, Password: goodPassword})
		if err != nil || got.ID != u.ID || !got.HasPassword || got.EmailVerifiedAt == nil {
			t.Fatalf("SetPassword = %+v, %v", got, err)
		}
		if _, err := e.SetPassword(ctx, NewPassword{Token: tok, Password: goodPassword + "2"}); err != ErrLinkInvalid {
			t.Fatalf("reused link: %v", err)
		}
	})
	t.Run("a broken rule keeps the link usable", func(t *testing.T) {
		tok := e.mustIssue(t, u.ID, PurposeSetPassword)
		if _, err := e.SetPassword(ctx, NewPassword{Token: tok, Password: "short"}); !strings.HasPrefix(fieldOf(err), "password:") {
			t.Fatalf("short password: %v", err)
		}
		if _, err := e.SetPassword(ctx, NewPassword{Token: tok, Password: goodPassword}); err != nil {
			t.Fatalf("second try with a good password: %v", err)
		}
	})
	t.Run("expired", func(t *testing.T) {
		tok := e.mustIssue(t, u.ID, PurposeSetPassword)
		if _, err := e.db.Pool.Exec(ctx, `UPDATE email_tokens SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, hashToken(tok)); err != nil {
			t.Fatal(err)
		}
		if err := e.CheckLink(ctx, tok, PurposeSetPassword); err != ErrLinkInvalid {
			t.Errorf("CheckLink on an expired link: %v", err)
		}
		if _, err := e.SetPassword(ctx, NewPassword{Token: tok, Password: goodPassword}); err != ErrLinkInvalid {
			t.Errorf("expired link: %v", err)
		}
	})
	t.Run("another purpose", func(t *testing.T) {
		tok := e.mustIssue(t, u.ID, PurposeLinkIdentity)
		if _, err := e.SetPassword(ctx, NewPassword{Token: tok, Password: goodPassword}); err != ErrLinkInvalid {
			t.Errorf("identity link used to set a password: %v", err)
		}
		pw := e.mustIssue(t, u.ID, PurposeSetPassword)
		if _, err := e.ConfirmIdentity(ctx, pw); err != ErrLinkInvalid {
			t.Errorf("password link used to link an identity: %v", err)
		}
	})
	t.Run("a newer link replaces the older", func(t *testing.T) {
		older := e.mustIssue(t, u.ID, PurposeSetPassword)
		newer := e.mustIssue(t, u.ID, PurposeSetPassword)
		otherTok := e.mustIssue(t, other.ID, PurposeSetPassword)
		if _, err := e.SetPassword(ctx, NewPassword{Token: older, Password: goodPassword}); err != ErrLinkInvalid {
			t.Errorf("older link: %v", err)
		}
		if _, err := e.SetPassword(ctx, NewPassword{Token: newer, Password: goodPassword}); err != nil {
			t.Errorf("newer link: %v", err)
		}
		if err := e.CheckLink(ctx, otherTok, PurposeSetPassword); err != nil {
			t.Errorf("another user's link was affected: %v", err)
		}
	})
	t.Run("a password change ends every other link", func(t *testing.T) {
		identity := e.mustIssue(t, u.ID, PurposeLinkIdentity)
		pw := e.mustIssue(t, u.ID, PurposeSetPassword)
		if _, err := e.SetPassword(ctx, NewPassword{Token: pw, Password: goodPassword}); err != nil {
			t.Fatal(err)
		}
		if err := e.CheckLink(ctx, identity, PurposeLinkIdentity); err != ErrLinkInvalid {
			t.Errorf("identity link survived a password change: %v", err)
		}
	})
	t.Run("garbage", func(t *testing.T) {
		for _, tok := range []string{"", "x", strings.Repeat("A", 43), strings.Repeat("A", 5000)} {
			if _, err := e.SetPassword(ctx, NewPassword{Token: tok, Password: goodPassword}); err != ErrLinkInvalid {
				t.Errorf("token %.20q: %v", tok, err)
			}
		}
	})
	t.Run("only the hash is stored", func(t *testing.T) {
		tok := e.mustIssue(t, u.ID, PurposeSetPassword)
		var n int
		_ = e.db.Pool.QueryRow(ctx, `SELECT count(*) FROM email_tokens WHERE token_hash = $1 OR encode(token_hash, 'escape') = $2`, []byte(tok), tok).Scan(&n)
		if n != 0 {
			t.Error("the secret itself is in the table")
		}
	})
}

func TestPasswordLinkFlow(t *testing.T) {
	e := newTestEnv(t)
	contact, _ := e.EnsureContact(ctx, e.db.Bun, "Kontakt@Example.com", "Kasia Kontakt")
	if err := e.RequestPasswordLink(ctx, LinkRequest{Email: "kontakt@example.com", ClientIP: "192.0.2.10"}); err != nil {
		t.Fatal(err)
	}
	if err := e.RequestPasswordLink(ctx, LinkRequest{Email: "stranger@example.com", ClientIP: "192.0.2.10"}); err != nil {
		t.Fatalf("unknown address answered differently: %v", err)
	}
	msgs := e.waitMails(t, "kontakt@example.com", 1)
	if msgs[0].Subject != "Ustaw hasło w serwisie Centrum pomocy" || !strings.Contains(msgs[0].Text, "https://pomoc.example.com/password/set?token=") {
		t.Fatalf("mail = %+v", msgs[0])
	}
	e.settle(t)
	var strangers int
	_ = e.db.Pool.QueryRow(ctx, `SELECT count(*) FROM mails WHERE to_address ILIKE 'stranger%'`).Scan(&strangers)
	var users int
	_ = e.db.Pool.QueryRow(ctx, `SELECT count(*) FROM users WHERE email = 'stranger@example.com'`).Scan(&users)
	if strangers != 0 || users != 0 {
		t.Errorf("an unknown address got %d mails and %d users", strangers, users)
	}
	u, err := e.SetPassword(ctx, NewPassword{Token: tokenIn(t, msgs[0].Text), Password: goodPassword})
	if err != nil || u.ID != contact.ID {
		t.Fatalf("SetPassword: %+v %v", u, err)
	}
	if _, err := e.Login(ctx, Credentials{Email: "KONTAKT@example.com", Password: goodPassword, ClientIP: "192.0.2.10"}); err != nil {
		t.Fatalf("sign in after setting the password: %v", err)
	}
}

func TestRegisterFlow(t *testing.T) {
	e := newTestEnv(t)
	existing := e.mustCreateUser(t, "existing@example.com", goodPassword)
	if err := e.Register(ctx, Registration{Email: "Nowy@Example.com", Name: "  Nowy   Użytkownik ", ClientIP: "192.0.2.20"}); err != nil {
		t.Fatal(err)
	}
	if err := e.Register(ctx, Registration{Email: "EXISTING@example.com", Name: "Ktoś", ClientIP: "192.0.2.20"}); err != nil {
		t.Fatalf("known address answered differently: %v", err)
	}
	newMail := e.waitMails(t, "nowy@example.com", 1)[0]
	if newMail.Template != "register" || !strings.Contains(newMail.Text, "Nowy Użytkownik") {
		t.Errorf("new address got %q: %s", newMail.Template, newMail.Text)
	}
	oldMail := e.waitMails(t, "existing@example.com", 1)[0]
	if oldMail.Template != "password_link" {
		t.Errorf("known address got %q, want a password link", oldMail.Template)
	}
	u, err := e.UserByEmail(ctx, "nowy@example.com")
	if err != nil || u.Source != SourceRegistered || u.Name != "Nowy Użytkownik" || !u.IsContact() {
		t.Fatalf("registered user = %+v, %v", u, err)
	}
	still, _ := e.UserByEmail(ctx, "existing@example.com")
	if still.ID != existing.ID || still.Name != existing.Name {
		t.Errorf("registration changed a known user: %+v", still)
	}
	if err := e.Register(ctx, Registration{Email: "x@example.com", Name: "", ClientIP: "192.0.2.20"}); !strings.HasPrefix(fieldOf(err), "name:") {
		t.Errorf("registration without a name: %v", err)
	}
}

func TestPasswordLinkLimit(t *testing.T) {
	e := newTestEnv(t, func(o *Options) { o.Limits = Limits{LinkPerEmail: Limit{2, time.Hour}} })
	for i := 0; i < 2; i++ {
		if err := e.RequestPasswordLink(ctx, LinkRequest{Email: "a@example.com", ClientIP: "192.0.2.1"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.RequestPasswordLink(ctx, LinkRequest{Email: "A@example.com", ClientIP: "192.0.2.2"}); !apperr.Is(err, apperr.RateLimited) || RetryAfter(err) <= 0 {
		t.Errorf("third request: %v", err)
	}
}

func TestSessions(t *testing.T) {
	e := newTestEnv(t)
	u := e.mustCreateUser(t, "anna@example.com", goodPassword, func(n *NewUser) { n.AccountType = "accountant" })
	first, err := e.StartSession(ctx, u.ID, SessionMeta{IP: "192.0.2.1", UserAgent: "test"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.SessionByToken(ctx, first.Token)
	if err != nil || got == nil || got.User.ID != u.ID || got.User.AccountType != "accountant" || got.CSRFToken != first.CSRFToken {
		t.Fatalf("SessionByToken = %+v, %v", got, err)
	}
	if s, _ := e.SessionByToken(ctx, first.Token+"x"); s != nil {
		t.Error("a changed token found a session")
	}

	t.Run("sign-in replaces the browser's session", func(t *testing.T) {
		second, err := e.StartSession(ctx, u.ID, SessionMeta{Replace: first.Token})
		if err != nil {
			t.Fatal(err)
		}
		if second.Token == first.Token || second.CSRFToken == first.CSRFToken {
			t.Fatal("the new session reuses the old secrets")
		}
		if s, _ := e.SessionByToken(ctx, first.Token); s != nil {
			t.Error("the replaced session still works")
		}
		first = second
	})
	t.Run("expired", func(t *testing.T) {
		ns, _ := e.StartSession(ctx, u.ID, SessionMeta{})
		_, _ = e.db.Pool.Exec(ctx, `UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id_hash = $1`, hashToken(ns.Token))
		if s, _ := e.SessionByToken(ctx, ns.Token); s != nil {
			t.Error("an expired session works")
		}
	})
	t.Run("blocking ends every session", func(t *testing.T) {
		other, _ := e.StartSession(ctx, u.ID, SessionMeta{})
		if _, err := e.UpdateUser(ctx, adminSubject, u.ID, UserUpdate{Blocked: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		for _, tok := range []string{first.Token, other.Token} {
			if s, _ := e.SessionByToken(ctx, tok); s != nil {
				t.Error("a blocked user's session works")
			}
		}
		if _, err := e.UpdateUser(ctx, adminSubject, u.ID, UserUpdate{Blocked: ptr(false)}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("a new password ends every session", func(t *testing.T) {
		a, _ := e.StartSession(ctx, u.ID, SessionMeta{})
		b, _ := e.StartSession(ctx, u.ID, SessionMeta{})
		if _, err := e.SetPassword(ctx, NewPassword{Token: e.mustIssue(t, u.ID, PurposeSetPassword), Password: goodPassword + "!"}); err != nil {
			t.Fatal(err)
		}
		for _, tok := range []string{a.Token, b.Token} {
			if s, _ := e.SessionByToken(ctx, tok); s != nil {
				t.Error("a session survived the password change")
			}
		}
	})
	t.Run("the table holds no usable secret", func(t *testing.T) {
		ns, _ := e.StartSession(ctx, u.ID, SessionMeta{})
		var n int
		_ = e.db.Pool.QueryRow(ctx, `SELECT count(*) FROM sessions WHERE id_hash = $1`, []byte(ns.Token)).Scan(&n)
		if n != 0 {
			t.Error("the session secret is stored as is")
		}
	})
	t.Run("end", func(t *testing.T) {
		ns, _ := e.StartSession(ctx, u.ID, SessionMeta{})
		if err := e.EndSession(ctx, ns.Token); err != nil {
			t.Fatal(err)
		}
		if s, _ := e.SessionByToken(ctx, ns.Token); s != nil {
			t.Error("an ended session works")
		}
	})
}

func TestUsersForStaff(t *testing.T) {
	e := newTestEnv(t)
	admin := e.mustCreateUser(t, "admin@example.com", goodPassword, func(n *NewUser) { n.StaffRole = "admin" })
	anna := e.mustCreateUser(t, "anna@example.com", "", func(n *NewUser) { n.Name = "Anna Księgowa" })
	actor := admin.Subject()

	if _, err := e.FindUsers(ctx, policy.Subject{UserID: anna.ID}, UserFilter{}); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("a customer listed users: %v", err)
	}
	found, err := e.FindUsers(ctx, actor, UserFilter{Query: "księg"})
	if err != nil || len(found) != 1 || found[0].ID != anna.ID {
		t.Fatalf("FindUsers(księg) = %+v, %v", found, err)
	}
	up, err := e.UpdateUser(ctx, actor, anna.ID, UserUpdate{AccountType: ptr("accountant"), StaffRole: ptr("agent")})
	if err != nil || up.AccountType != "accountant" || up.StaffRole != "agent" {
		t.Fatalf("UpdateUser = %+v, %v", up, err)
	}
	_, err = e.UpdateUser(ctx, actor, anna.ID, UserUpdate{AccountType: ptr("astronaut"), StaffRole: ptr("king")})
	var fields []string
	if ae := apperr.As(err); ae != nil {
		for _, f := range ae.Fields {
			fields = append(fields, f.Field)
		}
	}
	if diff := cmp.Diff([]string{"account_type", "staff_role"}, fields); diff != "" {
		t.Errorf("invalid type and role (-want +got):\n%s", diff)
	}
	if _, err := e.UpdateUser(ctx, actor, admin.ID, UserUpdate{Blocked: ptr(true)}); fieldOf(err) == "" {
		t.Errorf("an admin blocked themselves: %v", err)
	}
	if _, err := e.UpdateUser(ctx, actor, admin.ID, UserUpdate{StaffRole: ptr("")}); fieldOf(err) == "" {
		t.Errorf("an admin dropped their own role: %v", err)
	}
	entries, err := audit.Find(ctx, e.db.Bun, audit.Filter{Object: userObject(anna.ID)})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, en := range entries {
		actions = append(actions, en.Action+" by "+en.Actor)
	}
	if diff := cmp.Diff([]string{"user.update by admin@example.com", "user.create by system"}, actions); diff != "" {
		t.Errorf("audit (-want +got):\n%s", diff)
	}
	if _, err := e.UserByID(ctx, anna.Subject(), admin.ID); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("a customer read another user: %v", err)
	}
	if me, err := e.UserByID(ctx, anna.Subject(), anna.ID); err != nil || me.ID != anna.ID {
		t.Errorf("reading oneself: %v", err)
	}
}

func TestCreateUser(t *testing.T) {
	e := newTestEnv(t)
	if _, err := e.CreateUser(ctx, policy.Subject{UserID: 5, StaffRole: "editor"}, NewUser{Email: "x@example.com"}); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("an editor created a user: %v", err)
	}
	u, err := e.CreateUser(ctx, adminSubject, NewUser{Email: "agent@example.com", Name: "Agent", StaffRole: "agent", Password: goodPassword})
	if err != nil || u.StaffRole != "agent" || !u.HasPassword || u.Source != SourceAdmin {
		t.Fatalf("CreateUser = %+v, %v", u, err)
	}
	if _, err := e.CreateUser(ctx, adminSubject, NewUser{Email: "AGENT@example.com"}); fieldOf(err) == "" {
		t.Errorf("duplicate address in another case: %v", err)
	}
	_, err = e.CreateUser(ctx, adminSubject, NewUser{Email: "bad", Password: "short"})
	if ae := apperr.As(err); ae == nil || len(ae.Fields) != 2 {
		t.Errorf("two bad fields reported as %v", err)
	}
}

func ptr[T any](v T) *T { return &v }
