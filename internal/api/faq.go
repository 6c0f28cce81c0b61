package api

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/faqdraft"
	"github.com/helpcenter/helpcenter/internal/synonyms"
	"github.com/helpcenter/helpcenter/internal/web"
)

// The management API of FAQ drafts and recurring questions: creating a FAQ draft from
// tickets (or from a whole recurring question), the recurring questions themselves,
// telling the requesters of a published FAQ, and the staff-edited search synonyms. Each
// handler decodes, calls one faqdraft or synonyms service method (which checks the
// caller's permissions) and encodes; the console calls the same methods. To callers
// without a staff role these routes do not exist (404).

type faqAPI struct {
	faq      *faqdraft.Service
	synonyms *synonyms.Service
}

func mountFAQ(r fiber.Router, faq *faqdraft.Service, syn *synonyms.Service) {
	h := faqAPI{faq: faq, synonyms: syn}
	if faq != nil {
		r.Post("/admin/faq-drafts", staffOnlyAPI, h.createDraft)
		r.Get("/admin/faq-candidates", staffOnlyAPI, h.candidates)
		r.Post("/admin/faq-candidates/recompute", staffOnlyAPI, h.recompute)
		r.Get("/admin/faq-candidates/:id<int>", staffOnlyAPI, h.candidate)
		r.Post("/admin/faq-candidates/:id<int>/draft", staffOnlyAPI, h.draftFromCandidate)
		r.Get("/admin/articles/:id<int>/requesters", staffOnlyAPI, h.requesters)
		r.Post("/admin/articles/:id<int>/notify-requesters", staffOnlyAPI, h.notifyRequesters)
	}
	if syn != nil {
		r.Get("/admin/search-synonyms", staffOnlyAPI, h.getSynonyms)
		r.Put("/admin/search-synonyms", staffOnlyAPI, h.putSynonyms)
	}
}

// draftArticleJSON is a FAQ draft as GET /admin/articles/{id} returns it (with its
// source_ticket_ids), plus how many of a recurring question's tickets it was made from.
type draftArticleJSON struct {
	managedArticleJSON
	GroupTickets *int `json:"group_ticket_count,omitempty"`
}

