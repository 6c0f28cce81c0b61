package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/internal/account"
	"github.com/helpcenter/helpcenter/internal/apperr"
)

// RateLimit limits the routes it guards to lim per caller: an API token, else a signed-in
// user, else a client IP. The counters live in PostgreSQL (account.RateLimiter), so all
// instances share them. Every answer carries RateLimit-Limit, RateLimit-Remaining and
// RateLimit-Reset; a refused one answers 429 with Retry-After. name keeps the counters of
// different limits apart.
func RateLimit(l *account.RateLimiter, name string, lim account.Limit) fiber.Handler {
	return func(c *fiber.Ctx) error {
		s := Subject(c)
		key := name + ":ip:" + c.IP()
		switch {
		case s.TokenID != 0:
			key = name + ":token:" + strconv.FormatInt(s.TokenID, 10)
		case s.UserID != 0:
			key = name + ":user:" + strconv.FormatInt(s.UserID, 10)
		}
		u, err := l.Hit(c.UserContext(), key, lim)
		if err != nil {
			return err
		}
		c.Set("RateLimit-Limit", strconv.Itoa(u.Limit))
		c.Set("RateLimit-Remaining", strconv.Itoa(u.Remaining()))
		c.Set("RateLimit-Reset", account.RetryAfterSeconds(u.Reset))
		if u.Exceeded() {
			c.Set(fiber.HeaderRetryAfter, account.RetryAfterSeconds(u.Reset))
			return apperr.New(apperr.RateLimited, "Zbyt wiele żądań. Spróbuj ponownie za chwilę.")
		}
		return c.Next()
	}
}

// WithRetryAfter sets the Retry-After header when err is a rate limit from the account
// service, and returns err for the error handler.
func WithRetryAfter(c *fiber.Ctx, err error) error {
	if d := account.RetryAfter(err); d > 0 {
		c.Set(fiber.HeaderRetryAfter, account.RetryAfterSeconds(d))
	}
	return err
}
