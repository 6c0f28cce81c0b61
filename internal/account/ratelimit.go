package account

import (
	"context"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/db"
)

// Limit allows Max hits per Window.
type Limit struct {
	Max    int
	Window time.Duration
}

// Limits are the sign-in limits, each counted per client IP and per e-mail address, so
// that neither one address attacked from many places nor many addresses tried from one
// place gets far.
type Limits struct {
	LoginPerIP, LoginPerEmail       Limit
	LinkPerIP, LinkPerEmail         Limit // "Uzyskaj hasło"
	RegisterPerIP, RegisterPerEmail Limit
}

// DefaultLimits are generous for people (an office behind one address included) and
// hopeless for guessing: 10 wrong passwords per address per 15 minutes is about 1000 a
// day, against passwords that are 10+ characters and not on the common list.
func DefaultLimits() Limits {
	return Limits{
		LoginPerIP:       Limit{100, 15 * time.Minute},
		LoginPerEmail:    Limit{10, 15 * time.Minute},
		LinkPerIP:        Limit{30, time.Hour},
		LinkPerEmail:     Limit{5, time.Hour},
		RegisterPerIP:    Limit{20, time.Hour},
		RegisterPerEmail: Limit{5, time.Hour},
	}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	pick := func(v, def Limit) Limit {
		if v.Max <= 0 || v.Window <= 0 {
			return def
		}
		return v
	}
	return Limits{
		LoginPerIP: pick(l.LoginPerIP, d.LoginPerIP), LoginPerEmail: pick(l.LoginPerEmail, d.LoginPerEmail),
		LinkPerIP: pick(l.LinkPerIP, d.LinkPerIP), LinkPerEmail: pick(l.LinkPerEmail, d.LinkPerEmail),
		RegisterPerIP: pick(l.RegisterPerIP, d.RegisterPerIP), RegisterPerEmail: pick(l.RegisterPerEmail, d.RegisterPerEmail),
	}
}

// RateLimiter counts hits in fixed windows in PostgreSQL, so every instance behind a load
// balancer shares the same counters. A fixed window may let up to twice the limit
// through around a window's edge; for sign-in limits that is immaterial, and it costs one
// upsert per hit.
type RateLimiter struct{ db *db.DB }

// NewRateLimiter returns a limiter on d.
func NewRateLimiter(d *db.DB) *RateLimiter { return &RateLimiter{db: d} }

// Usage is a key's state after a hit.
type Usage struct {
	Hits  int
	Limit int
	// Reset is how long until the window ends.
	Reset time.Duration
}

// Exceeded reports whether the hit went over the limit.
func (u Usage) Exceeded() bool { return u.Hits > u.Limit }

// Remaining is how many hits are left in the window.
func (u Usage) Remaining() int { return max(u.Limit-u.Hits, 0) }

// Hit counts one hit for key and returns the window's usage.
func (l *RateLimiter) Hit(ctx context.Context, key string, lim Limit) (Usage, error) {
	secs := lim.Window.Seconds()
	var (
		hits  int
		reset float64
	)
	err := l.db.Pool.QueryRow(ctx, `
		WITH w AS (SELECT to_timestamp(floor(extract(epoch FROM now()) / $2) * $2) AS start)
		INSERT INTO rate_limits (key, window_start, hits, expires_at)
		SELECT $1, w.start, 1, w.start + make_interval(secs => $2) FROM w
		ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limits.hits + 1
		RETURNING hits, extract(epoch FROM expires_at - now())::float8`, key, secs).Scan(&hits, &reset)
	if err != nil {
		return Usage{}, err
	}
	return Usage{Hits: hits, Limit: lim.Max, Reset: time.Duration(math.Ceil(max(reset, 1))) * time.Second}, nil
}

// Reset forgets a key's current window (after a successful sign-in, its failures no
// longer count).
func (l *RateLimiter) Reset(ctx context.Context, key string) error {
	_, err := l.db.Pool.Exec(ctx, `DELETE FROM rate_limits WHERE key = $1`, key)
	return err
}

// LimitError carries how long the caller should wait; it is the cause inside the
// RateLimited apperr.Error that the service returns.
type LimitError struct{ RetryAfter time.Duration }

func (e *LimitError) Error() string { return "rate limited for " + e.RetryAfter.String() }

// RetryAfter returns how long a rate-limited caller should wait (0 when err is not a
// rate limit); handlers put it in the Retry-After header.
func RetryAfter(err error) time.Duration {
	var le *LimitError
	if errors.As(err, &le) {
		return le.RetryAfter
	}
	return 0
}

// RetryAfterSeconds formats d for the Retry-After header (whole seconds, at least 1).
func RetryAfterSeconds(d time.Duration) string {
	return strconv.Itoa(int(math.Max(1, math.Ceil(d.Seconds()))))
}

// limited answers a RateLimited error that says when to try again.
func limited(retry time.Duration) error {
	minutes := int(math.Ceil(retry.Minutes()))
	return &apperr.Error{
		Code:    apperr.RateLimited,
		Message: "Zbyt wiele prób. Spróbuj ponownie za " + strconv.Itoa(minutes) + " " + polishMinutes(minutes) + ".",
		Err:     &LimitError{RetryAfter: retry},
	}
}

func polishMinutes(n int) string {
	switch {
	case n == 1:
		return "minutę"
	case n%10 >= 2 && n%10 <= 4 && (n%100 < 12 || n%100 > 14):
		return "minuty"
	default:
		return "minut"
	}
}

// counter is one limit applied to one key.
type counter struct {
	key   string
	limit Limit
}

// check counts one attempt against every counter and answers RateLimited when any is
// exceeded. All are counted, so an attacker cannot spread attempts to dodge one of them.
func (s *Service) check(ctx context.Context, counters ...counter) error {
	var wait time.Duration
	for _, c := range counters {
		u, err := s.limiter.Hit(ctx, c.key, c.limit)
		if err != nil {
			return err
		}
		if u.Exceeded() && u.Reset > wait {
			wait = u.Reset
		}
	}
	if wait > 0 {
		return limited(wait)
	}
	return nil
}

func emailKey(action, email string) string { return action + ":email:" + strings.ToLower(email) }
func ipKey(action, ip string) string       { return action + ":ip:" + ip }
