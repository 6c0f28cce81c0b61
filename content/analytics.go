package content

import (
	"context"
	"fmt"
	"time"

	"github.com/helpcenter/helpcenter/policy"
)

// EngagementDashboard is what the console's dashboard shows about readers since a time.
// Each part is there when the asking staff member may see it (nil otherwise).
type EngagementDashboard struct {
	Since time.Time `json:"since"`
	// Search needs policy.ArticleEdit, Deflection policy.TicketRead, Ratings
	// policy.ArticleEdit.
	Search     *SearchReport     `json:"search"`
	Deflection *DeflectionReport `json:"deflection"`
	// Ratings lists the articles rated least helpful (at least three votes).
	Ratings []ArticleRating `json:"ratings"`
}

// ArticleRating is an article's "was this helpful?" tally.
type ArticleRating struct {
	ArticleID  int64  `bun:"article_id" json:"article_id"`
	Slug       string `bun:"slug" json:"slug"`
	Title      string `bun:"title" json:"title"`
	Helpful    int    `bun:"helpful" json:"helpful"`
	NotHelpful int    `bun:"not_helpful" json:"not_helpful"`
}

// Dashboard gathers the engagement figures since a time for staff: searches (the most
// frequent, those without results, click-through), deflection by the request form's
// suggestions, and the least helpful articles. Customers and visitors get Forbidden /
// Unauthorized; staff get the parts their permissions allow.
func (e *Engagement) Dashboard(ctx context.Context, actor policy.Subject, since time.Time, limit int) (*EngagementDashboard, error) {
	canSearch := e.content.policy.Can(actor, policy.ArticleEdit)
	canDeflection := e.content.policy.Can(actor, policy.TicketRead)
	if !canSearch && !canDeflection {
		return nil, e.content.policy.Require(actor, policy.ArticleEdit)
	}
	d := &EngagementDashboard{Since: since.UTC()}
	var err error
	if canSearch {
		if d.Search, err = e.SearchReport(ctx, actor, since, limit); err != nil {
			return nil, err
		}
		if d.Ratings, err = e.leastHelpful(ctx, since, limit); err != nil {
			return nil, err
		}
	}
	if canDeflection {
		if d.Deflection, err = e.DeflectionReport(ctx, actor, since, limit); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func (e *Engagement) leastHelpful(ctx context.Context, since time.Time, limit int) ([]ArticleRating, error) {
	if limit <= 0 || limit > 100 {
		limit = 10
	}
	out := []ArticleRating{}
	err := e.content.db.Bun.NewRaw(`WITH v AS (
			SELECT article_id, helpful FROM votes WHERE updated_at >= ?
			UNION ALL SELECT article_id, helpful FROM anonymous_votes WHERE updated_at >= ?
		)
		SELECT v.article_id, a.slug, COALESCE(r.title, '') AS title,
			count(*) FILTER (WHERE v.helpful) AS helpful, count(*) FILTER (WHERE NOT v.helpful) AS not_helpful
		FROM v JOIN articles a ON a.id = v.article_id
		LEFT JOIN article_revisions r ON r.id = COALESCE(a.published_revision_id, a.current_revision_id)
		GROUP BY v.article_id, a.slug, r.title
		HAVING count(*) >= 3
		ORDER BY count(*) FILTER (WHERE v.helpful)::float / count(*), count(*) DESC, v.article_id
		LIMIT ?`, since, since, limit).Scan(ctx, &out)
	if err != nil {
		return nil, fmt.Errorf("least helpful articles: %w", err)
	}
	return out, nil
}
