package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/account"
	"github.com/helpcenter/helpcenter/internal/account/accounttest"
	"github.com/helpcenter/helpcenter/internal/api/apitest"
	"github.com/helpcenter/helpcenter/internal/app/apptest"
)

// engSite is a help center with one public and one accountant-only article, and people
// signed in with real sessions.
type engSite struct {
	*apptest.Server
	v                           *apitest.Validator
	public, restricted          int64
	customer, accountant, agent *accounttest.User
	editor                      *accounttest.User
}

func newEngSite(t *testing.T) *engSite {
	t.Helper()
	s := apptest.New(t, apptest.Env("HELPCENTER_API_RATE_LIMIT", "1000000"))
	e := &engSite{Server: s, v: apitest.NewValidator(t)}
	ctx := context.Background()
	admin := accounttest.Staff(t, s, "admin").Subject()
	publish := func(audience, slug, title, body string) int64 {
		cat, err := s.Content.CreateCategory(ctx, admin, content.CategoryInput{Name: "Kategoria " + slug, Slug: "kat-" + slug})
		if err != nil {
			t.Fatal(err)
		}
		sec, err := s.Content.CreateSection(ctx, admin, content.SectionInput{CategoryID: cat.ID, Name: "Sekcja " + slug, Slug: "sek-" + slug, Audiences: []string{audience}})
		if err != nil {
			t.Fatal(err)
		}
		a, err := s.Content.CreateArticle(ctx, admin, content.ArticleInput{SectionID: sec.ID, Title: title, BodyMD: body, Slug: slug})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Content.PublishArticle(ctx, admin, a.ID, nil); err != nil {
			t.Fatal(err)
		}
		return a.ID
	}
	e.public = publish("public", "usuwanie-dokumentow", "Usuwanie dokumentów", "Usunięte dokumenty trafiają do kosza na 30 dni.")
	e.restricted = publish("accountant", "procedura-zefir", "Procedura Zefir dla biur", "Zamykanie okresu procedurą Zefir w dokumentach biura.")
	e.customer = accounttest.SignIn(t, s, account.NewUser{Name: "Marta Klientka"})
	e.accountant = accounttest.Customer(t, s, "accountant")
	e.agent = accounttest.SignIn(t, s, account.NewUser{Name: "Ewa Konsultantka", StaffRole: "agent"})
	e.editor = accounttest.Staff(t, s, "editor")
	return e
}

// call sends a JSON request as u (nil: a visitor without cookies), with the session's
// CSRF token, and validates the exchange against the OpenAPI document.
func (e *engSite) call(t *testing.T, u *accounttest.User, method, path, body string) (*http.Response, string) {
	t.Helper()
	var req *http.Request
	if body == "" {
		req, _ = http.NewRequest(method, e.URL+path, nil)
	} else {
		req = apptest.JSONRequest(t, method, e.URL+path, body)
	}
	c := e.Client()
	if u != nil {
		c = u.Client
		req.Header.Set("X-CSRF-Token", u.CSRF)
	}
	return e.v.Do(t, c, req)
}

func articlePath(id int64, rest string) string {
	return "/api/v1/articles/" + strconv.FormatInt(id, 10) + rest
}

func problemField(t *testing.T, body string) string {
	t.Helper()
	var p struct {
		Errors []struct{ Field string } `json:"errors"`
	}
	_ = json.Unmarshal([]byte(body), &p)
	if len(p.Errors) == 0 {
		return ""
	}
	return p.Errors[0].Field
}

func TestEngagementRoutesAreDocumented(t *testing.T) {
	e := newEngSite(t)
	for _, prefix := range []string{"/api/v1/suggest", "/api/v1/admin/comments", "/api/v1/admin/engagement", "/api/v1/articles"} {
		if missing := e.v.Undocumented(e.Server, prefix); len(missing) > 0 {
			t.Errorf("undocumented routes: %v", missing)
		}
	}
}

