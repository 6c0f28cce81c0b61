package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/helpcenter/helpcenter/internal/account/accounttest"
	"github.com/helpcenter/helpcenter/internal/api/apitest"
	"github.com/helpcenter/helpcenter/internal/apitoken"
	"github.com/helpcenter/helpcenter/internal/app/apptest"
)

// contentManager calls the management API as one caller (a session with its CSRF
// header, a bearer token, or nobody) and checks every exchange against the OpenAPI
// document.
type contentManager struct {
	s      *apptest.Server
	v      *apitest.Validator
	client *http.Client
	header map[string]string
}

func sessionCaller(t *testing.T, s *apptest.Server, u *accounttest.User) *contentManager {
	return &contentManager{s: s, v: apitest.NewValidator(t), client: u.Client, header: map[string]string{"X-CSRF-Token": u.CSRF}}
}

func tokenCaller(t *testing.T, s *apptest.Server, secret string) *contentManager {
	return &contentManager{s: s, v: apitest.NewValidator(t), client: s.Client(), header: map[string]string{"Authorization": "Bearer " + secret}}
}

func (m *contentManager) call(t *testing.T, method, path, body string) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, m.s.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range m.header {
		req.Header.Set(k, v)
	}
	resp, text := m.v.Do(t, m.client, req)
	return resp.StatusCode, text
}

// must calls and insists on a status, decoding the answer into out (when not nil).
func (m *contentManager) must(t *testing.T, want int, method, path, body string, out any) {
	t.Helper()
	st, text := m.call(t, method, path, body)
	if st != want {
		t.Fatalf("%s %s = %d, want %d: %s", method, path, st, want, text)
	}
	if out != nil {
		if err := json.Unmarshal([]byte(text), out); err != nil {
			t.Fatalf("decode %s: %v", text, err)
		}
	}
}

type managedArticle struct {
	ID                  int64    `json:"id"`
	SectionID           int64    `json:"section_id"`
	Slug                string   `json:"slug"`
	Kind                string   `json:"kind"`
	State               string   `json:"state"`
	Audiences           []string `json:"audiences"`
	Tags                []string `json:"tags"`
	Title               string   `json:"title"`
	BodyMD              *string  `json:"body_md"`
	BodyHTML            *string  `json:"body_html"`
	CurrentRevisionID   int64    `json:"current_revision_id"`
	PublishedRevisionID *int64   `json:"published_revision_id"`
	Live                bool     `json:"live"`
	PublishAt           *string  `json:"publish_at"`
	SourceTicketIDs     []int64  `json:"source_ticket_ids"`
}

type problemDoc struct {
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
}

func problemFields(t *testing.T, body string) []string {
	t.Helper()
	var p problemDoc
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatalf("not a problem document: %s", body)
	}
	var out []string
	for _, e := range p.Errors {
		out = append(out, e.Field)
	}
	return out
}

