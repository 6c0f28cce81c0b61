package api

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/web"
	"github.com/helpcenter/helpcenter/policy"
)

// The management API of the knowledge base: articles in every state with their
// revisions and publishing workflow, categories and sections. Each handler decodes,
// calls one content service method (which checks the caller's permission, validates,
// and writes the audit log) and encodes; the console's screens call the same methods.
// To callers without a staff role these routes do not exist (404).
//
// Saving is optimistic: PATCH names the revision it was made from (base_revision_id),
// and a save over someone else's newer revision answers 409 without changing anything,
// so the client still holds its text and can merge.

type manageContentAPI struct{ svc *content.Service }

func mountManageContent(r fiber.Router, svc *content.Service) {
	if svc == nil {
		return
	}
	h := manageContentAPI{svc}
	a := r.Group("/admin/articles", staffOnlyAPI)
	a.Get("", h.listArticles)
	a.Post("", h.createArticle)
	a.Get("/:id<int>", h.getArticle)
	a.Patch("/:id<int>", h.updateArticle)
	a.Post("/:id<int>/submit", h.step(svc.SubmitArticle))
	a.Post("/:id<int>/publish", h.publish)
	a.Post("/:id<int>/unpublish", h.step(svc.UnpublishArticle))
	a.Post("/:id<int>/archive", h.step(svc.ArchiveArticle))
	a.Post("/:id<int>/restore", h.step(svc.RestoreArticle))
	a.Get("/:id<int>/revisions", h.revisions)
	a.Get("/:id<int>/revisions/:rev<int>", h.revision)
	a.Post("/:id<int>/revisions/:rev<int>/restore", h.restoreRevision)

	c := r.Group("/admin/categories", staffOnlyAPI)
	c.Get("", h.listCategories)
	c.Post("", h.createCategory)
	c.Put("/order", h.orderCategories)
	c.Patch("/:id<int>", h.updateCategory)
	c.Delete("/:id<int>", h.deleteCategory)
	c.Put("/:id<int>/section-order", h.orderSections)

	s := r.Group("/admin/sections", staffOnlyAPI)
	s.Get("", h.listSections)
	s.Post("", h.createSection)
	s.Patch("/:id<int>", h.updateSection)
	s.Delete("/:id<int>", h.deleteSection)
}

// managedArticleJSON is an article as staff sees it: any state, the current revision,
// the schedule. Lists leave out the bodies. The FAQ drafts endpoint answers with it too.
type managedArticleJSON struct {
	ID                    int64      `json:"id"`
	SectionID             int64      `json:"section_id"`
	Slug                  string     `json:"slug"`
	Kind                  string     `json:"kind"`
	State                 string     `json:"state"`
	Audiences             []string   `json:"audiences"`
	Tags                  []string   `json:"tags"`
	Title                 string     `json:"title"`
	BodyMD                *string    `json:"body_md,omitempty"`
	BodyHTML              *string    `json:"body_html,omitempty"`
	CurrentRevisionID     int64      `json:"current_revision_id"`
	PublishedRevisionID   *int64     `json:"published_revision_id"`
	Live                  bool       `json:"live"`
	HasUnpublishedChanges bool       `json:"has_unpublished_changes"`
	PublishAt             *time.Time `json:"publish_at"`
	ScheduledRevisionID   *int64     `json:"scheduled_revision_id"`
	PublishedAt           *time.Time `json:"published_at"`
	AuthorID              *int64     `json:"author_id"`
	ExternalID            *string    `json:"external_id"`
	SourceTicketIDs       []int64    `json:"source_ticket_ids"`
	CreatedAt             time.Time  `json:"created_at"`
	UpdatedAt             time.Time  `json:"updated_at"`
	EditedAt              time.Time  `json:"edited_at"`
}

