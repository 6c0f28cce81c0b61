package search

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/helpcenter/helpcenter/internal/db"
	"github.com/helpcenter/helpcenter/internal/polish"
)

// Index is the search index. It is safe for concurrent use; create one per process.
type Index struct {
	db *db.DB
	// an is swapped at run time when the staff-edited synonyms change (SetAnalyzer).
	an atomic.Pointer[polish.Analyzer]

	cacheMu sync.Mutex
	cache   *resultCache

	statsMu      sync.Mutex
	stats        *termStats
	statsStale   bool
	statsLoading bool
}

// Marks of the title and tag terms in the vector (see polish.Vector.AddMarked): a query
// for "^faktur" finds the articles with the word in the title without reading any vector.
const (
	titleMark = "^"
	tagMark   = "~"
)

// Option configures an Index.
type Option func(*Index)

// WithAnalyzer replaces the default Polish analyzer, for example with one that knows the
// staff-edited synonyms.
func WithAnalyzer(a *polish.Analyzer) Option {
	return func(ix *Index) { ix.an.Store(a) }
}

// New returns an index stored in d.
func New(d *db.DB, opts ...Option) *Index {
	ix := &Index{db: d}
	ix.an.Store(polish.Default())
	for _, o := range opts {
		o(ix)
	}
	return ix
}

// Analyzer returns the analyzer the index uses.
func (ix *Index) Analyzer() *polish.Analyzer { return ix.an.Load() }

// Document is what the index needs to know about a published article.
type Document struct {
	ArticleID    int64
	Title        string
	BodyMarkdown string
	Tags         []string
	Kind         string
	SectionID    int64
	CategoryID   int64
	// Audiences are the audiences that may read the article (already narrowed by its
	// section's, see content.EffectiveAudiences): a reader finds the article only when
	// they share at least one.
	Audiences []string
	UpdatedAt time.Time
}

// Put adds or replaces an article in the index. Call it with the transaction that
// publishes the article (or changes a published one), so the index never disagrees with
// what readers may open.
func (ix *Index) Put(ctx context.Context, idb bun.IDB, doc Document) error {
	if doc.ArticleID == 0 {
		return fmt.Errorf("search: put: document without article id")
	}
	plain, headings := PlainText(doc.BodyMarkdown)
	tags := strings.Join(doc.Tags, "\n")
	v := ix.Analyzer().NewVector()
	v.AddMarked(doc.Title, polish.WeightA, titleMark)
	v.AddMarked(tags, polish.WeightB, tagMark)
	v.Add(headings, polish.WeightC)
	v.Add(plain, polish.WeightD)
	audiences := doc.Audiences
	if audiences == nil {
		audiences = []string{}
	}
	updated := doc.UpdatedAt
	if updated.IsZero() {
		updated = time.Now()
	}
	_, err := idb.NewRaw(`INSERT INTO article_search
			(article_id, kind, section_id, category_id, audiences, tsv, updated_at)
		VALUES (?, ?, ?, ?, ?, ?::tsvector, ?)
		ON CONFLICT (article_id) DO UPDATE SET kind = EXCLUDED.kind, section_id = EXCLUDED.section_id,
			category_id = EXCLUDED.category_id, audiences = EXCLUDED.audiences,
			tsv = EXCLUDED.tsv, updated_at = EXCLUDED.updated_at`,
		doc.ArticleID, doc.Kind, doc.SectionID, doc.CategoryID, pgdialect.Array(audiences),
		v.String(), updated).Exec(ctx)
	if err == nil {
		_, err = idb.NewRaw(`INSERT INTO article_search_text (article_id, title, plain) VALUES (?, ?, ?)
			ON CONFLICT (article_id) DO UPDATE SET title = EXCLUDED.title, plain = EXCLUDED.plain`,
			doc.ArticleID, doc.Title, plain).Exec(ctx)
	}
	if err != nil {
		return fmt.Errorf("search: put article %d: %w", doc.ArticleID, err)
	}
	// Sorted words, so concurrent puts lock vocabulary rows in one order.
	if words := v.Words(); len(words) > 0 {
		_, err = idb.NewRaw(`INSERT INTO search_words (word) SELECT unnest(?::text[]) ORDER BY 1 ON CONFLICT DO NOTHING`,
			pgdialect.Array(words)).Exec(ctx)
		if err != nil {
			return fmt.Errorf("search: put article %d words: %w", doc.ArticleID, err)
		}
	}
	ix.markStatsStale()
	return nil
}

// Delete removes an article from the index (unpublish, archive, delete). Removing an
// article that is not indexed is not an error.
func (ix *Index) Delete(ctx context.Context, idb bun.IDB, articleID int64) error {
	if _, err := idb.NewRaw(`DELETE FROM article_search WHERE article_id = ?`, articleID).Exec(ctx); err != nil {
		return fmt.Errorf("search: delete article %d: %w", articleID, err)
	}
	ix.markStatsStale()
	return nil
}
