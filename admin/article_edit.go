package admin

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/ui"
	"github.com/helpcenter/helpcenter/internal/web"
	"github.com/helpcenter/helpcenter/policy"
)

// The article editor: one form for a new article and an existing one. Its buttons save
// the draft, ask for review, publish now or at a time; each saves first (a new revision
// when the title or body changed) and then takes the workflow step, both through the
// content service, which checks the permissions and writes the audit log. A save on top
// of someone else's newer revision is refused by the service; the form then comes back
// with everything the user typed and a way to compare and decide.

// EditorView is the editor screen.
type EditorView struct {
	Frame
	Form ArticleForm
	// Article is the saved article; nil for a new one.
	Article   *content.ManagedArticle
	Sections  []SectionGroup
	Audiences []AudienceOption
	// Errors maps form fields to messages; "" is a message about the whole form.
	Errors map[string]string
	// Conflict is set when the save was refused because someone saved a newer revision.
	Conflict *EditConflict
	// Preview is the body rendered exactly as readers will get it.
	Preview PreviewView
	// CanPublish shows the publishing buttons (article:publish); the service checks again.
	CanPublish bool
	// SettingsLocked: the article is live and the user may not publish, so its settings
	// (which readers would see at once) are shown but not editable.
	SettingsLocked bool
	// Sources are the support requests a FAQ was written from.
	Sources []SourceTicket
	// Revision describes the current revision; Revisions counts them all.
	Revision  *content.Revision
	Revisions int
	// PublishedNumber is the number of the revision readers get (0 when not live).
	PublishedNumber int
}

// ArticleForm is the editor's input as typed.
type ArticleForm struct {
	Title, Slug, BodyMD, Kind, Tags string
	SectionID                       int64
	Audiences                       []string
	// BaseRevisionID is the revision the editing started from.
	BaseRevisionID int64
	// PublishAt is the schedule field (datetime-local, in the console's zone).
	PublishAt string
}

// Has reports whether an audience is ticked.
func (f ArticleForm) Has(audience string) bool { return slices.Contains(f.Audiences, audience) }

// EditConflict describes the newer revision that someone else saved meanwhile.
type EditConflict struct {
	// Latest is the article's current revision now.
	Latest content.Revision
	// BaseNumber is the number of the revision the user started from.
	BaseNumber int
	// DiffURL compares the user's starting point with the newer revision.
	DiffURL string
}

// PreviewView is a rendered body with its title.
type PreviewView struct {
	Title, HTML string
}

// SourceTicket is a request a FAQ was written from.
type SourceTicket struct {
	ID      int64
	Subject string
}

// editorActions are the buttons of the editor's form.
const (
	actionSave     = "save"
	actionPreview  = "preview"
	actionSubmit   = "submit"
	actionPublish  = "publish"
	actionSchedule = "schedule"
)

// newArticle shows an empty editor; ?section= and ?kind=faq preselect.
func (con *console) newArticle(c *fiber.Ctx) error {
	if err := con.Policy.Require(web.Subject(c), policy.ArticleEdit); err != nil {
		return err
	}
	form := ArticleForm{Kind: content.KindArticle, SectionID: int64(c.QueryInt("section"))}
	if c.Query("kind") == content.KindFAQ {
		form.Kind = content.KindFAQ
	}
	v, err := con.editorView(c, nil, form)
	if err != nil {
		return err
	}
	if _, _, ok := findSection(v.Sections, v.Form.SectionID); !ok && len(v.Sections) > 0 {
		for _, g := range v.Sections {
			if len(g.Sections) > 0 {
				v.Form.SectionID = g.Sections[0].ID
				break
			}
		}
	}
	if s, _, ok := findSection(v.Sections, v.Form.SectionID); ok {
		v.Form.Audiences = slices.Clone(s.Audiences)
	}
	return web.Render(c, EditorPage(v))
}

// editArticle shows the editor for a saved article.
func (con *console) editArticle(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	a, err := con.Content.ManagedArticle(c.UserContext(), web.Subject(c), id)
	if err != nil {
		return err
	}
	v, err := con.editorView(c, a, formOf(a))
	if err != nil {
		return err
	}
	v.Preview.HTML = a.BodyHTML
	return web.Render(c, EditorPage(v))
}

// formOf fills the form from a saved article.
func formOf(a *content.ManagedArticle) ArticleForm {
	return ArticleForm{
		Title: a.Title, Slug: a.Slug, BodyMD: a.BodyMD, Kind: a.Kind, Tags: strings.Join(a.Tags, ", "),
		SectionID: a.SectionID, Audiences: slices.Clone(a.Audiences), BaseRevisionID: a.CurrentRevisionID,
	}
}

