package admin

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/ui"
	"github.com/helpcenter/helpcenter/internal/web"
	"github.com/helpcenter/helpcenter/policy"
)

// articlesPerPage is the length of one page of the console's article list.
const articlesPerPage = 25

// ArticleListView is the list of articles in every state, with its filters.
type ArticleListView struct {
	Frame
	Filter    ArticleFilterForm
	Rows      []ArticleRow
	Total     int
	Sections  []SectionGroup
	Audiences []AudienceOption
	Authors   []AuthorOption
	// NextURL continues the list; FirstURL goes back to its start (set on later pages).
	NextURL, FirstURL string
}

// ArticleFilterForm keeps the filter form's input as typed.
type ArticleFilterForm struct {
	Text, State, Kind, Audience, Section, Author, Cursor string
}

// Active reports whether any filter narrows the list.
func (f ArticleFilterForm) Active() bool {
	return f.Text != "" || f.State != "" || f.Kind != "" || f.Audience != "" || f.Section != "" || f.Author != ""
}

// query is the filter as URL parameters, without the cursor.
func (f ArticleFilterForm) query() url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"q": f.Text, "state": f.State, "kind": f.Kind, "audience": f.Audience, "section": f.Section, "author": f.Author} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q
}

// AuthorOption is a staff member in the author filter.
type AuthorOption struct {
	Value, Label string
}

// ArticleRow is one article in the list.
type ArticleRow struct {
	ID                     int64
	Title, Slug            string
	State, StateLabel      string
	KindLabel              string
	Section, Category      string
	Audiences              []string
	Author                 string
	Edited                 time.Time
	PublishAt              *time.Time
	UnpublishedChanges     bool
	SourceTickets          int
	IsFAQ, Live, Scheduled bool
}

// articleStates are the states the list filters by, in workflow order.
var articleStates = []string{content.StateDraft, content.StateInReview, content.StatePublished, content.StateArchived}

// articleStateScheduled is the list filter for articles waiting for a scheduled time.
const articleStateScheduled = "scheduled"

func (con *console) articleList(c *fiber.Ctx) error {
	ctx := c.UserContext()
	actor := web.Subject(c)
	if err := con.Policy.Require(actor, policy.ArticleEdit); err != nil {
		return err
	}
	form := ArticleFilterForm{
		Text: strings.TrimSpace(c.Query("q")), State: c.Query("state"), Kind: c.Query("kind"), Audience: c.Query("audience"),
		Section: c.Query("section"), Author: c.Query("author"), Cursor: c.Query("cursor"),
	}
	f := content.ManagedFilter{Text: form.Text, Limit: articlesPerPage, Cursor: form.Cursor}
	switch {
	case form.State == articleStateScheduled:
		f.Scheduled = true
	case slices.Contains(articleStates, form.State):
		f.State = form.State
	default:
		form.State = ""
	}
	if form.Kind == content.KindArticle || form.Kind == content.KindFAQ {
		f.Kind = form.Kind
	} else {
		form.Kind = ""
	}
	if slices.Contains(con.Policy.AllAudiences(), form.Audience) {
		f.Audience = form.Audience
	} else {
		form.Audience = ""
	}
	if id, err := strconv.ParseInt(form.Section, 10, 64); err == nil && id > 0 {
		f.SectionID = id
	} else {
		form.Section = ""
	}
	switch id, err := strconv.ParseInt(form.Author, 10, 64); {
	case form.Author == "me":
		f.AuthorID = actor.UserID
	case err == nil && id > 0:
		f.AuthorID = id
	default:
		form.Author = ""
	}

	page, err := con.Content.ListArticles(ctx, actor, f)
	if err != nil {
		return err
	}
	cats, err := con.Content.AllCategories(ctx, actor)
	if err != nil {
		return err
	}
	audiences, err := con.audienceOptions(ctx)
	if err != nil {
		return err
	}
	v := ArticleListView{
		Frame: con.frame(c, ui.T(ctx, "admin.nav.articles"), "articles"), Filter: form, Total: page.Total,
		Sections: sectionGroups(cats), Audiences: audiences,
	}
	names := con.staffNames(ctx, actor)
	v.Authors = append(v.Authors, AuthorOption{Value: "me", Label: ui.T(ctx, "admin.articles.author_me")})
	for _, p := range names.list {
		v.Authors = append(v.Authors, AuthorOption{Value: idString(p.id), Label: p.name})
	}
	for _, a := range page.Articles {
		row := ArticleRow{
			ID: a.ID, Title: a.Title, Slug: a.Slug, State: a.State, StateLabel: stateLabel(ctx, a.State),
			KindLabel: kindLabel(ctx, a.Kind), Author: names.name(a.AuthorID),
			Edited: a.EditedAt, PublishAt: a.PublishAt, UnpublishedChanges: a.Live() && a.HasUnpublishedChanges(),
			SourceTickets: len(a.SourceTicketIDs), IsFAQ: a.Kind == content.KindFAQ, Live: a.Live(), Scheduled: a.PublishAt != nil,
		}
		if sec, cat, ok := findSection(v.Sections, a.SectionID); ok {
			row.Section, row.Category = sec.Name, cat
		}
		for _, aud := range a.Audiences {
			row.Audiences = append(row.Audiences, audienceLabel(audiences, aud))
		}
		v.Rows = append(v.Rows, row)
	}
	if page.NextCursor != "" {
		q := form.query()
		q.Set("cursor", page.NextCursor)
		v.NextURL = "/admin/articles?" + q.Encode()
	}
	if form.Cursor != "" {
		v.FirstURL = "/admin/articles"
		if q := form.query().Encode(); q != "" {
			v.FirstURL += "?" + q
		}
	}
	return web.Render(c, ArticleListPage(v))
}