func TestManageContentAPI(t *testing.T) {
	s := apptest.New(t)
	editor := sessionCaller(t, s, accounttest.Staff(t, s, "editor"))

	var cat struct {
		ID       int64  `json:"id"`
		Slug     string `json:"slug"`
		Sections []any  `json:"sections"`
	}
	editor.must(t, 201, "POST", "/api/v1/admin/categories", `{"name": "Księgowość"}`, &cat)
	if cat.Slug != "ksiegowosc" || cat.Sections == nil {
		t.Errorf("category = %+v", cat)
	}
	var sec struct {
		ID        int64    `json:"id"`
		Audiences []string `json:"audiences"`
	}
	editor.must(t, 201, "POST", "/api/v1/admin/sections", fmt.Sprintf(`{"category_id": %d, "name": "Zamknięcie miesiąca", "audiences": ["accountant"]}`, cat.ID), &sec)

	// A draft takes its section's audiences and gets a slug from its Polish title.
	var a managedArticle
	editor.must(t, 201, "POST", "/api/v1/admin/articles", fmt.Sprintf(`{"section_id": %d, "title": "Jak zamknąć miesiąc?", "body_md": "## Krok 1\n\nSprawdź **saldo**.", "kind": "faq", "tags": ["okres"]}`, sec.ID), &a)
	if a.Slug != "jak-zamknac-miesiac" || a.State != "draft" || a.Live || a.PublishedRevisionID != nil ||
		!slices.Equal(a.Audiences, []string{"accountant"}) || a.BodyHTML == nil || !strings.Contains(*a.BodyHTML, `<h2 id="krok-1">`) {
		t.Errorf("created = %+v", a)
	}
	path := fmt.Sprintf("/api/v1/admin/articles/%d", a.ID)

	// A PATCH from the current revision saves a new one; readers still get nothing.
	var v2 managedArticle
	editor.must(t, 200, "PATCH", path, fmt.Sprintf(`{"base_revision_id": %d, "body_md": "## Krok 1\n\nSprawdź **saldo** i rozrachunki."}`, a.CurrentRevisionID), &v2)
	if v2.CurrentRevisionID == a.CurrentRevisionID || v2.Title != "Jak zamknąć miesiąc?" || !slices.Equal(v2.Tags, []string{"okres"}) {
		t.Errorf("after PATCH = %+v", v2)
	}

	t.Run("stale revision is refused, nothing changes", func(t *testing.T) {
		st, body := editor.call(t, "PATCH", path, fmt.Sprintf(`{"base_revision_id": %d, "body_md": "Starsza baza"}`, a.CurrentRevisionID))
		if st != http.StatusConflict || !strings.Contains(body, "nowszą wersję") {
			t.Fatalf("stale PATCH = %d %s", st, body)
		}
		var now managedArticle
		editor.must(t, 200, "GET", path, "", &now)
		if now.CurrentRevisionID != v2.CurrentRevisionID || !strings.Contains(*now.BodyMD, "rozrachunki") {
			t.Errorf("after the refused save: %+v", now)
		}
	})

	t.Run("list with filters", func(t *testing.T) {
		var other managedArticle
		editor.must(t, 201, "POST", "/api/v1/admin/articles", fmt.Sprintf(`{"section_id": %d, "title": "Inny artykuł", "audiences": ["accountant", "staff"]}`, sec.ID), &other)
		var list struct {
			Data       []managedArticle `json:"data"`
			NextCursor *string          `json:"next_cursor"`
			Total      int              `json:"total"`
		}
		for q, want := range map[string][]int64{
			"":                                  {other.ID, a.ID},
			"?kind=faq":                         {a.ID},
			"?q=MIESI":                          {a.ID},
			"?audience=staff":                   {other.ID},
			"?author=me&state=draft":            {other.ID, a.ID},
			fmt.Sprintf("?section=%d", sec.ID):  {other.ID, a.ID},
			fmt.Sprintf("?category=%d", cat.ID): {other.ID, a.ID},
			"?state=published":                  nil,
			"?scheduled=true":                   nil,
		} {
			editor.must(t, 200, "GET", "/api/v1/admin/articles"+q, "", &list)
			var got []int64
			for _, d := range list.Data {
				got = append(got, d.ID)
				if d.BodyMD != nil {
					t.Errorf("list %q carries bodies", q)
				}
			}
			if !slices.Equal(got, want) || list.Total != len(want) {
				t.Errorf("list %q = %v (total %d), want %v", q, got, list.Total, want)
			}
		}
		editor.must(t, 200, "GET", "/api/v1/admin/articles?limit=1", "", &list)
		if list.NextCursor == nil || list.Total != 2 {
			t.Fatalf("first page of one: %+v", list)
		}
		editor.must(t, 200, "GET", "/api/v1/admin/articles?limit=1&cursor="+*list.NextCursor, "", &list)
		if len(list.Data) != 1 || list.Data[0].ID != a.ID || list.NextCursor != nil {
			t.Errorf("second page: %+v", list)
		}
	})

	// Submit, then publish for accountants: an accountant's token reads it, a visitor
	// gets 404.
	editor.must(t, 200, "POST", path+"/submit", "", &a)
	if a.State != "in_review" {
		t.Errorf("after submit: %s", a.State)
	}
	editor.must(t, 200, "POST", path+"/publish", "", &a)
	if a.State != "published" || !a.Live || a.PublishedRevisionID == nil || *a.PublishedRevisionID != v2.CurrentRevisionID {
		t.Errorf("after publish: %+v", a)
	}
	tok, err := s.Tokens.Create(context.Background(), accounttest.Staff(t, s, "admin").User.Subject(), apitoken.CreateInput{Name: "frontend", Audiences: []string{"accountant"}})
	if err != nil {
		t.Fatal(err)
	}
	reader := tokenCaller(t, s, tok.Secret)
	var read struct {
		Title  string `json:"title"`
		BodyMD string `json:"body_md"`
	}
	reader.must(t, 200, "GET", fmt.Sprintf("/api/v1/articles/%d", a.ID), "", &read)
	if !strings.Contains(read.BodyMD, "rozrachunki") {
		t.Errorf("accountant reads %+v", read)
	}
	anon := &contentManager{s: s, v: editor.v, client: s.Client()}
	if st, _ := anon.call(t, "GET", fmt.Sprintf("/api/v1/articles/%d", a.ID), ""); st != http.StatusNotFound {
		t.Errorf("anonymous read = %d, want 404", st)
	}

	t.Run("revisions and restore", func(t *testing.T) {
		var revs struct {
			Data []struct {
				ID         int64   `json:"id"`
				Number     int     `json:"number"`
				AuthorName *string `json:"author_name"`
			} `json:"data"`
		}
		editor.must(t, 200, "GET", path+"/revisions", "", &revs)
		if len(revs.Data) != 2 || revs.Data[0].Number != 2 || revs.Data[0].AuthorName == nil {
			t.Fatalf("revisions = %+v", revs)
		}
		var first struct {
			BodyMD string `json:"body_md"`
		}
		editor.must(t, 200, "GET", fmt.Sprintf("%s/revisions/%d", path, revs.Data[1].ID), "", &first)
		if first.BodyMD != "## Krok 1\n\nSprawdź **saldo**." {
			t.Errorf("revision 1 body = %q", first.BodyMD)
		}
		var restored managedArticle
		editor.must(t, 200, "POST", fmt.Sprintf("%s/revisions/%d/restore", path, revs.Data[1].ID), fmt.Sprintf(`{"base_revision_id": %d}`, v2.CurrentRevisionID), &restored)
		if *restored.BodyMD != first.BodyMD || !restored.Live || restored.CurrentRevisionID == v2.CurrentRevisionID {
			t.Errorf("after restore: %+v", restored)
		}
		// Readers keep the published revision until the next publish.
		reader.must(t, 200, "GET", fmt.Sprintf("/api/v1/articles/%d", a.ID), "", &read)
		if !strings.Contains(read.BodyMD, "rozrachunki") {
			t.Error("a restore changed what readers get before publishing")
		}
		if st, _ := editor.call(t, "POST", fmt.Sprintf("%s/revisions/%d/restore", path, revs.Data[1].ID), fmt.Sprintf(`{"base_revision_id": %d}`, v2.CurrentRevisionID)); st != http.StatusConflict {
			t.Errorf("restore from a stale base = %d, want 409", st)
		}
	})

	t.Run("schedule, unpublish, archive, restore", func(t *testing.T) {
		at := time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)
		var got managedArticle
		editor.must(t, 200, "POST", path+"/publish", `{"at": "`+at+`"}`, &got)
		if got.PublishAt == nil || *got.PublishAt != at {
			t.Errorf("publish_at = %v, want %s", got.PublishAt, at)
		}
		editor.must(t, 200, "POST", path+"/unpublish", "", &got)
		if got.Live || got.PublishAt != nil || got.State != "draft" {
			t.Errorf("after unpublish: %+v", got)
		}
		if st, _ := editor.call(t, "POST", path+"/unpublish", ""); st != http.StatusConflict {
			t.Errorf("unpublishing a draft = %d, want 409", st)
		}
		editor.must(t, 200, "POST", path+"/archive", "", &got)
		editor.must(t, 200, "POST", path+"/restore", "", &got)
		if got.State != "draft" {
			t.Errorf("after restore from archive: %s", got.State)
		}
		if st, _ := anon.call(t, "GET", fmt.Sprintf("/api/v1/articles/%d", a.ID), ""); st != http.StatusNotFound {
			t.Error("an unpublished article is readable")
		}
	})

	t.Run("structure", func(t *testing.T) {
		var cats struct {
			Data []struct {
				ID       int64 `json:"id"`
				Sections []struct {
					ID           int64 `json:"id"`
					ArticleCount int   `json:"article_count"`
				} `json:"sections"`
			} `json:"data"`
		}
		editor.must(t, 200, "GET", "/api/v1/admin/categories", "", &cats)
		if len(cats.Data) != 1 || len(cats.Data[0].Sections) != 1 || cats.Data[0].Sections[0].ArticleCount != 2 {
			t.Fatalf("categories = %+v", cats)
		}
		secPath := fmt.Sprintf("/api/v1/admin/sections/%d", sec.ID)
		if st, body := editor.call(t, "DELETE", secPath, ""); st != http.StatusConflict || !strings.Contains(body, "artykuły") {
			t.Errorf("deleting a section with articles = %d %s", st, body)
		}
		if st, _ := editor.call(t, "DELETE", fmt.Sprintf("/api/v1/admin/categories/%d", cat.ID), ""); st != http.StatusConflict {
			t.Errorf("deleting a category with sections = %d", st)
		}
		var other struct {
			ID int64 `json:"id"`
		}
		editor.must(t, 201, "POST", "/api/v1/admin/categories", `{"name": "Inne", "description": "Różne"}`, &other)
		var moved struct {
			CategoryID int64    `json:"category_id"`
			Name       string   `json:"name"`
			Audiences  []string `json:"audiences"`
		}
		editor.must(t, 200, "PATCH", secPath, fmt.Sprintf(`{"category_id": %d, "name": "Zamknięcie roku", "audiences": ["accountant", "office_client"]}`, other.ID), &moved)
		if moved.CategoryID != other.ID || moved.Name != "Zamknięcie roku" || !slices.Equal(moved.Audiences, []string{"accountant", "office_client"}) {
			t.Errorf("moved section = %+v", moved)
		}
		var ordered struct {
			Data []struct {
				ID int64 `json:"id"`
			} `json:"data"`
		}
		editor.must(t, 200, "PUT", "/api/v1/admin/categories/order", fmt.Sprintf(`{"category_ids": [%d, %d]}`, other.ID, cat.ID), &ordered)
		if len(ordered.Data) != 2 || ordered.Data[0].ID != other.ID {
			t.Errorf("order = %+v", ordered)
		}
		if st, body := editor.call(t, "PUT", "/api/v1/admin/categories/order", fmt.Sprintf(`{"category_ids": [%d]}`, other.ID)); st != 400 || !slices.Equal(problemFields(t, body), []string{"category_ids"}) {
			t.Errorf("incomplete order = %d %s", st, body)
		}
		var renamed struct {
			Name     string `json:"name"`
			Sections []any  `json:"sections"`
		}
		editor.must(t, 200, "PATCH", fmt.Sprintf("/api/v1/admin/categories/%d", other.ID), `{"name": "Rok obrotowy"}`, &renamed)
		if renamed.Name != "Rok obrotowy" || len(renamed.Sections) != 1 {
			t.Errorf("renamed = %+v", renamed)
		}
		editor.must(t, 204, "DELETE", fmt.Sprintf("/api/v1/admin/categories/%d", cat.ID), "", nil)
		var secs struct {
			Data []any `json:"data"`
		}
		editor.must(t, 200, "GET", fmt.Sprintf("/api/v1/admin/sections?category=%d", other.ID), "", &secs)
		if len(secs.Data) != 1 {
			t.Errorf("sections of the other category = %d", len(secs.Data))
		}
	})
}