func optionalID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func emptyIfNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// toManagedArticle encodes an article; withBody adds body_md and body_html.
func toManagedArticle(a *content.ManagedArticle, withBody bool) managedArticleJSON {
	out := managedArticleJSON{
		ID: a.ID, SectionID: a.SectionID, Slug: a.Slug, Kind: a.Kind, State: a.State,
		Audiences: emptyIfNil(a.Audiences), Tags: emptyIfNil(a.Tags), Title: a.Title,
		CurrentRevisionID: a.CurrentRevisionID, PublishedRevisionID: optionalID(a.PublishedRevisionID),
		Live: a.Live(), HasUnpublishedChanges: a.HasUnpublishedChanges(),
		PublishAt: utcOrNil(a.PublishAt), PublishedAt: utcOrNil(a.PublishedAt), AuthorID: optionalID(a.AuthorID),
		SourceTicketIDs: emptyIfNil(a.SourceTicketIDs), CreatedAt: a.CreatedAt.UTC(), UpdatedAt: a.UpdatedAt.UTC(), EditedAt: a.EditedAt.UTC(),
	}
	if a.PublishAt != nil {
		out.ScheduledRevisionID = optionalID(a.ScheduledRevisionID)
	}
	if a.ExternalID != "" {
		out.ExternalID = &a.ExternalID
	}
	if withBody {
		out.BodyMD, out.BodyHTML = &a.BodyMD, &a.BodyHTML
	}
	return out
}

// managedArticleList is a page of the staff article list with the number of matches.
type managedArticleList struct {
	Data       []managedArticleJSON `json:"data"`
	NextCursor *string              `json:"next_cursor"`
	Total      int                  `json:"total"`
}

var articleStates = map[string]bool{content.StateDraft: true, content.StateInReview: true, content.StatePublished: true, content.StateArchived: true}

// GET /admin/articles: every state, most recently edited first, with filters.
func (h manageContentAPI) listArticles(c *fiber.Ctx) error {
	limit, err := parseLimit(c)
	if err != nil {
		return err
	}
	f := content.ManagedFilter{Text: c.Query("q"), Limit: limit, Cursor: c.Query("cursor"), Audience: c.Query("audience")}
	var problems []apperr.FieldError
	if v := c.Query("state"); v != "" {
		if !articleStates[v] {
			problems = append(problems, apperr.Field("state", "Stan musi mieć wartość draft, in_review, published albo archived."))
		}
		f.State = v
	}
	if v := c.Query("kind"); v != "" {
		if v != content.KindArticle && v != content.KindFAQ {
			problems = append(problems, apperr.Field("kind", "Rodzaj musi mieć wartość article albo faq."))
		}
		f.Kind = v
	}
	for name, dst := range map[string]*int64{"section": &f.SectionID, "category": &f.CategoryID} {
		if v := c.Query(name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				problems = append(problems, apperr.Field(name, "Oczekiwano identyfikatora (liczby)."))
			}
			*dst = n
		}
	}
	switch v := c.Query("author"); v {
	case "":
	case "me":
		f.AuthorID = web.Subject(c).UserID
		if f.AuthorID == 0 {
			problems = append(problems, apperr.Field("author", "„me” wymaga zalogowanego pracownika, nie tokenu."))
		}
	default:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			problems = append(problems, apperr.Field("author", "Podaj „me” albo identyfikator autora."))
		}
		f.AuthorID = n
	}
	switch v := c.Query("scheduled"); v {
	case "", "false":
	case "true":
		f.Scheduled = true
	default:
		problems = append(problems, apperr.Field("scheduled", "Oczekiwano true albo false."))
	}
	if err := apperr.InvalidFields(problems...); err != nil {
		return err
	}
	page, err := h.svc.ListArticles(c.UserContext(), web.Subject(c), f)
	if err != nil {
		return err
	}
	out := managedArticleList{Data: make([]managedArticleJSON, len(page.Articles)), NextCursor: nullIfEmpty(page.NextCursor), Total: page.Total}
	for i := range page.Articles {
		out.Data[i] = toManagedArticle(&page.Articles[i], false)
	}
	return c.JSON(out)
}

// newArticleJSON is the body of POST /admin/articles.
type newArticleJSON struct {
	SectionID       int64     `json:"section_id"`
	Title           string    `json:"title"`
	BodyMD          string    `json:"body_md"`
	Slug            string    `json:"slug"`
	Kind            string    `json:"kind"`
	Audiences       *[]string `json:"audiences"`
	Tags            []string  `json:"tags"`
	ExternalID      string    `json:"external_id"`
	SourceTicketIDs []int64   `json:"source_ticket_ids"`
}

