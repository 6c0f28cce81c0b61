package app

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/helpcenter/helpcenter/admin"
	"github.com/helpcenter/helpcenter/internal/api"
	"github.com/helpcenter/helpcenter/internal/audit"
	"github.com/helpcenter/helpcenter/internal/portal"
	"github.com/helpcenter/helpcenter/internal/ui"
	"github.com/helpcenter/helpcenter/internal/web"
)

// routes builds the Fiber application: shared middleware, operations endpoints, static
// files, then the API, the console and the portal.
func (a *App) routes() *fiber.App {
	f := fiber.New(fiber.Config{
		AppName:               "helpcenter",
		UnescapePath:          true,
		DisableStartupMessage: true,
		ErrorHandler:          web.ErrorHandler(a.Log, errorPage),
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		BodyLimit:             8 << 20,
		ProxyHeader:           "",
	})
	f.Use(requestid.New())
	f.Use(web.AccessLog(a.Log, web.NewMetrics(a.Metrics)))
	f.Use(recover.New(recover.Config{EnableStackTrace: true, StackTraceHandler: func(c *fiber.Ctx, e any) {
		a.Log.Error("panic", "panic", e, "path", c.Path(), "request_id", web.RequestID(c))
	}}))
	f.Use(securityHeaders)
	f.Use(language)

	f.Get("/healthz", func(c *fiber.Ctx) error {
		return c.JSON(fiber.Map{"status": "ok", "version": Version})
	})
	f.Get("/readyz", a.ready)
	f.Get("/metrics", adaptor.HTTPHandler(promhttp.HandlerFor(a.Metrics, promhttp.HandlerOpts{})))
	f.Get("/static/*", static)
	f.Get("/lang/:lang", switchLanguage)

	// Cross-origin browser calls of the API, answered before authentication so that
	// even a refusal is readable by the calling page.
	f.Use("/api", api.CORS(a.Config.CORSOrigins))

	// Credentials (bearer token, session cookie) become the request's subject here; every
	// service call below is authorised against it.
	f.Use(web.Authenticate(a.authenticators()...))
	// State-changing requests that carry the session cookie must bring its CSRF token;
	// cross-site form posts without one are refused by their Origin.
	f.Use(web.CSRF(a.Config.BaseURL, a.Config.CORSOrigins))
	// An admin's "view as" swaps the subject for a kind of reader (portal and API alike).
	f.Use(web.ViewAs(a.Policy))
	f.Post("/view-as/stop", web.StopViewAs)

	api.Mount(f, api.Deps{Accounts: a.Accounts, Sessions: a.Sessions, Tokens: a.Tokens, Policy: a.Policy, Audit: audit.Reader{DB: a.DB.Bun}, Tickets: a.Tickets, Content: a.Content, Engagement: a.Engagement, RateLimit: a.Config.APIRateLimit, FAQ: a.FAQ, Synonyms: a.Synonyms})
	admin.Mount(f.Group("/admin"), admin.Deps{Chrome: web.Chrome, Policy: a.Policy, Accounts: a.Accounts, Tokens: a.Tokens, Preview: visibilityPreview{a.Content}, Engagement: a.Engagement, Audit: audit.Reader{DB: a.DB.Bun}, Content: a.Content, Tickets: a.Tickets})
	admin.MountOutbox(f.Group("/admin"), admin.Deps{Policy: a.Policy, Chrome: web.Chrome}, a.Mail)
	portal.ObserveRequests(f, a.Engagement) // before the request pages: it watches their form
	// Before the ticket pages: the FAQ screens add the ticket page's FAQ panel.
	a.mountFAQ(f)
	a.mountTickets(f, admin.FAQDraftAction())
	portal.MountAccount(f, portal.AccountDeps{Accounts: a.Accounts, Sessions: a.Sessions})
	portal.Mount(f, portal.Deps{Policy: a.Policy, Content: a.Content, Engagement: a.Engagement, BaseURL: a.Config.BaseURL,
		Limiter: a.Accounts.Limiter()})
	// Unmatched paths reach the error handler as fiber.ErrNotFound: problem+json under
	// /api/, the HTML 404 page elsewhere.
	return f
}

// ready answers 200 when the database answers and the schema is current.
func (a *App) ready(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	if err := a.DB.CheckSchema(ctx); err != nil {
		a.Log.Warn("not ready", "err", err)
		return c.Status(http.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable"})
	}
	return c.JSON(fiber.Map{"status": "ready"})
}

func errorPage(c *fiber.Ctx, status int, _ string, detail string) error {
	// The frame is the usual one (a signed-in reader keeps their menu), never indexed.
	ch := web.Chrome(c, detail)
	ch.NoIndex = true
	return web.RenderStatus(c, status, ui.ErrorPage(ch, status, detail))
}

// static serves embedded files under content-hashed names, cached for a year.
func static(c *fiber.Ctx) error {
	asset, ok := ui.LookupAsset(c.Path())
	if !ok {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderContentType, asset.ContentType)
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	return c.Send(asset.Body)
}

// securityHeaders sets the baseline headers: a CSP without inline script, no framing,
// no MIME sniffing.
func securityHeaders(c *fiber.Ctx) error {
	c.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	return c.Next()
}

// language picks the UI language: the lang cookie set by the language switch, else
// Polish. The browser's Accept-Language is deliberately ignored: the help center is
// Polish first, and English is a choice the reader makes.
func language(c *fiber.Ctx) error {
	c.SetUserContext(ui.WithLang(c.UserContext(), ui.ParseLang(c.Cookies("lang"))))
	return c.Next()
}

func switchLanguage(c *fiber.Ctx) error {
	lang := ui.ParseLang(c.Params("lang"))
	c.Cookie(&fiber.Cookie{Name: "lang", Value: string(lang), Path: "/", MaxAge: 365 * 24 * 3600, SameSite: "Lax", HTTPOnly: true})
	next := c.Query("next", "/")
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		next = "/"
	}
	return c.Redirect(next, http.StatusSeeOther)
}

// authenticators lists the ways a request proves who it is, in order. Each feature that
// adds credentials (API tokens, sessions) adds its authenticator here.
func (a *App) authenticators() []web.Authenticator {
	// Bearer tokens first: a call that brings one is not a browser session (no CSRF).
	return []web.Authenticator{a.bearerToken, a.Sessions.Authenticator()}
}
