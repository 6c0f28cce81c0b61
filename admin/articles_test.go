package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/go-cmp/cmp"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/account"
	"github.com/helpcenter/helpcenter/internal/account/accounttest"
	"github.com/helpcenter/helpcenter/internal/app/apptest"
)

// Who gets into the article screens: visitors are sent to sign in, customers do not
// see the console at all, every staff role with article:edit works in it.
func TestArticleScreensAccess(t *testing.T) {
	s := apptest.New(t)
	admin := accounttest.Staff(t, s, "admin")
	sec := edMustSection(t, s, admin, "Faktury", "public")
	a := edMustArticle(t, s, admin, content.ArticleInput{SectionID: sec.ID, Title: "Faktura", BodyMD: "Treść"})
	customer := accounttest.Customer(t, s, "accountant")
	agent := accounttest.Staff(t, s, "agent")
	paths := []string{"/admin/articles", "/admin/articles/new", edPath(a, ""), edPath(a, "/revisions"), edPath(a, "/diff"), "/admin/structure"}
	for _, p := range paths {
		if got := edGet(t, s, nil, p); got.status != http.StatusSeeOther || !strings.HasPrefix(got.location, "/login?next=") {
			t.Errorf("visitor GET %s = %d %q, want a redirect to /login", p, got.status, got.location)
		}
		if got := edGet(t, s, customer.Client, p); got.status != http.StatusNotFound {
			t.Errorf("customer GET %s = %d, want 404", p, got.status)
		}
	}
	for _, p := range paths[:5] {
		if got := edGet(t, s, agent.Client, p); got.status != http.StatusOK {
			t.Errorf("agent GET %s = %d, want 200", p, got.status)
		}
	}
	// Agents do not manage the structure: no link, and the edPage refuses.
	if got := edGet(t, s, agent.Client, "/admin/structure"); got.status != http.StatusForbidden {
		t.Errorf("agent GET /admin/structure = %d, want 403", got.status)
	}
	if edGet(t, s, agent.Client, "/admin/").has(`.console-nav a[href="/admin/structure"]`) {
		t.Error("agent's navigation links to the structure screen")
	}
	// A customer's POST is refused the same way as their GET.
	if got := edPost(t, s, customer, "/admin/articles", url.Values{"title": {"x"}}); got.status != http.StatusNotFound {
		t.Errorf("customer POST /admin/articles = %d, want 404", got.status)
	}
}

