package faqdraft

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/polish"
	"github.com/helpcenter/helpcenter/policy"
)

// The recurring-questions groups are recomputed in full by a job (RecomputeArgs) and kept
// in faq_candidate_groups and faq_candidate_members, so that reading them costs the same
// with a thousand tickets or a million. Between two full runs, new tickets are placed into
// the existing groups (PlaceNewArgs).

// RunStats describes one full recomputation.
type RunStats struct {
	ID int64
	// Tickets were read, Grouped ended up in one of Groups groups.
	Tickets, Grouped, Groups int
	// Covered groups are answered by a published article.
	Covered int
	// LastTicketID is the newest ticket the run saw; later ones are placed until the
	// next run.
	LastTicketID         int64
	StartedAt            time.Time
	Duration, CPU        time.Duration
	Load, Group, Explain time.Duration
	// Skipped is set when a newer run had already written its groups.
	Skipped bool
}

// Limits of the explanation step, which looks at groups one by one.
const (
	// titledGroups is how many of the best ranked groups get a question built from
	// several of their tickets (the others from their representative ticket alone) and
	// a coverage check by search.
	titledGroups = 1000
	// titleSample is how many tickets a group's question is built from, chosen among
	// titleCandidates of its most recent ones.
	titleSample     = 8
	titleCandidates = 60
	// sampleSize is how many of a group's most recent tickets are stored with it (the
	// API's ticket_ids) and looked at for links to articles.
	sampleSize = 100
	// linkSample is how many of those are read for links in staff replies.
	linkSample = 30
	// maxBodyChars bounds the part of a first message the finder reads.
	maxBodyChars = 4000
)

// jobReader is who the recomputation reads the knowledge base as: the built-in admin
// role, which reads every audience (coverage only counts articles customers can read).
var jobReader = policy.Subject{StaffRole: "admin", Name: "faqdraft"}

