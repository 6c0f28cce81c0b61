package content

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/helpcenter/helpcenter/policy"
)

// Deflection: while a customer types the subject of a request, the form suggests
// articles (Suggest). Opening one is recorded (RecordSuggestionOpen); sending a request
// afterwards from the same browser or account marks the open as followed by a request
// (RequestSent). An open that no request followed is a question the knowledge base
// answered by itself.

// Suggestion limits.
const (
	// MinSuggestRunes is the shortest subject that gets suggestions.
	MinSuggestRunes = 3
	maxSuggestions  = 8
	// requestFollowWindow is how long after opening a suggestion a request still counts
	// as following it.
	requestFollowWindow = 24 * time.Hour
)

// Suggest finds up to limit articles (default 5) the subject may read that match what
// they are typing. Text shorter than MinSuggestRunes, or without any word, gives none.
// Suggestions are not recorded in the search log: they fire on every pause in typing.
func (e *Engagement) Suggest(ctx context.Context, subj policy.Subject, text string, limit int) ([]SearchHit, error) {
	text = strings.TrimSpace(text)
	if utf8.RuneCountInString(text) < MinSuggestRunes {
		return []SearchHit{}, nil
	}
	if utf8.RuneCountInString(text) > 200 {
		text = string([]rune(text)[:200])
	}
	if limit <= 0 {
		limit = 5
	}
	res, err := e.content.Search(ctx, subj, SearchQuery{Text: text, Limit: min(limit, maxSuggestions)})
	if err != nil {
		return nil, err
	}
	return res.Hits, nil
}

// RecordSuggestionOpen notes that a reader opened an article suggested by the request
// form for the text they had typed. The same browser opening the same article again
// within the follow window is one open.
func (e *Engagement) RecordSuggestionOpen(ctx context.Context, subj policy.Subject, articleID int64, query string, visitor VisitorKey) error {
	if err := e.requireVisible(ctx, subj, articleID); err != nil {
		return err
	}
	query = strings.Join(strings.Fields(query), " ")
	if utf8.RuneCountInString(query) > 256 {
		query = string([]rune(query)[:256])
	}
	var userID any
	if subj.UserID != 0 {
		userID = subj.UserID
	}
	vh := visitor.hash()
	if userID == nil && vh == nil {
		return nil // nobody to follow up; an open that can never be matched would skew the figures
	}
	_, err := e.content.db.Bun.NewRaw(`INSERT INTO suggestion_opens (article_id, query, visitor, user_id)
		SELECT ?, ?, ?, ?
		WHERE NOT EXISTS (SELECT 1 FROM suggestion_opens
			WHERE article_id = ? AND opened_at > now() - ?::interval AND request_sent_at IS NULL
			  AND (visitor = ? OR user_id = ?))`,
		articleID, query, vh, userID, articleID, window(requestFollowWindow), vh, userID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("record suggestion open: %w", err)
	}
	return nil
}

// RequestSent tells the deflection figures that the reader (this browser, or this user)
// sent a request: suggestions they opened in the last day did not answer their question.
func (e *Engagement) RequestSent(ctx context.Context, subj policy.Subject, visitor VisitorKey) error {
	var userID any
	if subj.UserID != 0 {
		userID = subj.UserID
	}
	vh := visitor.hash()
	if userID == nil && vh == nil {
		return nil
	}
	_, err := e.content.db.Bun.NewRaw(`UPDATE suggestion_opens SET request_sent_at = now()
		WHERE request_sent_at IS NULL AND opened_at > now() - ?::interval AND (visitor = ? OR user_id = ?)`,
		window(requestFollowWindow), vh, userID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("record request after suggestions: %w", err)
	}
	return nil
}

func window(d time.Duration) string { return fmt.Sprintf("%d seconds", int(d.Seconds())) }

// DeflectionReport counts suggestions opened from the request form since a time.
type DeflectionReport struct {
	Since time.Time `json:"since"`
	// Opened counts suggested articles opened; FollowedByRequest those after which the
	// reader still sent a request; Deflected = Opened - FollowedByRequest, the requests
	// that were (most likely) not sent because an article answered.
	Opened            int `json:"opened"`
	FollowedByRequest int `json:"followed_by_request"`
	Deflected         int `json:"deflected"`
	// Top are the articles opened most from suggestions, with how often they deflected.
	Top []DeflectingArticle `json:"top"`
}

// DeflectingArticle is an article opened from the request form's suggestions.
type DeflectingArticle struct {
	ArticleID int64  `bun:"article_id" json:"article_id"`
	Slug      string `bun:"slug" json:"slug"`
	Title     string `bun:"title" json:"title"`
	Opened    int    `bun:"opened" json:"opened"`
	Deflected int    `bun:"deflected" json:"deflected"`
}

// DeflectionReport gives staff (policy.TicketRead: the people who would have had to
// answer) the deflection figures since a time.
func (e *Engagement) DeflectionReport(ctx context.Context, actor policy.Subject, since time.Time, limit int) (*DeflectionReport, error) {
	if err := e.content.policy.Require(actor, policy.TicketRead); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 100 {
		limit = 10
	}
	r := &DeflectionReport{Since: since.UTC(), Top: []DeflectingArticle{}}
	db := e.content.db.Bun
	var totals struct {
		Opened   int `bun:"opened"`
		Followed int `bun:"followed"`
	}
	err := db.NewRaw(`SELECT count(*) AS opened, count(*) FILTER (WHERE request_sent_at IS NOT NULL) AS followed
		FROM suggestion_opens WHERE opened_at >= ?`, since).Scan(ctx, &totals)
	if err != nil {
		return nil, fmt.Errorf("deflection totals: %w", err)
	}
	r.Opened, r.FollowedByRequest, r.Deflected = totals.Opened, totals.Followed, totals.Opened-totals.Followed
	err = db.NewRaw(`SELECT o.article_id, a.slug, COALESCE(rv.title, '') AS title, count(*) AS opened,
			count(*) FILTER (WHERE o.request_sent_at IS NULL) AS deflected
		FROM suggestion_opens o JOIN articles a ON a.id = o.article_id
		LEFT JOIN article_revisions rv ON rv.id = COALESCE(a.published_revision_id, a.current_revision_id)
		WHERE o.opened_at >= ?
		GROUP BY o.article_id, a.slug, rv.title ORDER BY opened DESC, o.article_id LIMIT ?`, since, limit).Scan(ctx, &r.Top)
	if err != nil {
		return nil, fmt.Errorf("deflecting articles: %w", err)
	}
	return r, nil
}
