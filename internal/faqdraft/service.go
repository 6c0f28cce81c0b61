package faqdraft

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/audit"
	"github.com/helpcenter/helpcenter/internal/db"
	"github.com/helpcenter/helpcenter/internal/jobs"
	"github.com/helpcenter/helpcenter/internal/mail"
	"github.com/helpcenter/helpcenter/internal/polish"
	"github.com/helpcenter/helpcenter/internal/ticket"
	"github.com/helpcenter/helpcenter/policy"
)

// Service is the storage side of this package: it turns stored tickets into FAQ drafts in
// the knowledge base, tells the requesters when such a FAQ is published, and keeps the
// recurring-questions groups that the console and the API list. The console, the API and
// the jobs call the same methods; each checks the caller's permissions itself.
type Service struct {
	db      *db.DB
	policy  *policy.Enforcer
	content *content.Service
	tickets *ticket.Service
	queue   *jobs.Queue
	opt     Options

	// held is the last full grouping made by this process, kept (for corpora up to
	// Options.KeepClusteringUpTo tickets) to place new tickets until the next run.
	heldMu sync.Mutex
	held   *heldClustering
}

// Mailer queues e-mail inside the transaction of the change it reports; *mail.Mailer is
// one.
type Mailer interface {
	Enqueue(ctx context.Context, tx bun.Tx, msg mail.Message) (int64, error)
}

// Options configure the service; zero values get the defaults noted.
type Options struct {
	// BaseURL is the help center's public address: links in e-mails start with it, and
	// links to its articles in staff replies become relative links in drafts.
	BaseURL *url.URL
	// Mailer sends the "your question is answered" e-mails; nil sends none.
	Mailer Mailer
	// Terms is the text pipeline for drafts and grouping (default polish.Terms).
	Terms TermFunc
	// RecomputeEvery is how often the recurring-questions groups are recomputed in full
	// (default 1 hour); PlaceEvery how often new tickets are placed into them between
	// full runs (default 5 minutes).
	RecomputeEvery, PlaceEvery time.Duration
	// SmallCorpus is the number of tickets up to which placing new tickets simply
	// recomputes everything, which then takes well under a second (default 50,000).
	SmallCorpus int
	// KeepClusteringUpTo is the number of tickets up to which the last full grouping is
	// kept in memory to place new tickets (default 200,000; about 150 MB). Above it new
	// tickets wait for the next full run.
	KeepClusteringUpTo int
	// CoverageThreshold is the share of a group's question words an article found by
	// search must carry in its title and tags to count as answering it (default 0.6).
	CoverageThreshold float64
	// Now is the clock (tests); default time.Now.
	Now func() time.Time
	Log *slog.Logger
}

// Limits of drafts.
const (
	// MaxDraftTickets is how many tickets one draft can be built from and linked to: more
	// would not make a better answer, and the editor lists every source ticket.
	MaxDraftTickets = 50
	// GroupDraftTickets is how many of a recurring question's tickets a draft made from the
	// whole group is built from: the representative question and the most recent ones.
	GroupDraftTickets = 20
)

// New builds the service. q carries the recomputation jobs (see RegisterJobs).
func New(d *db.DB, p *policy.Enforcer, c *content.Service, t *ticket.Service, q *jobs.Queue, opt Options) *Service {
	if opt.Terms == nil {
		opt.Terms = polish.Terms
	}
	opt.RecomputeEvery = cmp.Or(opt.RecomputeEvery, time.Hour)
	opt.PlaceEvery = cmp.Or(opt.PlaceEvery, 5*time.Minute)
	opt.SmallCorpus = cmp.Or(opt.SmallCorpus, 50_000)
	opt.KeepClusteringUpTo = cmp.Or(opt.KeepClusteringUpTo, 200_000)
	opt.CoverageThreshold = cmp.Or(opt.CoverageThreshold, 0.6)
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	return &Service{db: d, policy: p, content: c, tickets: t, queue: q, opt: opt}
}