// editorView gathers what the editor shows besides the form: choices, permissions, the
// revision, the source tickets.
func (con *console) editorView(c *fiber.Ctx, a *content.ManagedArticle, form ArticleForm) (EditorView, error) {
	ctx := c.UserContext()
	actor := web.Subject(c)
	cats, err := con.Content.AllCategories(ctx, actor)
	if err != nil {
		return EditorView{}, err
	}
	audiences, err := con.audienceOptions(ctx)
	if err != nil {
		return EditorView{}, err
	}
	title := ui.T(ctx, "admin.editor.new_title")
	if form.Kind == content.KindFAQ {
		title = ui.T(ctx, "admin.editor.new_faq_title")
	}
	if a != nil {
		title = a.Title
	}
	v := EditorView{
		Frame: con.frame(c, title, "articles"), Form: form, Article: a, Sections: sectionGroups(cats), Audiences: audiences,
		CanPublish: con.Policy.Can(actor, policy.ArticlePublish), Errors: map[string]string{},
		Preview: PreviewView{Title: form.Title},
	}
	if a == nil {
		return v, nil
	}
	v.SettingsLocked = a.Live() && !v.CanPublish
	revs, err := con.Content.Revisions(ctx, actor, a.ID)
	if err != nil {
		return EditorView{}, err
	}
	v.Revisions = len(revs)
	for i := range revs {
		if revs[i].ID == a.CurrentRevisionID {
			v.Revision = &revs[i]
		}
		if revs[i].ID == a.PublishedRevisionID {
			v.PublishedNumber = revs[i].Number
		}
	}
	v.Sources = con.sourceTickets(ctx, actor, a.SourceTicketIDs)
	return v, nil
}

// sourceTickets names the requests a FAQ came from; without the ticket service or the
// right to read the inbox they are listed by number.
func (con *console) sourceTickets(ctx context.Context, actor policy.Subject, ids []int64) []SourceTicket {
	if len(ids) == 0 {
		return nil
	}
	subjects := map[int64]string{}
	if con.Tickets != nil && con.Policy.Can(actor, policy.TicketRead) {
		if ts, err := con.Tickets.TicketsWithMessages(ctx, actor, ids); err == nil {
			for _, t := range ts {
				subjects[t.ID] = t.Subject
			}
		}
	}
	out := make([]SourceTicket, 0, len(ids))
	for _, id := range ids {
		out = append(out, SourceTicket{ID: id, Subject: subjects[id]})
	}
	return out
}

// readForm reads the editor's fields as typed. Settings fields that were not posted
// (disabled on a live article the user may not publish) are left as the article has them.
func readForm(c *fiber.Ctx, a *content.ManagedArticle) ArticleForm {
	f := ArticleForm{
		Title: c.FormValue("title"), Slug: strings.TrimSpace(c.FormValue("slug")), BodyMD: normalizeNewlines(c.FormValue("body_md")),
		Kind: c.FormValue("kind"), Tags: c.FormValue("tags"), SectionID: formInt(c, "section_id"),
		Audiences: formValues(c, "audiences"), BaseRevisionID: formInt(c, "base_revision_id"),
		PublishAt: strings.TrimSpace(c.FormValue("publish_at")),
	}
	if a != nil && !posted(c, "settings") {
		f.Slug, f.Kind, f.Tags, f.SectionID, f.Audiences = a.Slug, a.Kind, strings.Join(a.Tags, ", "), a.SectionID, slices.Clone(a.Audiences)
	}
	return f
}

// normalizeNewlines makes a textarea's CRLF line ends plain newlines, so that saving
// an unchanged body does not make a new revision.
func normalizeNewlines(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }

// createArticle saves a new article from the editor, then takes the chosen step.
func (con *console) createArticle(c *fiber.Ctx) error {
	ctx := c.UserContext()
	actor := web.Subject(c)
	form := readForm(c, nil)
	action := c.FormValue("action", actionSave)
	if action == actionPreview {
		return con.rerender(c, nil, form, nil)
	}
	at, err := con.checkAction(c, action, form)
	if err != nil {
		return con.rerender(c, nil, form, err)
	}
	a, err := con.Content.CreateArticle(ctx, actor, content.ArticleInput{
		SectionID: form.SectionID, Title: form.Title, BodyMD: form.BodyMD, Slug: form.Slug, Kind: form.Kind,
		Audiences: nonNilStrings(form.Audiences), Tags: splitTags(form.Tags),
	})
	if err != nil {
		return con.rerender(c, nil, form, err)
	}
	return con.afterSave(c, a, action, at, ui.T(ctx, "admin.editor.created"))
}

