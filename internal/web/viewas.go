package web

import (
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/policy"
)

// "View as" lets an admin (policy:manage) browse the portal and the API as a kind of
// reader (a visitor, a signed-in user without a type, or an account type) without signing
// in as anybody. The choice lives in a cookie; the middleware swaps the request's subject
// only while the real, signed-in subject still holds policy:manage, so a stale cookie on
// another account does nothing.

const viewAsCookie = "hc_view_as"
const viewAsLocal = "helpcenter.view_as"

// StartViewAs validates as ("anonymous", "signed_in" or "type:<key>") and sets the cookie.
func StartViewAs(c *fiber.Ctx, e *policy.Enforcer, as string) error {
	if !validViewAs(e, as) {
		return apperr.InvalidFields(apperr.Field("as", "Nieznany rodzaj czytelnika."))
	}
	c.Cookie(&fiber.Cookie{Name: viewAsCookie, Value: as, Path: "/", HTTPOnly: true, SameSite: "Lax", Expires: time.Now().Add(8 * time.Hour)})
	return nil
}

func validViewAs(e *policy.Enforcer, as string) bool {
	if as == "anonymous" || as == "signed_in" {
		return true
	}
	key, ok := strings.CutPrefix(as, "type:")
	return ok && slices.Contains(e.AllAudiences(), key) && key != policy.AudiencePublic && key != policy.AudienceSignedIn && key != policy.AudienceStaff
}

// ViewAs swaps the subject for the chosen reader (after Authenticate).
func ViewAs(e *policy.Enforcer) fiber.Handler {
	return func(c *fiber.Ctx) error {
		as := c.Cookies(viewAsCookie)
		if as == "" {
			return c.Next()
		}
		real := Subject(c)
		if real.TokenID != 0 || real.UserID == 0 || !e.Can(real, policy.PolicyManage) || !validViewAs(e, as) {
			return c.Next()
		}
		c.Locals(viewAsLocal, as)
		switch {
		case as == "anonymous":
			SetSubject(c, policy.Anonymous)
		case as == "signed_in":
			SetSubject(c, policy.Subject{UserID: real.UserID, Name: real.Name, Email: real.Email})
		default:
			SetSubject(c, policy.Subject{UserID: real.UserID, Name: real.Name, Email: real.Email, AccountType: strings.TrimPrefix(as, "type:")})
		}
		return c.Next()
	}
}

// ViewingAs returns the reader the request is viewed as, "" normally.
func ViewingAs(c *fiber.Ctx) string {
	v, _ := c.Locals(viewAsLocal).(string)
	return v
}

// StopViewAs ends "view as" (POST /view-as/stop).
func StopViewAs(c *fiber.Ctx) error {
	c.Cookie(&fiber.Cookie{Name: viewAsCookie, Value: "", Path: "/", HTTPOnly: true, SameSite: "Lax", MaxAge: -1, Expires: time.Unix(0, 0)})
	return c.Redirect("/admin/explain", fiber.StatusSeeOther)
}