// Bad input answers 400 naming each field; what does not exist answers 404.
func TestManageContentAPIErrors(t *testing.T) {
	s := apptest.New(t)
	editor := sessionCaller(t, s, accounttest.Staff(t, s, "editor"))
	var cat, sec struct {
		ID int64 `json:"id"`
	}
	editor.must(t, 201, "POST", "/api/v1/admin/categories", `{"name": "Konto"}`, &cat)
	editor.must(t, 201, "POST", "/api/v1/admin/sections", fmt.Sprintf(`{"category_id": %d, "name": "Logowanie", "audiences": ["accountant"]}`, cat.ID), &sec)
	var a managedArticle
	editor.must(t, 201, "POST", "/api/v1/admin/articles", fmt.Sprintf(`{"section_id": %d, "title": "Hasło"}`, sec.ID), &a)
	path := fmt.Sprintf("/api/v1/admin/articles/%d", a.ID)

	fieldCases := []struct {
		name, method, path, body string
		fields                   []string
	}{
		{"no title, unknown section", "POST", "/api/v1/admin/articles", `{"section_id": 999999, "title": " ", "audiences": ["public"]}`, []string{"title", "section_id"}},
		{"unknown field", "POST", "/api/v1/admin/articles", fmt.Sprintf(`{"section_id": %d, "title": "x", "colour": "red"}`, sec.ID), []string{"colour"}},
		{"wrong type", "POST", "/api/v1/admin/articles", `{"section_id": "jeden", "title": "x"}`, []string{"section_id"}},
		{"taken slug", "POST", "/api/v1/admin/articles", fmt.Sprintf(`{"section_id": %d, "title": "x", "slug": "%s"}`, sec.ID, a.Slug), []string{"slug"}},
		{"bad slug", "PATCH", path, fmt.Sprintf(`{"base_revision_id": %d, "slug": "Zły adres"}`, a.CurrentRevisionID), []string{"slug"}},
		{"audience that cannot see the section", "POST", "/api/v1/admin/articles", fmt.Sprintf(`{"section_id": %d, "title": "x", "audiences": ["partner"]}`, sec.ID), []string{"audiences"}},
		{"no audience", "PATCH", path, fmt.Sprintf(`{"base_revision_id": %d, "audiences": []}`, a.CurrentRevisionID), []string{"audiences"}},
		{"unknown audience and kind", "PATCH", path, fmt.Sprintf(`{"base_revision_id": %d, "audiences": ["martians"], "kind": "poem"}`, a.CurrentRevisionID), []string{"kind", "audiences"}},
		{"no base revision", "PATCH", path, `{"title": "Nowy"}`, []string{"base_revision_id"}},
		{"restore without base", "POST", path + "/revisions/1/restore", `{}`, []string{"base_revision_id"}},
		{"bad list filters", "GET", "/api/v1/admin/articles?state=live&kind=poem&section=x&limit=1000", "", []string{"limit"}},
		{"bad list filters after limit", "GET", "/api/v1/admin/articles?state=live&kind=poem&author=someone", "", []string{"state", "kind", "author"}},
		{"bad publish time", "POST", path + "/publish", `{"at": "jutro"}`, []string{"at"}},
		{"section without a name", "POST", "/api/v1/admin/sections", fmt.Sprintf(`{"category_id": %d, "name": "", "slug": "pusta", "audiences": ["nobody"]}`, cat.ID), []string{"name", "audiences"}},
		{"category without a name", "POST", "/api/v1/admin/categories", `{"name": "", "slug": "pusta"}`, []string{"name"}},
	}
	for _, tc := range fieldCases {
		t.Run(tc.name, func(t *testing.T) {
			st, body := editor.call(t, tc.method, tc.path, tc.body)
			if st != http.StatusBadRequest {
				t.Fatalf("%s %s = %d %s", tc.method, tc.path, st, body)
			}
			got := problemFields(t, body)
			slices.Sort(got)
			want := slices.Clone(tc.fields)
			slices.Sort(want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("fields (-want +got):\n%s\n%s", diff, body)
			}
		})
	}

	for _, tc := range []struct{ method, path, body string }{
		{"GET", "/api/v1/admin/articles/999999", ""},
		{"PATCH", "/api/v1/admin/articles/999999", `{"base_revision_id": 1, "title": "x"}`},
		{"POST", "/api/v1/admin/articles/999999/publish", ""},
		{"GET", "/api/v1/admin/articles/999999/revisions", ""},
		{"GET", path + "/revisions/999999", ""},
		{"POST", path + "/revisions/999999/restore", fmt.Sprintf(`{"base_revision_id": %d}`, a.CurrentRevisionID)},
		{"PATCH", "/api/v1/admin/categories/999999", `{"name": "x"}`},
		{"DELETE", "/api/v1/admin/sections/999999", ""},
		{"PUT", "/api/v1/admin/categories/999999/section-order", `{"section_ids": []}`},
	} {
		if st, body := editor.call(t, tc.method, tc.path, tc.body); st != http.StatusNotFound {
			t.Errorf("%s %s = %d, want 404: %s", tc.method, tc.path, st, body)
		}
	}
	// Another article's revision is not this article's.
	var b managedArticle
	editor.must(t, 201, "POST", "/api/v1/admin/articles", fmt.Sprintf(`{"section_id": %d, "title": "Inny"}`, sec.ID), &b)
	if st, _ := editor.call(t, "GET", fmt.Sprintf("%s/revisions/%d", path, b.CurrentRevisionID), ""); st != http.StatusNotFound {
		t.Errorf("another article's revision = %d, want 404", st)
	}
}