// Recompute groups every question ticket anew, finds which groups a published article
// already answers, and replaces the stored groups in one transaction: readers see the
// old groups until the new ones are complete. It is the work of the RecomputeArgs job.
func (s *Service) Recompute(ctx context.Context) (RunStats, error) {
	st := RunStats{StartedAt: s.opt.Now()}
	start, cpu0 := time.Now(), processCPU()
	if err := s.db.Pool.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM tickets`).Scan(&st.LastTicketID); err != nil {
		return st, fmt.Errorf("faq candidates: newest ticket: %w", err)
	}
	qs, err := s.loadQuestions(ctx, 0, st.LastTicketID, 0)
	if err != nil {
		return st, err
	}
	st.Tickets, st.Load = len(qs), time.Since(start)

	t := time.Now()
	f := &Finder{Terms: s.opt.Terms, Now: s.opt.Now()}
	cl := f.Cluster(qs)
	st.Group = time.Since(t)

	t = time.Now()
	rows, err := s.explainGroups(ctx, qs, cl)
	if err != nil {
		return st, err
	}
	st.Explain = time.Since(t)
	st.Groups = len(rows)
	for _, r := range rows {
		st.Grouped += r.group.Count
		if r.coveredID != 0 {
			st.Covered++
		}
	}
	st.Duration, st.CPU = time.Since(start), processCPU()-cpu0

	ids, err := s.writeGroups(ctx, &st, rows)
	if err != nil || st.Skipped {
		return st, err
	}
	if len(qs) <= s.opt.KeepClusteringUpTo {
		s.hold(&heldClustering{runID: st.ID, cl: cl, groupIDs: ids, placedUpTo: st.LastTicketID})
	} else {
		s.hold(nil)
	}
	s.opt.Log.Info("faq candidates recomputed", "tickets", st.Tickets, "groups", st.Groups, "grouped", st.Grouped,
		"covered", st.Covered, "duration", st.Duration.Round(time.Millisecond), "cpu", st.CPU.Round(time.Millisecond))
	return st, nil
}

// loadQuestions reads the question tickets with afterID < id <= upToID (at most limit
// when limit > 0), oldest first: subject, the start of the requester's first message and
// when it was asked. Account-type changes are not questions and are left out.
func (s *Service) loadQuestions(ctx context.Context, afterID, upToID int64, limit int) ([]Question, error) {
	sql := `SELECT t.id, t.subject, t.created_at, coalesce(m.body, '')
		FROM tickets t
		LEFT JOIN LATERAL (SELECT left(m.body, $3) AS body FROM ticket_messages m
			WHERE m.ticket_id = t.id AND NOT m.from_staff AND NOT m.internal
			ORDER BY m.created_at, m.id LIMIT 1) m ON true
		WHERE t.kind = 'question' AND t.id > $1 AND t.id <= $2
		ORDER BY t.id`
	args := []any{afterID, upToID, maxBodyChars}
	if limit > 0 {
		sql += ` LIMIT $4`
		args = append(args, limit)
	}
	rows, err := s.db.Pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("faq candidates: load tickets: %w", err)
	}
	var qs []Question
	for rows.Next() {
		var q Question
		if err := rows.Scan(&q.TicketID, &q.Subject, &q.AskedAt, &q.Body); err != nil {
			rows.Close()
			return nil, fmt.Errorf("faq candidates: load tickets: %w", err)
		}
		qs = append(qs, q)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("faq candidates: load tickets: %w", err)
	}
	return qs, nil
}

// groupRow is a group ready to be stored.
type groupRow struct {
	group    Group
	question string
	sample   []int64
	// coveredID is the published article that answers the group (0 for a gap), with how
	// it was found and how surely.
	coveredID int64
	coveredBy string
	coverage  float64
	draftID   int64
	// keywords are the question's tags, the group's terms when it has none.
	keywords     []string
	titleTickets []int64
}

// explainGroups gives every group its question and finds the published article that
// answers it, if any: one written from its tickets, one linked from staff replies in its
// tickets, or one the search index finds for its question.
func (s *Service) explainGroups(ctx context.Context, qs []Question, cl *Clustering) ([]groupRow, error) {
	groups := cl.Groups()
	w := wordWeights{an: polish.Default(), cl: cl}
	byID := make(map[int64]int, len(qs))
	for i, q := range qs {
		byID[q.TicketID] = i
	}
	rows := make([]groupRow, len(groups))
	for i, g := range groups {
		r := groupRow{group: g, sample: g.TicketIDs[:min(sampleSize, len(g.TicketIDs))], keywords: g.Terms}
		if i < titledGroups {
			r.titleTickets = s.typicalTickets(g, qs, byID)
		} else {
			r.titleTickets = []int64{g.RepresentativeID}
		}
		rows[i] = r
	}
	if err := s.buildQuestions(ctx, qs, byID, rows); err != nil {
		return nil, err
	}
	if err := s.coverBySources(ctx, rows); err != nil {
		return nil, err
	}
	if err := s.coverByLinks(ctx, rows, w); err != nil {
		return nil, err
	}
	if err := s.coverBySearch(ctx, rows, w); err != nil {
		return nil, err
	}
	return rows, nil
}

// typicalTickets picks the tickets a group's question is built from: the representative
// and, among the most recent ones, those that carry most of the group's strongest terms.
// A group can hold a few tickets that joined it by a side remark; they do not get to
// name it.
func (s *Service) typicalTickets(g Group, qs []Question, byID map[int64]int) []int64 {
	type scored struct {
		id    int64
		score int
	}
	var cands []scored
	for k, id := range g.TicketIDs {
		if k >= titleCandidates {
			break
		}
		q := qs[byID[id]]
		have := map[string]bool{}
		for _, t := range s.opt.Terms(q.Subject + "\n" + q.Body) {
			have[t] = true
		}
		score := 0
		for rank, t := range g.Terms {
			if have[t] {
				score += len(g.Terms) - rank
			}
		}
		cands = append(cands, scored{id, score})
	}
	slices.SortStableFunc(cands, func(a, b scored) int { return b.score - a.score })
	out := []int64{g.RepresentativeID}
	for _, c := range cands {
		if len(out) >= titleSample {
			break
		}
		if c.id != g.RepresentativeID {
			out = append(out, c.id)
		}
	}
	return out
}

// buildQuestions writes each group's question as a FAQ title would have it: built from a
// few of its tickets with the draft builder, so it is cleaned the same way (greetings,
// personal data and noise removed).
func (s *Service) buildQuestions(ctx context.Context, qs []Question, byID map[int64]int, rows []groupRow) error {
	var ids []int64
	for _, r := range rows {
		if len(r.titleTickets) > 1 {
			ids = append(ids, r.titleTickets...)
		}
	}
	people := map[int64]requesterInfo{}
	if len(ids) > 0 {
		res, err := s.db.Pool.Query(ctx, `SELECT t.id, coalesce(u.name, ''), u.email, coalesce(u.account_type, '')
			FROM tickets t JOIN users u ON u.id = t.requester_id WHERE t.id = ANY($1)`, ids)
		if err != nil {
			return fmt.Errorf("faq candidates: requesters: %w", err)
		}
		for res.Next() {
			var id int64
			var p requesterInfo
			if err := res.Scan(&id, &p.name, &p.email, &p.accountType); err != nil {
				res.Close()
				return err
			}
			people[id] = p
		}
		if err := res.Err(); err != nil {
			return err
		}
	}
	b := Builder{Terms: s.opt.Terms}
	for i := range rows {
		var ts []Ticket
		for _, id := range rows[i].titleTickets {
			k, ok := byID[id]
			if !ok {
				continue
			}
			q := qs[k]
			p := people[id]
			ts = append(ts, Ticket{ID: id, Subject: q.Subject, Body: q.Body, CreatedAt: q.AskedAt,
				RequesterName: p.name, RequesterEmail: p.email, RequesterAccountType: p.accountType})
		}
		d, err := b.Build(ts)
		if err != nil || d.Title == "" {
			rows[i].question = truncateRunes(cleanSubject(qs[byID[rows[i].group.RepresentativeID]].Subject), 200)
			continue
		}
		rows[i].question = truncateRunes(d.Title, 300)
		if len(d.Tags) > 0 {
			rows[i].keywords = d.Tags
		}
	}
	return nil
}

type requesterInfo struct{ name, email, accountType string }

// coverBySources marks the groups whose tickets a FAQ was written from: published, the
// group is covered; not yet, the group already has a draft.
func (s *Service) coverBySources(ctx context.Context, rows []groupRow) error {
	res, err := s.db.Pool.Query(ctx, `SELECT s.ticket_id, s.article_id, a.published_revision_id IS NOT NULL
		FROM article_sources s JOIN articles a ON a.id = s.article_id WHERE a.state <> 'archived'`)
	if err != nil {
		return fmt.Errorf("faq candidates: article sources: %w", err)
	}
	type link struct {
		article int64
		live    bool
	}
	byTicket := map[int64][]link{}
	for res.Next() {
		var t int64
		var l link
		if err := res.Scan(&t, &l.article, &l.live); err != nil {
			res.Close()
			return err
		}
		byTicket[t] = append(byTicket[t], l)
	}
	if err := res.Err(); err != nil {
		return err
	}
	if len(byTicket) == 0 {
		return nil
	}
	for i := range rows {
		live, drafts := map[int64]int{}, map[int64]int{}
		for _, t := range rows[i].group.TicketIDs {
			for _, l := range byTicket[t] {
				if l.live {
					live[l.article]++
				} else {
					drafts[l.article]++
				}
			}
		}
		if id, n := mostCommon(live); id != 0 {
			rows[i].coveredID, rows[i].coveredBy = id, "source"
			rows[i].coverage = float64(n) / float64(rows[i].group.Count)
		}
		rows[i].draftID, _ = mostCommon(drafts)
	}
	return nil
}

// mostCommon returns the key counted most often (the smallest on a tie) and its count.
func mostCommon(counts map[int64]int) (int64, int) {
	var best int64
	for id, n := range counts {
		if best == 0 || n > counts[best] || n == counts[best] && id < best {
			best = id
		}
	}
	return best, counts[best]
}

// Links to articles in staff replies cover a group when support keeps answering its
// question with the same published article: in at least minLinkTickets of its recent
// tickets, and either in most of them (majorityLinkShare) or in a fair share
// (minLinkShare) with the article's title and tags carrying some of the question's words
// (minLinkWords), which keeps a link given for another question in a mixed group from
// covering it.
const (
	minLinkTickets    = 2
	majorityLinkShare = 0.5
	minLinkShare      = 0.2
	minLinkWords      = 0.25
)

// coverByLinks looks at the staff replies of each uncovered group's most recent tickets
// for links to published articles that customers can read.
func (s *Service) coverByLinks(ctx context.Context, rows []groupRow, w wordWeights) error {
	owner := map[int64]int{}
	var ids []int64
	for i, r := range rows {
		if r.coveredID != 0 {
			continue
		}
		for _, t := range r.sample[:min(linkSample, len(r.sample))] {
			owner[t] = i
			ids = append(ids, t)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	res, err := s.db.Pool.Query(ctx, `SELECT DISTINCT m.ticket_id, l[1]
		FROM ticket_messages m, regexp_matches(m.body, '/articles/([a-z0-9]+(-[a-z0-9]+)*)', 'g') AS l
		WHERE m.ticket_id = ANY($1) AND m.from_staff AND NOT m.internal`, ids)
	if err != nil {
		return fmt.Errorf("faq candidates: links in replies: %w", err)
	}
	slugTickets := map[int]map[string]int{}
	for res.Next() {
		var t int64
		var slug string
		if err := res.Scan(&t, &slug); err != nil {
			res.Close()
			return err
		}
		i := owner[t]
		if slugTickets[i] == nil {
			slugTickets[i] = map[string]int{}
		}
		slugTickets[i][slug]++
	}
	if err := res.Err(); err != nil {
		return err
	}
	resolved := map[string]*content.Article{}
	customer := s.customerAudiences(ctx)
	for i, slugs := range slugTickets {
		looked := float64(min(linkSample, len(rows[i].sample)))
		var best *content.Article
		bestN := 0
		for slug, n := range slugs {
			a, ok := resolved[slug]
			if !ok {
				a, _ = s.content.Article(ctx, jobReader, slug)
				resolved[slug] = a
			}
			if a == nil || !overlaps(a.Audiences, customer) || n < minLinkTickets {
				continue
			}
			share := float64(n) / looked
			if share < majorityLinkShare && (share < minLinkShare || w.coverage(rows[i].question, articleWords(a.ArticleSummary)) < minLinkWords) {
				continue
			}
			if n > bestN || n == bestN && a.ID < best.ID {
				best, bestN = a, n
			}
		}
		if best != nil {
			rows[i].coveredID, rows[i].coveredBy = best.ID, CoveredByLink
			rows[i].coverage = float64(bestN) / looked
		}
	}
	return nil
}

// articleWords is the text of an article a question is compared with: its title and
// tags, which say what it answers.
func articleWords(a content.ArticleSummary) string {
	return a.Title + "\n" + strings.Join(a.Tags, "\n")
}

// coverageHits is how many search results are compared with a group's question.
const coverageHits = 3

// coverBySearch searches the knowledge base for each uncovered group's question (among
// the best ranked groups) and takes the first article customers can read whose title and
// tags carry at least CoverageThreshold of the question's words, weighted by how rare
// each word is among the tickets.
func (s *Service) coverBySearch(ctx context.Context, rows []groupRow, w wordWeights) error {
	customer := s.customerAudiences(ctx)
	for i := range rows {
		r := &rows[i]
		if r.coveredID != 0 || i >= titledGroups || r.question == "" {
			continue
		}
		res, err := s.content.Search(ctx, jobReader, content.SearchQuery{Text: truncateRunes(r.question, 250), Limit: coverageHits})
		if err != nil {
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				return err
			}
			continue // a question the search cannot take is simply not covered by search
		}
		for _, h := range res.Hits {
			if !overlaps(h.Audiences, customer) {
				continue
			}
			if score := w.coverage(r.question, articleWords(h.ArticleSummary)); score >= s.opt.CoverageThreshold {
				r.coveredID, r.coveredBy, r.coverage = h.ID, CoveredBySearch, score
				break
			}
		}
	}
	return nil
}

// wordWeights weighs the words of a question by how rare they are among the tickets (the
// grouping's inverse document frequency), so that an article answers a question when it
// carries its rare words ("zaliczkowa"), not only the common ones ("faktura").
type wordWeights struct {
	an *polish.Analyzer
	cl *Clustering
}

// weight is the word's weight: 0 for stop words and generic support words, the idf of
// its most common term otherwise, the highest idf for words the tickets do not use.
func (w wordWeights) weight(terms []string) float64 {
	if len(terms) == 0 {
		return 0
	}
	if w.cl == nil {
		return 1
	}
	best := int32(-1)
	for _, t := range terms {
		if w.cl.stop[t] {
			return 0
		}
		if id, ok := w.cl.vocab[t]; ok && (best < 0 || w.cl.termDF[id] > w.cl.termDF[best]) {
			best = id
		}
	}
	if best < 0 || w.cl.idf[best] == 0 {
		return w.cl.uniqueIDF
	}
	return float64(w.cl.idf[best])
}

// coverage is the weighted share of a question's words that a text carries, in any
// inflection or spelling.
func (w wordWeights) coverage(question, text string) float64 {
	have := map[string]bool{}
	for _, t := range w.an.Terms(text) {
		have[t] = true
	}
	seen := map[string]bool{}
	total, found := 0.0, 0.0
	for _, tok := range polish.Tokenize(question) {
		if seen[tok.Word] {
			continue
		}
		seen[tok.Word] = true
		ts := w.an.WordTerms(tok.Word)
		weight := w.weight(ts)
		total += weight
		if slices.ContainsFunc(ts, func(t string) bool { return have[t] }) {
			found += weight
		}
	}
	if total == 0 {
		return 0
	}
	return found / total
}

// customerAudiences are the audiences customers read: what visitors, signed-in users and
// every account type may read. Articles only staff reads do not answer customers.
func (s *Service) customerAudiences(ctx context.Context) []string {
	subjects := []policy.Subject{{}, {UserID: math.MaxInt64}}
	if types, err := s.policy.AccountTypes(ctx); err == nil {
		for _, t := range types {
			subjects = append(subjects, policy.Subject{UserID: math.MaxInt64, AccountType: t.Key})
		}
	}
	var out []string
	for _, subj := range subjects {
		for _, a := range s.policy.Audiences(subj) {
			if !slices.Contains(out, a) {
				out = append(out, a)
			}
		}
	}
	return out
}

func overlaps(a, b []string) bool {
	return slices.ContainsFunc(a, func(x string) bool { return slices.Contains(b, x) })
}

// runLock serializes the writers of the groups across instances.
const runLock = 0x66617164 // "faqd"

// writeGroups replaces the stored groups with rows in one transaction and returns their
// ids in the order of rows. A group that carries on a stored one (most of the stored
// group's sample tickets are in it) keeps its id, so a page or an API client holding the
// id still finds its question after a recomputation, and keeps a draft written from it
// while the run was computing. A run that finds a newer run's
// groups already stored writes nothing (st.Skipped).
func (s *Service) writeGroups(ctx context.Context, st *RunStats, rows []groupRow) ([]int64, error) {
	tx, err := s.db.Pool.BeginTx(ctx, pgx.TxOptions{})
	if err != nil {
		return nil, err
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, runLock); err != nil {
		return nil, err
	}
	var newer bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM faq_candidate_runs WHERE started_at > $1)`, st.StartedAt).Scan(&newer); err != nil {
		return nil, err
	}
	if newer {
		st.Skipped = true
		return nil, nil
	}
	ids, err := carryOverIDs(ctx, tx, rows)
	if err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM faq_candidate_members`); err != nil {
		return nil, fmt.Errorf("faq candidates: clear members: %w", err)
	}
	var kept []int64
	for _, id := range ids {
		if id != 0 {
			kept = append(kept, id)
		}
	}
	if _, err := tx.Exec(ctx, `DELETE FROM faq_candidate_groups WHERE id <> ALL($1::bigint[])`, kept); err != nil {
		return nil, fmt.Errorf("faq candidates: clear groups: %w", err)
	}
	batch := &pgx.Batch{}
	for i, r := range rows {
		g := r.group
		args := []any{i + 1, r.question, g.RepresentativeID, r.sample, g.Count, g.FirstAskedAt, g.LastAskedAt, g.Score, nonNil(r.keywords),
			r.coveredID, r.coveredBy, float32(r.coverage), r.draftID}
		if ids[i] != 0 {
			batch.Queue(`UPDATE faq_candidate_groups SET rank = $1, question = $2, representative_id = $3, sample_ticket_ids = $4,
					ticket_count = $5, first_asked_at = $6, last_asked_at = $7, score = $8, terms = $9,
					covered_article_id = NULLIF($10, 0::bigint), covered_by = NULLIF($11, ''), coverage_score = NULLIF($12, 0::real),
					draft_article_id = coalesce(NULLIF($13, 0::bigint),
						(SELECT a.id FROM articles a WHERE a.id = draft_article_id AND a.created_at >= $15)),
					updated_at = now()
				WHERE id = $14`, append(args, ids[i], st.StartedAt)...)
			continue
		}
		batch.Queue(`INSERT INTO faq_candidate_groups (rank, question, representative_id, sample_ticket_ids, ticket_count,
				first_asked_at, last_asked_at, score, terms, covered_article_id, covered_by, coverage_score, draft_article_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULLIF($10, 0::bigint), NULLIF($11, ''), NULLIF($12, 0::real), NULLIF($13, 0::bigint))
			RETURNING id`, args...).QueryRow(func(row pgx.Row) error { return row.Scan(&ids[i]) })
	}
	if err := tx.SendBatch(ctx, batch).Close(); err != nil {
		return nil, fmt.Errorf("faq candidates: write groups: %w", err)
	}
	var members [][]any
	for i, r := range rows {
		for _, t := range r.group.TicketIDs {
			members = append(members, []any{t, ids[i]})
		}
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"faq_candidate_members"}, []string{"ticket_id", "group_id"}, pgx.CopyFromRows(members)); err != nil {
		return nil, fmt.Errorf("faq candidates: insert members: %w", err)
	}
	if err := tx.QueryRow(ctx, `INSERT INTO faq_candidate_runs (started_at, finished_at, tickets, grouped, groups, last_ticket_id, duration_ms, cpu_ms)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		st.StartedAt, s.opt.Now(), st.Tickets, st.Grouped, st.Groups, st.LastTicketID, st.Duration.Milliseconds(), st.CPU.Milliseconds()).Scan(&st.ID); err != nil {
		return nil, fmt.Errorf("faq candidates: record run: %w", err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM faq_candidate_runs WHERE id <= $1 - 50`, st.ID); err != nil {
		return nil, err
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("faq candidates: commit: %w", err)
	}
	return ids, nil
}

// carryOverIDs gives each new group the id of the stored group it carries on: the one
// whose sample tickets are mostly in it, best matches first, each id to one group at
// most. Groups without a predecessor get 0 (a new id).
func carryOverIDs(ctx context.Context, tx pgx.Tx, rows []groupRow) ([]int64, error) {
	rowOf := map[int64]int{}
	for i, r := range rows {
		for _, t := range r.group.TicketIDs {
			rowOf[t] = i
		}
	}
	res, err := tx.Query(ctx, `SELECT id, sample_ticket_ids FROM faq_candidate_groups`)
	if err != nil {
		return nil, fmt.Errorf("faq candidates: stored groups: %w", err)
	}
	type match struct {
		old   int64
		row   int
		votes int
	}
	var matches []match
	for res.Next() {
		var id int64
		var sample []int64
		if err := res.Scan(&id, &sample); err != nil {
			res.Close()
			return nil, err
		}
		votes := map[int]int{}
		for _, t := range sample {
			if i, ok := rowOf[t]; ok {
				votes[i]++
			}
		}
		for i, n := range votes {
			if 2*n >= len(sample) {
				matches = append(matches, match{id, i, n})
			}
		}
	}
	if err := res.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(matches, func(a, b match) int {
		if a.votes != b.votes {
			return b.votes - a.votes
		}
		return cmp.Compare(a.old, b.old)
	})
	ids := make([]int64, len(rows))
	used := map[int64]bool{}
	for _, m := range matches {
		if ids[m.row] == 0 && !used[m.old] {
			ids[m.row], used[m.old] = m.old, true
		}
	}
	return ids, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// processCPU is the CPU time this process has used (user and system), which says more
// about the cost of a run on a busy machine than the wall clock does.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
