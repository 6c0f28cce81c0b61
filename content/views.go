package content

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/helpcenter/helpcenter/policy"
)

// Views are counted in memory and written in batches (Engagement.Run), so reading an
// article costs a map increment rather than a database write, and a popular article
// does not turn into one hot row updated by every reader. Each instance adds its own
// counts to the same daily rows, so counting scales out with the instances. A crash
// loses at most one flush interval of counts, which is fine for a popularity signal.

type viewKey struct {
	article int64
	day     string // YYYY-MM-DD in UTC
}

type viewCounter struct {
	mu     sync.Mutex
	counts map[viewKey]int64
}

func newViewCounter() *viewCounter { return &viewCounter{counts: map[viewKey]int64{}} }

func (v *viewCounter) add(k viewKey, n int64) {
	v.mu.Lock()
	v.counts[k] += n
	v.mu.Unlock()
}

func (v *viewCounter) take() map[viewKey]int64 {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := v.counts
	v.counts = make(map[viewKey]int64, len(out))
	return out
}

// CountView counts one reading of an article. The caller has already shown the article
// to the reader (so it is visible to them); robots are best left out by the caller.
func (e *Engagement) CountView(articleID int64) {
	e.views.add(viewKey{article: articleID, day: time.Now().UTC().Format(time.DateOnly)}, 1)
}

// FlushViews writes the views counted so far. On failure the counts are kept for the
// next attempt.
func (e *Engagement) FlushViews(ctx context.Context) error {
	counts := e.views.take()
	if len(counts) == 0 {
		return nil
	}
	ids := make([]int64, 0, len(counts))
	days := make([]string, 0, len(counts))
	ns := make([]int64, 0, len(counts))
	for k, n := range counts {
		ids, days, ns = append(ids, k.article), append(days, k.day), append(ns, n)
	}
	// Articles deleted meanwhile are skipped by the join.
	_, err := e.content.db.Bun.NewRaw(`INSERT INTO article_views (article_id, day, views)
		SELECT v.article_id, v.day, v.views
		FROM unnest(?::bigint[], ?::date[], ?::bigint[]) AS v (article_id, day, views)
		JOIN articles a ON a.id = v.article_id
		ORDER BY 1, 2
		ON CONFLICT (article_id, day) DO UPDATE SET views = article_views.views + EXCLUDED.views`,
		pgdialect.Array(ids), pgdialect.Array(days), pgdialect.Array(ns)).Exec(ctx)
	if err != nil {
		for k, n := range counts {
			e.views.add(k, n)
		}
		return fmt.Errorf("write article views: %w", err)
	}
	return nil
}

// PopularFilter selects the most read articles.
type PopularFilter struct {
	// Kind is "article", "faq" or "" for both.
	Kind string
	// Days is how far back views count (default 30).
	Days int
	// Limit is how many to list (default 5, at most 50).
	Limit int
}

// PopularArticle is an article with its views in the period.
type PopularArticle struct {
	ArticleSummary
	Views int64 `bun:"views"`
}

// MostRead lists the articles the subject may read that were read most in the last
// days, most read first. When fewer have been read than asked for, the list is filled
// with the most recently updated ones (zero views), so a new help center's home page is
// not empty.
func (e *Engagement) MostRead(ctx context.Context, subj policy.Subject, f PopularFilter) ([]PopularArticle, error) {
	if f.Days <= 0 {
		f.Days = 30
	}
	if f.Limit <= 0 {
		f.Limit = 5
	}
	f.Limit = min(f.Limit, 50)
	since := time.Now().UTC().AddDate(0, 0, -f.Days).Format(time.DateOnly)
	q := e.content.visibleArticles(e.content.policy.Audiences(subj)).ColumnExpr(summaryColumns).
		ColumnExpr("COALESCE(v.views, 0) AS views").
		Join("LEFT JOIN (SELECT article_id, sum(views)::bigint AS views FROM article_views WHERE day >= ?::date GROUP BY article_id) AS v ON v.article_id = a.id", since)
	if f.Kind != "" {
		q = q.Where("a.kind = ?", f.Kind)
	}
	var out []PopularArticle
	if err := q.OrderExpr("views DESC, a.updated_at DESC, a.id DESC").Limit(int64(f.Limit)).Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("most read articles: %w", err)
	}
	if out == nil {
		out = []PopularArticle{}
	}
	return out, nil
}