// staffDirectory names the staff members who write articles.
type staffDirectory struct {
	list []staffName
}

type staffName struct {
	id   int64
	name string
}

func (d staffDirectory) name(id int64) string {
	for _, p := range d.list {
		if p.id == id {
			return p.name
		}
	}
	if id == 0 {
		return "—"
	}
	return "#" + idString(id)
}

// staffNames lists the staff for the author filter and column. The ticket service knows
// the staff (everyone who works the inbox); without it, or without the right to see the
// inbox, authors are shown by number and the filter offers "mine" only.
func (con *console) staffNames(ctx context.Context, actor policy.Subject) staffDirectory {
	var d staffDirectory
	if con.Tickets == nil || !con.Policy.Can(actor, policy.TicketRead) {
		return d
	}
	people, err := con.Tickets.Assignees(ctx, actor)
	if err != nil {
		return d
	}
	for _, p := range people {
		d.list = append(d.list, staffName{id: p.ID, name: p.DisplayName()})
	}
	return d
}

// countLabel is "1 artykuł", "3 artykuły", "25 artykułów".
func countLabel(ctx context.Context, n int) string {
	return strconv.Itoa(n) + " " + ui.Plural(ctx, n, ui.T(ctx, "admin.articles.one"), ui.T(ctx, "admin.articles.few"), ui.T(ctx, "admin.articles.many"))
}

// mountArticles adds the article screens: the list, the editor and its preview, the
// workflow steps without edits, and the history.
func mountArticles(r fiber.Router, con *console) {
	r.Get("/articles", con.articleList)
	r.Post("/articles", con.createArticle)
	r.Get("/articles/new", con.newArticle)
	r.Post("/articles/preview", con.previewArticle)
	r.Get("/articles/:id<int>", con.editArticle)
	r.Post("/articles/:id<int>", con.updateArticle)
	r.Post("/articles/:id<int>/unpublish", con.articleStep(con.Content.UnpublishArticle, "admin.editor.unpublished"))
	r.Post("/articles/:id<int>/archive", con.articleStep(con.Content.ArchiveArticle, "admin.editor.archived"))
	r.Post("/articles/:id<int>/restore", con.articleStep(con.Content.RestoreArticle, "admin.editor.restored"))
	r.Get("/articles/:id<int>/revisions", con.articleRevisions)
	r.Get("/articles/:id<int>/diff", con.articleDiff)
	r.Post("/articles/:id<int>/revisions/:rev<int>/restore", con.restoreRevision)
}
