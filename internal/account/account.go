// Package account owns the people of the help center: customers and contacts, staff, their
// passwords, one-time e-mail links, server-side sessions, sign-in limits and social sign-in
// (Google and Microsoft over OpenID Connect, Facebook over OAuth 2 and the Graph API).
//
// A contact is a user who has never signed in: no password and no social identity, e.g.
// someone created from a support e-mail. "Uzyskaj hasło" (get a password) turns a contact
// into a user; registration creates one. Answers of the public flows never reveal whether
// an address is known: password-link and registration requests only queue a job that
// decides what to send, and sign-in hashes against a dummy when the address is unknown.
//
// The package takes context and plain structs and returns apperr errors; it knows nothing
// of HTTP. Cookies and CSRF are internal/web's business, built on the sessions here.
package account

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/riverqueue/river"

	"github.com/helpcenter/helpcenter/internal/db"
	"github.com/helpcenter/helpcenter/internal/jobs"
	"github.com/helpcenter/helpcenter/internal/mail"
	"github.com/helpcenter/helpcenter/policy"
)

// Options configure the Service.
type Options struct {
	// BaseURL is the public address links in e-mails point to.
	BaseURL *url.URL
	// TokenTTL is how long an e-mailed link stays valid (HELPCENTER_EMAIL_TOKEN_TTL).
	TokenTTL time.Duration
	// FastPasswords uses cheap hashing parameters; tests only.
	FastPasswords bool
	// Limits override the default sign-in limits (zero fields keep the defaults).
	Limits Limits
	// Providers are the enabled social sign-in providers, in the order buttons show.
	Providers []Provider
	// Sessions override the default session lifetimes (zero fields keep the defaults).
	Sessions SessionLifetime
}

// Service is the accounts domain. It is safe for concurrent use.
type Service struct {
	db        *db.DB
	queue     *jobs.Queue
	mail      *mail.Mailer
	policy    *policy.Enforcer
	log       *slog.Logger
	hasher    *hasher
	dummyHash string
	limiter   *RateLimiter
	limits    Limits
	base      *url.URL
	tokenTTL  time.Duration
	lifetime  SessionLifetime
	providers map[string]Provider
	order     []string
}

// New builds the service and registers its jobs on q (call before q.Open).
func New(d *db.DB, q *jobs.Queue, mailer *mail.Mailer, p *policy.Enforcer, log *slog.Logger, opt Options) (*Service, error) {
	if opt.BaseURL == nil {
		return nil, errors.New("account: BaseURL is required")
	}
	if opt.TokenTTL <= 0 {
		opt.TokenTTL = 24 * time.Hour
	}
	s := &Service{
		db: d, queue: q, mail: mailer, policy: p, log: log.With("component", "account"),
		hasher: newHasher(opt.FastPasswords), limiter: NewRateLimiter(d),
		limits: opt.Limits.withDefaults(), base: opt.BaseURL, tokenTTL: opt.TokenTTL,
		lifetime: opt.Sessions.withDefaults(), providers: map[string]Provider{},
	}
	// Sign-in with an unknown address verifies against this hash, so that it takes as long
	// as with a known one.
	var err error
	if s.dummyHash, err = s.hasher.hash(randomToken()); err != nil {
		return nil, err
	}
	for _, pr := range opt.Providers {
		if _, dup := s.providers[pr.Name()]; dup {
			return nil, fmt.Errorf("account: provider %q configured twice", pr.Name())
		}
		s.providers[pr.Name()] = pr
		s.order = append(s.order, pr.Name())
	}
	river.AddWorker(q.Workers, &linkWorker{s: s})
	return s, nil
}

// Limiter is the database-backed rate limiter the service uses; delivery code may share
// it for limits of its own (see web.RateLimit).
func (s *Service) Limiter() *RateLimiter { return s.limiter }

// TokenTTL is how long e-mailed links stay valid.
func (s *Service) TokenTTL() time.Duration { return s.tokenTTL }

// CleanupStatements delete sign-in state that can never be used again; the periodic
// cleanup job runs them.
var CleanupStatements = []string{
	`DELETE FROM sessions WHERE expires_at < now()`,
	`DELETE FROM rate_limits WHERE expires_at < now()`,
	`DELETE FROM oauth_states WHERE expires_at < now()`,
}

// link builds an absolute URL to a path of the help center.
func (s *Service) link(path string, query url.Values) string {
	u := *s.base
	u.Path = s.base.Path + path
	u.RawQuery = query.Encode()
	return u.String()
}

// httpClient is used for calls to social sign-in providers.
var httpClient = &http.Client{Timeout: 15 * time.Second}

// withTimeout bounds work done on behalf of one request.
func withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, 20*time.Second)
}
