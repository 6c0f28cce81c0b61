package content

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/helpcenter/helpcenter/policy"
)

// The search log records every search a reader runs (the first page of results, not
// every page turned) with the number of results the reader got, so staff see what
// people look for and what they do not find. It keeps the query text and the kind of
// reader (visitor, customer, staff, token), never who it was.

// Search sources.
const (
	SourcePortal = "portal"
	SourceAPI    = "api"
)

// SearchEvent is one search to record.
type SearchEvent struct {
	Query   string
	Results int
	// Source is SourcePortal or SourceAPI.
	Source string
}

// NormalizeQuery is the form under which the reports group queries: lower case, Polish
// letters without diacritics, single spaces ("Usunięte  dokumenty" and "usuniete
// dokumenty" are one query).
func NormalizeQuery(q string) string {
	return strings.Join(strings.Fields(strings.ToLower(polishLetters.Replace(q))), " ")
}

// RecordSearch writes a search to the log and returns its id, which a click on one of
// its results names (RecordSearchClick). Empty queries are not recorded (id 0).
func (e *Engagement) RecordSearch(ctx context.Context, subj policy.Subject, ev SearchEvent) (int64, error) {
	q := strings.Join(strings.Fields(ev.Query), " ")
	if q == "" {
		return 0, nil
	}
	if utf8.RuneCountInString(q) > 256 {
		q = string([]rune(q)[:256])
	}
	if ev.Source != SourceAPI {
		ev.Source = SourcePortal
	}
	var id int64
	err := e.content.db.Bun.NewRaw(`INSERT INTO search_log (query, normalized, results, source, reader) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		q, NormalizeQuery(q), max(ev.Results, 0), ev.Source, readerKind(subj)).Scan(ctx, &id)
	if err != nil {
		return 0, fmt.Errorf("record search: %w", err)
	}
	return id, nil
}

// searchClickWindow is how long after a search a click still counts for it.
const searchClickWindow = time.Hour

// RecordSearchClick notes that the reader opened an article from the results of a
// logged search. Only the first click of a search counts, and only within an hour of it;
// anything else (an unknown id, a reload) is ignored.
func (e *Engagement) RecordSearchClick(ctx context.Context, searchID, articleID int64) error {
	if searchID <= 0 || articleID <= 0 {
		return nil
	}
	_, err := e.content.db.Bun.NewRaw(`UPDATE search_log SET clicked_article_id = ?, clicked_at = now()
		WHERE id = ? AND clicked_article_id IS NULL AND at > now() - ?::interval AND results > 0`,
		articleID, searchID, fmt.Sprintf("%d seconds", int(searchClickWindow.Seconds()))).Exec(ctx)
	if err != nil {
		return fmt.Errorf("record search click: %w", err)
	}
	return nil
}

// QueryStat is one query in a report.
type QueryStat struct {
	// Query is the most frequent spelling of the normalized query.
	Query    string    `bun:"query" json:"query"`
	Searches int       `bun:"searches" json:"searches"`
	Clicks   int       `bun:"clicks" json:"clicks"`
	Results  int       `bun:"results" json:"results"` // results of the latest search
	LastAt   time.Time `bun:"last_at" json:"last_at"`
}

// SearchReport sums up the searches since a time.
type SearchReport struct {
	Since    time.Time `json:"since"`
	Searches int       `json:"searches"`
	// NoResults counts searches that found nothing.
	NoResults int `json:"no_results"`
	// Clicks counts searches after which the reader opened a result; ClickThrough is
	// Clicks over the searches that found something (0..1).
	Clicks       int         `json:"clicks"`
	ClickThrough float64     `json:"click_through"`
	Top          []QueryStat `json:"top"`
	TopNoResults []QueryStat `json:"top_no_results"`
}

// SearchReport tells staff (policy.ArticleEdit: the people who write the answers) what
// readers searched for since a time: totals, click-through, the most frequent queries
// and the most frequent queries that found nothing.
func (e *Engagement) SearchReport(ctx context.Context, actor policy.Subject, since time.Time, limit int) (*SearchReport, error) {
	if err := e.content.policy.Require(actor, policy.ArticleEdit); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 100 {
		limit = 10
	}
	r := &SearchReport{Since: since.UTC(), Top: []QueryStat{}, TopNoResults: []QueryStat{}}
	var totals struct {
		Searches  int `bun:"searches"`
		NoResults int `bun:"no_results"`
		Clicks    int `bun:"clicks"`
	}
	db := e.content.db.Bun
	err := db.NewRaw(`SELECT count(*) AS searches, count(*) FILTER (WHERE results = 0) AS no_results,
			count(*) FILTER (WHERE clicked_article_id IS NOT NULL) AS clicks
		FROM search_log WHERE at >= ?`, since).Scan(ctx, &totals)
	if err != nil {
		return nil, fmt.Errorf("search totals: %w", err)
	}
	r.Searches, r.NoResults, r.Clicks = totals.Searches, totals.NoResults, totals.Clicks
	if found := r.Searches - r.NoResults; found > 0 {
		r.ClickThrough = float64(r.Clicks) / float64(found)
	}
	const grouped = `SELECT mode() WITHIN GROUP (ORDER BY query) AS query, count(*) AS searches,
			count(*) FILTER (WHERE clicked_article_id IS NOT NULL) AS clicks,
			(array_agg(results ORDER BY at DESC))[1] AS results, max(at) AS last_at
		FROM search_log WHERE at >= ? %s
		GROUP BY normalized ORDER BY searches DESC, last_at DESC LIMIT ?`
	if err := db.NewRaw(fmt.Sprintf(grouped, ""), since, limit).Scan(ctx, &r.Top); err != nil {
		return nil, fmt.Errorf("top searches: %w", err)
	}
	if err := db.NewRaw(fmt.Sprintf(grouped, "AND results = 0"), since, limit).Scan(ctx, &r.TopNoResults); err != nil {
		return nil, fmt.Errorf("top searches without results: %w", err)
	}
	return r, nil
}

// SearchCursor is the cursor that continues search results after the first n, for
// frontends that number their pages (n = (page-1) × page size); "" for the start.
func SearchCursor(n int) string {
	if n <= 0 {
		return ""
	}
	return offsetCursor(n)
}