func TestCommentsOverAPI(t *testing.T) {
	e := newEngSite(t)
	tests := []struct {
		name   string
		who    *accounttest.User
		path   string
		body   string
		status int
		field  string
	}{
		{"visitor", nil, articlePath(e.public, "/comments"), `{"body":"Pytanie"}`, 401, ""},
		{"article the customer cannot read", e.customer, articlePath(e.restricted, "/comments"), `{"body":"Pytanie"}`, 404, ""},
		{"unknown field", e.customer, articlePath(e.public, "/comments"), `{"body":"Pytanie","author":"admin"}`, 400, "author"},
		{"too long", e.customer, articlePath(e.public, "/comments"), `{"body":"` + strings.Repeat("a", content.MaxCommentLen+1) + `"}`, 400, "body"},
		{"blank", e.customer, articlePath(e.public, "/comments"), `{"body":"  \n "}`, 400, "body"},
		{"no such article", e.customer, "/api/v1/articles/99999/comments", `{"body":"Pytanie"}`, 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := e.call(t, tt.who, http.MethodPost, tt.path, tt.body)
			if resp.StatusCode != tt.status || problemField(t, body) != tt.field {
				t.Fatalf("%d %s; want %d naming %q", resp.StatusCode, body, tt.status, tt.field)
			}
		})
	}

	t.Run("without the CSRF token", func(t *testing.T) {
		req := apptest.JSONRequest(t, http.MethodPost, e.URL+articlePath(e.public, "/comments"), `{"body":"Pytanie"}`)
		resp, _ := apptest.Do(t, e.customer.Client, req)
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("status %d", resp.StatusCode)
		}
	})

	resp, body := e.call(t, e.customer, http.MethodPost, articlePath(e.public, "/comments"), `{"body":"Czy kosz  opróżnia się sam?\r\n\r\n\r\nDzięki"}`)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("post: %d %s", resp.StatusCode, body)
	}
	var q struct {
		ID        int64  `json:"id"`
		Body      string `json:"body"`
		FromStaff bool   `json:"from_staff"`
		Author    string `json:"author_name"`
	}
	_ = json.Unmarshal([]byte(body), &q)
	if q.Body != "Czy kosz  opróżnia się sam?\n\nDzięki" || q.FromStaff || q.Author != "Marta Klientka" {
		t.Errorf("posted %+v", q)
	}
	resp, body = e.call(t, e.agent, http.MethodPost, articlePath(e.public, "/comments"), `{"body":"Tak, po 30 dniach.","parent_id":`+strconv.FormatInt(q.ID, 10)+`}`)
	if resp.StatusCode != http.StatusCreated || !strings.Contains(body, `"from_staff":true`) || !strings.Contains(body, `"parent_id":`+strconv.FormatInt(q.ID, 10)) {
		t.Fatalf("staff answer: %d %s", resp.StatusCode, body)
	}
	resp, _ = e.call(t, e.accountant, http.MethodPost, articlePath(e.restricted, "/comments"), `{"body":"Dziękuję za procedurę."}`)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("accountant on the accountants' article: %d", resp.StatusCode)
	}

	// Moderation: customers may not, agents may; hidden comments leave the public list.
	if resp, _ := e.call(t, e.customer, http.MethodPost, "/api/v1/admin/comments/"+strconv.FormatInt(q.ID, 10)+"/hide", ""); resp.StatusCode != http.StatusForbidden {
		t.Errorf("customer hides: %d", resp.StatusCode)
	}
	if resp, _ := e.call(t, nil, http.MethodPost, "/api/v1/admin/comments/"+strconv.FormatInt(q.ID, 10)+"/hide", ""); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("visitor hides: %d", resp.StatusCode)
	}
	if resp, body := e.call(t, e.agent, http.MethodPost, "/api/v1/admin/comments/99999/hide", ""); resp.StatusCode != http.StatusNotFound {
		t.Errorf("hide a missing comment: %d %s", resp.StatusCode, body)
	}
	if resp, body := e.call(t, e.agent, http.MethodPost, "/api/v1/admin/comments/"+strconv.FormatInt(q.ID, 10)+"/hide", ""); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("agent hides: %d %s", resp.StatusCode, body)
	}
	_, list := e.call(t, nil, http.MethodGet, articlePath(e.public, "/comments"), "")
	if strings.Contains(list, "Czy kosz") {
		t.Errorf("a hidden comment is listed: %s", list)
	}
	if resp, _ := e.call(t, e.agent, http.MethodPost, "/api/v1/admin/comments/"+strconv.FormatInt(q.ID, 10)+"/show", ""); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("agent shows: %d", resp.StatusCode)
	}
	_, list = e.call(t, nil, http.MethodGet, articlePath(e.public, "/comments"), "")
	if !strings.Contains(list, "Czy kosz") {
		t.Errorf("a comment shown again is not listed: %s", list)
	}

	// The question becomes a request of its author.
	resp, body = e.call(t, e.agent, http.MethodPost, "/api/v1/admin/comments/"+strconv.FormatInt(q.ID, 10)+"/request", "")
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("to request: %d %s", resp.StatusCode, body)
	}
	var r struct {
		RequestID int64 `json:"request_id"`
	}
	_ = json.Unmarshal([]byte(body), &r)
	if resp, again := e.call(t, e.agent, http.MethodPost, "/api/v1/admin/comments/"+strconv.FormatInt(q.ID, 10)+"/request", ""); resp.StatusCode != http.StatusOK || !strings.Contains(again, `"existing":true`) {
		t.Errorf("second time: %d %s", resp.StatusCode, again)
	}
	resp, mine := e.call(t, e.customer, http.MethodGet, "/api/v1/requests/"+strconv.FormatInt(r.RequestID, 10), "")
	if resp.StatusCode != http.StatusOK || !strings.Contains(mine, "Pytanie pod artykułem: Usuwanie dokumentów") || !strings.Contains(mine, "Czy kosz") {
		t.Errorf("the commenter's request: %d %s", resp.StatusCode, mine)
	}
	if resp, _ := e.call(t, e.customer, http.MethodPost, "/api/v1/admin/comments/"+strconv.FormatInt(q.ID, 10)+"/request", ""); resp.StatusCode != http.StatusForbidden {
		t.Errorf("customer turns a comment into a request: %d", resp.StatusCode)
	}

	// The moderators' list shows the request the comment became.
	resp, body = e.call(t, e.agent, http.MethodGet, "/api/v1/admin/comments?from_customers=true&limit=5", "")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"request_id":`+strconv.FormatInt(r.RequestID, 10)) || strings.Contains(body, "Tak, po 30 dniach") {
		t.Errorf("moderation list: %d %s", resp.StatusCode, body)
	}
	if resp, _ := e.call(t, e.customer, http.MethodGet, "/api/v1/admin/comments", ""); resp.StatusCode != http.StatusForbidden {
		t.Errorf("customer lists comments: %d", resp.StatusCode)
	}
	if resp, body := e.call(t, e.agent, http.MethodGet, "/api/v1/admin/comments?hidden=maybe", ""); resp.StatusCode != http.StatusBadRequest || problemField(t, body) != "hidden" {
		t.Errorf("hidden=maybe: %d %s", resp.StatusCode, body)
	}
}

func TestVotesOverAPI(t *testing.T) {
	e := newEngSite(t)
	for _, tt := range []struct {
		name   string
		who    *accounttest.User
		id     int64
		body   string
		status int
	}{
		{"visitor", nil, e.public, `{"helpful":true}`, 401},
		{"missing answer", e.customer, e.public, `{}`, 400},
		{"wrong type", e.customer, e.public, `{"helpful":"tak"}`, 400},
		{"restricted article", e.customer, e.restricted, `{"helpful":true}`, 404},
		{"vote", e.customer, e.public, `{"helpful":false}`, 204},
		{"change the vote", e.customer, e.public, `{"helpful":true}`, 204},
		{"accountant on the accountants' article", e.accountant, e.restricted, `{"helpful":true}`, 204},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if resp, body := e.call(t, tt.who, http.MethodPost, articlePath(tt.id, "/votes"), tt.body); resp.StatusCode != tt.status {
				t.Fatalf("%d %s, want %d", resp.StatusCode, body, tt.status)
			}
		})
	}
	var n int
	var helpful bool
	if err := e.DB.Pool.QueryRow(context.Background(), `SELECT count(*), bool_and(helpful) FROM votes WHERE article_id = $1`, e.public).Scan(&n, &helpful); err != nil || n != 1 || !helpful {
		t.Errorf("votes: %d helpful=%v, %v", n, helpful, err)
	}
}

func TestSuggestOverAPI(t *testing.T) {
	e := newEngSite(t)
	titles := func(who *accounttest.User, q string) []string {
		t.Helper()
		resp, body := e.call(t, who, http.MethodGet, "/api/v1/suggest?q="+strings.ReplaceAll(q, " ", "+"), "")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("suggest %q: %d %s", q, resp.StatusCode, body)
		}
		if cc := resp.Header.Get("Cache-Control"); !strings.HasPrefix(cc, "private") {
			t.Errorf("Cache-Control %q", cc)
		}
		var out struct {
			Data []struct{ Title, URL string }
		}
		_ = json.Unmarshal([]byte(body), &out)
		var ts []string
		for _, d := range out.Data {
			ts = append(ts, d.Title+" "+d.URL)
		}
		return ts
	}
	if got := titles(nil, "usuniete dokumenty"); len(got) != 1 || got[0] != "Usuwanie dokumentów /articles/usuwanie-dokumentow" {
		t.Errorf("visitor: %q", got)
	}
	if got := titles(nil, "procedura zefir"); len(got) != 0 {
		t.Errorf("a visitor is offered %q", got)
	}
	if got := titles(e.accountant, "procedura zefir"); len(got) != 1 {
		t.Errorf("accountant: %q", got)
	}
	if got := titles(nil, "us"); len(got) != 0 {
		t.Errorf("two letters: %q", got)
	}
	if resp, body := e.call(t, nil, http.MethodGet, "/api/v1/suggest?q=usuwanie&limit=9", ""); resp.StatusCode != 400 || problemField(t, body) != "limit" {
		t.Errorf("limit 9: %d %s", resp.StatusCode, body)
	}
	var logged int
	if err := e.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM search_log`).Scan(&logged); err != nil || logged != 0 {
		t.Errorf("suggestions were logged as searches: %d, %v", logged, err)
	}
}