// CreateDraft builds a FAQ draft from tickets that ask the same thing and saves it in the
// knowledge base as a draft FAQ linked to them (policy.ArticleEdit and policy.TicketRead):
// the question from the tickets, the answer from the staff replies (internal notes never),
// personal data removed, audiences suggested from the requesters' account types and a
// section from the most similar published articles. The article and its links to the
// tickets are written in one transaction; the audit log names the tickets.
//
// An empty list, more than MaxDraftTickets tickets or tickets that do not exist are
// invalid input naming the field ticket_ids.
func (s *Service) CreateDraft(ctx context.Context, actor policy.Subject, ticketIDs []int64) (*content.ManagedArticle, error) {
	if err := s.policy.Require(actor, policy.ArticleEdit); err != nil {
		return nil, err
	}
	if err := s.policy.Require(actor, policy.TicketRead); err != nil {
		return nil, err
	}
	ids, err := checkTicketIDs(ticketIDs)
	if err != nil {
		return nil, err
	}
	loaded, err := s.tickets.TicketsWithMessages(ctx, actor, ids)
	if err != nil {
		return nil, err
	}
	if missing := missingTickets(ids, loaded); len(missing) > 0 {
		return nil, apperr.InvalidFields(apperr.Field("ticket_ids", "Nie ma zgłoszeń: "+joinIDs(missing, ", ")+"."))
	}
	tickets := make([]Ticket, len(loaded))
	for i := range loaded {
		tickets[i] = draftTicket(&loaded[i])
	}
	hosts := s.articleHosts(ctx, actor, loaded)
	d, err := Builder{Terms: s.opt.Terms, ArticleHosts: hosts}.Build(tickets)
	if err != nil {
		return nil, err
	}
	if d.Title == "" {
		d.Title = "Pytanie ze zgłoszenia #" + strconv.FormatInt(ids[0], 10)
	}
	place, err := s.suggestSection(ctx, actor, d)
	if err != nil {
		return nil, err
	}
	a, err := s.content.CreateArticle(ctx, actor, content.ArticleInput{
		SectionID: place.SectionID, Title: truncateRunes(d.Title, 200), BodyMD: d.BodyMarkdown, Kind: content.KindFAQ,
		Audiences: place.Audiences, Tags: d.Tags, SourceTicketIDs: ids,
	})
	if err != nil {
		return nil, err
	}
	// The draft's own record (what was suggested and why) and the groups it now drafts
	// for. The article and its source links are already committed together; if this
	// second step fails the draft is taken back, so a failed call leaves nothing behind.
	err = s.db.Bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewRaw(`UPDATE faq_candidate_groups g SET draft_article_id = ?, updated_at = now()
			WHERE g.draft_article_id IS NULL AND g.id IN (SELECT group_id FROM faq_candidate_members WHERE ticket_id = ANY(?))`,
			a.ID, pgdialect.Array(ids)).Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, "faq_draft.create", "article:"+strconv.FormatInt(a.ID, 10), nil, map[string]any{
			"ticket_ids": ids, "answer_ticket_ids": d.AnswerTicketIDs, "suggested_audiences": d.SuggestedAudiences,
			"audiences": a.Audiences, "section_id": place.SectionID, "section_reason": place.Reason, "title": a.Title,
		})
	})
	if err != nil {
		if _, derr := s.db.Bun.NewRaw(`DELETE FROM articles WHERE id = ? AND published_revision_id IS NULL`, a.ID).Exec(context.WithoutCancel(ctx)); derr != nil {
			s.opt.Log.Error("faq draft: could not take back the draft after a failed audit entry", "article", a.ID, "err", derr)
		}
		return nil, fmt.Errorf("faq draft: record: %w", err)
	}
	return a, nil
}

// checkTicketIDs removes duplicates (keeping the order) and checks the count.
func checkTicketIDs(in []int64) ([]int64, error) {
	var ids []int64
	for _, id := range in {
		if id <= 0 {
			return nil, apperr.InvalidFields(apperr.Field("ticket_ids", "Numer zgłoszenia musi być liczbą dodatnią."))
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	switch {
	case len(ids) == 0:
		return nil, apperr.InvalidFields(apperr.Field("ticket_ids", "Wybierz co najmniej jedno zgłoszenie."))
	case len(ids) > MaxDraftTickets:
		return nil, apperr.InvalidFields(apperr.Field("ticket_ids", fmt.Sprintf("Szkic można utworzyć z najwyżej %d zgłoszeń.", MaxDraftTickets)))
	}
	return ids, nil
}

func missingTickets(ids []int64, loaded []ticket.Ticket) []int64 {
	var missing []int64
	for _, id := range ids {
		if !slices.ContainsFunc(loaded, func(t ticket.Ticket) bool { return t.ID == id }) {
			missing = append(missing, id)
		}
	}
	return missing
}

func joinIDs(ids []int64, sep string) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = "#" + strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, sep)
}

// draftTicket is what extraction needs from a stored ticket. Internal notes stay in the
// conversation marked as such: the builder learns the names they mention (to remove them
// elsewhere) but never takes text from them.
func draftTicket(t *ticket.Ticket) Ticket {
	out := Ticket{
		ID: t.ID, Subject: t.Subject, RequesterName: t.Requester.Name, RequesterEmail: t.Requester.Email,
		RequesterAccountType: t.Requester.AccountType, Status: string(t.Status), CreatedAt: t.CreatedAt,
	}
	for _, m := range t.Messages {
		author := AuthorRequester
		if m.FromStaff {
			author = AuthorStaff
		}
		if out.Body == "" && !m.FromStaff && !m.Internal {
			out.Body = m.Body
		}
		out.Messages = append(out.Messages, Message{Author: author, Body: m.Body, CreatedAt: m.CreatedAt, Internal: m.Internal})
	}
	return out
}