// POST /admin/articles: a new draft with its first revision.
func (h manageContentAPI) createArticle(c *fiber.Ctx) error {
	var in newArticleJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	ai := content.ArticleInput{SectionID: in.SectionID, Title: in.Title, BodyMD: in.BodyMD, Slug: strings.TrimSpace(in.Slug),
		Kind: in.Kind, Tags: in.Tags, ExternalID: in.ExternalID, SourceTicketIDs: in.SourceTicketIDs}
	if in.Audiences != nil {
		ai.Audiences = emptyIfNil(*in.Audiences)
	}
	a, err := h.svc.CreateArticle(c.UserContext(), web.Subject(c), ai)
	if err != nil {
		return err
	}
	c.Location("/api/v1/admin/articles/" + strconv.FormatInt(a.ID, 10))
	return c.Status(fiber.StatusCreated).JSON(toManagedArticle(a, true))
}

// GET /admin/articles/{id}: any state, with the current revision's body.
func (h manageContentAPI) getArticle(c *fiber.Ctx) error {
	a, err := h.svc.ManagedArticle(c.UserContext(), web.Subject(c), paramInt(c, "id"))
	if err != nil {
		return err
	}
	return c.JSON(toManagedArticle(a, true))
}

// articleChangesJSON is the body of PATCH /admin/articles/{id}; absent fields stay.
type articleChangesJSON struct {
	BaseRevisionID *int64    `json:"base_revision_id"`
	Title          *string   `json:"title"`
	BodyMD         *string   `json:"body_md"`
	Slug           *string   `json:"slug"`
	SectionID      *int64    `json:"section_id"`
	Kind           *string   `json:"kind"`
	Audiences      *[]string `json:"audiences"`
	Tags           *[]string `json:"tags"`
}

// PATCH /admin/articles/{id}: a new revision when the title or body changed, and the
// article's settings. Readers keep the published revision until the next publish.
func (h manageContentAPI) updateArticle(c *fiber.Ctx) error {
	var in articleChangesJSON
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.BaseRevisionID == nil {
		return apperr.InvalidFields(apperr.Field("base_revision_id",
			"Podaj base_revision_id: current_revision_id artykułu, od którego zaczęto zmiany (chroni przed nadpisaniem cudzej nowszej wersji)."))
	}
	upd := content.ArticleUpdate{BaseRevisionID: *in.BaseRevisionID, Title: in.Title, BodyMD: in.BodyMD, Slug: in.Slug,
		SectionID: in.SectionID, Kind: in.Kind}
	if in.Audiences != nil {
		upd.Audiences = emptyIfNil(*in.Audiences)
	}
	if in.Tags != nil {
		upd.Tags = emptyIfNil(*in.Tags)
	}
	a, err := h.svc.UpdateArticle(c.UserContext(), web.Subject(c), paramInt(c, "id"), upd)
	if err != nil {
		return err
	}
	return c.JSON(toManagedArticle(a, true))
}

// step serves a workflow step without a body (submit, unpublish, archive, restore).
func (h manageContentAPI) step(fn func(ctx context.Context, actor policy.Subject, id int64) (*content.ManagedArticle, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		a, err := fn(c.UserContext(), web.Subject(c), paramInt(c, "id"))
		if err != nil {
			return err
		}
		return c.JSON(toManagedArticle(a, true))
	}
}

// POST /admin/articles/{id}/publish with an optional {"at": time}: now, or scheduled.
func (h manageContentAPI) publish(c *fiber.Ctx) error {
	var in struct {
		At *string `json:"at"`
	}
	if len(strings.TrimSpace(string(c.Body()))) > 0 {
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
	}
	var at *time.Time
	if in.At != nil {
		t, err := time.Parse(time.RFC3339, *in.At)
		if err != nil {
			return apperr.InvalidFields(apperr.Field("at", "Oczekiwano czasu RFC 3339, np. 2026-03-01T09:00:00+01:00."))
		}
		at = &t
	}
	a, err := h.svc.PublishArticle(c.UserContext(), web.Subject(c), paramInt(c, "id"), at)
	if err != nil {
		return err
	}
	return c.JSON(toManagedArticle(a, true))
}

