package account

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"golang.org/x/oauth2"

	"github.com/helpcenter/helpcenter/internal/apperr"
)

// Provider is one social sign-in provider. Google and Microsoft speak OpenID Connect,
// Facebook plain OAuth 2 plus its Graph API; the service does not care which.
type Provider interface {
	// Name is the provider's key in URLs and the identities table: google, microsoft, facebook.
	Name() string
	// Label is the provider's name as people know it.
	Label() string
	// AuthURL is where the browser goes to sign in; redirectURL is our callback.
	AuthURL(ctx context.Context, redirectURL, state, nonce, verifier string) (string, error)
	// Exchange trades the callback's code for the person's profile, checking the ID
	// token's signature, audience, expiry and nonce where the provider issues one.
	Exchange(ctx context.Context, redirectURL, code, verifier, nonce string) (Profile, error)
}

// Profile is what a provider tells about the person.
type Profile struct {
	Subject string // the provider's stable id of the person
	Email   string
	// EmailVerified is true only when the provider vouches that the person controls the
	// address; only then is a first sign-in linked to (or creates) the user with it.
	EmailVerified bool
	Name          string
}

// ProviderInfo describes an enabled provider for sign-in buttons.
type ProviderInfo struct {
	Name  string `json:"name"`
	Label string `json:"label"`
}

// Providers lists the enabled social sign-in providers.
func (s *Service) Providers() []ProviderInfo {
	out := make([]ProviderInfo, 0, len(s.order))
	for _, n := range s.order {
		out = append(out, ProviderInfo{Name: n, Label: s.providers[n].Label()})
	}
	return out
}

func (s *Service) provider(name string) (Provider, error) {
	p, ok := s.providers[name]
	if !ok {
		return nil, apperr.NotFoundf("Logowanie przez %q nie jest dostępne.", name)
	}
	return p, nil
}

// SocialCallbackURL is the provider's redirect target, registered with the provider.
func (s *Service) SocialCallbackURL(provider string) string {
	return s.link("/api/v1/auth/"+provider+"/callback", nil)
}

// socialStateTTL is how long a person may take at the provider's sign-in page.
const socialStateTTL = 10 * time.Minute

// SocialStart is where to send the browser, and the state to keep in its cookie.
type SocialStart struct {
	URL   string
	State string
	TTL   time.Duration
}

// StartSocial begins a social sign-in: it stores a fresh state, nonce and PKCE verifier
// and returns the provider's sign-in URL. The caller keeps State in a cookie of the same
// browser; the callback must bring back both. next is a local path to return to.
func (s *Service) StartSocial(ctx context.Context, provider, next string) (SocialStart, error) {
	p, err := s.provider(provider)
	if err != nil {
		return SocialStart{}, err
	}
	state, nonce, verifier := randomToken(), randomToken(), oauth2.GenerateVerifier()
	if _, err := s.db.Pool.Exec(ctx, `INSERT INTO oauth_states (state_hash, provider, nonce, verifier, next_path, expires_at)
		VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))`,
		hashToken(state), provider, nonce, verifier, LocalPath(next), socialStateTTL.Seconds()); err != nil {
		return SocialStart{}, err
	}
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	u, err := p.AuthURL(ctx, s.SocialCallbackURL(provider), state, nonce, verifier)
	if err != nil {
		return SocialStart{}, unavailable(provider, err)
	}
	return SocialStart{URL: u, State: state, TTL: socialStateTTL}, nil
}

// SocialCallback is what the provider's redirect brings back.
type SocialCallback struct {
	Provider string
	// State is the state in the callback URL; CookieState the one kept in the browser.
	State, CookieState string
	Code               string
	// Error is the provider's error parameter (e.g. the person cancelled).
	Error string
}

// SocialResult is the outcome of a social sign-in.
type SocialResult struct {
	// User is set when the person is signed in; the caller starts the session.
	User *User
	// ConfirmationSentTo is set instead when the provider did not vouch for the address:
	// a link to confirm went there, and nobody is signed in yet.
	ConfirmationSentTo string
	// Next is the local path to return to.
	Next string
}

// errSocialFailed is the one answer for a callback that cannot be trusted.
var errSocialFailed = apperr.New(apperr.Unauthorized, "Logowanie nie powiodło się. Spróbuj jeszcze raz.")

