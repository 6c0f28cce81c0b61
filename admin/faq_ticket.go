package admin

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/internal/faqdraft"
	"github.com/helpcenter/helpcenter/internal/web"
	"github.com/helpcenter/helpcenter/policy"
)

// TicketFAQ is the ticket page's FAQ panel: the FAQ articles written from the ticket, the
// recurring question it belongs to, and whether the viewer may make a draft from it.
type TicketFAQ struct {
	TicketID int64
	Articles []faqdraft.ArticleRef
	Group    *faqdraft.Candidate
	CanDraft bool
}

type ticketFAQKey struct{}

// ticketPanel runs before the ticket page (MountTickets) and hands it the FAQ panel's
// view model through the request context, where FAQTicketPanel finds it. The ticket
// page itself stays the requests screen's; this panel is one line in its template.
func (fs *faqScreens) ticketPanel(c *fiber.Ctx) error {
	ctx, s := c.UserContext(), web.Subject(c)
	if fs.Policy.Can(s, policy.TicketRead) && fs.Policy.Can(s, policy.ArticleEdit) {
		id := ticketParam(c)
		p := &TicketFAQ{TicketID: id, CanDraft: true}
		var err error
		if p.Articles, err = fs.FAQ.ArticlesFromTicket(ctx, s, id); err != nil {
			return err
		}
		if p.Group, err = fs.FAQ.CandidateOfTicket(ctx, s, id); err != nil {
			return err
		}
		c.SetUserContext(context.WithValue(ctx, ticketFAQKey{}, p))
	}
	return c.Next()
}

// ticketFAQ is the panel's view model for the ticket being shown, nil when the viewer
// may not make FAQ drafts.
func ticketFAQ(ctx context.Context, ticketID int64) *TicketFAQ {
	p, _ := ctx.Value(ticketFAQKey{}).(*TicketFAQ)
	if p == nil || p.TicketID != ticketID {
		return nil
	}
	return p
}
