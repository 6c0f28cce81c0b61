package search

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/polish"
)

// Query is a search request. Audiences are the audiences the reader may read (from the
// policy); an empty list finds nothing.
type Query struct {
	Text       string
	Audiences  []string
	Kind       string // "article", "faq" or "" for both
	CategoryID int64
	SectionID  int64
	Limit      int // default 10, at most 100
	Offset     int
}

// Hit is one found article.
type Hit struct {
	ArticleID int64
	Score     float64
	// Snippet is a piece of the article's text around the matched words: HTML-escaped
	// text with the matches wrapped in <mark>…</mark>, safe to insert into a page.
	Snippet string
}

// Limits of a query.
const (
	DefaultLimit  = 10
	MaxLimit      = 100
	maxQueryRunes = 256
	maxGroups     = 12
)

// Ranking weights; docs/search.md shows how they were chosen.
const (
	titleBoost     = 1.0 // a query word found in the title counts this much more
	tagBoost       = 0.5 // ... and in the tags
	rankCDWeight   = 1.0 // weight of ts_rank_cd (proximity and frequency, 0..1)
	fewHits        = 3   // below this many hits, unknown words get typo corrections
	rankCDWeights  = "{0.1, 0.2, 0.4, 1.0}"
	maxCorrections = 3
)

// Search finds the published articles that match q.Text among those the reader may see,
// best first, with the total number of matches. An empty query is invalid (field "q").
func (ix *Index) Search(ctx context.Context, q Query) ([]Hit, int, error) {
	text := strings.TrimSpace(q.Text)
	if text == "" {
		return nil, 0, apperr.InvalidFields(apperr.Field("q", "Wpisz, czego szukasz."))
	}
	if n := len([]rune(text)); n > maxQueryRunes {
		return nil, 0, apperr.InvalidFields(apperr.Field("q", fmt.Sprintf("Zapytanie może mieć najwyżej %d znaków.", maxQueryRunes)))
	}
	if q.Limit < 0 || q.Limit > MaxLimit {
		return nil, 0, apperr.InvalidFields(apperr.Field("limit", fmt.Sprintf("Limit musi być liczbą od 1 do %d.", MaxLimit)))
	}
	if q.Offset < 0 {
		return nil, 0, apperr.InvalidFields(apperr.Field("offset", "Przesunięcie nie może być ujemne."))
	}
	if q.Limit == 0 {
		q.Limit = DefaultLimit
	}
	if len(q.Audiences) == 0 {
		return []Hit{}, 0, nil
	}
	// Keep a trailing space: it tells the parser the last word is complete.
	pq := ix.an.ParseQuery(strings.TrimLeft(q.Text, " \t\r\n"))
	if pq.Empty() {
		return []Hit{}, 0, nil
	}
	if len(pq.Groups) > maxGroups {
		pq.Groups = pq.Groups[:maxGroups]
	}
	stats, err := ix.termStats(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("search: term statistics: %w", err)
	}
	rows, total, err := ix.run(ctx, q, pq, stats)
	if err != nil {
		return nil, 0, err
	}
	if total < fewHits {
		if corrected, ok, err := ix.correctTypos(ctx, pq); err != nil {
			return nil, 0, err
		} else if ok {
			if rows, total, err = ix.run(ctx, q, corrected, stats); err != nil {
				return nil, 0, err
			}
			pq = corrected
		}
	}
	h := pq.Highlighter(ix.an)
	hits := make([]Hit, len(rows))
	for i, r := range rows {
		hits[i] = Hit{ArticleID: r.id, Score: r.score, Snippet: Snippet(r.plain, r.title, h)}
	}
	return hits, total, nil
}

type resultRow struct {
	id           int64
	score        float64
	title, plain string
}

