package faqdraft

import (
	"cmp"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/policy"
)

// Candidate is a recurring question: a group of tickets that ask the same thing, as the
// last recomputation found it (and new tickets placed since).
type Candidate struct {
	ID int64
	// Rank is the group's place by how often and how recently it was asked (1 = first).
	Rank     int
	Question string
	// TicketIDs are the most recently asked of its tickets (at most 100), newest first;
	// Count counts all of them.
	TicketIDs                 []int64
	Count                     int
	FirstAskedAt, LastAskedAt time.Time
	// Keywords are a few words the tickets share.
	Keywords []string
	// Samples are a few of the most recent tickets as they were asked (filled when the
	// filter asks for them).
	Samples []SampleTicket
	// CoveredBy is the published article that answers the question; nil for a gap.
	CoveredBy *Coverage
	// Draft is a FAQ written from the group's tickets that is not published yet.
	Draft *ArticleRef
}

// Covered reports whether a published article answers the question.
func (c *Candidate) Covered() bool { return c.CoveredBy != nil }

// ArticleRef names an article of the knowledge base.
type ArticleRef struct {
	ID    int64
	Title string
	Slug  string
	State string
}

// How a published article was found to answer a recurring question.
const (
	// CoveredBySource: the article was written from the group's tickets.
	CoveredBySource = "source"
	// CoveredByLink: staff replies in the group's tickets link to the article.
	CoveredByLink = "link"
	// CoveredBySearch: the search index finds the article for the group's question.
	CoveredBySearch = "search"
)

// Coverage is the article that answers a recurring question, how it was found
// (CoveredBySource, CoveredByLink or CoveredBySearch) and how surely (0..1: the share of
// tickets linked, or of the question's words in the article's title and tags).
type Coverage struct {
	ArticleRef
	How   string
	Score float64
}

// SampleTicket is one ticket of a group as it was asked.
type SampleTicket struct {
	ID      int64
	Subject string
	AskedAt time.Time
}

// Which groups a list shows.
const (
	ShowAll     = ""        // the gaps first, then the covered ones
	ShowGaps    = "gaps"    // only questions no published article answers
	ShowCovered = "covered" // only answered questions
)

// CandidateFilter selects recurring questions.
type CandidateFilter struct {
	// Show is ShowAll, ShowGaps or ShowCovered.
	Show string
	// Cursor continues a list where the previous page's NextCursor left it.
	Cursor string
	// Limit is the page size: 20 by default, at most 100.
	Limit int
	// Samples is how many sample tickets to give each group (at most 5).
	Samples int
}

// CandidatePage is one page of recurring questions.
type CandidatePage struct {
	Candidates []Candidate
	// NextCursor continues the list; "" on the last page.
	NextCursor string
	// Groups counts every stored group, Gaps those no published article answers.
	Groups, Gaps int
}

