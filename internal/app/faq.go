package app

import (
	"context"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/admin"
	"github.com/helpcenter/helpcenter/internal/audit"
	"github.com/helpcenter/helpcenter/internal/faqdraft"
	"github.com/helpcenter/helpcenter/internal/synonyms"
	"github.com/helpcenter/helpcenter/internal/web"
)

// wireFAQ builds FAQ drafts from tickets and the recurring questions on the knowledge
// base, the requests and the mailer, registers their jobs, and applies the staff-edited
// search synonyms to the search index (now and on every change anywhere). Call it after
// wireTickets.
func (a *App) wireFAQ(ctx context.Context) error {
	var mailer faqdraft.Mailer
	if a.Mail != nil {
		mailer = a.Mail
	}
	a.FAQ = faqdraft.New(a.DB, a.Policy, a.Content, a.Tickets, a.Jobs, faqdraft.Options{
		BaseURL: a.Config.BaseURL, Mailer: mailer, Log: a.Log,
	})
	a.FAQ.RegisterJobs(a.Jobs)
	a.Synonyms = synonyms.New(a.DB, a.Policy, a.Search, a.Content, a.Log)
	if err := a.Synonyms.Apply(ctx); err != nil {
		return fmt.Errorf("search synonyms: %w", err)
	}
	a.Synonyms.Watch(a.Listener)
	return nil
}

// mountFAQ adds the console's FAQ screens. Call it after admin.Mount (its staff-only
// guard) and before mountTickets: it adds the FAQ panel to the ticket page.
func (a *App) mountFAQ(f fiber.Router) {
	admin.MountFAQ(f.Group("/admin"), admin.Deps{Policy: a.Policy, Chrome: web.Chrome, Audit: audit.Reader{DB: a.DB.Bun}, Content: a.Content, Tickets: a.Tickets},
		admin.FAQOptions{FAQ: a.FAQ, Synonyms: a.Synonyms, Engagement: a.Engagement})
}
