package admin

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/ui"
	"github.com/helpcenter/helpcenter/internal/web"
	"github.com/helpcenter/helpcenter/policy"
)

// SearchInsightsView is what readers searched for: totals and click-through, the most
// frequent queries and the most frequent ones that found nothing (candidates for new
// articles or synonyms).
type SearchInsightsView struct {
	Frame
	Days   int
	Report *content.SearchReport
	// Deflection is set for staff who read the inbox: suggestions of the request form
	// that answered a question before it was sent.
	Deflection *content.DeflectionReport
	// CanEditSynonyms links the synonyms screen.
	CanEditSynonyms bool
}

// insightPeriods are the periods the screen offers, in days.
var insightPeriods = []int{7, 30, 90}

// insightQueries is how many queries each list shows.
const insightQueries = 20

func (fs *faqScreens) searchInsights(c *fiber.Ctx) error {
	ctx, s := c.UserContext(), web.Subject(c)
	days := c.QueryInt("days", 30)
	if days < 1 || days > 365 {
		days = 30
	}
	since := time.Now().AddDate(0, 0, -days)
	r, err := fs.Engagement.SearchReport(ctx, s, since, insightQueries)
	if err != nil {
		return err
	}
	v := SearchInsightsView{Frame: fs.frame(c, ui.T(ctx, "search.insights.title"), "search"), Days: days, Report: r,
		CanEditSynonyms: fs.Synonyms != nil}
	if fs.Policy.Can(s, policy.TicketRead) {
		if v.Deflection, err = fs.Engagement.DeflectionReport(ctx, s, since, 5); err != nil {
			return err
		}
	}
	return web.Render(c, SearchInsightsPage(v))
}

// percent writes a share (0..1) as a whole percentage.
func percent(f float64) string { return strconv.Itoa(int(f*100+0.5)) + "%" }

// queryCTR is the share of a query's searches after which a result was opened.
func queryCTR(q content.QueryStat) string {
	if q.Searches == 0 {
		return "–"
	}
	return percent(float64(q.Clicks) / float64(q.Searches))
}
