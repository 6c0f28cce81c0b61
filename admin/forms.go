package admin

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/web"
)

// formValues returns every value of a multi-valued form field (checkbox groups).
func formValues(c *fiber.Ctx, name string) []string {
	var out []string
	for _, v := range c.Request().PostArgs().PeekMulti(name) {
		out = append(out, string(v))
	}
	return out
}

// fieldErrors indexes an invalid-input error by field, for re-rendering a form; other
// errors are returned for the error handler.
func fieldErrors(err error) (map[string]string, error) {
	ae := apperr.As(err)
	if ae == nil || ae.Code != apperr.Invalid {
		return nil, err
	}
	m := map[string]string{"": ae.Message}
	for _, f := range ae.Fields {
		m[f.Field] = f.Message
	}
	return m, nil
}

// redirectWithFlash finishes a successful form (POST-redirect-GET). The message is
// carried in a short-lived cookie that the next page's Chrome shows once.
func redirectWithFlash(c *fiber.Ctx, to, message string) error {
	web.SetFlash(c, "ok", message)
	return c.Redirect(to, fiber.StatusSeeOther)
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
