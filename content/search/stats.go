package search

import (
	"context"
	"log/slog"
	"math"
	"sort"
	"time"
)

// termStats is a snapshot of how many indexed articles hold each term, for IDF weights.
// It is counted over all articles whatever their audiences: it only orders results that
// the reader may see anyway.
type termStats struct {
	docs   int
	df     map[string]int32
	sorted []string // the terms in order, for prefix look-ups
	loaded time.Time
}

// statsMaxAge bounds how long a snapshot is used before a refresh is started; a put or
// delete in this process starts one at the next search. Ranking with slightly old
// frequencies is harmless, so searches never wait for a refresh once a snapshot exists.
const statsMaxAge = 5 * time.Minute

func (ix *Index) markStatsStale() {
	ix.statsMu.Lock()
	ix.statsStale = true
	ix.statsMu.Unlock()
}

// termStats returns the current snapshot, loading the first one synchronously and later
// ones in the background.
func (ix *Index) termStats(ctx context.Context) (*termStats, error) {
	ix.statsMu.Lock()
	s := ix.stats
	refresh := s != nil && !ix.statsLoading && (ix.statsStale || time.Since(s.loaded) > statsMaxAge)
	if refresh {
		ix.statsLoading = true
		ix.statsStale = false
	}
	ix.statsMu.Unlock()
	if s == nil {
		fresh, err := ix.loadTermStats(ctx)
		if err != nil {
			return nil, err
		}
		ix.statsMu.Lock()
		if ix.stats == nil || ix.stats.loaded.Before(fresh.loaded) {
			ix.stats = fresh
			ix.statsStale = false
		}
		s = ix.stats
		ix.statsMu.Unlock()
		return s, nil
	}
	if refresh {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			fresh, err := ix.loadTermStats(ctx)
			ix.statsMu.Lock()
			defer ix.statsMu.Unlock()
			ix.statsLoading = false
			if err != nil {
				ix.statsStale = true
				slog.Warn("search: refresh term statistics", "err", err)
				return
			}
			ix.stats = fresh
		}()
	}
	return s, nil
}

func (ix *Index) loadTermStats(ctx context.Context) (*termStats, error) {
	started := time.Now()
	s := &termStats{df: map[string]int32{}, loaded: started}
	if err := ix.db.Pool.QueryRow(ctx, `SELECT count(*) FROM article_search`).Scan(&s.docs); err != nil {
		return nil, err
	}
	rows, err := ix.db.Pool.Query(ctx, `SELECT word, ndoc FROM ts_stat('SELECT tsv FROM article_search')`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var term string
		var n int32
		if err := rows.Scan(&term, &n); err != nil {
			return nil, err
		}
		s.df[term] = n
		s.sorted = append(s.sorted, term)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.Strings(s.sorted)
	return s, nil
}

// idf is the BM25 inverse document frequency of a term held by df of n documents.
func idf(df, n int) float64 {
	if n == 0 {
		return 1
	}
	if df > n {
		df = n
	}
	return math.Log(1 + (float64(n-df)+0.5)/(float64(df)+0.5))
}
