package content

import (
	"context"
	"fmt"

	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/helpcenter/helpcenter/policy"
)

// RelatedArticles lists up to limit (default 5, at most 20) articles the subject may
// read that are related to an article they may read: sharing more tags first, then in
// the same section, then the most recently updated. The article itself is left out.
func (e *Engagement) RelatedArticles(ctx context.Context, subj policy.Subject, articleID int64, limit int) ([]ArticleSummary, error) {
	if limit <= 0 {
		limit = 5
	}
	limit = min(limit, 20)
	allowed := e.content.policy.Audiences(subj)
	var self struct {
		SectionID int64    `bun:"section_id"`
		Tags      []string `bun:"tags,array"`
	}
	err := e.content.visibleArticles(allowed).ColumnExpr("a.section_id, a.tags").Where("a.id = ?", articleID).Scan(ctx, &self)
	if err != nil {
		if noRows(err) {
			return nil, errArticleNotFound()
		}
		return nil, fmt.Errorf("find article: %w", err)
	}
	if self.Tags == nil {
		self.Tags = []string{}
	}
	var out []ArticleSummary
	err = e.content.visibleArticles(allowed).ColumnExpr(summaryColumns).
		Where("a.id <> ?", articleID).
		Where("(a.section_id = ? OR a.tags && ?::text[])", self.SectionID, pgdialect.Array(self.Tags)).
		OrderExpr("cardinality(ARRAY(SELECT unnest(a.tags) INTERSECT SELECT unnest(?::text[]))) DESC", pgdialect.Array(self.Tags)).
		OrderExpr("(a.section_id = ?) DESC, a.updated_at DESC, a.id DESC", self.SectionID).
		Limit(int64(limit)).Scan(ctx, &out)
	if err != nil {
		return nil, fmt.Errorf("related articles: %w", err)
	}
	if out == nil {
		out = []ArticleSummary{}
	}
	return out, nil
}