// run executes one ranked query.
func (ix *Index) run(ctx context.Context, q Query, pq polish.Query, stats *termStats) ([]resultRow, int, error) {
	args := []any{pq.TSQuery(false, ""), q.Audiences}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	var score strings.Builder
	for _, g := range pq.Groups {
		w := stats.groupIDF(g)
		fmt.Fprintf(&score, "%s::float8 * ((tsv @@ %s::tsquery)::int + %s::float8 * (tsv @@ %s::tsquery)::int + %s::float8 * (tsv @@ %s::tsquery)::int) + ",
			arg(w), arg(g.TSQuery("")), arg(titleBoost), arg(g.TSQuery("A")), arg(tagBoost), arg(g.TSQuery("B")))
	}
	fmt.Fprintf(&score, "%s::float8 * ts_rank_cd('%s', tsv, $1::tsquery, 32)", arg(rankCDWeight), rankCDWeights)
	where := "tsv @@ $1::tsquery AND audiences && $2::text[]"
	if q.Kind != "" {
		where += " AND kind = " + arg(q.Kind)
	}
	if q.CategoryID != 0 {
		where += " AND category_id = " + arg(q.CategoryID)
	}
	if q.SectionID != 0 {
		where += " AND section_id = " + arg(q.SectionID)
	}
	sql := `WITH hits AS MATERIALIZED (
		SELECT article_id, ` + score.String() + ` AS score
		FROM article_search WHERE ` + where + `
	), top AS (
		SELECT article_id, score FROM hits ORDER BY score DESC, article_id LIMIT ` + arg(q.Limit) + ` OFFSET ` + arg(q.Offset) + `
	)
	SELECT t.article_id, t.score, (SELECT count(*) FROM hits), s.title, s.plain
	FROM top t JOIN article_search s USING (article_id)
	ORDER BY t.score DESC, t.article_id`
	rows, err := ix.db.Pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("search: query: %w", err)
	}
	defer rows.Close()
	var out []resultRow
	total := 0
	for rows.Next() {
		var r resultRow
		if err := rows.Scan(&r.id, &r.score, &total, &r.title, &r.plain); err != nil {
			return nil, 0, fmt.Errorf("search: scan: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("search: query: %w", err)
	}
	if len(out) == 0 && q.Offset > 0 {
		// The page is past the end; the total still tells how many there are.
		if err := ix.db.Pool.QueryRow(ctx, `SELECT count(*) FROM article_search WHERE `+where, args[:2+countFilterArgs(q)]...).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("search: count: %w", err)
		}
	}
	return out, total, nil
}

func countFilterArgs(q Query) int {
	n := 0
	for _, set := range []bool{q.Kind != "", q.CategoryID != 0, q.SectionID != 0} {
		if set {
			n++
		}
	}
	return n
}

// groupIDF estimates the weight of a query group: the IDF of the most frequent way to
// match it (a group matches when any alternative does; an alternative when all its words
// do; a word when any of its terms does).
func (s *termStats) groupIDF(g polish.Group) float64 {
	groupDF := 0
	for _, alt := range g.Alternatives {
		altDF := -1
		for _, w := range alt {
			wordDF := 0
			for _, t := range w.Terms {
				wordDF = max(wordDF, int(s.df[t]))
			}
			if w.Prefix != "" {
				wordDF = max(wordDF, s.prefixDF(w.Prefix))
			}
			if altDF < 0 || wordDF < altDF {
				altDF = wordDF
			}
		}
		groupDF = max(groupDF, altDF)
	}
	return idf(groupDF, s.docs)
}

// prefixDF is the largest document frequency of a term starting with prefix (looking at a
// bounded number of terms).
func (s *termStats) prefixDF(prefix string) int {
	i := sort.SearchStrings(s.sorted, prefix)
	best := 0
	for n := 0; i < len(s.sorted) && n < 500 && strings.HasPrefix(s.sorted[i], prefix); i, n = i+1, n+1 {
		best = max(best, int(s.df[s.sorted[i]]))
	}
	return best
}
