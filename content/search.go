package content

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/helpcenter/helpcenter/content/search"
	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/policy"
)

// Index is the full-text index of live articles (content/search implements it). The
// service keeps it in step inside the transactions that change what readers see:
// publishing puts an article in, unpublishing and archiving take it out, and changes of
// a live article's settings or of its section's audiences put it again.
type Index interface {
	Put(ctx context.Context, idb bun.IDB, doc search.Document) error
	Delete(ctx context.Context, idb bun.IDB, articleID int64) error
	Search(ctx context.Context, q search.Query) ([]search.Hit, int, error)
}

// indexArticle brings the index in line with the article as readers see it now: its
// published revision, with its effective audiences (see EffectiveAudiences), or no entry
// when it is not live.
func (s *Service) indexArticle(ctx context.Context, idb bun.IDB, id int64) error {
	var row struct {
		Live             bool      `bun:"live"`
		Title            string    `bun:"title"`
		BodyMD           string    `bun:"body_md"`
		Tags             []string  `bun:"tags,array"`
		Kind             string    `bun:"kind"`
		SectionID        int64     `bun:"section_id"`
		CategoryID       int64     `bun:"category_id"`
		Audiences        []string  `bun:"audiences,array"`
		SectionAudiences []string  `bun:"section_audiences,array"`
		UpdatedAt        time.Time `bun:"updated_at"`
	}
	err := idb.NewSelect().TableExpr("articles AS a").
		Join("JOIN sections AS s ON s.id = a.section_id").
		Join("LEFT JOIN article_revisions AS r ON r.id = a.published_revision_id").
		ColumnExpr("a.published_revision_id IS NOT NULL AS live, COALESCE(r.title, '') AS title, COALESCE(r.body_md, '') AS body_md").
		ColumnExpr("a.tags, a.kind, a.section_id, s.category_id, a.audiences, s.audiences AS section_audiences, a.updated_at").
		Where("a.id = ?", id).Scan(ctx, &row)
	if err != nil {
		return fmt.Errorf("read article %d for the index: %w", id, err)
	}
	if !row.Live {
		return s.index.Delete(ctx, idb, id)
	}
	return s.index.Put(ctx, idb, search.Document{
		ArticleID: id, Title: row.Title, BodyMarkdown: row.BodyMD, Tags: row.Tags, Kind: row.Kind,
		SectionID: row.SectionID, CategoryID: row.CategoryID,
		Audiences: EffectiveAudiences(row.Audiences, row.SectionAudiences), UpdatedAt: row.UpdatedAt,
	})
}

// SearchQuery is a reader's search.
type SearchQuery struct {
	Text string
	// Kind, Section and Category narrow the search like the list filters (ids or slugs).
	Kind, Section, Category string
	// Limit is the page size (default 20, at most 100); Cursor continues the results.
	Limit  int
	Cursor string
}

// SearchHit is one result: the article's summary, a snippet of its text with the
// matched words in <mark> (HTML-escaped otherwise, safe to insert), and its score.
type SearchHit struct {
	ArticleSummary
	Snippet string
	Score   float64
}

// SearchResult is a page of results, best first, with the number of all matches the
// subject may read.
type SearchResult struct {
	Hits       []SearchHit
	Total      int
	NextCursor string
}

// Search finds the published articles the subject may read that match the text. The
// index filters by the subject's audiences in SQL, so results, totals and snippets never
// involve an article the subject may not read; the summaries are then read through the
// visibility rule once more.
func (s *Service) Search(ctx context.Context, subj policy.Subject, q SearchQuery) (SearchResult, error) {
	if strings.TrimSpace(q.Text) == "" {
		return SearchResult{}, apperr.InvalidFields(apperr.Field("q", "Wpisz, czego szukasz."))
	}
	limit, err := checkLimit(q.Limit)
	if err != nil {
		return SearchResult{}, err
	}
	offset := 0
	if q.Cursor != "" {
		if offset, err = parseOffsetCursor(q.Cursor); err != nil {
			return SearchResult{}, err
		}
	}
	if q.Kind != "" && q.Kind != KindArticle && q.Kind != KindFAQ {
		return SearchResult{}, apperr.InvalidFields(apperr.Field("kind", "Rodzaj musi mieć wartość article albo faq."))
	}
	allowed := s.policy.Audiences(subj)
	sq := search.Query{Text: q.Text, Audiences: allowed, Kind: q.Kind, Limit: limit, Offset: offset}
	if q.Section != "" {
		if sq.SectionID, err = s.visibleSectionID(ctx, allowed, q.Section); err != nil {
			return SearchResult{}, err
		}
	}
	if q.Category != "" {
		if sq.CategoryID, err = s.visibleCategoryID(ctx, allowed, q.Category); err != nil {
			return SearchResult{}, err
		}
	}
	hits, total, err := s.index.Search(ctx, sq)
	if err != nil {
		return SearchResult{}, err
	}
	res := SearchResult{Hits: []SearchHit{}, Total: total}
	if len(hits) == 0 {
		return res, nil
	}
	ids := make([]int64, len(hits))
	for i, h := range hits {
		ids[i] = h.ArticleID
	}
	var rows []ArticleSummary
	if err := s.visibleArticles(allowed).ColumnExpr(summaryColumns).Where("a.id IN (?)", bun.In(ids)).Scan(ctx, &rows); err != nil {
		return SearchResult{}, fmt.Errorf("read search results: %w", err)
	}
	byID := make(map[int64]ArticleSummary, len(rows))
	for _, r := range rows {
		byID[r.ID] = r
	}
	for _, h := range hits {
		sum, ok := byID[h.ArticleID]
		if !ok {
			// The index and the articles disagree; never show what the rule hides.
			s.log.Warn("search index lists an article readers cannot see", "article_id", h.ArticleID)
			continue
		}
		res.Hits = append(res.Hits, SearchHit{ArticleSummary: sum, Snippet: h.Snippet, Score: h.Score})
	}
	if offset+len(hits) < total {
		res.NextCursor = offsetCursor(offset + len(hits))
	}
	return res, nil
}
