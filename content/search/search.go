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
	cache := ix.resultCache()
	var key string
	var gen uint64
	if cache != nil {
		key = cacheKey(q)
		if hits, total, ok := cache.get(key); ok {
			return hits, total, nil
		}
		gen = cache.generation.Load()
	}
	// Keep a trailing space: it tells the parser the last word is complete.
	an := ix.Analyzer()
	pq := an.ParseQuery(strings.TrimLeft(q.Text, " \t\r\n"))
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
	rows, total, err := ix.runTiers(ctx, q, pq, stats)
	if err != nil {
		return nil, 0, err
	}
	if total < fewHits {
		if corrected, ok, err := ix.correctTypos(ctx, pq); err != nil {
			return nil, 0, err
		} else if ok {
			if rows, total, err = ix.runTiers(ctx, q, corrected, stats); err != nil {
				return nil, 0, err
			}
			pq = corrected
		}
	}
	h := pq.Highlighter(an)
	hits := make([]Hit, len(rows))
	for i, r := range rows {
		hits[i] = Hit{ArticleID: r.id, Score: r.score, Snippet: Snippet(r.plain, r.title, h)}
	}
	if cache != nil {
		cache.put(key, gen, hits, total)
	}
	return hits, total, nil
}

type resultRow struct {
	id           int64
	score        float64
	title, plain string
}

// enoughHits is how many articles must match all query groups for the articles that
// match only some of them to be left out.
const enoughHits = 10

// runTiers searches for the articles that match all query groups first and, when those are
// fewer than enoughHits, for the articles that match any. Requiring all groups first keeps
// the total meaningful ("8,000 results" for a long question helps nobody) and the work
// small: the index intersects the groups before any row is read.
func (ix *Index) runTiers(ctx context.Context, q Query, pq polish.Query, stats *termStats) ([]resultRow, int, error) {
	rows, total, err := ix.run(ctx, q, pq, stats, true)
	if err == nil && total < enoughHits && len(pq.Groups) > 1 {
		rows, total, err = ix.run(ctx, q, pq, stats, false)
	}
	return rows, total, err
}

// rerankDepth is how many of the best candidates by the coordination score get the
// (costlier) ts_rank_cd on the full vector; its weight is below one coordination step, so
// the final page is practically always among them.
const rerankDepth = 50

// run executes one ranked query in two steps. First, index scans find the candidates
// (visible articles that match all groups, or any) and, per query group, the visible
// articles with the group in the title or the tags (marked terms, see titleMark); rows
// score the group's IDF, times the boost for title and tags. Summing per candidate gives
// an IDF-weighted coordination score with title boosts, and counting the candidates the
// total. No scan decompresses a vector: the index answers every condition. Then ts_rank_cd
// (proximity and frequency in the whole text) reorders the best candidates.
func (ix *Index) run(ctx context.Context, q Query, pq polish.Query, stats *termStats, all bool) ([]resultRow, int, error) {
	args := []any{pq.TSQuery(false, ""), q.Audiences}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	filter := "audiences && $2::text[]"
	if q.Kind != "" {
		filter += " AND kind = " + arg(q.Kind)
	}
	if q.CategoryID != 0 {
		filter += " AND category_id = " + arg(q.CategoryID)
	}
	if q.SectionID != 0 {
		filter += " AND section_id = " + arg(q.SectionID)
	}
	tb, bb := arg(titleBoost), arg(tagBoost)
	var scans []string
	scan := func(weight, tsquery, hit string) {
		scans = append(scans, fmt.Sprintf("SELECT article_id, %s AS w, %s AS hit FROM article_search WHERE tsv @@ %s::tsquery AND %s", weight, hit, tsquery, filter))
	}
	weights := make([]string, len(pq.Groups))
	for i, g := range pq.Groups {
		weights[i] = arg(stats.groupIDF(g)) + "::float8"
	}
	if all {
		// Every candidate matches every group: one scan gives the coordination score, and
		// the field scans are intersected with the candidates inside the index, where the
		// rare marked terms let it skip through the long lists.
		and := pq.TSQuery(true, "")
		scan(strings.Join(weights, " + "), arg(and), "true")
		for i, g := range pq.Groups {
			scan(weights[i]+" * "+tb+"::float8", arg("("+and+") & "+g.TSQueryMarked(titleMark)), "false")
			scan(weights[i]+" * "+bb+"::float8", arg("("+and+") & "+g.TSQueryMarked(tagMark)), "false")
		}
	} else {
		for i, g := range pq.Groups {
			scan(weights[i], arg(g.TSQuery("")), "true")
			scan(weights[i]+" * "+tb+"::float8", arg(g.TSQueryMarked(titleMark)), "false")
			scan(weights[i]+" * "+bb+"::float8", arg(g.TSQueryMarked(tagMark)), "false")
		}
	}
	sql := `WITH c AS (
		SELECT article_id, sum(w) AS s1 FROM (` + strings.Join(scans, "\n\t\tUNION ALL ") + `) u
		GROUP BY article_id HAVING bool_or(hit)
	), top AS (
		SELECT article_id, s1 FROM c ORDER BY s1 DESC, article_id LIMIT ` + arg(q.Offset+q.Limit+rerankDepth) + `
	), ranked AS (
		SELECT t.article_id, t.s1 + ` + arg(rankCDWeight) + `::float8 * ts_rank_cd('` + rankCDWeights + `', s.tsv, $1::tsquery, 32) AS score
		FROM top t JOIN article_search s USING (article_id)
		ORDER BY score DESC, article_id LIMIT ` + arg(q.Limit) + ` OFFSET ` + arg(q.Offset) + `
	)
	SELECT (SELECT count(*) FROM c), r.article_id, r.score, x.title, x.plain
	FROM (SELECT 1) one
	LEFT JOIN (ranked r JOIN article_search_text x USING (article_id)) ON true
	ORDER BY r.score DESC, r.article_id`
	rows, err := ix.query(ctx, sql, args)
	if err != nil {
		return nil, 0, fmt.Errorf("search: query: %w", err)
	}
	var out []resultRow
	total := 0
	for _, r := range rows {
		total = int(r.total)
		if r.id != nil {
			out = append(out, resultRow{id: *r.id, score: *r.score, title: *r.title, plain: *r.plain})
		}
	}
	return out, total, nil
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