func TestAPISearchesAreLogged(t *testing.T) {
	e := newEngSite(t)
	ctx := context.Background()
	resp, body := e.call(t, nil, http.MethodGet, "/api/v1/search?q=usuniete+dokumenty&limit=1", "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("search: %d %s", resp.StatusCode, body)
	}
	// The same search again comes from the read cache; it is still a search.
	e.call(t, e.customer, http.MethodGet, "/api/v1/search?q=usuniete+dokumenty&limit=1", "")
	e.call(t, nil, http.MethodGet, "/api/v1/search?q=kasa+fiskalna+xqzv", "")
	var cursor struct {
		Next *string `json:"next_cursor"`
	}
	_ = json.Unmarshal([]byte(body), &cursor)
	if cursor.Next != nil { // a further page is not a new search
		e.call(t, nil, http.MethodGet, "/api/v1/search?q=usuniete+dokumenty&limit=1&cursor="+*cursor.Next, "")
	}
	rows, err := e.DB.Pool.Query(ctx, `SELECT query, results, source, reader FROM search_log ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var q, source, reader string
		var n int
		if err := rows.Scan(&q, &n, &source, &reader); err != nil {
			t.Fatal(err)
		}
		got = append(got, q+" "+strconv.Itoa(n)+" "+source+" "+reader)
	}
	want := []string{"usuniete dokumenty 1 api anonymous", "usuniete dokumenty 1 api customer", "kasa fiskalna xqzv 0 api anonymous"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("search log:\n got %q\nwant %q", got, want)
	}

	resp, body = e.call(t, e.editor, http.MethodGet, "/api/v1/admin/engagement?days=7&limit=5", "")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"searches":3`) || !strings.Contains(body, `"top_no_results":[{"query":"kasa fiskalna xqzv"`) {
		t.Errorf("dashboard: %d %s", resp.StatusCode, body)
	}
	if resp, _ := e.call(t, e.customer, http.MethodGet, "/api/v1/admin/engagement", ""); resp.StatusCode != http.StatusForbidden {
		t.Errorf("customer dashboard: %d", resp.StatusCode)
	}
	if resp, body := e.call(t, e.editor, http.MethodGet, "/api/v1/admin/engagement?days=0", ""); resp.StatusCode != 400 || problemField(t, body) != "days" {
		t.Errorf("days=0: %d %s", resp.StatusCode, body)
	}
}
