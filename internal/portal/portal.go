// Package portal is the default help-center site for customers: browsing, reading and
// searching articles, commenting and voting, signing in, and sending and following
// requests. It is server-rendered with templ and calls the same services as the JSON
// API; the only script is a small progressive enhancement (live suggestions in the
// request form), and every page works without it.
package portal

import (
	"crypto/rand"
	"encoding/base64"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/account"
	"github.com/helpcenter/helpcenter/internal/ui"
	"github.com/helpcenter/helpcenter/internal/web"
	"github.com/helpcenter/helpcenter/policy"
)

// Deps are what the knowledge-base pages need.
type Deps struct {
	Policy     *policy.Enforcer
	Content    *content.Service
	Engagement *content.Engagement
	// BaseURL is the public address: canonical links, the sitemap and the feed.
	BaseURL *url.URL
	// Limiter, when set, bounds votes and comment posts per client (per user when signed
	// in, per address otherwise), on top of the per-author comment limit of the service:
	// a visitor's votes need no account, so a flood of them is stopped here.
	Limiter *account.RateLimiter
}

// Flood limits of the portal's forms.
var (
	voteLimit    = account.Limit{Max: 30, Window: time.Minute}
	commentLimit = account.Limit{Max: 20, Window: time.Minute}
)

// pages serves the knowledge base: home, categories, sections, articles (with comments
// and votes), search, and the sitemap and feed for search engines and feed readers.
type pages struct {
	Deps
	base  string // BaseURL without a trailing slash
	cache *readCache
}

// Mount adds the knowledge-base pages. Mount the sign-in and request pages first (Mount
// has no catch-all, but they are the more specific).
func Mount(r fiber.Router, d Deps) {
	p := &pages{Deps: d, cache: newReadCache(d.Content)}
	if d.BaseURL != nil {
		p.base = strings.TrimRight(d.BaseURL.String(), "/")
	}
	r.Get("/", p.home)
	r.Get("/categories/:slug", p.category)
	r.Get("/sections/:slug", p.section)
	r.Get("/articles/:ref", p.article)
	r.Post("/articles/:ref/comments", p.limit("portal-comment", commentLimit), p.postComment)
	r.Post("/articles/:ref/votes", p.limit("portal-vote", voteLimit), p.vote)
	r.Post("/comments/:id<int>/hide", p.hideComment)
	r.Post("/comments/:id<int>/show", p.showComment)
	r.Post("/comments/:id<int>/request", p.commentToRequest)
	r.Get("/search", p.search)
	r.Get("/sitemap.xml", p.sitemap)
	r.Get("/feed.atom", p.feed)
	r.Get("/robots.txt", p.robots)
}

// limit guards a form with a flood limit, when the app gives a limiter.
func (p *pages) limit(name string, lim account.Limit) fiber.Handler {
	if p.Limiter == nil {
		return func(c *fiber.Ctx) error { return c.Next() }
	}
	return web.RateLimit(p.Limiter, name, lim)
}

// canonical is the absolute address of a path on the help center.
func (p *pages) canonical(path string) string { return p.base + path }

// chrome is the page frame for a knowledge-base page: the user badge, CSRF token and
// flash from the session, the canonical address and a description.
func (p *pages) chrome(c *fiber.Ctx, title, canonicalPath, description string) ui.Chrome {
	ch := web.Chrome(c, title)
	if canonicalPath != "" {
		ch.Canonical = p.canonical(canonicalPath)
	}
	ch.Description = description
	return ch
}

// visitorCookie keeps a random key per browser: visitors' votes and the suggestions they
// open from the request form are tied to it (content.VisitorKey), never to a person.
const visitorCookie = "hc_visitor"

// visitorKey returns the browser's key, "" when it has none yet.
func visitorKey(c *fiber.Ctx) content.VisitorKey {
	v := c.Cookies(visitorCookie)
	if len(v) < 16 || len(v) > 64 {
		return ""
	}
	return content.VisitorKey(strings.Clone(v))
}

// ensureVisitorKey returns the browser's key, giving it one first when needed.
func (p *pages) ensureVisitorKey(c *fiber.Ctx) content.VisitorKey {
	if k := visitorKey(c); k != "" {
		return k
	}
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	v := base64.RawURLEncoding.EncodeToString(b)
	c.Cookie(&fiber.Cookie{
		Name: visitorCookie, Value: v, Path: "/", MaxAge: 365 * 24 * 3600, Expires: time.Now().AddDate(1, 0, 0),
		HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode, Secure: strings.HasPrefix(p.base, "https:"),
	})
	return content.VisitorKey(v)
}

// articlePath is an article's address.
func articlePath(slug string) string { return "/articles/" + url.PathEscape(slug) }

// categoryPath is a category's address.
func categoryPath(slug string) string { return "/categories/" + url.PathEscape(slug) }

// sectionPath is a section's address.
func sectionPath(slug string) string { return "/sections/" + url.PathEscape(slug) }

// isRobot tells crawlers and monitors apart from readers, so they do not count as views.
func isRobot(c *fiber.Ctx) bool {
	ua := strings.ToLower(string(c.Request().Header.UserAgent()))
	if ua == "" {
		return true
	}
	for _, s := range []string{"bot", "crawl", "spider", "slurp", "monitor", "curl/", "wget/", "python-", "go-http-client", "headlesschrome/"} {
		if strings.Contains(ua, s) {
			return true
		}
	}
	return false
}