// updateArticle saves the editor's form over a saved article, then takes the chosen step.
func (con *console) updateArticle(c *fiber.Ctx) error {
	ctx := c.UserContext()
	actor := web.Subject(c)
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	cur, err := con.Content.ManagedArticle(ctx, actor, id)
	if err != nil {
		return err
	}
	form := readForm(c, cur)
	action := c.FormValue("action", actionSave)
	if c.FormValue("overwrite") != "" {
		// After a conflict the user chose to save their text on top of the newer revision.
		form.BaseRevisionID = formInt(c, "latest_revision_id")
		action = actionSave
	}
	if action == actionPreview {
		return con.rerender(c, cur, form, nil)
	}
	at, err := con.checkAction(c, action, form)
	if err != nil {
		return con.rerender(c, cur, form, err)
	}
	upd := content.ArticleUpdate{BaseRevisionID: form.BaseRevisionID, Title: &form.Title, BodyMD: &form.BodyMD}
	if posted(c, "settings") {
		upd.Slug, upd.SectionID, upd.Kind = &form.Slug, &form.SectionID, &form.Kind
		upd.Audiences, upd.Tags = nonNilStrings(form.Audiences), splitTags(form.Tags)
	}
	a, err := con.Content.UpdateArticle(ctx, actor, id, upd)
	if err != nil {
		return con.rerender(c, cur, form, err)
	}
	msg := ui.T(ctx, "admin.editor.saved")
	if a.CurrentRevisionID == cur.CurrentRevisionID && a.EditedAt.Equal(cur.EditedAt) {
		msg = ui.T(ctx, "admin.editor.unchanged")
	}
	return con.afterSave(c, a, action, at, msg)
}

// checkAction refuses, before anything is saved, a step the user may not take or a
// schedule that cannot be read; it returns the schedule's time.
func (con *console) checkAction(c *fiber.Ctx, action string, form ArticleForm) (*time.Time, error) {
	switch action {
	case actionSave, actionSubmit:
		return nil, nil
	case actionPublish:
		return nil, con.Policy.Require(web.Subject(c), policy.ArticlePublish)
	case actionSchedule:
		if err := con.Policy.Require(web.Subject(c), policy.ArticlePublish); err != nil {
			return nil, err
		}
		at, err := time.ParseInLocation(datetimeLocalLayout, form.PublishAt, consoleZone)
		if err != nil {
			return nil, apperr.InvalidFields(apperr.Field("publish_at", ui.T(c.UserContext(), "admin.editor.schedule_invalid")))
		}
		if !at.After(time.Now()) {
			return nil, apperr.InvalidFields(apperr.Field("publish_at", ui.T(c.UserContext(), "admin.editor.schedule_past")))
		}
		return &at, nil
	}
	return nil, apperr.New(apperr.Invalid, "Nieznane działanie formularza.")
}

// afterSave takes the workflow step the user chose after a successful save and goes
// back to the editor. A refused step (e.g. nothing new to review) is reported on top;
// the save itself stands.
func (con *console) afterSave(c *fiber.Ctx, a *content.ManagedArticle, action string, at *time.Time, saved string) error {
	ctx := c.UserContext()
	actor := web.Subject(c)
	to := articleURL(a.ID, "")
	var err error
	msg := saved
	switch action {
	case actionSubmit:
		_, err = con.Content.SubmitArticle(ctx, actor, a.ID)
		msg = ui.T(ctx, "admin.editor.submitted")
	case actionPublish:
		_, err = con.Content.PublishArticle(ctx, actor, a.ID, nil)
		msg = ui.T(ctx, "admin.editor.published")
	case actionSchedule:
		_, err = con.Content.PublishArticle(ctx, actor, a.ID, at)
		msg = ui.T(ctx, "admin.editor.scheduled", localTime(*at))
	}
	if err != nil {
		if ae := apperr.As(err); ae != nil && (ae.Code == apperr.Conflict || ae.Code == apperr.Invalid) {
			return flashError(c, to, saved+" "+ae.Message)
		}
		return err
	}
	return redirectWithFlash(c, to, msg)
}

