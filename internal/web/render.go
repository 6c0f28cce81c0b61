package web

import (
	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"
)

// Render writes a templ component as the HTML response.
func Render(c *fiber.Ctx, comp templ.Component) error {
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return comp.Render(c.UserContext(), c.Response().BodyWriter())
}

// RenderStatus writes a templ component with a status code.
func RenderStatus(c *fiber.Ctx, status int, comp templ.Component) error {
	c.Status(status)
	return Render(c, comp)
}
