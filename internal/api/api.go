// Package api is the JSON API under /api/v1: public reads filtered by the caller's
// audiences, the end-user calls (sign-in, requests, comments) and the management calls
// for staff and scripts. Handlers decode, call one service method and encode; the
// OpenAPI document served at /api/openapi.json describes every route.
package api

import (
	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/account"
	"github.com/helpcenter/helpcenter/internal/apitoken"
	"github.com/helpcenter/helpcenter/internal/audit"
	"github.com/helpcenter/helpcenter/internal/faqdraft"
	"github.com/helpcenter/helpcenter/internal/synonyms"
	"github.com/helpcenter/helpcenter/internal/ticket"
	"github.com/helpcenter/helpcenter/internal/web"
	"github.com/helpcenter/helpcenter/policy"
)

// Deps are the services the API calls. Each feature adds its service here.
type Deps struct {
	Policy *policy.Enforcer
	Audit  audit.Reader
	// Tickets serves requests (end users) and the ticket inbox (management).
	Tickets *ticket.Service

	// Accounts and Sessions serve sign-in, registration and /me.
	Accounts *account.Service
	Sessions *web.Sessions

	// Tokens manages API tokens.
	Tokens *apitoken.Service

	// Content serves the public reads of the knowledge base.
	Content *content.Service
	// Engagement serves comments, votes, suggestions and the engagement figures.
	Engagement *content.Engagement
	// RateLimit is the number of requests per minute a token or client address may
	// make under /api/v1 (0 = no limit).
	RateLimit int
	// FAQ serves FAQ drafts from tickets and the recurring questions; Synonyms the
	// staff-edited search synonyms.
	FAQ      *faqdraft.Service
	Synonyms *synonyms.Service
}

// Mount adds the API routes: /api/openapi.json and everything under /api/v1.
func Mount(app fiber.Router, d Deps) {
	app.Get("/api/openapi.json", serveOpenAPI)
	v1 := app.Group("/api/v1")
	if d.RateLimit > 0 {
		v1.Use(newRateLimiter(d.RateLimit).handler)
	}
	mountAuth(v1, d.Accounts, d.Sessions)
	mountMe(v1, d.Accounts, d.Policy)
	mountPolicy(v1, d.Policy)
	mountAudit(v1, d.Policy, d.Audit)
	mountAdmin(v1, d)
	mountRequests(v1, d.Tickets)
	mountTickets(v1, d.Tickets)
	mountManageContent(v1, d.Content)
	mountFAQ(v1, d.FAQ, d.Synonyms)
	mountEngagement(v1, d.Engagement) // before mountContent: it watches GET /search
	mountContent(v1, d.Content, newReadCache(d.Content, d.Policy, readCacheBytes))
}
