package app

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/policy"
)

// bearerToken authenticates "Authorization: Bearer <api token>". A request without a
// bearer token is not its business; one with an unknown, revoked or expired token is
// refused with 401 rather than treated as anonymous, so a frontend notices at once.
func (a *App) bearerToken(c *fiber.Ctx) (policy.Subject, bool, error) {
	scheme, secret, ok := strings.Cut(c.Get(fiber.HeaderAuthorization), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return policy.Subject{}, false, nil
	}
	s, err := a.Tokens.Authenticate(c.UserContext(), strings.TrimSpace(secret))
	if err != nil {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer error="invalid_token"`)
		return policy.Subject{}, false, err
	}
	return s, true, nil
}
