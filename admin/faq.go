package admin

import (
	"context"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/faqdraft"
	"github.com/helpcenter/helpcenter/internal/synonyms"
	"github.com/helpcenter/helpcenter/internal/ui"
	"github.com/helpcenter/helpcenter/internal/web"
	"github.com/helpcenter/helpcenter/policy"
)

// The FAQ screens: creating FAQ drafts from tickets (the ticket page's button and the
// inbox's multi-select), the recurring questions, telling the requesters of a published
// FAQ, the staff-edited search synonyms and what readers search for.

// FAQOptions are what the FAQ screens need besides Deps.
type FAQOptions struct {
	FAQ *faqdraft.Service
	// Synonyms serves /admin/synonyms; nil leaves the screen out.
	Synonyms *synonyms.Service
	// Engagement gives the search figures of /admin/search-insights; nil leaves them out.
	Engagement *content.Engagement
}

// faqScreens serves the FAQ screens.
type faqScreens struct {
	*console
	FAQOptions
}

// MountFAQ adds the FAQ screens under r (mounted at /admin). Mount it after Mount, whose
// staff-only guard then covers it, and before MountTickets: it adds the FAQ panel to the
// ticket page.
func MountFAQ(r fiber.Router, d Deps, opt FAQOptions) {
	if d.Chrome == nil {
		d.Chrome = func(c *fiber.Ctx, title string) ui.Chrome { return ui.Chrome{Title: title, Path: c.Path()} }
	}
	fs := &faqScreens{console: &console{Deps: d}, FAQOptions: opt}
	if opt.FAQ != nil {
		r.Get("/tickets/:id<int>", fs.ticketPanel) // passes on to the ticket page
		r.Post("/faq-drafts", fs.createDraft)
		r.Get("/faq-candidates", fs.candidates)
		r.Post("/faq-candidates/recompute", fs.recompute)
		r.Post("/faq-candidates/:id<int>/draft", fs.draftFromCandidate)
		r.Get("/articles/:id<int>/requesters", fs.requesters)
		r.Post("/articles/:id<int>/requesters", fs.notifyRequesters)
	}
	if opt.Synonyms != nil {
		r.Get("/synonyms", fs.synonyms)
		r.Post("/synonyms", fs.saveSynonyms)
	}
	if opt.Engagement != nil {
		r.Get("/search-insights", fs.searchInsights)
	}
}

// FAQDraftAction is the inbox's "Utwórz szkic FAQ" for the selected tickets (see
// TicketOptions.BulkActions).
func FAQDraftAction() BulkAction {
	return BulkAction{Label: "Utwórz szkic FAQ", FormAction: "/admin/faq-drafts", Need: &policy.ArticleEdit}
}

// createDraft makes a FAQ draft from the tickets posted as ticket_id (one from the ticket
// page, several from the inbox) and opens it in the editor. Refused input goes back where
// the form came from with the reason.
func (fs *faqScreens) createDraft(c *fiber.Ctx) error {
	ctx, s := c.UserContext(), web.Subject(c)
	back := safeBack(c.FormValue("back"), "/admin/tickets")
	var ids []int64
	for _, v := range formValues(c, "ticket_id") {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return flashError(c, back, ui.T(ctx, "faq.draft.bad_ticket"))
		}
		ids = append(ids, id)
	}
	a, err := fs.FAQ.CreateDraft(ctx, s, ids)
	if err != nil {
		if msg, ok := userMessage(err); ok {
			return flashError(c, back, msg)
		}
		return err
	}
	return redirectWithFlash(c, articleURL(a.ID, ""), draftCreatedMessage(ctx, len(a.SourceTicketIDs), a.BodyMD == ""))
}

// draftCreatedMessage is the editor's flash after a draft was made from n tickets.
func draftCreatedMessage(ctx context.Context, n int, noAnswer bool) string {
	msg := ui.T(ctx, ui.Plural(ctx, n, "faq.draft.created.one", "faq.draft.created.few", "faq.draft.created.many"), n)
	if noAnswer {
		msg += " " + ui.T(ctx, "faq.draft.no_answer")
	}
	return msg
}

// userMessage is the message of an error the user can act on (invalid input, a conflict,
// something gone); other errors go to the error handler.
func userMessage(err error) (string, bool) {
	ae := apperr.As(err)
	if ae == nil || (ae.Code != apperr.Invalid && ae.Code != apperr.Conflict && ae.Code != apperr.NotFound) {
		return "", false
	}
	if len(ae.Fields) > 0 {
		return ae.Fields[0].Message, true
	}
	return ae.Message, true
}