// POST /admin/faq-drafts {"ticket_ids": [...]}: a FAQ draft built from the tickets.
func (h faqAPI) createDraft(c *fiber.Ctx) error {
	var in struct {
		TicketIDs []int64 `json:"ticket_ids"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, err := h.faq.CreateDraft(c.UserContext(), web.Subject(c), in.TicketIDs)
	if err != nil {
		return err
	}
	c.Location("/api/v1/admin/articles/" + strconv.FormatInt(a.ID, 10))
	return c.Status(fiber.StatusCreated).JSON(toManagedArticle(a, true))
}

// candidateJSON is one recurring question.
type candidateJSON struct {
	ID           int64           `json:"id"`
	Rank         int             `json:"rank"`
	Question     string          `json:"question"`
	TicketIDs    []int64         `json:"ticket_ids"`
	Count        int             `json:"count"`
	FirstAskedAt time.Time       `json:"first_asked_at"`
	LastAskedAt  time.Time       `json:"last_asked_at"`
	Keywords     []string        `json:"keywords"`
	CoveredBy    *coverageJSON   `json:"covered_by"`
	Draft        *articleRefJSON `json:"draft"`
	Samples      []sampleJSON    `json:"samples,omitempty"`
}

type articleRefJSON struct {
	ArticleID int64  `json:"article_id"`
	Title     string `json:"title"`
	Slug      string `json:"slug"`
	State     string `json:"state"`
}

type coverageJSON struct {
	articleRefJSON
	How   string  `json:"how"`
	Score float64 `json:"score"`
}

type sampleJSON struct {
	TicketID int64     `json:"ticket_id"`
	Subject  string    `json:"subject"`
	AskedAt  time.Time `json:"asked_at"`
}

func toArticleRef(a faqdraft.ArticleRef) articleRefJSON {
	return articleRefJSON{ArticleID: a.ID, Title: a.Title, Slug: a.Slug, State: a.State}
}

func toCandidate(cd *faqdraft.Candidate) candidateJSON {
	out := candidateJSON{ID: cd.ID, Rank: cd.Rank, Question: cd.Question, TicketIDs: emptyIfNil(cd.TicketIDs), Count: cd.Count,
		FirstAskedAt: cd.FirstAskedAt.UTC(), LastAskedAt: cd.LastAskedAt.UTC(), Keywords: emptyIfNil(cd.Keywords)}
	if cd.CoveredBy != nil {
		out.CoveredBy = &coverageJSON{articleRefJSON: toArticleRef(cd.CoveredBy.ArticleRef), How: cd.CoveredBy.How, Score: cd.CoveredBy.Score}
	}
	if cd.Draft != nil {
		d := toArticleRef(*cd.Draft)
		out.Draft = &d
	}
	for _, s := range cd.Samples {
		out.Samples = append(out.Samples, sampleJSON{TicketID: s.ID, Subject: s.Subject, AskedAt: s.AskedAt.UTC()})
	}
	return out
}

// candidateList is a page of recurring questions with the counts of all groups.
type candidateList struct {
	Data       []candidateJSON `json:"data"`
	NextCursor *string         `json:"next_cursor"`
	Groups     int             `json:"groups"`
	Gaps       int             `json:"gaps"`
}

// GET /admin/faq-candidates?show=gaps|covered&limit=&cursor=: recurring questions, the
// ones no published article answers first.
func (h faqAPI) candidates(c *fiber.Ctx) error {
	limit, err := parseLimit(c)
	if err != nil {
		return err
	}
	page, err := h.faq.Candidates(c.UserContext(), web.Subject(c), faqdraft.CandidateFilter{Show: c.Query("show"), Cursor: c.Query("cursor"), Limit: limit})
	if err != nil {
		return err
	}
	out := candidateList{Data: make([]candidateJSON, len(page.Candidates)), NextCursor: nullIfEmpty(page.NextCursor), Groups: page.Groups, Gaps: page.Gaps}
	for i := range page.Candidates {
		out.Data[i] = toCandidate(&page.Candidates[i])
	}
	return c.JSON(out)
}

// GET /admin/faq-candidates/{id}: one recurring question with sample tickets.
func (h faqAPI) candidate(c *fiber.Ctx) error {
	cd, err := h.faq.Candidate(c.UserContext(), web.Subject(c), paramInt(c, "id"))
	if err != nil {
		return err
	}
	return c.JSON(toCandidate(cd))
}

// POST /admin/faq-candidates/{id}/draft: a FAQ draft from the whole recurring question.
func (h faqAPI) draftFromCandidate(c *fiber.Ctx) error {
	res, err := h.faq.DraftFromCandidate(c.UserContext(), web.Subject(c), paramInt(c, "id"))
	if err != nil {
		return err
	}
	c.Location("/api/v1/admin/articles/" + strconv.FormatInt(res.Article.ID, 10))
	return c.Status(fiber.StatusCreated).JSON(draftArticleJSON{managedArticleJSON: toManagedArticle(res.Article, true), GroupTickets: &res.GroupSize})
}

// POST /admin/faq-candidates/recompute: recompute the groups now (in the background).
func (h faqAPI) recompute(c *fiber.Ctx) error {
	queued, err := h.faq.RequestRecompute(c.UserContext(), web.Subject(c))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"queued": queued})
}

// recipientJSON is a requester of a FAQ's source tickets.
type recipientJSON struct {
	UserID     int64      `json:"user_id"`
	Name       string     `json:"name"`
	Email      string     `json:"email"`
	TicketIDs  []int64    `json:"ticket_ids"`
	Status     string     `json:"status"`
	NotifiedAt *time.Time `json:"notified_at"`
}

type requestersJSON struct {
	ArticleID  int64           `json:"article_id"`
	Live       bool            `json:"live"`
	Link       string          `json:"link"`
	Sent       *int            `json:"sent,omitempty"`
	Recipients []recipientJSON `json:"recipients"`
}

func toRequesters(p *faqdraft.NotifyPlan, sent *int) requestersJSON {
	out := requestersJSON{ArticleID: p.Article.ID, Live: p.Live, Link: p.Link, Sent: sent, Recipients: []recipientJSON{}}
	for _, r := range p.Recipients {
		rj := recipientJSON{UserID: r.UserID, Name: r.Name, Email: r.Email, TicketIDs: emptyIfNil(r.TicketIDs), Status: r.Status}
		if r.NotifiedAt != nil {
			t := r.NotifiedAt.UTC()
			rj.NotifiedAt = &t
		}
		out.Recipients = append(out.Recipients, rj)
	}
	return out
}

// GET /admin/articles/{id}/requesters: who asked the questions a FAQ was written from,
// and who of them would be told about it.
func (h faqAPI) requesters(c *fiber.Ctx) error {
	p, err := h.faq.RequesterNotice(c.UserContext(), web.Subject(c), paramInt(c, "id"))
	if err != nil {
		return err
	}
	return c.JSON(toRequesters(p, nil))
}

// POST /admin/articles/{id}/notify-requesters: e-mail the public link to the requesters
// who may read the published FAQ and were not told yet.
func (h faqAPI) notifyRequesters(c *fiber.Ctx) error {
	res, err := h.faq.NotifyRequesters(c.UserContext(), web.Subject(c), paramInt(c, "id"))
	if err != nil {
		return err
	}
	return c.JSON(toRequesters(res.Plan, &res.Sent))
}

type synonymsJSON struct {
	Groups    [][]string `json:"groups"`
	BuiltIn   [][]string `json:"built_in"`
	UpdatedAt *time.Time `json:"updated_at"`
}

func toSynonyms(l *synonyms.List) synonymsJSON {
	out := synonymsJSON{Groups: emptyIfNil(l.Groups), BuiltIn: emptyIfNil(l.BuiltIn)}
	if !l.UpdatedAt.IsZero() {
		t := l.UpdatedAt.UTC()
		out.UpdatedAt = &t
	}
	return out
}

// GET /admin/search-synonyms: the staff-edited synonym groups and the built-in ones.
func (h faqAPI) getSynonyms(c *fiber.Ctx) error {
	l, err := h.synonyms.List(c.UserContext(), web.Subject(c))
	if err != nil {
		return err
	}
	return c.JSON(toSynonyms(l))
}

// PUT /admin/search-synonyms {"groups": [["korekta", "faktura korygująca"], ...]}: replace
// the staff-edited groups; search uses them at once.
func (h faqAPI) putSynonyms(c *fiber.Ctx) error {
	var in struct {
		Groups *[][]string `json:"groups"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.Groups == nil {
		return apperr.InvalidFields(apperr.Field("groups", "Podaj listę grup synonimów (może być pusta)."))
	}
	for _, g := range *in.Groups {
		for _, p := range g {
			if strings.ContainsAny(p, ",\n\r") {
				return apperr.InvalidFields(apperr.Field("groups", "Wyrażenie nie może zawierać przecinka ani nowego wiersza: „"+p+"”."))
			}
		}
		if len(g) < 2 {
			return apperr.InvalidFields(apperr.Field("groups", "Każda grupa potrzebuje co najmniej dwóch słów lub wyrażeń."))
		}
	}
	l, err := h.synonyms.Save(c.UserContext(), web.Subject(c), synonyms.Format(*in.Groups))
	if err != nil {
		if ae := apperr.As(err); ae != nil && ae.Code == apperr.Invalid {
			return apperr.InvalidFields(apperr.Field("groups", firstMessage(ae)))
		}
		return err
	}
	return c.JSON(toSynonyms(l))
}

func firstMessage(ae *apperr.Error) string {
	if len(ae.Fields) > 0 {
		return ae.Fields[0].Message
	}
	return ae.Message
}
