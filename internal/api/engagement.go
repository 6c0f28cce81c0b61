package api

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/web"
)

// Reader engagement over the API: posting comments, "was this helpful?" votes, live
// suggestions for a request's subject, and for staff the comment moderation and the
// engagement figures. Every search made through GET /search is recorded in the search
// log too (recordSearch), the same way the portal records its own.

type engagementAPI struct{ e *content.Engagement }

// mountEngagement adds the routes. Mount it before the public reads: it watches the
// search route's answers.
func mountEngagement(r fiber.Router, e *content.Engagement) {
	if e == nil {
		return
	}
	h := engagementAPI{e}
	r.Use("/search", h.recordSearch)
	r.Post("/articles/:id<int>/comments", h.postComment)
	r.Post("/articles/:id<int>/votes", h.vote)
	r.Get("/suggest", h.suggest)
	r.Get("/admin/comments", h.comments)
	r.Post("/admin/comments/:id<int>/hide", h.hide)
	r.Post("/admin/comments/:id<int>/show", h.show)
	r.Post("/admin/comments/:id<int>/request", h.toRequest)
	r.Get("/admin/engagement", h.dashboard)
}

// postedCommentJSON is a comment as its author gets it back.
type postedCommentJSON struct {
	ID         int64     `json:"id"`
	ArticleID  int64     `json:"article_id"`
	ParentID   *int64    `json:"parent_id"`
	AuthorName string    `json:"author_name"`
	Body       string    `json:"body"`
	FromStaff  bool      `json:"from_staff"`
	CreatedAt  time.Time `json:"created_at"`
}

// moderatedCommentJSON is a comment as moderators list it.
type moderatedCommentJSON struct {
	postedCommentJSON
	Hidden       bool   `json:"hidden"`
	RequestID    *int64 `json:"request_id"`
	ArticleTitle string `json:"article_title"`
	ArticleSlug  string `json:"article_slug"`
	AuthorEmail  string `json:"author_email"`
}

type suggestionJSON struct {
	ID      int64  `json:"id"`
	Slug    string `json:"slug"`
	Title   string `json:"title"`
	Kind    string `json:"kind"`
	URL     string `json:"url"`
	Snippet string `json:"snippet"`
}

func idParam(c *fiber.Ctx, what string) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.NotFoundf("Nie ma takiego %s.", what)
	}
	return id, nil
}

// recordSearch logs each first page of GET /search results with its total, after the
// read handler (and its cache) answered. A 304 is a repeat of a search the client
// already made, and is not counted again.
func (h engagementAPI) recordSearch(c *fiber.Ctx) error {
	if c.Method() != fiber.MethodGet {
		return c.Next()
	}
	if err := c.Next(); err != nil {
		return err
	}
	if c.Response().StatusCode() != fiber.StatusOK || c.Query("cursor") != "" {
		return nil
	}
	var answer struct {
		Total *int `json:"total"`
	}
	if json.Unmarshal(c.Response().Body(), &answer) != nil || answer.Total == nil {
		return nil
	}
	// The answer is complete; a search the log misses is not worth failing it.
	_, _ = h.e.RecordSearch(c.UserContext(), web.Subject(c), content.SearchEvent{Query: c.Query("q"), Results: *answer.Total, Source: content.SourceAPI})
	return nil
}

