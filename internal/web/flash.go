package web

import (
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/internal/ui"
)

const flashCookie = "hc_flash"

// SetFlash stores a one-time message for the next page (POST-redirect-GET). It travels
// in a short-lived cookie, so it needs no session and survives exactly one redirect.
func SetFlash(c *fiber.Ctx, kind, message string) {
	c.Cookie(&fiber.Cookie{
		Name: flashCookie, Value: url.QueryEscape(kind + "|" + message), Path: "/",
		MaxAge: 60, Expires: time.Now().Add(time.Minute), HTTPOnly: true, SameSite: "Lax",
	})
}

// TakeFlash returns the pending message, if any, and clears it.
func TakeFlash(c *fiber.Ctx) *ui.Flash {
	raw := c.Cookies(flashCookie)
	if raw == "" {
		return nil
	}
	c.Cookie(&fiber.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, Expires: time.Unix(0, 0), HTTPOnly: true, SameSite: "Lax"})
	v, err := url.QueryUnescape(raw)
	if err != nil {
		return nil
	}
	kind, msg, ok := strings.Cut(v, "|")
	if !ok || (kind != "ok" && kind != "error") || msg == "" {
		return nil
	}
	return &ui.Flash{Kind: kind, Message: msg}
}
