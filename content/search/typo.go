package search

import (
	"context"
	"fmt"
	"sort"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/helpcenter/helpcenter/internal/polish"
)

// trigramThreshold is lower than pg_trgm's default (0.3) because typos in short Polish
// words share few trigrams with the right word ("fakutra"/"faktura" is 0.33, "hsalo"/
// "haslo" 0.2); the edit distance check below keeps the candidates honest.
const trigramThreshold = 0.2

// correctTypos looks up the query words that no indexed article contains and lets each
// also match the closest words of the vocabulary (pg_trgm candidates filtered by edit
// distance). ok is false when nothing was corrected.
func (ix *Index) correctTypos(ctx context.Context, pq polish.Query) (polish.Query, bool, error) {
	var words []string
	for _, w := range pq.Words() {
		if utf8.RuneCountInString(w) >= 4 && !hasDigit(w) {
			words = append(words, w)
		}
	}
	if len(words) == 0 {
		return pq, false, nil
	}
	candidates := map[string][]string{}
	err := pgx.BeginFunc(ctx, ix.db.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, fmt.Sprintf("SET LOCAL pg_trgm.similarity_threshold = %g", trigramThreshold)); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT q.w, c.word
			FROM unnest($1::text[]) AS q(w)
			CROSS JOIN LATERAL (
				SELECT word FROM search_words WHERE word % q.w ORDER BY similarity(word, q.w) DESC, word LIMIT 12
			) c
			WHERE NOT EXISTS (SELECT 1 FROM search_words s WHERE s.word = q.w)`, words)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var w, c string
			if err := rows.Scan(&w, &c); err != nil {
				return err
			}
			candidates[w] = append(candidates[w], c)
		}
		return rows.Err()
	})
	if err != nil {
		return pq, false, fmt.Errorf("search: typo candidates: %w", err)
	}
	changed := false
	for w, cands := range candidates {
		limit := 1
		if utf8.RuneCountInString(w) >= 7 {
			limit = 2
		}
		type scored struct {
			word string
			dist int
		}
		var ok []scored
		for _, c := range cands {
			if d := editDistance(w, c); d <= limit {
				ok = append(ok, scored{c, d})
			}
		}
		sort.SliceStable(ok, func(i, j int) bool { return ok[i].dist < ok[j].dist })
		var repl []string
		for _, s := range ok {
			if len(repl) == maxCorrections || len(repl) > 0 && s.dist > ok[0].dist {
				break
			}
			repl = append(repl, s.word)
		}
		if len(repl) > 0 {
			pq.AddTerms(ix.Analyzer(), w, repl...)
			changed = true
		}
	}
	return pq, changed, nil
}

// editDistance is the optimal string alignment distance (Levenshtein with adjacent
// transpositions, the commonest typo) between two words, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

func hasDigit(s string) bool {
	for _, r := range s {
		if r >= '0' && r <= '9' {
			return true
		}
	}
	return false
}