// FinishSocial completes a social sign-in. The state must match the browser's cookie and
// a stored, unexpired state of the same provider (which is used up); the code is
// exchanged with the PKCE verifier and the ID token's nonce checked. Then the identity
// decides: a known identity signs its user in; otherwise an e-mail address the provider
// verified links to the user who has it, or creates one; an unverified address gets a
// confirmation link instead.
func (s *Service) FinishSocial(ctx context.Context, cb SocialCallback) (SocialResult, error) {
	p, err := s.provider(cb.Provider)
	if err != nil {
		return SocialResult{}, err
	}
	if cb.State == "" || len(cb.State) > 200 || subtle.ConstantTimeCompare([]byte(cb.State), []byte(cb.CookieState)) != 1 {
		s.log.Info("social sign-in: state does not match the browser", "provider", cb.Provider)
		return SocialResult{}, errSocialFailed
	}
	var st struct{ nonce, verifier, next string }
	err = s.db.Pool.QueryRow(ctx, `DELETE FROM oauth_states WHERE state_hash = $1 AND provider = $2 AND expires_at > now()
		RETURNING nonce, verifier, next_path`, hashToken(cb.State), cb.Provider).Scan(&st.nonce, &st.verifier, &st.next)
	if err != nil {
		s.log.Info("social sign-in: unknown or expired state", "provider", cb.Provider)
		return SocialResult{}, errSocialFailed
	}
	if cb.Error != "" || cb.Code == "" {
		return SocialResult{Next: st.next}, apperr.New(apperr.Unauthorized, "Logowanie przez %s zostało przerwane.", p.Label())
	}
	xctx, cancel := withTimeout(ctx)
	defer cancel()
	prof, err := p.Exchange(xctx, s.SocialCallbackURL(cb.Provider), cb.Code, st.verifier, st.nonce)
	if err != nil {
		s.log.Warn("social sign-in: exchange failed", "provider", cb.Provider, "err", err)
		return SocialResult{Next: st.next}, errSocialFailed
	}
	if prof.Subject == "" {
		return SocialResult{Next: st.next}, errSocialFailed
	}
	res, err := s.resolveIdentity(ctx, p, prof)
	res.Next = st.next
	return res, err
}

func (s *Service) resolveIdentity(ctx context.Context, p Provider, prof Profile) (SocialResult, error) {
	var res SocialResult
	err := s.db.Bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		// 1. A known identity signs its user in, whatever the address says today.
		var userID int64
		err := tx.NewRaw(`SELECT user_id FROM identities WHERE provider = ? AND subject = ?`, p.Name(), prof.Subject).Scan(ctx, &userID)
		switch {
		case err == nil:
			u, err := userByID(ctx, tx, userID)
			if err != nil {
				return err
			}
			if u.Blocked() {
				return apperr.Forbiddenf("To konto jest zablokowane. Skontaktuj się z pomocą techniczną.")
			}
			if prof.Email != "" {
				if _, err := tx.NewRaw(`UPDATE identities SET email = ? WHERE provider = ? AND subject = ?`, prof.Email, p.Name(), prof.Subject).Exec(ctx); err != nil {
					return err
				}
			}
			res.User = u
			return nil
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}

		email, err := ParseEmail("email", prof.Email)
		if err != nil {
			return apperr.New(apperr.Invalid, "%s nie udostępnił adresu e-mail. Zarejestruj się adresem e-mail albo pozwól na jego udostępnienie.", p.Label())
		}
		name, _ := ParseName("name", prof.Name, false)

		// 2. An unverified address: whoever holds the mailbox must confirm first.
		if !prof.EmailVerified {
			u, err := ensureContact(ctx, tx, email, name, SourceSocial)
			if err != nil {
				return err
			}
			if u.Blocked() {
				return apperr.Forbiddenf("To konto jest zablokowane. Skontaktuj się z pomocą techniczną.")
			}
			secret, err := s.issueToken(ctx, tx, u.ID, PurposeLinkIdentity, identityClaim{Provider: p.Name(), Subject: prof.Subject, Email: email})
			if err != nil {
				return err
			}
			msg, err := s.mail.Render("confirm_identity", map[string]any{"Email": u.Email, "Provider": p.Label(),
				"Link": s.link("/login/confirm", url.Values{"token": {secret}}), "Valid": s.tokenTTL})
			if err != nil {
				return err
			}
			msg.To, msg.ToName, msg.Sensitive = u.Email, u.Name, true
			if _, err := s.mail.Enqueue(ctx, tx, msg); err != nil {
				return err
			}
			res.ConfirmationSentTo = u.Email
			return nil
		}

		// 3. A verified address links to its user, or creates one.
		u, err := userByEmail(ctx, tx, email)
		switch {
		case errors.Is(err, errNoUser):
			var id int64
			if err := tx.NewRaw(`INSERT INTO users (email, name, source, email_verified_at) VALUES (?, ?, ?, now()) RETURNING id`,
				email, name, SourceSocial).Scan(ctx, &id); err != nil {
				return err
			}
			if u, err = userByID(ctx, tx, id); err != nil {
				return err
			}
		case err != nil:
			return err
		case u.Blocked():
			return apperr.Forbiddenf("To konto jest zablokowane. Skontaktuj się z pomocą techniczną.")
		}
		if err := linkIdentity(ctx, tx, u.ID, identityClaim{Provider: p.Name(), Subject: prof.Subject, Email: email}); err != nil {
			return err
		}
		res.User, err = userByID(ctx, tx, u.ID)
		return err
	})
	return res, err
}