// Candidates lists the recurring questions, the gaps first, each part by rank
// (policy.ArticleEdit and policy.TicketRead: it shows what customers ask). It reads the
// stored groups only, so it answers in a few milliseconds however many tickets there are.
func (s *Service) Candidates(ctx context.Context, actor policy.Subject, f CandidateFilter) (CandidatePage, error) {
	if err := s.requireCandidates(actor); err != nil {
		return CandidatePage{}, err
	}
	var problems []apperr.FieldError
	switch f.Show {
	case ShowAll, ShowGaps, ShowCovered:
	default:
		problems = append(problems, apperr.Field("show", "Pokaż: gaps albo covered."))
	}
	if f.Limit < 0 || f.Limit > 100 {
		problems = append(problems, apperr.Field("limit", "Limit musi być liczbą od 1 do 100."))
	}
	after, err := parseCandidateCursor(f.Cursor)
	if err != nil {
		problems = append(problems, apperr.Field("cursor", "Nieprawidłowy kursor."))
	}
	if err := apperr.InvalidFields(problems...); err != nil {
		return CandidatePage{}, err
	}
	limit := cmp.Or(f.Limit, 20)

	var page CandidatePage
	if err := s.db.Pool.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE covered_article_id IS NULL) FROM faq_candidate_groups`).
		Scan(&page.Groups, &page.Gaps); err != nil {
		return page, fmt.Errorf("faq candidates: count: %w", err)
	}
	where := `((g.covered_article_id IS NOT NULL), g.rank, g.id) > ($1, $2, $3)`
	switch f.Show {
	case ShowGaps:
		where += ` AND g.covered_article_id IS NULL`
	case ShowCovered:
		where += ` AND g.covered_article_id IS NOT NULL`
	}
	cs, err := s.queryCandidates(ctx, where+` ORDER BY (g.covered_article_id IS NOT NULL), g.rank, g.id LIMIT $4`,
		after.covered, after.rank, after.id, limit+1)
	if err != nil {
		return page, err
	}
	if len(cs) > limit {
		last := cs[limit-1]
		cs = cs[:limit]
		page.NextCursor = candidateCursor{covered: last.storedCovered, rank: last.Rank, id: last.ID}.String()
	}
	page.Candidates = make([]Candidate, len(cs))
	for i := range cs {
		page.Candidates[i] = cs[i].Candidate
	}
	if n := min(f.Samples, 5); n > 0 {
		if err := s.fillSamples(ctx, page.Candidates, n); err != nil {
			return page, err
		}
	}
	return page, nil
}

// Candidate returns one recurring question with up to five sample tickets.
func (s *Service) Candidate(ctx context.Context, actor policy.Subject, id int64) (*Candidate, error) {
	if err := s.requireCandidates(actor); err != nil {
		return nil, err
	}
	cs, err := s.queryCandidates(ctx, `g.id = $1`, id)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, apperr.NotFoundf("Nie ma takiego powracającego pytania (grupy są co jakiś czas przeliczane).")
	}
	c := cs[0].Candidate
	out := []Candidate{c}
	if err := s.fillSamples(ctx, out, 5); err != nil {
		return nil, err
	}
	return &out[0], nil
}

// CandidateOfTicket returns the recurring question a ticket belongs to, nil when it is
// in none (policy.TicketRead).
func (s *Service) CandidateOfTicket(ctx context.Context, actor policy.Subject, ticketID int64) (*Candidate, error) {
	if err := s.policy.Require(actor, policy.TicketRead); err != nil {
		return nil, err
	}
	cs, err := s.queryCandidates(ctx, `g.id = (SELECT group_id FROM faq_candidate_members WHERE ticket_id = $1)`, ticketID)
	if err != nil || len(cs) == 0 {
		return nil, err
	}
	return &cs[0].Candidate, nil
}

func (s *Service) requireCandidates(actor policy.Subject) error {
	if err := s.policy.Require(actor, policy.ArticleEdit); err != nil {
		return err
	}
	return s.policy.Require(actor, policy.TicketRead)
}

// storedCandidate is a candidate with the coverage flag its stored order uses.
type storedCandidate struct {
	Candidate
	storedCovered bool
}

// queryCandidates reads groups with their covering and draft articles. The articles are
// read as they are now: a covering article unpublished since the last run no longer
// covers, and a draft published since covers already.
func (s *Service) queryCandidates(ctx context.Context, where string, args ...any) ([]storedCandidate, error) {
	rows, err := s.db.Pool.Query(ctx, `SELECT g.id, g.rank, g.question, g.sample_ticket_ids, g.ticket_count,
			g.first_asked_at, g.last_asked_at, g.terms, g.covered_article_id IS NOT NULL, coalesce(g.covered_by, ''),
			coalesce(g.coverage_score, 0),
			coalesce(ca.id, 0), coalesce(ca.slug, ''), coalesce(cr.title, ''), coalesce(ca.state, ''), ca.published_revision_id IS NOT NULL,
			coalesce(da.id, 0), coalesce(da.slug, ''), coalesce(dr.title, ''), coalesce(da.state, ''), da.published_revision_id IS NOT NULL
		FROM faq_candidate_groups g
		LEFT JOIN articles ca ON ca.id = g.covered_article_id
		LEFT JOIN article_revisions cr ON cr.id = coalesce(ca.published_revision_id, ca.current_revision_id)
		LEFT JOIN articles da ON da.id = g.draft_article_id
		LEFT JOIN article_revisions dr ON dr.id = coalesce(da.published_revision_id, da.current_revision_id)
		WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("faq candidates: list: %w", err)
	}
	defer rows.Close()
	var out []storedCandidate
	for rows.Next() {
		var c storedCandidate
		var how string
		var score float32
		var cov, draft ArticleRef
		var covLive, draftLive bool
		if err := rows.Scan(&c.ID, &c.Rank, &c.Question, &c.TicketIDs, &c.Count, &c.FirstAskedAt, &c.LastAskedAt, &c.Keywords,
			&c.storedCovered, &how, &score,
			&cov.ID, &cov.Slug, &cov.Title, &cov.State, &covLive,
			&draft.ID, &draft.Slug, &draft.Title, &draft.State, &draftLive); err != nil {
			return nil, fmt.Errorf("faq candidates: list: %w", err)
		}
		switch {
		case cov.ID != 0 && covLive:
			c.CoveredBy = &Coverage{ArticleRef: cov, How: how, Score: float64(score)}
		case draft.ID != 0 && draftLive:
			c.CoveredBy = &Coverage{ArticleRef: draft, How: CoveredBySource, Score: 1}
		}
		if draft.ID != 0 && !draftLive {
			c.Draft = &draft
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// fillSamples gives each candidate its n most recent tickets as asked.
func (s *Service) fillSamples(ctx context.Context, cs []Candidate, n int) error {
	var ids []int64
	for _, c := range cs {
		ids = append(ids, c.TicketIDs[:min(n, len(c.TicketIDs))]...)
	}
	if len(ids) == 0 {
		return nil
	}
	rows, err := s.db.Pool.Query(ctx, `SELECT id, subject, created_at FROM tickets WHERE id = ANY($1)`, ids)
	if err != nil {
		return fmt.Errorf("faq candidates: samples: %w", err)
	}
	byID := map[int64]SampleTicket{}
	for rows.Next() {
		var t SampleTicket
		if err := rows.Scan(&t.ID, &t.Subject, &t.AskedAt); err != nil {
			rows.Close()
			return err
		}
		byID[t.ID] = t
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for i := range cs {
		for _, id := range cs[i].TicketIDs[:min(n, len(cs[i].TicketIDs))] {
			if t, ok := byID[id]; ok {
				cs[i].Samples = append(cs[i].Samples, t)
			}
		}
	}
	return nil
}

// DraftFromCandidate creates a FAQ draft from a whole recurring question in one step: from
// its representative ticket and its most recent ones (GroupDraftTickets in all). See
// CreateDraft for what it does and needs.
func (s *Service) DraftFromCandidate(ctx context.Context, actor policy.Subject, id int64) (*DraftResult, error) {
	c, err := s.Candidate(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	var rep int64
	if err := s.db.Pool.QueryRow(ctx, `SELECT representative_id FROM faq_candidate_groups WHERE id = $1`, id).Scan(&rep); err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return nil, err
	}
	ids := []int64{}
	if rep != 0 {
		ids = append(ids, rep)
	}
	for _, t := range c.TicketIDs {
		if len(ids) >= GroupDraftTickets {
			break
		}
		if t != rep {
			ids = append(ids, t)
		}
	}
	a, err := s.CreateDraft(ctx, actor, ids)
	if err != nil {
		return nil, err
	}
	if _, err := s.db.Pool.Exec(ctx, `UPDATE faq_candidate_groups SET draft_article_id = $2, updated_at = now() WHERE id = $1`, id, a.ID); err != nil {
		return nil, err
	}
	return &DraftResult{Article: a, Tickets: len(ids), GroupSize: c.Count}, nil
}

// RunInfo describes the last full recomputation and whether another is on its way.
type RunInfo struct {
	// Last is nil before the first run.
	Last *RunStats
	// Pending is set while a recomputation waits or runs.
	Pending bool
}

// LastRun tells when the groups were last recomputed (policy.ArticleEdit).
func (s *Service) LastRun(ctx context.Context, actor policy.Subject) (RunInfo, error) {
	if err := s.policy.Require(actor, policy.ArticleEdit); err != nil {
		return RunInfo{}, err
	}
	var info RunInfo
	var st RunStats
	var finished time.Time
	var durMS, cpuMS int64
	err := s.db.Pool.QueryRow(ctx, `SELECT id, started_at, finished_at, tickets, grouped, groups, last_ticket_id, duration_ms, cpu_ms
		FROM faq_candidate_runs ORDER BY id DESC LIMIT 1`).
		Scan(&st.ID, &st.StartedAt, &finished, &st.Tickets, &st.Grouped, &st.Groups, &st.LastTicketID, &durMS, &cpuMS)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
	case err != nil:
		return info, fmt.Errorf("faq candidates: last run: %w", err)
	default:
		st.Duration, st.CPU = time.Duration(durMS)*time.Millisecond, time.Duration(cpuMS)*time.Millisecond
		info.Last = &st
	}
	info.Pending, err = s.recomputePending(ctx)
	return info, err
}

// candidateCursor is the position after the last group of a page.
type candidateCursor struct {
	covered bool
	rank    int
	id      int64
}

func (c candidateCursor) String() string {
	cov := "0"
	if c.covered {
		cov = "1"
	}
	return base64.RawURLEncoding.EncodeToString([]byte("g:" + cov + ":" + strconv.Itoa(c.rank) + ":" + strconv.FormatInt(c.id, 10)))
}

// parseCandidateCursor reads a cursor; "" is the start of the list.
func parseCandidateCursor(s string) (candidateCursor, error) {
	if s == "" {
		return candidateCursor{rank: -1}, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return candidateCursor{}, err
	}
	parts := strings.Split(string(b), ":")
	if len(parts) != 4 || parts[0] != "g" || (parts[1] != "0" && parts[1] != "1") {
		return candidateCursor{}, errors.New("bad cursor")
	}
	rank, err1 := strconv.Atoi(parts[2])
	id, err2 := strconv.ParseInt(parts[3], 10, 64)
	if err1 != nil || err2 != nil {
		return candidateCursor{}, errors.New("bad cursor")
	}
	return candidateCursor{covered: parts[1] == "1", rank: rank, id: id}, nil
}

// ArticlesFromTicket lists the articles written from a ticket, newest first
// (policy.TicketRead and policy.ArticleEdit), so the ticket page can show them.
func (s *Service) ArticlesFromTicket(ctx context.Context, actor policy.Subject, ticketID int64) ([]ArticleRef, error) {
	if err := s.requireCandidates(actor); err != nil {
		return nil, err
	}
	rows, err := s.db.Pool.Query(ctx, `SELECT a.id, coalesce(r.title, ''), a.slug, a.state
		FROM article_sources src
		JOIN articles a ON a.id = src.article_id
		LEFT JOIN article_revisions r ON r.id = a.current_revision_id
		WHERE src.ticket_id = $1
		ORDER BY a.id DESC LIMIT 20`, ticketID)
	if err != nil {
		return nil, fmt.Errorf("faq: articles of ticket %d: %w", ticketID, err)
	}
	defer rows.Close()
	var out []ArticleRef
	for rows.Next() {
		var a ArticleRef
		if err := rows.Scan(&a.ID, &a.Title, &a.Slug, &a.State); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
