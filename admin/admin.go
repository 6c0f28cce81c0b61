// Package admin is the staff console: the inbox, the article editor and publishing,
// turning tickets into FAQ drafts, users, roles and audiences, API tokens and the audit
// log. One handler file and one .templ file per screen; every action is checked by the
// domain services against the Casbin policy, not only hidden in the navigation.
package admin

import (
	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/internal/ui"
	"github.com/helpcenter/helpcenter/internal/web"
)

// Mount adds the console's pages under r (mounted at /admin).
func Mount(r fiber.Router) {
	r.Get("/", dashboard)
}

func dashboard(c *fiber.Ctx) error {
	return web.Render(c, Dashboard(ui.Chrome{Title: ui.T(c.UserContext(), "admin.title"), Path: c.Path(), NoIndex: true}))
}