// rerender shows the form again with the user's input: for a preview (err nil), invalid
// fields, a refused permission, or a conflict with a newer revision. Anything else goes
// to the error handler.
func (con *console) rerender(c *fiber.Ctx, a *content.ManagedArticle, form ArticleForm, err error) error {
	ctx := c.UserContext()
	actor := web.Subject(c)
	v, verr := con.editorView(c, a, form)
	if verr != nil {
		return verr
	}
	v.Preview = PreviewView{Title: strings.TrimSpace(form.Title), HTML: content.RenderMarkdown(form.BodyMD)}
	if err == nil {
		return web.Render(c, EditorPage(v))
	}
	status := fiber.StatusUnprocessableEntity
	switch ae := apperr.As(err); {
	case ae == nil:
		return err
	case ae.Code == apperr.Invalid:
		for _, f := range ae.Fields {
			v.Errors[f.Field] = f.Message
		}
		if len(ae.Fields) == 0 {
			v.Errors[""] = ae.Message
		}
	case ae.Code == apperr.Forbidden:
		status = fiber.StatusForbidden
		v.Errors[""] = ae.Message
	case ae.Code == apperr.Conflict && a != nil:
		status = fiber.StatusConflict
		conflict, cerr := con.conflictWith(ctx, actor, a.ID, form.BaseRevisionID)
		if cerr != nil {
			return cerr
		}
		v.Conflict = conflict
	default:
		return err
	}
	return web.RenderStatus(c, status, EditorPage(v))
}

// conflictWith describes the newer revision that made a save stale.
func (con *console) conflictWith(ctx context.Context, actor policy.Subject, articleID, baseID int64) (*EditConflict, error) {
	revs, err := con.Content.Revisions(ctx, actor, articleID)
	if err != nil {
		return nil, err
	}
	if len(revs) == 0 {
		return nil, apperr.NotFoundf("Nie ma takiego artykułu.")
	}
	out := &EditConflict{Latest: revs[0]}
	for _, r := range revs {
		if r.ID == baseID {
			out.BaseNumber = r.Number
		}
	}
	if out.BaseNumber > 0 {
		out.DiffURL = articleURL(articleID, "/diff?from="+idString(baseID)+"&to="+idString(revs[0].ID))
	}
	return out, nil
}

// previewArticle renders a body exactly as readers will get it, for the editor's live
// preview (a fragment of HTML).
func (con *console) previewArticle(c *fiber.Ctx) error {
	if err := con.Policy.Require(web.Subject(c), policy.ArticleEdit); err != nil {
		return err
	}
	body := normalizeNewlines(c.FormValue("body_md"))
	if len(body) > maxPreviewBytes {
		return web.RenderStatus(c, fiber.StatusRequestEntityTooLarge, PreviewTooLong())
	}
	p := PreviewView{Title: strings.TrimSpace(c.FormValue("title")), HTML: content.RenderMarkdown(body)}
	return web.Render(c, PreviewPane(p))
}

// maxPreviewBytes is the longest body the preview renders: the longest one the
// knowledge base saves (200 000 characters), counted in bytes with room for Polish letters.
const maxPreviewBytes = 400_000

// articleStep runs one workflow step that carries no edits (unpublish, archive, restore
// from the archive) and goes back to the editor.
func (con *console) articleStep(step func(ctx context.Context, actor policy.Subject, id int64) (*content.ManagedArticle, error), okKey string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ctx := c.UserContext()
		id, err := paramID(c, "id")
		if err != nil {
			return err
		}
		if _, err := step(ctx, web.Subject(c), id); err != nil {
			if ae := apperr.As(err); ae != nil && ae.Code == apperr.Conflict {
				return flashError(c, articleURL(id, ""), ae.Message)
			}
			return err
		}
		return redirectWithFlash(c, articleURL(id, ""), ui.T(ctx, okKey))
	}
}

// nonNilStrings keeps "nothing ticked" distinct from "not given": the service reads nil
// as "the section's audiences" (or "unchanged") and an empty list as a choice to check.
func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// editorAction is where the editor's form posts: the list for a new article, the
// article itself otherwise.
func editorAction(v EditorView) string {
	if v.Article == nil {
		return "/admin/articles"
	}
	return articleURL(v.Article.ID, "")
}

// authorName names a revision's author; revisions outlive their authors' accounts.
func authorName(ctx context.Context, name string) string {
	if name == "" {
		return ui.T(ctx, "admin.unknown_author")
	}
	return name
}