// revisionJSON is one saved version of an article; bodies only for a single revision.
type revisionJSON struct {
	ID         int64     `json:"id"`
	ArticleID  int64     `json:"article_id"`
	Number     int       `json:"number"`
	Title      string    `json:"title"`
	BodyMD     *string   `json:"body_md,omitempty"`
	BodyHTML   *string   `json:"body_html,omitempty"`
	AuthorID   *int64    `json:"author_id"`
	AuthorName *string   `json:"author_name"`
	CreatedAt  time.Time `json:"created_at"`
}

func toRevision(r *content.Revision, withBody bool) revisionJSON {
	out := revisionJSON{ID: r.ID, ArticleID: r.ArticleID, Number: r.Number, Title: r.Title, AuthorID: optionalID(r.AuthorID),
		AuthorName: nullIfEmpty(r.AuthorName), CreatedAt: r.CreatedAt.UTC()}
	if withBody {
		out.BodyMD, out.BodyHTML = &r.BodyMD, &r.BodyHTML
	}
	return out
}

// GET /admin/articles/{id}/revisions: every revision, newest first (one page).
func (h manageContentAPI) revisions(c *fiber.Ctx) error {
	revs, err := h.svc.Revisions(c.UserContext(), web.Subject(c), paramInt(c, "id"))
	if err != nil {
		return err
	}
	out := listResponse[revisionJSON]{Data: make([]revisionJSON, len(revs))}
	for i := range revs {
		out.Data[i] = toRevision(&revs[i], false)
	}
	return c.JSON(out)
}

// GET /admin/articles/{id}/revisions/{rev}: one revision with its body.
func (h manageContentAPI) revision(c *fiber.Ctx) error {
	r, err := h.svc.Revision(c.UserContext(), web.Subject(c), paramInt(c, "id"), paramInt(c, "rev"))
	if err != nil {
		return err
	}
	return c.JSON(toRevision(r, true))
}

