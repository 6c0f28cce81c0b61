package api

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/web"
)

// The public read API of the knowledge base: categories, sections, articles, comments
// and search. Every answer is filtered by the caller's audiences inside the content
// service; these handlers only decode the query, call one method and encode. Answers
// go through the read cache (readcache.go), which adds ETag, Cache-Control and Vary.

func mountContent(r fiber.Router, svc *content.Service, cache *readCache) {
	h := contentAPI{svc}
	// Each route names the query parameters its answer depends on (the cache keys on them).
	r.Get("/categories", cache.serve(h.categories))
	r.Get("/sections/:ref", cache.serve(h.section))
	r.Get("/articles", cache.serve(h.articles, "section", "category", "kind", "tag", "updated_since", "external_id", "limit", "cursor"))
	r.Get("/articles/:ref", cache.serve(h.article))
	r.Get("/articles/:id/comments", cache.serve(h.comments, "limit", "cursor"))
	r.Get("/search", cache.serve(h.search, "q", "kind", "section", "category", "limit", "cursor"))
}

type contentAPI struct {
	svc *content.Service
}

// The JSON shapes (snake_case, RFC 3339 UTC times).

type categoryJSON struct {
	ID          int64         `json:"id"`
	Slug        string        `json:"slug"`
	Name        string        `json:"name"`
	Description string        `json:"description"`
	Position    int           `json:"position"`
	ExternalID  *string       `json:"external_id"`
	Sections    []sectionJSON `json:"sections"`
}

type sectionJSON struct {
	ID           int64    `json:"id"`
	CategoryID   int64    `json:"category_id"`
	Slug         string   `json:"slug"`
	Name         string   `json:"name"`
	Description  string   `json:"description"`
	Position     int      `json:"position"`
	Audiences    []string `json:"audiences"`
	ArticleCount int      `json:"article_count"`
	ExternalID   *string  `json:"external_id"`
}

type articleSummaryJSON struct {
	ID          int64     `json:"id"`
	Slug        string    `json:"slug"`
	Title       string    `json:"title"`
	Kind        string    `json:"kind"`
	SectionID   int64     `json:"section_id"`
	CategoryID  int64     `json:"category_id"`
	Audiences   []string  `json:"audiences"`
	Tags        []string  `json:"tags"`
	UpdatedAt   time.Time `json:"updated_at"`
	PublishedAt time.Time `json:"published_at"`
	ExternalID  *string   `json:"external_id"`
}

type articleJSON struct {
	articleSummaryJSON
	BodyHTML string `json:"body_html"`
	BodyMD   string `json:"body_md"`
}

type searchHitJSON struct {
	articleSummaryJSON
	Snippet string  `json:"snippet"`
	Score   float64 `json:"score"`
}

type searchJSON struct {
	Data       []searchHitJSON `json:"data"`
	Total      int             `json:"total"`
	NextCursor *string         `json:"next_cursor"`
}

type commentJSON struct {
	ID         int64     `json:"id"`
	ArticleID  int64     `json:"article_id"`
	ParentID   *int64    `json:"parent_id"`
	AuthorName string    `json:"author_name"`
	Body       string    `json:"body"`
	CreatedAt  time.Time `json:"created_at"`
	FromStaff  bool      `json:"from_staff"`
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func toSection(s content.Section) sectionJSON {
	return sectionJSON{ID: s.ID, CategoryID: s.CategoryID, Slug: s.Slug, Name: s.Name, Description: s.Description,
		Position: s.Position, Audiences: nonNil(s.Audiences), ArticleCount: s.ArticleCount, ExternalID: optional(s.ExternalID)}
}

func toSummary(a content.ArticleSummary) articleSummaryJSON {
	return articleSummaryJSON{ID: a.ID, Slug: a.Slug, Title: a.Title, Kind: a.Kind, SectionID: a.SectionID, CategoryID: a.CategoryID,
		Audiences: nonNil(a.Audiences), Tags: nonNil(a.Tags), UpdatedAt: a.UpdatedAt.UTC(), PublishedAt: a.PublishedAt.UTC(),
		ExternalID: optional(a.ExternalID)}
}

// encode writes JSON without escaping <, > and & (snippets carry <mark>), as a reply.
func encode(v any) (reply, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return reply{}, err
	}
	return reply{status: fiber.StatusOK, body: bytes.TrimSuffix(buf.Bytes(), []byte("\n"))}, nil
}

func cursorOrNull(s string) *string { return optional(s) }

