package admin

import (
	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/internal/faqdraft"
	"github.com/helpcenter/helpcenter/internal/ui"
	"github.com/helpcenter/helpcenter/internal/web"
	"github.com/helpcenter/helpcenter/policy"
)

// RequestersView is the "Powiadom zgłaszających" screen of a FAQ written from tickets:
// who asked, who will be told that the answer is published and who not (and why).
type RequestersView struct {
	Frame
	Plan *faqdraft.NotifyPlan
	// CanNotify shows the button (article:publish); the service checks again.
	CanNotify bool
}

func (fs *faqScreens) requesters(c *fiber.Ctx) error {
	ctx, s := c.UserContext(), web.Subject(c)
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	plan, err := fs.FAQ.RequesterNotice(ctx, s, id)
	if err != nil {
		return err
	}
	v := RequestersView{Frame: fs.frame(c, ui.T(ctx, "faq.notify.title"), "articles"), Plan: plan,
		CanNotify: fs.Policy.Can(s, policy.ArticlePublish)}
	return web.Render(c, RequestersPage(v))
}

// notifyRequesters sends the e-mails and comes back to the screen.
func (fs *faqScreens) notifyRequesters(c *fiber.Ctx) error {
	ctx, s := c.UserContext(), web.Subject(c)
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	back := articleURL(id, "/requesters")
	res, err := fs.FAQ.NotifyRequesters(ctx, s, id)
	if err != nil {
		if msg, ok := userMessage(err); ok {
			return flashError(c, back, msg)
		}
		return err
	}
	return redirectWithFlash(c, back, ui.T(ctx, ui.Plural(ctx, res.Sent, "faq.notify.sent.one", "faq.notify.sent.few", "faq.notify.sent.many"), res.Sent))
}

// notifyLinkShown reports whether the editor offers "Powiadom zgłaszających": for a live
// article written from tickets.
func notifyLinkShown(v EditorView) bool {
	return v.Article != nil && v.Article.Live() && len(v.Article.SourceTicketIDs) > 0
}