// POST /admin/articles/{id}/revisions/{rev}/restore {"base_revision_id"}: the old
// revision's title and body saved as the newest revision.
func (h manageContentAPI) restoreRevision(c *fiber.Ctx) error {
	var in struct {
		BaseRevisionID *int64 `json:"base_revision_id"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.BaseRevisionID == nil {
		return apperr.InvalidFields(apperr.Field("base_revision_id", "Podaj base_revision_id: bieżącą wersję artykułu."))
	}
	a, err := h.svc.RestoreRevision(c.UserContext(), web.Subject(c), paramInt(c, "id"), paramInt(c, "rev"), *in.BaseRevisionID)
	if err != nil {
		return err
	}
	return c.JSON(toManagedArticle(a, true))
}

// managedSectionJSON is a section as staff sees it: any audiences, articles counted in
// every state.
type managedSectionJSON struct {
	ID           int64     `json:"id"`
	CategoryID   int64     `json:"category_id"`
	Slug         string    `json:"slug"`
	Name         string    `json:"name"`
	Description  string    `json:"description"`
	Position     int       `json:"position"`
	Audiences    []string  `json:"audiences"`
	ArticleCount int       `json:"article_count"`
	ExternalID   *string   `json:"external_id"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

type managedCategoryJSON struct {
	ID          int64                `json:"id"`
	Slug        string               `json:"slug"`
	Name        string               `json:"name"`
	Description string               `json:"description"`
	Position    int                  `json:"position"`
	ExternalID  *string              `json:"external_id"`
	CreatedAt   time.Time            `json:"created_at"`
	UpdatedAt   time.Time            `json:"updated_at"`
	Sections    []managedSectionJSON `json:"sections"`
}

func toManagedSection(s *content.Section) managedSectionJSON {
	return managedSectionJSON{ID: s.ID, CategoryID: s.CategoryID, Slug: s.Slug, Name: s.Name, Description: s.Description,
		Position: s.Position, Audiences: emptyIfNil(s.Audiences), ArticleCount: s.ArticleCount, ExternalID: nullIfEmpty(s.ExternalID),
		CreatedAt: s.CreatedAt.UTC(), UpdatedAt: s.UpdatedAt.UTC()}
}

func toManagedCategory(cat *content.Category) managedCategoryJSON {
	out := managedCategoryJSON{ID: cat.ID, Slug: cat.Slug, Name: cat.Name, Description: cat.Description, Position: cat.Position,
		ExternalID: nullIfEmpty(cat.ExternalID), CreatedAt: cat.CreatedAt.UTC(), UpdatedAt: cat.UpdatedAt.UTC(),
		Sections: make([]managedSectionJSON, len(cat.Sections))}
	for i := range cat.Sections {
		out.Sections[i] = toManagedSection(&cat.Sections[i])
	}
	return out
}

// GET /admin/categories: every category with every section, in reader order.
func (h manageContentAPI) listCategories(c *fiber.Ctx) error {
	cats, err := h.svc.AllCategories(c.UserContext(), web.Subject(c))
	if err != nil {
		return err
	}
	out := listResponse[managedCategoryJSON]{Data: make([]managedCategoryJSON, len(cats))}
	for i := range cats {
		out.Data[i] = toManagedCategory(&cats[i])
	}
	return c.JSON(out)
}

// categoryByID reads one category as the list shows it, after a change.
func (h manageContentAPI) categoryByID(c *fiber.Ctx, id int64) (*content.Category, error) {
	cats, err := h.svc.AllCategories(c.UserContext(), web.Subject(c))
	if err != nil {
		return nil, err
	}
	for i := range cats {
		if cats[i].ID == id {
			return &cats[i], nil
		}
	}
	return nil, apperr.NotFoundf("Nie ma takiej kategorii.")
}

// sectionByID reads one section as the list shows it (with its article count).
func (h manageContentAPI) sectionByID(c *fiber.Ctx, id int64) (*content.Section, error) {
	cats, err := h.svc.AllCategories(c.UserContext(), web.Subject(c))
	if err != nil {
		return nil, err
	}
	for i := range cats {
		for j := range cats[i].Sections {
			if cats[i].Sections[j].ID == id {
				return &cats[i].Sections[j], nil
			}
		}
	}
	return nil, apperr.NotFoundf("Nie ma takiej sekcji.")
}

// POST /admin/categories
func (h manageContentAPI) createCategory(c *fiber.Ctx) error {
	var in struct {
		Name        string `json:"name"`
		Slug        string `json:"slug"`
		Description string `json:"description"`
		Position    *int   `json:"position"`
		ExternalID  string `json:"external_id"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cat, err := h.svc.CreateCategory(c.UserContext(), web.Subject(c), content.CategoryInput{Name: in.Name, Slug: strings.TrimSpace(in.Slug),
		Description: in.Description, Position: in.Position, ExternalID: in.ExternalID})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toManagedCategory(cat))
}

// PATCH /admin/categories/{id}: rename, re-describe, move; absent fields stay.
func (h manageContentAPI) updateCategory(c *fiber.Ctx) error {
	var in struct {
		Name        *string `json:"name"`
		Slug        *string `json:"slug"`
		Description *string `json:"description"`
		Position    *int    `json:"position"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	id := paramInt(c, "id")
	if _, err := h.svc.UpdateCategory(c.UserContext(), web.Subject(c), id, content.CategoryUpdate{Name: in.Name, Slug: in.Slug,
		Description: in.Description, Position: in.Position}); err != nil {
		return err
	}
	cat, err := h.categoryByID(c, id)
	if err != nil {
		return err
	}
	return c.JSON(toManagedCategory(cat))
}

// DELETE /admin/categories/{id}: only an empty category (409 otherwise).
func (h manageContentAPI) deleteCategory(c *fiber.Ctx) error {
	if err := h.svc.DeleteCategory(c.UserContext(), web.Subject(c), paramInt(c, "id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// PUT /admin/categories/order {"category_ids": [...]}: the order of all categories.
func (h manageContentAPI) orderCategories(c *fiber.Ctx) error {
	var in struct {
		CategoryIDs []int64 `json:"category_ids"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if err := h.svc.ReorderCategories(c.UserContext(), web.Subject(c), in.CategoryIDs); err != nil {
		return err
	}
	return h.listCategories(c)
}

// PUT /admin/categories/{id}/section-order {"section_ids": [...]}: the order of one
// category's sections.
func (h manageContentAPI) orderSections(c *fiber.Ctx) error {
	var in struct {
		SectionIDs []int64 `json:"section_ids"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	id := paramInt(c, "id")
	if _, err := h.categoryByID(c, id); err != nil {
		return err
	}
	if err := h.svc.ReorderSections(c.UserContext(), web.Subject(c), id, in.SectionIDs); err != nil {
		return err
	}
	cat, err := h.categoryByID(c, id)
	if err != nil {
		return err
	}
	return c.JSON(toManagedCategory(cat))
}

// GET /admin/sections?category=: every section, by category and position.
func (h manageContentAPI) listSections(c *fiber.Ctx) error {
	var category int64
	if v := c.Query("category"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return apperr.InvalidFields(apperr.Field("category", "Oczekiwano identyfikatora kategorii (liczby)."))
		}
		category = n
	}
	cats, err := h.svc.AllCategories(c.UserContext(), web.Subject(c))
	if err != nil {
		return err
	}
	out := listResponse[managedSectionJSON]{Data: []managedSectionJSON{}}
	for i := range cats {
		if category != 0 && cats[i].ID != category {
			continue
		}
		for j := range cats[i].Sections {
			out.Data = append(out.Data, toManagedSection(&cats[i].Sections[j]))
		}
	}
	return c.JSON(out)
}

// POST /admin/sections
func (h manageContentAPI) createSection(c *fiber.Ctx) error {
	var in struct {
		CategoryID  int64     `json:"category_id"`
		Name        string    `json:"name"`
		Slug        string    `json:"slug"`
		Description string    `json:"description"`
		Position    *int      `json:"position"`
		Audiences   *[]string `json:"audiences"`
		ExternalID  string    `json:"external_id"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	si := content.SectionInput{CategoryID: in.CategoryID, Name: in.Name, Slug: strings.TrimSpace(in.Slug), Description: in.Description,
		Position: in.Position, ExternalID: in.ExternalID}
	if in.Audiences != nil {
		si.Audiences = emptyIfNil(*in.Audiences)
	}
	sec, err := h.svc.CreateSection(c.UserContext(), web.Subject(c), si)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toManagedSection(sec))
}

// PATCH /admin/sections/{id}: rename, move (category_id, position), audiences.
func (h manageContentAPI) updateSection(c *fiber.Ctx) error {
	var in struct {
		CategoryID  *int64    `json:"category_id"`
		Name        *string   `json:"name"`
		Slug        *string   `json:"slug"`
		Description *string   `json:"description"`
		Position    *int      `json:"position"`
		Audiences   *[]string `json:"audiences"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	upd := content.SectionUpdate{CategoryID: in.CategoryID, Name: in.Name, Slug: in.Slug, Description: in.Description, Position: in.Position}
	if in.Audiences != nil {
		upd.Audiences = emptyIfNil(*in.Audiences)
	}
	id := paramInt(c, "id")
	if _, err := h.svc.UpdateSection(c.UserContext(), web.Subject(c), id, upd); err != nil {
		return err
	}
	sec, err := h.sectionByID(c, id)
	if err != nil {
		return err
	}
	return c.JSON(toManagedSection(sec))
}

// DELETE /admin/sections/{id}: only a section without articles (409 otherwise).
func (h manageContentAPI) deleteSection(c *fiber.Ctx) error {
	if err := h.svc.DeleteSection(c.UserContext(), web.Subject(c), paramInt(c, "id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// paramInt reads a route parameter the route constrains to digits; an overflowing one
// reads as 0, which no row has (so it answers 404).
func paramInt(c *fiber.Ctx, name string) int64 {
	n, _ := strconv.ParseInt(c.Params(name), 10, 64)
	return n
}
