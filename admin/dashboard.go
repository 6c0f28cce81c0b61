package admin

import (
	"context"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/ticket"
	"github.com/helpcenter/helpcenter/internal/ui"
	"github.com/helpcenter/helpcenter/internal/web"
	"github.com/helpcenter/helpcenter/policy"
)

// DashboardView is the console's start page: what needs attention now, each part shown
// only to those who may act on it.
type DashboardView struct {
	Frame
	// Tickets is set for staff who read the inbox (and when the inbox is wired in).
	Tickets *TicketCounts
	// Articles is set for staff who edit articles.
	Articles *ArticleAttention
}

// TicketCounts counts the requests nobody has looked at yet.
type TicketCounts struct {
	New int
	// More says there are more than New (the count stops at newTicketsCap).
	More bool
}

// ArticleAttention lists the articles that wait for someone.
type ArticleAttention struct {
	InReview, Scheduled, MyDrafts                []DashboardItem
	InReviewTotal, ScheduledTotal, MyDraftsTotal int
	CanPublish                                   bool
}

// DashboardItem is one article in a dashboard list.
type DashboardItem struct {
	ID      int64
	Title   string
	Section string
	// When is the scheduled time for scheduled articles, the last edit otherwise.
	When  time.Time
	IsFAQ bool
}

// newTicketsCap bounds the new-request count: the inbox lists them one page at a time
// and beyond a hundred the exact number changes nothing for the reader.
const newTicketsCap = 100

// dashboardListLen is how many articles each dashboard list shows.
const dashboardListLen = 6

func (con *console) dashboard(c *fiber.Ctx) error {
	ctx := c.UserContext()
	actor := web.Subject(c)
	v := DashboardView{Frame: con.frame(c, ui.T(ctx, "admin.title"), "dashboard")}
	if con.Tickets != nil && con.Policy.Can(actor, policy.TicketRead) {
		page, err := con.Tickets.FindTickets(ctx, actor, ticket.Filter{Status: string(ticket.StatusNew), Limit: newTicketsCap})
		if err != nil {
			return err
		}
		v.Tickets = &TicketCounts{New: len(page.Tickets), More: page.NextCursor != ""}
	}
	if con.Content != nil && con.Policy.Can(actor, policy.ArticleEdit) {
		a, err := con.articleAttention(ctx, actor)
		if err != nil {
			return err
		}
		v.Articles = a
	}
	return web.Render(c, Dashboard(v))
}

func (con *console) articleAttention(ctx context.Context, actor policy.Subject) (*ArticleAttention, error) {
	cats, err := con.Content.AllCategories(ctx, actor)
	if err != nil {
		return nil, err
	}
	groups := sectionGroups(cats)
	list := func(f content.ManagedFilter) ([]DashboardItem, int, error) {
		f.Limit = dashboardListLen
		page, err := con.Content.ListArticles(ctx, actor, f)
		if err != nil {
			return nil, 0, err
		}
		var out []DashboardItem
		for _, a := range page.Articles {
			it := DashboardItem{ID: a.ID, Title: a.Title, Section: sectionPath(groups, a.SectionID), When: a.EditedAt, IsFAQ: a.Kind == content.KindFAQ}
			if a.PublishAt != nil {
				it.When = *a.PublishAt
			}
			out = append(out, it)
		}
		return out, page.Total, nil
	}
	var out ArticleAttention
	out.CanPublish = con.Policy.Can(actor, policy.ArticlePublish)
	if out.InReview, out.InReviewTotal, err = list(content.ManagedFilter{State: content.StateInReview}); err != nil {
		return nil, err
	}
	if out.Scheduled, out.ScheduledTotal, err = list(content.ManagedFilter{Scheduled: true}); err != nil {
		return nil, err
	}
	// Shown soonest first. The service lists by last edit, so with more schedules than
	// fit here the list shows the most recently planned ones; the full list is one click away.
	slices.SortFunc(out.Scheduled, func(a, b DashboardItem) int { return a.When.Compare(b.When) })
	if actor.UserID != 0 {
		if out.MyDrafts, out.MyDraftsTotal, err = list(content.ManagedFilter{State: content.StateDraft, AuthorID: actor.UserID}); err != nil {
			return nil, err
		}
	}
	return &out, nil
}