// GET /categories: categories with their visible sections, in order.
func (h contentAPI) categories(c *fiber.Ctx) (reply, error) {
	cats, err := h.svc.Categories(c.UserContext(), web.Subject(c))
	if err != nil {
		return reply{}, err
	}
	out := listResponse[categoryJSON]{Data: make([]categoryJSON, len(cats))}
	for i, cat := range cats {
		cj := categoryJSON{ID: cat.ID, Slug: cat.Slug, Name: cat.Name, Description: cat.Description, Position: cat.Position,
			ExternalID: optional(cat.ExternalID), Sections: make([]sectionJSON, len(cat.Sections))}
		for j, s := range cat.Sections {
			cj.Sections[j] = toSection(s)
		}
		out.Data[i] = cj
	}
	return encode(out)
}

// GET /sections/{id_or_slug}
func (h contentAPI) section(c *fiber.Ctx) (reply, error) {
	s, err := h.svc.Section(c.UserContext(), web.Subject(c), c.Params("ref"))
	if err != nil {
		return reply{}, err
	}
	return encode(toSection(*s))
}

// GET /articles with filters and keyset pagination.
func (h contentAPI) articles(c *fiber.Ctx) (reply, error) {
	limit, err := parseLimit(c)
	if err != nil {
		return reply{}, err
	}
	f := content.ArticleFilter{Section: c.Query("section"), Category: c.Query("category"), Kind: c.Query("kind"),
		Tag: c.Query("tag"), ExternalID: c.Query("external_id"), Limit: limit, Cursor: c.Query("cursor")}
	if v := c.Query("updated_since"); v != "" {
		if f.UpdatedSince, err = time.Parse(time.RFC3339, v); err != nil {
			return reply{}, apperr.InvalidFields(apperr.Field("updated_since", "Oczekiwano czasu RFC 3339, np. 2025-01-31T00:00:00Z."))
		}
	}
	page, err := h.svc.FindArticles(c.UserContext(), web.Subject(c), f)
	if err != nil {
		return reply{}, err
	}
	out := listResponse[articleSummaryJSON]{Data: make([]articleSummaryJSON, len(page.Articles)), NextCursor: cursorOrNull(page.NextCursor)}
	for i, a := range page.Articles {
		out.Data[i] = toSummary(a)
	}
	return encode(out)
}

// GET /articles/{id_or_slug}. A former slug answers 301 with the canonical address, so
// old links keep working and clients learn the new slug.
func (h contentAPI) article(c *fiber.Ctx) (reply, error) {
	ref := c.Params("ref")
	a, err := h.svc.Article(c.UserContext(), web.Subject(c), ref)
	if err != nil {
		return reply{}, err
	}
	if _, notID := strconv.ParseInt(ref, 10, 64); notID != nil && a.Slug != ref {
		return reply{status: fiber.StatusMovedPermanently, location: "/api/v1/articles/" + url.PathEscape(a.Slug)}, nil
	}
	return encode(articleJSON{articleSummaryJSON: toSummary(a.ArticleSummary), BodyHTML: a.BodyHTML, BodyMD: a.BodyMD})
}

// GET /articles/{id}/comments: visible comments, oldest first.
func (h contentAPI) comments(c *fiber.Ctx) (reply, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return reply{}, apperr.NotFoundf("Nie ma takiego artykułu.")
	}
	limit, err := parseLimit(c)
	if err != nil {
		return reply{}, err
	}
	page, err := h.svc.Comments(c.UserContext(), web.Subject(c), id, content.CommentFilter{Limit: limit, Cursor: c.Query("cursor")})
	if err != nil {
		return reply{}, err
	}
	out := listResponse[commentJSON]{Data: make([]commentJSON, len(page.Comments)), NextCursor: cursorOrNull(page.NextCursor)}
	for i, cm := range page.Comments {
		var parent *int64
		if cm.ParentID != 0 {
			p := cm.ParentID
			parent = &p
		}
		out.Data[i] = commentJSON{ID: cm.ID, ArticleID: cm.ArticleID, ParentID: parent, AuthorName: cm.AuthorName, Body: cm.Body, CreatedAt: cm.CreatedAt.UTC(), FromStaff: cm.FromStaff}
	}
	return encode(out)
}

// GET /search?q=: results best first, with snippets and the total.
func (h contentAPI) search(c *fiber.Ctx) (reply, error) {
	limit, err := parseLimit(c)
	if err != nil {
		return reply{}, err
	}
	res, err := h.svc.Search(c.UserContext(), web.Subject(c), content.SearchQuery{Text: c.Query("q"), Kind: c.Query("kind"),
		Section: c.Query("section"), Category: c.Query("category"), Limit: limit, Cursor: c.Query("cursor")})
	if err != nil {
		return reply{}, err
	}
	out := searchJSON{Data: make([]searchHitJSON, len(res.Hits)), Total: res.Total, NextCursor: cursorOrNull(res.NextCursor)}
	for i, hit := range res.Hits {
		out.Data[i] = searchHitJSON{articleSummaryJSON: toSummary(hit.ArticleSummary), Snippet: hit.Snippet, Score: hit.Score}
	}
	return encode(out)
}
