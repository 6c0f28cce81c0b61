// Package portal is the default help-center site for customers: browsing, reading and
// searching articles, signing in, and sending and following requests. It is server-
// rendered with templ and calls the same services as the JSON API.
package portal

import (
	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/internal/ui"
	"github.com/helpcenter/helpcenter/internal/web"
)

// Mount adds the portal's pages to the app.
func Mount(r fiber.Router) {
	r.Get("/", home)
}

func home(c *fiber.Ctx) error {
	return web.Render(c, Home(ui.Chrome{Path: c.Path()}))
}
