package portal

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/internal/account"
	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/ui"
	"github.com/helpcenter/helpcenter/internal/web"
)

// AccountDeps are what the sign-in pages need.
type AccountDeps struct {
	Accounts *account.Service
	Sessions *web.Sessions
}

// accountPages serves /login, /register, /password ("Uzyskaj hasło"), /password/set,
// /login/confirm and /logout. They call the same account service methods as the JSON API.
type accountPages struct {
	AccountDeps
}

// MountAccount adds the sign-in pages. Mount it before Mount (the portal's catch-alls).
func MountAccount(r fiber.Router, d AccountDeps) {
	p := &accountPages{d}
	r.Get("/login", p.loginForm)
	r.Post("/login", p.login)
	r.Get("/login/confirm", p.confirmForm)
	r.Post("/login/confirm", p.confirm)
	r.Get("/register", p.registerForm)
	r.Post("/register", p.register)
	r.Get("/password", p.linkForm)
	r.Post("/password", p.requestLink)
	r.Get("/password/set", p.setForm)
	r.Post("/password/set", p.setPassword)
	r.Post("/logout", p.logout)
}

// FormErrors maps a field name to its message; the key "" holds a message about the
// whole form.
type FormErrors map[string]string

// formErrors splits a service error into messages for the form; ok=false means the
// error is not about the input (it goes to the error handler).
func formErrors(err error) (FormErrors, int, bool) {
	ae := apperr.As(err)
	if ae == nil || ae.Code == apperr.Internal || ae.Code == apperr.Unavailable {
		return nil, 0, false
	}
	fe := FormErrors{}
	for _, f := range ae.Fields {
		if _, dup := fe[f.Field]; !dup {
			fe[f.Field] = f.Message
		}
	}
	if len(ae.Fields) == 0 {
		fe[""] = ae.Message
	}
	status := web.StatusOf(ae.Code)
	if ae.Code == apperr.Invalid {
		status = http.StatusUnprocessableEntity
	}
	return fe, status, true
}

// frame is the page chrome for the account pages: never indexed, never cached.
func frame(c *fiber.Ctx, titleKey string) ui.Chrome {
	ch := web.Chrome(c, ui.T(c.UserContext(), titleKey))
	ch.NoIndex = true
	c.Set(fiber.HeaderCacheControl, "no-store")
	return ch
}

// signedInElsewhere sends a signed-in visitor of a sign-in page on to where they wanted.
func signedInElsewhere(c *fiber.Ctx) bool {
	return web.Subject(c).UserID != 0
}

func redirect(c *fiber.Ctx, to string) error { return c.Redirect(to, http.StatusSeeOther) }

// nextParam keeps "where to go after signing in" on this site.
func nextParam(c *fiber.Ctx) string {
	n := c.FormValue("next")
	if n == "" {
		n = c.Query("next")
	}
	if n == "" {
		return ""
	}
	return account.LocalPath(n)
}

func withNext(path, next string) string {
	if next == "" || next == "/" {
		return path
	}
	return path + "?next=" + url.QueryEscape(next)
}

// socialURL is a provider's start link that comes back to next.
func socialURL(provider, next string) string {
	u := "/api/v1/auth/" + url.PathEscape(provider) + "/start"
	if next != "" {
		u += "?next=" + url.QueryEscape(next)
	}
	return u
}

func trimmed(c *fiber.Ctx, name string) string { return strings.TrimSpace(c.FormValue(name)) }
