package web

import (
	"crypto/subtle"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/internal/apperr"
)

// CSRFHeader carries the CSRF token on API calls made with the session cookie.
const CSRFHeader = "X-CSRF-Token"

// CSRFField is the hidden form field that carries the CSRF token.
const CSRFField = "csrf_token"

// CSRF protects state-changing requests (every method but GET, HEAD, OPTIONS, TRACE).
// Install it right after Authenticate.
//
//   - A request with a live session must bring the session's token, in the
//     X-CSRF-Token header or the csrf_token form field (synchronizer token pattern).
//   - Bearer-token calls are exempt: a browser never attaches them by itself.
//   - A request without a session is exempt from the token (it carries no authority),
//     but a browser's cross-site request is refused by its Origin (or Sec-Fetch-Site)
//     header: that stops a foreign page from signing a visitor into the attacker's
//     account (login CSRF). Allowed origins are the help center's own (baseURL, and the
//     address the request came to) plus the CORS origins.
func CSRF(baseURL *url.URL, corsOrigins []string) fiber.Handler {
	trusted := map[string]bool{}
	if baseURL != nil {
		trusted[strings.ToLower(baseURL.Scheme+"://"+baseURL.Host)] = true
	}
	for _, o := range corsOrigins {
		trusted[strings.ToLower(strings.TrimRight(o, "/"))] = true
	}
	return func(c *fiber.Ctx) error {
		switch c.Method() {
		case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions, fiber.MethodTrace:
			return c.Next()
		}
		if c.Get(fiber.HeaderAuthorization) != "" && currentSession(c) == nil {
			return c.Next()
		}
		if origin := c.Get(fiber.HeaderOrigin); origin != "" {
			own := strings.ToLower(c.Protocol() + "://" + c.Hostname())
			if o := strings.ToLower(origin); !trusted[o] && o != own {
				return csrfRefused(c)
			}
		} else if c.Get("Sec-Fetch-Site") == "cross-site" {
			return csrfRefused(c)
		}
		st := currentSession(c)
		if st == nil {
			return c.Next()
		}
		sent := c.Get(CSRFHeader)
		if sent == "" {
			sent = c.FormValue(CSRFField)
		}
		if sent == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(st.csrf)) != 1 {
			return csrfRefused(c)
		}
		return c.Next()
	}
}

func csrfRefused(c *fiber.Ctx) error {
	if IsAPI(c) {
		return apperr.Forbiddenf("Brak lub nieprawidłowy token CSRF: wyślij nagłówek %s z wartością csrf_token z GET /api/v1/me.", CSRFHeader)
	}
	return apperr.Forbiddenf("Formularz wygasł albo został wysłany z innej strony. Odśwież stronę i spróbuj ponownie.")
}
