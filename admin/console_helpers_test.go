package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/account/accounttest"
	"github.com/helpcenter/helpcenter/internal/app/apptest"
	"github.com/helpcenter/helpcenter/policy"
)

// edPage is an HTML answer parsed for selector checks.
type edPage struct {
	status   int
	location string
	body     string
	doc      *goquery.Document
}

func edParse(t *testing.T, resp *http.Response, body string) edPage {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return edPage{status: resp.StatusCode, location: resp.Header.Get("Location"), body: body, doc: doc}
}

// text is the trimmed text of the first match of sel.
func (p edPage) text(sel string) string { return strings.TrimSpace(p.doc.Find(sel).First().Text()) }

// has reports whether sel matches anything.
func (p edPage) has(sel string) bool { return p.doc.Find(sel).Length() > 0 }

// get fetches a console edPage as the client (nil: a fresh visitor's client).
func edGet(t *testing.T, s *apptest.Server, c *http.Client, path string) edPage {
	t.Helper()
	if c == nil {
		c = s.Client()
	}
	req, err := http.NewRequest(http.MethodGet, s.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, body := apptest.Do(t, c, req)
	return edParse(t, resp, body)
}

// post submits a form the way a browser does: the CSRF token travels in the csrf_token
// field (set from u unless the values carry their own), never in a header.
func edPost(t *testing.T, s *apptest.Server, u *accounttest.User, path string, form url.Values) edPage {
	t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf_token"]; !ok {
		form.Set("csrf_token", u.CSRF)
	}
	req, err := http.NewRequest(http.MethodPost, s.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, body := apptest.Do(t, u.Client, req)
	return edParse(t, resp, body)
}

// follow fetches the edPage a redirect points to, with the flash message it carries.
func edFollow(t *testing.T, s *apptest.Server, u *accounttest.User, p edPage) edPage {
	t.Helper()
	if p.status != http.StatusSeeOther || p.location == "" {
		t.Fatalf("expected a redirect, got %d:\n%s", p.status, p.body)
	}
	return edGet(t, s, u.Client, p.location)
}

// subject is who a signed-in test user is to the services.
func edSubject(u *accounttest.User) policy.Subject { return u.User.Subject() }

// mustSection creates a category with one section of the given audiences.
func edMustSection(t *testing.T, s *apptest.Server, admin *accounttest.User, name string, audiences ...string) *content.Section {
	t.Helper()
	ctx := context.Background()
	cat, err := s.Content.CreateCategory(ctx, edSubject(admin), content.CategoryInput{Name: "Kategoria " + name})
	if err != nil {
		t.Fatal(err)
	}
	sec, err := s.Content.CreateSection(ctx, edSubject(admin), content.SectionInput{CategoryID: cat.ID, Name: name, Audiences: audiences})
	if err != nil {
		t.Fatal(err)
	}
	return sec
}

// mustArticle creates a draft through the service.
func edMustArticle(t *testing.T, s *apptest.Server, author *accounttest.User, in content.ArticleInput) *content.ManagedArticle {
	t.Helper()
	a, err := s.Content.CreateArticle(context.Background(), edSubject(author), in)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// managed reads an article as staff sees it.
func edManaged(t *testing.T, s *apptest.Server, u *accounttest.User, id int64) *content.ManagedArticle {
	t.Helper()
	a, err := s.Content.ManagedArticle(context.Background(), edSubject(u), id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// editorForm is what the editor posts for an article, as a browser would send it.
func edForm(a *content.ManagedArticle, action string) url.Values {
	f := url.Values{
		"title": {a.Title}, "slug": {a.Slug}, "body_md": {a.BodyMD}, "kind": {a.Kind},
		"section_id": {edID(a.SectionID)}, "tags": {strings.Join(a.Tags, ", ")}, "audiences": a.Audiences,
		"base_revision_id": {edID(a.CurrentRevisionID)}, "settings": {"1"}, "action": {action},
	}
	return f
}

func edID(n int64) string { return strconv.FormatInt(n, 10) }

func edPath(a *content.ManagedArticle, suffix string) string {
	return "/admin/articles/" + edID(a.ID) + suffix
}

// articleIDFrom reads the article id from an editor page's form.
func edArticleID(t *testing.T, p edPage) int64 {
	t.Helper()
	action := p.doc.Find("form#editor").AttrOr("action", "")
	n, err := strconv.ParseInt(strings.TrimPrefix(action, "/admin/articles/"), 10, 64)
	if err != nil {
		t.Fatalf("no article id in the editor's action %q", action)
	}
	return n
}
