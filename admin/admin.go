// Package admin is the staff console: the inbox, the article editor and publishing,
// turning tickets into FAQ drafts, users, roles and audiences, API tokens and the audit
// log. One handler file and one .templ file per screen; every action is checked by the
// domain services against the Casbin policy, not only hidden in the navigation.
package admin

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/account"
	"github.com/helpcenter/helpcenter/internal/apitoken"
	"github.com/helpcenter/helpcenter/internal/ticket"
	"github.com/helpcenter/helpcenter/internal/ui"
	"github.com/helpcenter/helpcenter/internal/web"
	"github.com/helpcenter/helpcenter/policy"
)

// Deps are the services the console calls. Each screen adds what it needs.
type Deps struct {
	Policy *policy.Enforcer
	// Preview lists articles gained or lost by an audience change (optional).
	Preview VisibilityPreviewer
	// Audit reads the audit log.
	Audit AuditReader
	// Content is the knowledge base: articles, revisions, publishing, categories and
	// sections.
	Content *content.Service
	// Tickets is the inbox. The dashboard counts new requests with it, the editor names a
	// FAQ's source tickets and the article list its authors; nil leaves those out.
	Tickets *ticket.Service
	// Engagement moderates readers' comments (optional).
	Engagement *content.Engagement
	// Accounts manages users; Tokens API tokens.
	Accounts *account.Service
	Tokens   *apitoken.Service
	// Chrome builds the page frame's view model (user badge, CSRF token, flash) for the
	// current request; the accounts feature provides it.
	Chrome func(c *fiber.Ctx, title string) ui.Chrome
}

// console carries the dependencies to the handlers.
type console struct {
	Deps
}

// Mount adds the console's pages under r (mounted at /admin). Only staff get in:
// visitors are sent to sign in, customers get a plain 404 (the console does not exist
// for them).
func Mount(r fiber.Router, d Deps) {
	if d.Chrome == nil {
		d.Chrome = func(c *fiber.Ctx, title string) ui.Chrome { return ui.Chrome{Title: title, Path: c.Path()} }
	}
	con := &console{Deps: d}
	r.Use(requireStaff)
	r.Get("/", con.dashboard)
	r.Get("/audiences", con.audiences)
	r.Post("/audiences", con.saveAudiences)
	r.Post("/account-types", con.createAccountType)
	r.Post("/account-types/:key", con.updateAccountType)
	r.Post("/account-types/:key/delete", con.deleteAccountType)
	r.Get("/roles", con.roles)
	r.Post("/roles", con.saveRoles)
	r.Get("/audit", con.auditLog)
	r.Get("/users", con.users)
	r.Get("/users/:id<int>", con.user)
	r.Post("/users/:id<int>", con.updateUser)
	r.Post("/users/:id<int>/password-link", con.sendPasswordLink)
	r.Get("/tokens", con.tokens)
	r.Post("/tokens", con.createToken)
	r.Post("/tokens/:id<int>/revoke", con.revokeToken)
	r.Get("/explain", con.explain)
	r.Post("/view-as", con.startViewAs)
	if d.Engagement != nil {
		r.Get("/comments", con.comments)
		r.Post("/comments/:id<int>/hide", con.setCommentHidden(true))
		r.Post("/comments/:id<int>/show", con.setCommentHidden(false))
		r.Post("/comments/:id<int>/request", con.commentToRequest)
	}
	if d.Content != nil {
		mountArticles(r, con)
		mountStructure(r, con)
	}
}

func requireStaff(c *fiber.Ctx) error {
	s := web.Subject(c)
	switch {
	case s.IsStaff() && s.TokenID == 0:
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.Next()
	case s.IsAnonymous():
		return c.Redirect("/login?next="+url.QueryEscape(c.OriginalURL()), fiber.StatusSeeOther)
	default:
		return fiber.ErrNotFound
	}
}

// NavItem is one entry of the console's navigation.
type NavItem struct {
	Key, Href, Label string
	Active           bool
}

// navItems lists the screens, each behind the permission that its actions need; the
// handlers check again through the services.
var navItems = []struct {
	key, href, label string
	need             *policy.Permission
}{
	{"dashboard", "/admin/", "admin.nav.dashboard", nil},
	{"inbox", "/admin/tickets", "admin.nav.inbox", &policy.TicketRead},
	{"articles", "/admin/articles", "admin.nav.articles", &policy.ArticleEdit},
	{"faq", "/admin/faq-candidates", "admin.nav.faq_candidates", &policy.ArticleEdit},
	{"search", "/admin/search-insights", "admin.nav.search", &policy.ArticleEdit},
	{"structure", "/admin/structure", "admin.nav.structure", &policy.StructureManage},
	{"users", "/admin/users", "admin.nav.users", &policy.UserRead},
	{"audiences", "/admin/audiences", "admin.nav.audiences", &policy.PolicyManage},
	{"roles", "/admin/roles", "admin.nav.roles", &policy.PolicyManage},
	{"tokens", "/admin/tokens", "admin.nav.tokens", &policy.TokenManage},
	{"comments", "/admin/comments", "admin.nav.comments", &policy.CommentModerate},
	{"audit", "/admin/audit", "admin.nav.audit", &policy.AuditRead},
	{"outbox", "/admin/outbox", "admin.nav.outbox", &policy.MailRead},
}

// Frame is the view model of the console's layout.
type Frame struct {
	ui.Chrome
	Nav []NavItem
}

// frame builds the layout for a screen; active is the NavItem key to highlight.
func (con *console) frame(c *fiber.Ctx, title, active string) Frame {
	s := web.Subject(c)
	f := Frame{Chrome: con.Chrome(c, title)}
	f.NoIndex = true
	for _, it := range navItems {
		if it.need != nil && (con.Policy == nil || !con.Policy.Can(s, *it.need)) {
			continue
		}
		f.Nav = append(f.Nav, NavItem{Key: it.key, Href: it.href, Label: ui.T(c.UserContext(), it.label), Active: it.key == active})
	}
	return f
}