// POST /articles/{id}/comments {"body", "parent_id"?}
func (h engagementAPI) postComment(c *fiber.Ctx) error {
	id, err := idParam(c, "artykułu")
	if err != nil {
		return err
	}
	var in struct {
		Body     string `json:"body"`
		ParentID *int64 `json:"parent_id"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	nc := content.NewComment{Body: in.Body}
	if in.ParentID != nil {
		nc.ParentID = *in.ParentID
	}
	cm, err := h.e.PostComment(c.UserContext(), web.Subject(c), id, nc)
	if err != nil {
		return err
	}
	out := toPostedComment(*cm)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(out)
}

// POST /articles/{id}/votes {"helpful": true|false}: 204; voting again changes the vote.
func (h engagementAPI) vote(c *fiber.Ctx) error {
	id, err := idParam(c, "artykułu")
	if err != nil {
		return err
	}
	var in struct {
		Helpful *bool `json:"helpful"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.Helpful == nil {
		return apperr.InvalidFields(apperr.Field("helpful", "Podaj true albo false."))
	}
	if err := h.e.Vote(c.UserContext(), web.Subject(c), id, *in.Helpful, ""); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// GET /suggest?q=&limit=: articles the caller may read that match what they type.
func (h engagementAPI) suggest(c *fiber.Ctx) error {
	limit := 5
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 8 {
			return apperr.InvalidFields(apperr.Field("limit", "Limit musi być liczbą od 1 do 8."))
		}
		limit = n
	}
	hits, err := h.e.Suggest(c.UserContext(), web.Subject(c), c.Query("q"), limit)
	if err != nil {
		return err
	}
	out := listResponse[suggestionJSON]{Data: make([]suggestionJSON, len(hits))}
	for i, hit := range hits {
		out.Data[i] = suggestionJSON{ID: hit.ID, Slug: hit.Slug, Title: hit.Title, Kind: hit.Kind,
			URL: "/articles/" + hit.Slug, Snippet: hit.Snippet}
	}
	// What a caller may read decides the answer: caches keep it per caller, briefly.
	c.Set(fiber.HeaderCacheControl, "private, max-age=30")
	c.Set(fiber.HeaderVary, "Authorization, Cookie")
	b, err := encode(out)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(b.body)
}

// GET /admin/comments?hidden=&from_customers=&limit=&cursor=: every article's comments,
// newest first, for moderators.
func (h engagementAPI) comments(c *fiber.Ctx) error {
	limit, err := parseLimit(c)
	if err != nil {
		return err
	}
	f := content.ModerationFilter{Limit: limit, Cursor: c.Query("cursor"), FromCustomers: c.QueryBool("from_customers")}
	switch c.Query("hidden") {
	case "":
	case "true", "false":
		hidden := c.Query("hidden") == "true"
		f.Hidden = &hidden
	default:
		return apperr.InvalidFields(apperr.Field("hidden", "Podaj true albo false."))
	}
	page, err := h.e.RecentComments(c.UserContext(), web.Subject(c), f)
	if err != nil {
		return err
	}
	out := listResponse[moderatedCommentJSON]{Data: make([]moderatedCommentJSON, len(page.Comments)), NextCursor: optional(page.NextCursor)}
	for i, cm := range page.Comments {
		m := moderatedCommentJSON{postedCommentJSON: toPostedComment(cm.ThreadComment), Hidden: cm.Hidden,
			ArticleTitle: cm.ArticleTitle, ArticleSlug: cm.ArticleSlug, AuthorEmail: cm.AuthorEmail}
		if cm.RequestID != 0 {
			id := cm.RequestID
			m.RequestID = &id
		}
		out.Data[i] = m
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.JSON(out)
}

func toPostedComment(cm content.ThreadComment) postedCommentJSON {
	out := postedCommentJSON{ID: cm.ID, ArticleID: cm.ArticleID, AuthorName: cm.AuthorName, Body: cm.Body,
		FromStaff: cm.FromStaff, CreatedAt: cm.CreatedAt.UTC()}
	if cm.ParentID != 0 {
		p := cm.ParentID
		out.ParentID = &p
	}
	return out
}

func (h engagementAPI) setHidden(c *fiber.Ctx, hidden bool) error {
	id, err := idParam(c, "komentarza")
	if err != nil {
		return err
	}
	if _, err := h.e.SetCommentHidden(c.UserContext(), web.Subject(c), id, hidden); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// POST /admin/comments/{id}/hide: readers no longer see the comment (nor answers to it).
func (h engagementAPI) hide(c *fiber.Ctx) error { return h.setHidden(c, true) }

// POST /admin/comments/{id}/show: the comment is visible again.
func (h engagementAPI) show(c *fiber.Ctx) error { return h.setHidden(c, false) }

// POST /admin/comments/{id}/request: the comment becomes a request of its author; 201
// with the request's id, or 200 when it had become one before.
func (h engagementAPI) toRequest(c *fiber.Ctx) error {
	id, err := idParam(c, "komentarza")
	if err != nil {
		return err
	}
	r, err := h.e.CommentToRequest(c.UserContext(), web.Subject(c), id)
	if err != nil {
		return err
	}
	status := fiber.StatusCreated
	if r.Existing {
		status = fiber.StatusOK
	}
	c.Set(fiber.HeaderLocation, "/api/v1/admin/tickets/"+strconv.FormatInt(r.RequestID, 10))
	return c.Status(status).JSON(r)
}

// GET /admin/engagement?days=30&limit=10: searches, deflection and ratings for staff.
func (h engagementAPI) dashboard(c *fiber.Ctx) error {
	days := 30
	if v := c.Query("days"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 366 {
			return apperr.InvalidFields(apperr.Field("days", "Podaj liczbę dni od 1 do 366."))
		}
		days = n
	}
	limit, err := parseLimit(c)
	if err != nil {
		return err
	}
	d, err := h.e.Dashboard(c.UserContext(), web.Subject(c), time.Now().AddDate(0, 0, -days), limit)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.JSON(d)
}