// articleLinkPattern finds links to help-center articles in staff replies.
var articleLinkPattern = regexp.MustCompile(`https?://([A-Za-z0-9.-]+(?::\d+)?)/articles/([a-z0-9]+(?:-[a-z0-9]+)*)`)

// articleHosts lists the hosts whose article links become relative links in a draft:
// this help center's own, and any other host the staff replies link to with the address
// of an article this help center has (its former address, or the address of the help
// center the tickets were imported from). Links to any other site stay as they are.
func (s *Service) articleHosts(ctx context.Context, actor policy.Subject, ts []ticket.Ticket) []string {
	var hosts []string
	if s.opt.BaseURL != nil && s.opt.BaseURL.Host != "" {
		hosts = append(hosts, s.opt.BaseURL.Host)
	}
	checked := map[string]bool{}
	for _, t := range ts {
		for _, m := range t.Messages {
			if !m.FromStaff || m.Internal {
				continue
			}
			for _, l := range articleLinkPattern.FindAllStringSubmatch(m.Body, -1) {
				host, slug := strings.ToLower(l[1]), l[2]
				if slices.Contains(hosts, host) || checked[host+"/"+slug] || len(checked) >= 20 {
					continue
				}
				checked[host+"/"+slug] = true
				if _, err := s.content.Article(ctx, actor, slug); err == nil {
					hosts = append(hosts, host)
				}
			}
		}
	}
	return hosts
}

// placement is where a draft goes: its section and audiences, and why.
type placement struct {
	SectionID int64
	// Audiences are the suggested audiences, nil to take the section's own when the
	// suggestion does not fit any section.
	Audiences []string
	Reason    string
}

// similarHits is how many search results vote for a draft's section.
const similarHits = 5

// suggestSection picks the section of the published articles most similar to the draft
// (the search index queried with the draft's title and tags as the staff member, the
// most common section among the top hits, the better ranked one on a tie), among the
// sections whose audiences can hold the suggested ones; without similar articles, the
// first such section.
func (s *Service) suggestSection(ctx context.Context, actor policy.Subject, d Draft) (placement, error) {
	cats, err := s.content.AllCategories(ctx, actor)
	if err != nil {
		return placement{}, err
	}
	var order []content.Section
	for _, c := range cats {
		order = append(order, c.Sections...)
	}
	if len(order) == 0 {
		return placement{}, apperr.New(apperr.Conflict, "Nie ma jeszcze żadnej sekcji: utwórz ją w „Kategorie i sekcje”, a potem szkic.")
	}
	// A section fits when it lets the suggested readers in: narrowing a question of
	// customers to a staff-only section would hide it from the people who asked.
	fits := func(sec content.Section) bool {
		return slices.ContainsFunc(content.EffectiveAudiences(d.SuggestedAudiences, sec.Audiences), func(a string) bool {
			return slices.Contains(d.SuggestedAudiences, a)
		})
	}
	query := truncateRunes(strings.TrimSpace(d.Title+" "+strings.Join(d.Tags, " ")), 250)
	if query != "" {
		res, err := s.content.Search(ctx, actor, content.SearchQuery{Text: query, Limit: similarHits})
		if err != nil && !apperr.Is(err, apperr.Invalid) {
			return placement{}, err
		}
		votes := map[int64]int{}
		best := map[int64]int{}
		for i, h := range res.Hits {
			votes[h.SectionID]++
			if _, ok := best[h.SectionID]; !ok {
				best[h.SectionID] = i
			}
		}
		var chosen *content.Section
		for i := range order {
			sec := &order[i]
			if votes[sec.ID] == 0 || !fits(*sec) {
				continue
			}
			if chosen == nil || votes[sec.ID] > votes[chosen.ID] || votes[sec.ID] == votes[chosen.ID] && best[sec.ID] < best[chosen.ID] {
				chosen = sec
			}
		}
		if chosen != nil {
			return placement{SectionID: chosen.ID, Audiences: d.SuggestedAudiences, Reason: "similar_articles"}, nil
		}
	}
	for _, sec := range order {
		if fits(sec) {
			return placement{SectionID: sec.ID, Audiences: d.SuggestedAudiences, Reason: "first_section"}, nil
		}
	}
	return placement{SectionID: order[0].ID, Reason: "first_section_own_audiences"}, nil
}

// truncateRunes cuts s to at most n characters, at a word boundary when there is one.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n]
	if i := strings.LastIndexByte(string(r), ' '); i > len(string(r))/2 {
		return strings.TrimSpace(string(r)[:i])
	}
	return string(r)
}

// DraftResult is a draft made from a recurring question.
type DraftResult struct {
	Article *content.ManagedArticle
	// Tickets is how many of the group's tickets the draft was built from and linked to;
	// GroupSize how many the group has.
	Tickets, GroupSize int
}
