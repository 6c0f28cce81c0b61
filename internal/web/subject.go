package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/policy"
)

const subjectKey = "helpcenter.subject"

// SetSubject records who is asking; the session and token middlewares call it.
func SetSubject(c *fiber.Ctx, s policy.Subject) { c.Locals(subjectKey, s) }

// Subject returns who is asking, Anonymous when nobody signed in.
func Subject(c *fiber.Ctx) policy.Subject {
	if s, ok := c.Locals(subjectKey).(policy.Subject); ok {
		return s
	}
	return policy.Anonymous
}