// Who may do what: visitors and customers do not see the management API; agents draft
// and submit but do not publish or touch the structure; the session needs its CSRF
// token, a bearer token does not.
func TestManageContentAPIPermissions(t *testing.T) {
	s := apptest.New(t)
	ctx := context.Background()
	editorUser := accounttest.Staff(t, s, "editor")
	editor := sessionCaller(t, s, editorUser)
	agent := sessionCaller(t, s, accounttest.Staff(t, s, "agent"))
	customer := sessionCaller(t, s, accounttest.Customer(t, s, "accountant"))
	anon := &contentManager{s: s, v: editor.v, client: s.Client()}

	var cat, sec struct {
		ID int64 `json:"id"`
	}
	editor.must(t, 201, "POST", "/api/v1/admin/categories", `{"name": "Konto"}`, &cat)
	editor.must(t, 201, "POST", "/api/v1/admin/sections", fmt.Sprintf(`{"category_id": %d, "name": "Logowanie"}`, cat.ID), &sec)
	newArticle := fmt.Sprintf(`{"section_id": %d, "title": "Szkic agenta"}`, sec.ID)

	for _, who := range []*contentManager{anon, customer} {
		for _, r := range [][2]string{{"GET", "/api/v1/admin/articles"}, {"POST", "/api/v1/admin/articles"}, {"GET", "/api/v1/admin/categories"}} {
			body := ""
			if r[0] == "POST" {
				body = newArticle
			}
			if st, _ := who.call(t, r[0], r[1], body); st != http.StatusNotFound {
				t.Errorf("non-staff %s %s = %d, want 404", r[0], r[1], st)
			}
		}
	}

	var a managedArticle
	agent.must(t, 201, "POST", "/api/v1/admin/articles", newArticle, &a)
	path := fmt.Sprintf("/api/v1/admin/articles/%d", a.ID)
	agent.must(t, 200, "PATCH", path, fmt.Sprintf(`{"base_revision_id": %d, "body_md": "Treść"}`, a.CurrentRevisionID), &a)
	agent.must(t, 200, "POST", path+"/submit", "", &a)
	for _, step := range []string{"/publish", "/unpublish", "/archive"} {
		if st, _ := agent.call(t, "POST", path+step, ""); st != http.StatusForbidden {
			t.Errorf("agent POST %s = %d, want 403", step, st)
		}
	}
	for _, r := range [][3]string{
		{"POST", "/api/v1/admin/categories", `{"name": "Nowa"}`},
		{"PATCH", fmt.Sprintf("/api/v1/admin/sections/%d", sec.ID), `{"name": "Inna"}`},
		{"DELETE", fmt.Sprintf("/api/v1/admin/categories/%d", cat.ID), ""},
	} {
		if st, _ := agent.call(t, r[0], r[1], r[2]); st != http.StatusForbidden {
			t.Errorf("agent %s %s = %d, want 403", r[0], r[1], st)
		}
	}
	// The agent still reads the structure it writes into.
	agent.must(t, 200, "GET", "/api/v1/admin/categories", "", nil)

	// A session call without its CSRF token is refused and changes nothing.
	noToken := &contentManager{s: s, v: editor.v, client: editorUser.Client}
	if st, _ := noToken.call(t, "POST", path+"/publish", ""); st != http.StatusForbidden {
		t.Errorf("publish without CSRF token = %d, want 403", st)
	}
	wrongToken := &contentManager{s: s, v: editor.v, client: editorUser.Client, header: map[string]string{"X-CSRF-Token": "wrong"}}
	if st, _ := wrongToken.call(t, "POST", path+"/publish", ""); st != http.StatusForbidden {
		t.Errorf("publish with a wrong CSRF token = %d, want 403", st)
	}
	editor.must(t, 200, "GET", path, "", &a)
	if a.Live {
		t.Fatal("published without a CSRF token")
	}

	// A staff token publishes without any CSRF token; a reader token gets 404.
	admin := accounttest.Staff(t, s, "admin").User.Subject()
	staffTok, err := s.Tokens.Create(ctx, admin, apitoken.CreateInput{Name: "automation", StaffRole: "editor"})
	if err != nil {
		t.Fatal(err)
	}
	tokenCaller(t, s, staffTok.Secret).must(t, 200, "POST", path+"/publish", "", &a)
	if !a.Live {
		t.Error("staff token did not publish")
	}
	readerTok, err := s.Tokens.Create(ctx, admin, apitoken.CreateInput{Name: "frontend", Audiences: []string{"public"}})
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := tokenCaller(t, s, readerTok.Secret).call(t, "GET", "/api/v1/admin/articles", ""); st != http.StatusNotFound {
		t.Errorf("reader token on the management API = %d, want 404", st)
	}
}

// Every management route of the knowledge base is in the OpenAPI document.
func TestManageContentAPIDocumented(t *testing.T) {
	s := apptest.New(t)
	v := apitest.NewValidator(t)
	for _, prefix := range []string{"/api/v1/admin/articles", "/api/v1/admin/categories", "/api/v1/admin/sections"} {
		if missing := v.Undocumented(s, prefix); len(missing) > 0 {
			t.Errorf("undocumented routes: %v", missing)
		}
	}
}
