package api

import (
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// CORS lets browser frontends on other origins use the API. Origins listed in the
// configuration (HELPCENTER_CORS_ORIGINS) may make any call with credentials (the
// session cookie); every other origin may make plain GET and HEAD calls without
// credentials (public reads, or reads with a bearer token). Mount it before
// authentication, so that even a 401 carries the headers a browser needs to read it.
func CORS(origins []string) fiber.Handler {
	const (
		credentialedMethods = "GET, HEAD, POST, PUT, PATCH, DELETE"
		readMethods         = "GET, HEAD"
		allowHeaders        = "Authorization, Content-Type, If-None-Match, X-CSRF-Token"
		exposeHeaders       = "ETag, Location, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset"
	)
	return func(c *fiber.Ctx) error {
		origin := c.Get(fiber.HeaderOrigin)
		if origin == "" {
			return c.Next()
		}
		c.Vary(fiber.HeaderOrigin)
		trusted := slices.Contains(origins, strings.TrimRight(origin, "/"))
		preflight := c.Method() == fiber.MethodOptions && c.Get(fiber.HeaderAccessControlRequestMethod) != ""
		method := c.Method()
		if preflight {
			method = strings.ToUpper(c.Get(fiber.HeaderAccessControlRequestMethod))
		}
		readOnly := method == fiber.MethodGet || method == fiber.MethodHead
		switch {
		case trusted:
			c.Set(fiber.HeaderAccessControlAllowOrigin, origin)
			c.Set(fiber.HeaderAccessControlAllowCredentials, "true")
		case readOnly:
			c.Set(fiber.HeaderAccessControlAllowOrigin, "*")
		}
		if !preflight {
			c.Set(fiber.HeaderAccessControlExposeHeaders, exposeHeaders)
			return c.Next()
		}
		if trusted {
			c.Set(fiber.HeaderAccessControlAllowMethods, credentialedMethods)
		} else {
			c.Set(fiber.HeaderAccessControlAllowMethods, readMethods)
		}
		if trusted || readOnly {
			c.Set(fiber.HeaderAccessControlAllowHeaders, allowHeaders)
			c.Set(fiber.HeaderAccessControlMaxAge, "600")
		}
		return c.SendStatus(fiber.StatusNoContent)
	}
}
