package portal

import (
	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/web"
)

// ObserveRequests watches the request form being sent so the deflection figures know
// which opened suggestions did not stop the reader from writing (content.Engagement.
// RequestSent). It only looks at the outcome of the request pages' own handler (a
// redirect after a successful POST) and changes nothing, so it must be installed before
// those pages are mounted.
func ObserveRequests(r fiber.Router, eng *content.Engagement) {
	r.Use(func(c *fiber.Ctx) error {
		if c.Method() != fiber.MethodPost {
			return c.Next()
		}
		path := c.Path()
		if path != "/requests" && path != "/requests/new" {
			return c.Next()
		}
		err := c.Next()
		if err != nil {
			return err
		}
		switch c.Response().StatusCode() {
		case fiber.StatusSeeOther, fiber.StatusFound, fiber.StatusCreated:
			// The request is sent whatever happens here; a lost mark only makes the
			// deflection figures a little rosier, so it never fails the response.
			_ = eng.RequestSent(c.UserContext(), web.Subject(c), visitorKey(c))
		}
		return nil
	})
}