// identityClaim is a social identity waiting to be linked.
type identityClaim struct {
	Provider string `json:"provider"`
	Subject  string `json:"subject"`
	Email    string `json:"email"`
}

func linkIdentity(ctx context.Context, tx bun.IDB, userID int64, c identityClaim) error {
	res, err := tx.NewRaw(`INSERT INTO identities (user_id, provider, subject, email) VALUES (?, ?, ?, ?)
		ON CONFLICT (provider, subject) DO NOTHING`, userID, c.Provider, c.Subject, c.Email).Exec(ctx)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var owner int64
		if err := tx.NewRaw(`SELECT user_id FROM identities WHERE provider = ? AND subject = ?`, c.Provider, c.Subject).Scan(ctx, &owner); err != nil {
			return err
		}
		if owner != userID {
			return apperr.Conflictf("To konto %s jest już połączone z innym użytkownikiem.", c.Provider)
		}
	}
	// Signing in through a provider that vouches for the address, or confirming by mail,
	// verifies it.
	_, err = tx.NewRaw(`UPDATE users SET email_verified_at = coalesce(email_verified_at, now()), updated_at = now() WHERE id = ?`, userID).Exec(ctx)
	return err
}

// ConfirmIdentity uses a link_identity link: it links the social identity waiting in the
// token to the user who owns the address and returns that user (the caller signs them in).
func (s *Service) ConfirmIdentity(ctx context.Context, secret string) (*User, error) {
	var u *User
	err := s.db.Bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		t, err := lockToken(ctx, tx, secret, PurposeLinkIdentity)
		if err != nil {
			return err
		}
		var c identityClaim
		if err := json.Unmarshal(t.Data, &c); err != nil || c.Provider == "" || c.Subject == "" {
			return ErrLinkInvalid
		}
		if u, err = userByID(ctx, tx, t.UserID); err != nil {
			return err
		}
		if u.Blocked() {
			return apperr.Forbiddenf("To konto jest zablokowane. Skontaktuj się z pomocą techniczną.")
		}
		if err := useToken(ctx, tx, t); err != nil {
			return err
		}
		if err := linkIdentity(ctx, tx, u.ID, c); err != nil {
			return err
		}
		u, err = userByID(ctx, tx, u.ID)
		return err
	})
	return u, err
}

// LocalPath keeps a return address on this site: a path starting with one slash, else "/".
func LocalPath(p string) string {
	if p == "" || p[0] != '/' || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") || strings.ContainsAny(p, "\r\n\t") || len(p) > 1000 {
		return "/"
	}
	if u, err := url.Parse(p); err != nil || u.Scheme != "" || u.Host != "" {
		return "/"
	}
	return p
}

func unavailable(provider string, err error) error {
	return &apperr.Error{Code: apperr.Unavailable, Message: fmt.Sprintf("Logowanie przez %s jest chwilowo niedostępne. Spróbuj później.", provider), Err: err}
}
