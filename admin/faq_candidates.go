package admin

import (
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/faqdraft"
	"github.com/helpcenter/helpcenter/internal/ui"
	"github.com/helpcenter/helpcenter/internal/web"
	"github.com/helpcenter/helpcenter/policy"
)

// CandidatesView is the recurring-questions screen: groups of tickets that ask the same
// thing, the ones no published article answers first, with a one-click FAQ draft.
type CandidatesView struct {
	Frame
	Show string
	Page faqdraft.CandidatePage
	Run  faqdraft.RunInfo
	// NextURL is the next page, "" on the last; FirstURL the first page when not on it.
	NextURL, FirstURL string
	// CanSearchInsights links the search figures.
	CanSearchInsights bool
}

// candidatesPerPage is how many groups one page shows.
const candidatesPerPage = 25

func candidatesURL(show, cursor string) string {
	q := url.Values{}
	if show != "" {
		q.Set("show", show)
	}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	if len(q) == 0 {
		return "/admin/faq-candidates"
	}
	return "/admin/faq-candidates?" + q.Encode()
}

func (fs *faqScreens) candidates(c *fiber.Ctx) error {
	ctx, s := c.UserContext(), web.Subject(c)
	show, cursor := c.Query("show"), c.Query("cursor")
	page, err := fs.FAQ.Candidates(ctx, s, faqdraft.CandidateFilter{Show: show, Cursor: cursor, Limit: candidatesPerPage, Samples: 3})
	if ae := apperr.As(err); ae != nil && ae.Code == apperr.Invalid {
		// A hand-edited address: start from the first page of everything.
		return c.Redirect(candidatesURL("", ""), fiber.StatusSeeOther)
	}
	if err != nil {
		return err
	}
	run, err := fs.FAQ.LastRun(ctx, s)
	if err != nil {
		return err
	}
	v := CandidatesView{Frame: fs.frame(c, ui.T(ctx, "faq.candidates.title"), "faq"), Show: show, Page: page, Run: run,
		CanSearchInsights: fs.Engagement != nil && fs.Policy.Can(s, policy.ArticleEdit)}
	if page.NextCursor != "" {
		v.NextURL = candidatesURL(show, page.NextCursor)
	}
	if cursor != "" {
		v.FirstURL = candidatesURL(show, "")
	}
	return web.Render(c, CandidatesPage(v))
}

// recompute queues a recomputation of the groups and comes back to the list.
func (fs *faqScreens) recompute(c *fiber.Ctx) error {
	ctx := c.UserContext()
	queued, err := fs.FAQ.RequestRecompute(ctx, web.Subject(c))
	if err != nil {
		return err
	}
	msg := "faq.candidates.recompute_queued"
	if !queued {
		msg = "faq.candidates.recompute_pending"
	}
	return redirectWithFlash(c, candidatesURL(c.FormValue("show"), ""), ui.T(ctx, msg))
}

// draftFromCandidate makes a FAQ draft from a whole group and opens it in the editor.
func (fs *faqScreens) draftFromCandidate(c *fiber.Ctx) error {
	ctx, s := c.UserContext(), web.Subject(c)
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	res, err := fs.FAQ.DraftFromCandidate(ctx, s, id)
	if err != nil {
		if msg, ok := userMessage(err); ok {
			return flashError(c, candidatesURL(c.FormValue("show"), ""), msg)
		}
		return err
	}
	msg := draftCreatedMessage(ctx, res.Tickets, res.Article.BodyMD == "")
	if res.GroupSize > res.Tickets {
		msg += " " + ui.T(ctx, "faq.draft.from_group", res.GroupSize)
	}
	return redirectWithFlash(c, articleURL(res.Article.ID, ""), msg)
}

// coverageLabel says how an article was found to answer a question.
func coverageLabel(c *faqdraft.Coverage) string { return "faq.covered." + c.How }

// groupAnchor is a group's anchor on the list.
func groupAnchor(id int64) string { return "g" + strconv.FormatInt(id, 10) }

// faqDate is a day as the console shows it: "2025-03-07".
func faqDate(t time.Time) string { return t.In(consoleZone).Format("2006-01-02") }