// Agents may draft and submit; only editors and admins publish. The buttons follow the
// policy, and the server refuses a publishing request from an agent whatever the edPage
// showed.
func TestAgentCannotPublish(t *testing.T) {
	s := apptest.New(t)
	editor := accounttest.Staff(t, s, "editor")
	agent := accounttest.Staff(t, s, "agent")
	sec := edMustSection(t, s, editor, "Konto", "public")
	draft := edMustArticle(t, s, agent, content.ArticleInput{SectionID: sec.ID, Title: "Jak zmienić hasło", BodyMD: "Kliknij *Ustawienia*."})

	t.Run("buttons", func(t *testing.T) {
		p := edGet(t, s, agent.Client, edPath(draft, ""))
		for _, sel := range []string{"#btn-publish", "#btn-schedule", "#f-publish-at", "#btn-archive", "#btn-unpublish"} {
			if p.has(sel) {
				t.Errorf("agent's editor shows %s", sel)
			}
		}
		if !p.has("#btn-save") || !p.has("#btn-submit") || !p.has("#publish-note") {
			t.Error("agent's editor lacks save, submit or the note about who publishes")
		}
		p = edGet(t, s, editor.Client, edPath(draft, ""))
		for _, sel := range []string{"#btn-save", "#btn-submit", "#btn-publish", "#btn-schedule", "#btn-archive"} {
			if !p.has(sel) {
				t.Errorf("editor's editor lacks %s", sel)
			}
		}
	})

	t.Run("publish refused", func(t *testing.T) {
		for _, action := range []string{"publish", "schedule"} {
			f := edForm(draft, action)
			f.Set("body_md", "Zmieniona treść, której agent nie może opublikować.")
			f.Set("publish_at", "2099-01-01T10:00")
			p := edPost(t, s, agent, edPath(draft, ""), f)
			if p.status != http.StatusForbidden {
				t.Errorf("agent action=%s = %d, want 403", action, p.status)
			}
			// The form comes back with the agent's text, nothing saved or published.
			if got := p.text("#f-body"); got != "Zmieniona treść, której agent nie może opublikować." {
				t.Errorf("agent's text not kept: %q", got)
			}
		}
		if got := edManaged(t, s, editor, draft.ID); got.Live() || got.PublishAt != nil || got.CurrentRevisionID != draft.CurrentRevisionID {
			t.Errorf("after refused publishing: live=%v publish_at=%v revision %d (was %d)", got.Live(), got.PublishAt, got.CurrentRevisionID, draft.CurrentRevisionID)
		}
	})

	t.Run("submit allowed", func(t *testing.T) {
		p := edPost(t, s, agent, edPath(draft, ""), edForm(draft, "submit"))
		if p = edFollow(t, s, agent, p); !strings.Contains(p.text(".flash-ok"), "przeglądu") {
			t.Errorf("flash after submit = %q", p.text(".flash"))
		}
		if got := edManaged(t, s, editor, draft.ID); got.State != content.StateInReview {
			t.Errorf("state after submit = %s", got.State)
		}
	})

	t.Run("workflow steps refused", func(t *testing.T) {
		if _, err := s.Content.PublishArticle(context.Background(), edSubject(editor), draft.ID, nil); err != nil {
			t.Fatal(err)
		}
		for _, step := range []string{"/unpublish", "/archive"} {
			if p := edPost(t, s, agent, edPath(draft, step), nil); p.status != http.StatusForbidden {
				t.Errorf("agent POST %s = %d, want 403", step, p.status)
			}
		}
		if got := edManaged(t, s, editor, draft.ID); !got.Live() || got.State != content.StatePublished {
			t.Errorf("after refused steps: live=%v state=%s", got.Live(), got.State)
		}
		// On the live article the agent may edit the text, not the settings readers see.
		p := edGet(t, s, agent.Client, edPath(draft, ""))
		if !p.has("#settings-locked") || !p.has("#f-slug[disabled]") || p.has(`input[name=settings]`) {
			t.Error("a live article's settings are editable for an agent")
		}
	})
}

