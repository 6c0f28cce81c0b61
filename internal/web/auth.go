package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/policy"
)

// Authenticator looks for one kind of credentials (a bearer token, a session cookie).
// It returns ok=false when the request carries none of its kind, and an error when the
// credentials are present but invalid (a revoked token answers 401, not anonymous).
type Authenticator func(c *fiber.Ctx) (s policy.Subject, ok bool, err error)

// Authenticate sets the request's subject from the first authenticator that recognises
// credentials; without any the subject stays anonymous.
func Authenticate(auths ...Authenticator) fiber.Handler {
	return func(c *fiber.Ctx) error {
		for _, a := range auths {
			s, ok, err := a(c)
			if err != nil {
				return err
			}
			if ok {
				SetSubject(c, s)
				break
			}
		}
		return c.Next()
	}
}