// Every state-changing form needs the session's CSRF token in its csrf_token field; a
// missing or wrong one is refused and changes nothing.
func TestConsoleFormsNeedCSRF(t *testing.T) {
	s := apptest.New(t)
	editor := accounttest.Staff(t, s, "editor")
	sec := edMustSection(t, s, editor, "Konto", "public")
	a := edMustArticle(t, s, editor, content.ArticleInput{SectionID: sec.ID, Title: "Hasło", BodyMD: "Treść"})
	forms := map[string]url.Values{
		"/admin/articles":             {"title": {"Nowy"}, "body_md": {"x"}, "section_id": {edID(sec.ID)}, "audiences": {"public"}, "settings": {"1"}},
		edPath(a, ""):                 edForm(a, "publish"),
		edPath(a, "/archive"):         {},
		"/admin/articles/preview":     {"body_md": {"# x"}},
		"/admin/structure/categories": {"name": {"Nowa kategoria"}},
		"/admin/structure/sections/" + edID(sec.ID) + "/delete": {},
	}
	otherSession := accounttest.Staff(t, s, "editor").CSRF
	for path, f := range forms {
		// A nil value keeps the key (so post adds no token) and sends no field at all.
		for name, token := range map[string][]string{"without": nil, "empty": {""}, "wrong": {"not-the-token"}, "another session's": {otherSession}} {
			f := edClone(f)
			f["csrf_token"] = token
			if p := edPost(t, s, editor, path, f); p.status != http.StatusForbidden {
				t.Errorf("POST %s %s token = %d, want 403", path, name, p.status)
			}
		}
	}
	page, err := s.Content.ListArticles(context.Background(), edSubject(editor), content.ManagedFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 1 {
		t.Errorf("articles after refused posts = %d, want 1", page.Total)
	}
	if got := edManaged(t, s, editor, a.ID); got.State != content.StateDraft {
		t.Errorf("state after refused posts = %s", got.State)
	}
	cats, _ := s.Content.AllCategories(context.Background(), edSubject(editor))
	if len(cats) != 1 || len(cats[0].Sections) != 1 {
		t.Errorf("structure changed by refused posts: %d categories", len(cats))
	}
	// With the token the same form works.
	if p := edPost(t, s, editor, edPath(a, "/archive"), nil); p.status != http.StatusSeeOther {
		t.Errorf("POST archive with the token = %d", p.status)
	}
}

func edClone(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

// The editor from the first save to publication: the address is made from a Polish
// title, a taken address is refused next to the field with the text kept, the preview
// is the readers' rendering, and each button takes its step.
func TestEditorLifecycle(t *testing.T) {
	s := apptest.New(t)
	editor := accounttest.Staff(t, s, "editor")
	sec := edMustSection(t, s, editor, "Faktury", "accountant", "office_client")
	other := edMustSection(t, s, editor, "Ogólne", "public")

	newPage := edGet(t, s, editor.Client, "/admin/articles/new?section="+edID(sec.ID))
	if newPage.status != http.StatusOK {
		t.Fatalf("GET new = %d", newPage.status)
	}
	var ticked []string
	newPage.doc.Find("input[name=audiences]:checked").Each(func(_ int, box *goquery.Selection) { ticked = append(ticked, box.AttrOr("value", "")) })
	if diff := cmp.Diff([]string{"accountant", "office_client"}, ticked); diff != "" {
		t.Errorf("a new article's audiences default to its section's (-want +got):\n%s", diff)
	}

	body := "## Krok pierwszy\n\nOtwórz **Sprzedaż** i wybierz fakturę.\n\n<script>alert(1)</script>"
	form := url.Values{"title": {"Jak wystawić fakturę korygującą?"}, "slug": {""}, "body_md": {body}, "kind": {"faq"},
		"section_id": {edID(sec.ID)}, "audiences": {"accountant"}, "tags": {"faktury, korekta"}, "settings": {"1"}, "action": {"save"}}
	p := edPost(t, s, editor, "/admin/articles", form)
	p = edFollow(t, s, editor, p)
	if got := p.doc.Find("#f-slug").AttrOr("value", ""); got != "jak-wystawic-fakture-korygujaca" {
		t.Errorf("slug from the Polish title = %q", got)
	}
	if !strings.Contains(p.text(".flash-ok"), "Zapisano") {
		t.Errorf("flash after create = %q", p.text(".flash"))
	}
	// The preview pane shows the stored rendering, which is what readers get.
	if !p.has("#preview .article-body h2#krok-pierwszy") || !p.has("#preview .article-body strong") {
		t.Error("the preview does not show the rendered body")
	}
	if p.has("#preview script") {
		t.Error("the preview runs scripts from the body")
	}
	id1 := edArticleID(t, p)

	t.Run("taken address is refused beside the field", func(t *testing.T) {
		f := edClone(form)
		f.Set("slug", "jak-wystawic-fakture-korygujaca")
		f.Set("body_md", "Inny tekst, który ma przetrwać błąd.")
		p := edPost(t, s, editor, "/admin/articles", f)
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("duplicate slug = %d", p.status)
		}
		if !p.has("#e-slug") || p.doc.Find("#f-slug").AttrOr("aria-invalid", "") != "true" {
			t.Error("the slug error is not next to the slug field")
		}
		if got := p.text("#f-body"); got != "Inny tekst, który ma przetrwać błąd." {
			t.Errorf("body not kept: %q", got)
		}
	})

	t.Run("audiences that cannot see the section", func(t *testing.T) {
		f := edClone(form)
		f.Set("slug", "")
		f["audiences"] = []string{"partner"}
		p := edPost(t, s, editor, "/admin/articles", f)
		if p.status != http.StatusUnprocessableEntity || !p.has("#e-audiences") {
			t.Errorf("partner-only article in an accountant section = %d, audience error shown: %v", p.status, p.has("#e-audiences"))
		}
		f["audiences"] = nil
		if p := edPost(t, s, editor, "/admin/articles", f); p.status != http.StatusUnprocessableEntity || !p.has("#e-audiences") {
			t.Errorf("no audience ticked = %d", p.status)
		}
	})

	a := edManaged(t, s, editor, id1)
	if a.Kind != content.KindFAQ || !slices.Equal(a.Tags, []string{"faktury", "korekta"}) || !slices.Equal(a.Audiences, []string{"accountant"}) {
		t.Errorf("saved article = kind %s tags %v audiences %v", a.Kind, a.Tags, a.Audiences)
	}

	t.Run("save without changes keeps the revision", func(t *testing.T) {
		p := edFollow(t, s, editor, edPost(t, s, editor, edPath(a, ""), edForm(a, "save")))
		if !strings.Contains(p.text(".flash-ok"), "Nic się nie zmieniło") {
			t.Errorf("flash = %q", p.text(".flash"))
		}
		if got := edManaged(t, s, editor, a.ID); got.CurrentRevisionID != a.CurrentRevisionID {
			t.Error("an unchanged save made a revision")
		}
	})

	t.Run("no-JS preview keeps the text and saves nothing", func(t *testing.T) {
		f := edForm(a, "preview")
		f.Set("body_md", "Nowy **podgląd**")
		p := edPost(t, s, editor, edPath(a, ""), f)
		if p.status != http.StatusOK || !p.has("#preview strong") || p.text("#f-body") != "Nowy **podgląd**" {
			t.Errorf("preview = %d, rendered %v, body %q", p.status, p.has("#preview strong"), p.text("#f-body"))
		}
		if got := edManaged(t, s, editor, a.ID); got.CurrentRevisionID != a.CurrentRevisionID {
			t.Error("preview saved a revision")
		}
	})

	t.Run("schedule then publish now", func(t *testing.T) {
		f := edForm(a, "schedule")
		f.Set("publish_at", "2020-01-01T10:00")
		if p := edPost(t, s, editor, edPath(a, ""), f); p.status != http.StatusUnprocessableEntity || !p.has("#e-publish-at") {
			t.Errorf("schedule in the past = %d", p.status)
		}
		f.Set("publish_at", "2099-05-01T10:30")
		p := edFollow(t, s, editor, edPost(t, s, editor, edPath(a, ""), f))
		got := edManaged(t, s, editor, a.ID)
		if got.PublishAt == nil || got.PublishAt.UTC().Format("2006-01-02T15:04") != "2099-05-01T08:30" {
			t.Errorf("publish_at = %v, want 10:30 in Warsaw (08:30 UTC)", got.PublishAt)
		}
		if !strings.Contains(p.text(".flash-ok"), "2099-05-01 10:30") {
			t.Errorf("flash = %q", p.text(".flash"))
		}
		p = edFollow(t, s, editor, edPost(t, s, editor, edPath(a, ""), edForm(got, "publish")))
		if got := edManaged(t, s, editor, a.ID); !got.Live() || got.PublishAt != nil {
			t.Errorf("after publish: live=%v publish_at=%v", got.Live(), got.PublishAt)
		}
		if p.text("#article-state .badge") != "Opublikowany" {
			t.Errorf("state badge = %q", p.text("#article-state .badge"))
		}
	})

	t.Run("move to another section", func(t *testing.T) {
		cur := edManaged(t, s, editor, a.ID)
		f := edForm(cur, "save")
		f.Set("section_id", edID(other.ID))
		f["audiences"] = []string{"public"}
		edFollow(t, s, editor, edPost(t, s, editor, edPath(a, ""), f))
		if got := edManaged(t, s, editor, a.ID); got.SectionID != other.ID {
			t.Errorf("section = %d, want %d", got.SectionID, other.ID)
		}
	})

	t.Run("unpublish, archive, restore", func(t *testing.T) {
		for _, tc := range []struct{ step, state string }{{"/unpublish", "draft"}, {"/archive", "archived"}, {"/restore", "draft"}} {
			p := edFollow(t, s, editor, edPost(t, s, editor, edPath(a, tc.step), nil))
			if got := edManaged(t, s, editor, a.ID); got.State != tc.state || got.Live() {
				t.Errorf("after %s: state %s live %v", tc.step, got.State, got.Live())
			}
			if !p.has(".flash-ok") {
				t.Errorf("no confirmation after %s", tc.step)
			}
		}
		// A step that makes no sense now is reported, not an error page.
		p := edFollow(t, s, editor, edPost(t, s, editor, edPath(a, "/unpublish"), nil))
		if !p.has(".flash-error") {
			t.Error("unpublishing a draft is not reported")
		}
	})
}

// Saving over a revision someone else saved meanwhile is refused: the form comes back
// with the user's text, says who saved what, links the comparison and offers to save on
// top deliberately.
func TestStaleSaveKeepsText(t *testing.T) {
	s := apptest.New(t)
	anna := accounttest.SignIn(t, s, account.NewUser{Email: "anna@example.com", Name: "Anna Redaktor", StaffRole: "editor"})
	bartek := accounttest.SignIn(t, s, account.NewUser{Email: "bartek@example.com", Name: "Bartek Agent", StaffRole: "agent"})
	sec := edMustSection(t, s, anna, "Konto", "public")
	a := edMustArticle(t, s, anna, content.ArticleInput{SectionID: sec.ID, Title: "Logowanie", BodyMD: "Wersja pierwsza."})

	// Both open the editor on revision 1; Bartek saves first.
	bartekForm := edForm(a, "save")
	bartekForm.Set("body_md", "Wersja Bartka.")
	edFollow(t, s, bartek, edPost(t, s, bartek, edPath(a, ""), bartekForm))

	annaForm := edForm(a, "save")
	annaForm.Set("body_md", "Wersja Anny, długo pisana.")
	p := edPost(t, s, anna, edPath(a, ""), annaForm)
	if p.status != http.StatusConflict {
		t.Fatalf("stale save = %d", p.status)
	}
	if got := p.text("#f-body"); got != "Wersja Anny, długo pisana." {
		t.Errorf("Anna's text not kept: %q", got)
	}
	if msg := p.text("#conflict"); !strings.Contains(msg, "Bartek Agent") || !strings.Contains(msg, "wersję 2") {
		t.Errorf("conflict message does not say who saved what: %q", msg)
	}
	if href := p.doc.Find("#conflict a").AttrOr("href", ""); !strings.Contains(href, "/diff?from=") {
		t.Errorf("no comparison link: %q", href)
	}
	if got := edManaged(t, s, anna, a.ID); got.BodyMD != "Wersja Bartka." {
		t.Errorf("the newer revision was overwritten: %q", got.BodyMD)
	}

	// Saving again the same way is still refused; choosing to save on top works.
	if p := edPost(t, s, anna, edPath(a, ""), annaForm); p.status != http.StatusConflict {
		t.Errorf("second plain save = %d, want 409", p.status)
	}
	latest := p.doc.Find(`input[name=latest_revision_id]`).AttrOr("value", "")
	annaForm.Set("latest_revision_id", latest)
	annaForm.Set("overwrite", "1")
	edFollow(t, s, anna, edPost(t, s, anna, edPath(a, ""), annaForm))
	revs, err := s.Content.Revisions(context.Background(), edSubject(anna), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != 3 || edManaged(t, s, anna, a.ID).BodyMD != "Wersja Anny, długo pisana." {
		t.Errorf("after saving on top: %d revisions, body %q", len(revs), edManaged(t, s, anna, a.ID).BodyMD)
	}
}

// The live preview renders with the readers' renderer: the same HTML the article gets
// when saved, sanitized.
func TestPreviewIsWhatReadersGet(t *testing.T) {
	s := apptest.New(t)
	editor := accounttest.Staff(t, s, "editor")
	md := "# Jak wystawić fakturę\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n[link](javascript:alert(1)) <img src=x onerror=alert(1)>"
	p := edPost(t, s, editor, "/admin/articles/preview", url.Values{"title": {"Tytuł"}, "body_md": {md}})
	if p.status != http.StatusOK {
		t.Fatalf("preview = %d", p.status)
	}
	got, err := p.doc.Find(".article-body").Html()
	if err != nil {
		t.Fatal(err)
	}
	want := content.RenderMarkdown(md)
	norm := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	if !strings.Contains(norm(p.body), norm(want)) {
		t.Errorf("preview is not the readers' rendering:\n got %s\nwant %s", got, want)
	}
	if !p.has("h1#jak-wystawic-fakture") || !p.has("table") || strings.Contains(p.body, "onerror") || strings.Contains(p.body, "javascript:") {
		t.Errorf("preview HTML not as readers get it: %s", got)
	}
	if p.text(".preview-title") != "Tytuł" {
		t.Errorf("preview title = %q", p.text(".preview-title"))
	}
	// A body longer than the knowledge base saves is not rendered.
	if p := edPost(t, s, editor, "/admin/articles/preview", url.Values{"body_md": {strings.Repeat("ą", 250_000)}}); p.status != http.StatusRequestEntityTooLarge || !p.has(".field-error") {
		t.Errorf("over-long preview = %d", p.status)
	}
	// Before there is any section the editor says what to do first.
	if p := edGet(t, s, editor.Client, "/admin/articles/new"); !p.has(`#no-sections a[href="/admin/structure"]`) {
		t.Error("the editor does not point to the structure when there is no section")
	}
	// A customer cannot use the renderer endpoint.
	customer := accounttest.Customer(t, s, "")
	if p := edPost(t, s, customer, "/admin/articles/preview", url.Values{"body_md": {"x"}}); p.status != http.StatusNotFound {
		t.Errorf("customer preview = %d", p.status)
	}
}

// Every article and structure screen reads in Polish by default and in English after
// the language switch, with no message key left untranslated.
func TestArticleScreensInBothLanguages(t *testing.T) {
	s := apptest.New(t)
	editor := accounttest.Staff(t, s, "editor")
	sec := edMustSection(t, s, editor, "Konto", "public")
	a := edMustArticle(t, s, editor, content.ArticleInput{SectionID: sec.ID, Title: "Hasło", BodyMD: "Treść", Kind: content.KindFAQ})
	b := edMustArticle(t, s, editor, content.ArticleInput{SectionID: sec.ID, Title: "Drugi", BodyMD: "x"})
	f := edForm(a, "save")
	f.Set("body_md", "Nowa treść")
	edFollow(t, s, editor, edPost(t, s, editor, edPath(a, ""), f))
	_ = b
	paths := []string{"/admin/", "/admin/articles", "/admin/articles?state=scheduled", "/admin/articles/new", "/admin/articles/new?kind=faq",
		edPath(a, ""), edPath(a, "/revisions"), edPath(a, "/diff"), "/admin/structure",
		"/admin/structure/categories/" + edID(sec.CategoryID), "/admin/structure/sections/" + edID(sec.ID)}
	for _, lang := range []struct{ code, h1 string }{{"pl", "Artykuły"}, {"en", "Articles"}} {
		edGet(t, s, editor.Client, "/lang/"+lang.code+"?next=/")
		if got := edGet(t, s, editor.Client, "/admin/articles").text("main h1"); got != lang.h1 {
			t.Errorf("%s: list heading = %q, want %q", lang.code, got, lang.h1)
		}
		for _, p := range paths {
			page := edGet(t, s, editor.Client, p)
			if page.status != http.StatusOK {
				t.Errorf("%s GET %s = %d", lang.code, p, page.status)
				continue
			}
			// The screen itself; the navigation belongs to the console frame.
			if text := page.doc.Find(".console-main").Text(); strings.Contains(text, "admin.") {
				i := strings.Index(text, "admin.")
				t.Errorf("%s GET %s shows a message key: %q", lang.code, p, text[i:min(len(text), i+60)])
			}
			page.doc.Find(".console-main [aria-label], .console-main [title], .console-main [placeholder], .console-main [data-confirm]").Each(func(_ int, sel *goquery.Selection) {
				for _, attr := range []string{"aria-label", "title", "placeholder", "data-confirm"} {
					if v := sel.AttrOr(attr, ""); strings.HasPrefix(v, "admin.") {
						t.Errorf("%s GET %s: untranslated %s=%q", lang.code, p, attr, v)
					}
				}
			})
		}
	}
}
