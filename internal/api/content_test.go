package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/content/contenttest"
	"github.com/helpcenter/helpcenter/internal/account"
	"github.com/helpcenter/helpcenter/internal/api/apitest"
	"github.com/helpcenter/helpcenter/internal/apitoken"
	"github.com/helpcenter/helpcenter/internal/app/apptest"
	"github.com/helpcenter/helpcenter/internal/audit"
	"github.com/helpcenter/helpcenter/internal/db/dbtest"
	"github.com/helpcenter/helpcenter/internal/web"
	"github.com/helpcenter/helpcenter/policy"
)

// kbServer is the whole product over real HTTP with the shared corpus imported.
type kbServer struct {
	*apptest.Server
	corpus *contenttest.Corpus
	v      *apitest.Validator
	admin  policy.Subject
	// ids maps the corpus's article ids to database ids.
	ids map[string]int64
}

func newKBServer(t *testing.T, opts ...apptest.Option) *kbServer {
	t.Helper()
	corpus := contenttest.Load(t)
	s := apptest.New(t, append([]apptest.Option{apptest.Env("HELPCENTER_API_RATE_LIMIT", "1000000")}, opts...)...)
	ctx := context.Background()
	if _, err := s.Content.ImportFS(ctx, os.DirFS(corpus.Dir), audit.System); err != nil {
		t.Fatal(err)
	}
	k := &kbServer{Server: s, corpus: corpus, v: apitest.NewValidator(t), ids: map[string]int64{}}
	k.admin = k.user(t, "", "admin").subject
	rows, err := s.DB.Pool.Query(ctx, "SELECT external_id, id FROM articles")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var ext string
		var id int64
		if err := rows.Scan(&ext, &id); err != nil {
			t.Fatal(err)
		}
		k.ids[ext] = id
	}
	// Every article gets a comment naming it, so a leaked comment shows up as a leaked title.
	author := k.user(t, "", "").subject
	dbtest.MustExec(t, s.DB, `INSERT INTO comments (article_id, author_id, body)
		SELECT a.id, $1, 'Komentarz do: ' || r.title FROM articles a JOIN article_revisions r ON r.id = a.published_revision_id`, author.UserID)
	return k
}

// kbCaller is how one viewer authenticates: header pairs for each request.
type kbCaller struct {
	name    string
	header  []string
	subject policy.Subject
}

// user creates a user and signs them in with a real session cookie.
func (k *kbServer) user(t *testing.T, accountType, staffRole string) kbCaller {
	t.Helper()
	ctx := context.Background()
	u, err := k.Accounts.BootstrapUser(ctx, account.NewUser{Email: fmt.Sprintf("%s%s-%d@example.com", accountType, staffRole, time.Now().UnixNano()),
		Name: "Czytelnik", AccountType: accountType, StaffRole: staffRole})
	if err != nil {
		t.Fatal(err)
	}
	sess, err := k.Accounts.StartSession(ctx, u.ID, account.SessionMeta{IP: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	return kbCaller{name: "user " + accountType + staffRole, header: []string{"Cookie", web.SessionCookie + "=" + sess.Token}, subject: u.Subject()}
}

// token creates an API token and returns it as a caller.
func (k *kbServer) token(t *testing.T, in apitoken.CreateInput) kbCaller {
	t.Helper()
	tok, err := k.Tokens.Create(context.Background(), k.admin, in)
	if err != nil {
		t.Fatal(err)
	}
	return kbCaller{name: "token " + strings.Join(in.Audiences, "+") + in.StaffRole, header: []string{"Authorization", "Bearer " + tok.Secret},
		subject: policy.Subject{TokenID: tok.ID, StaffRole: in.StaffRole}}
}

// get fetches path as the caller and validates the exchange against the OpenAPI document.
func (k *kbServer) get(t *testing.T, who kbCaller, path string, extra ...string) (*http.Response, string) {
	t.Helper()
	return k.v.Get(t, k.Server, path, append(slices.Clone(who.header), extra...)...)
}

func kbDecode[T any](t *testing.T, body string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("decode %T: %v\n%.300s", v, err, body)
	}
	return v
}

type kbSummary struct {
	ID         int64    `json:"id"`
	Slug       string   `json:"slug"`
	Title      string   `json:"title"`
	ExternalID *string  `json:"external_id"`
	Audiences  []string `json:"audiences"`
}

type kbList struct {
	Data       []kbSummary `json:"data"`
	NextCursor *string     `json:"next_cursor"`
	Total      int         `json:"total"`
}

type kbCategories struct {
	Data []struct {
		Sections []struct {
			Slug         string  `json:"slug"`
			ExternalID   *string `json:"external_id"`
			ArticleCount int     `json:"article_count"`
		} `json:"sections"`
	} `json:"data"`
}

type kbProblem struct {
	Status int    `json:"status"`
	Title  string `json:"title"`
	Errors []struct {
		Field string `json:"field"`
	} `json:"errors"`
}

// jsonStrings returns the strings of a JSON document, for the leak check (so escapes
// hide nothing). A problem document's "instance" is left out: it only echoes the URL the
// caller asked for.
func jsonStrings(body string) string {
	var v any
	if json.Unmarshal([]byte(body), &v) != nil {
		return body
	}
	var b strings.Builder
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			b.WriteString(x)
			b.WriteByte('\n')
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for k, e := range x {
				if k != "instance" {
					walk(e)
				}
			}
		}
	}
	walk(v)
	return b.String()
}

// TestHTTPVisibilityMatrix checks every public read endpoint, over real HTTP, for every
// kind of caller (anonymous, signed in with each account type or none, each staff role,
// API tokens for audiences and for a staff role) against the corpus's own rules, and
// looks for restricted titles, slugs and words in every answer.
func TestHTTPVisibilityMatrix(t *testing.T) {
	k := newKBServer(t)
	callers := []kbCaller{
		{name: "anonymous", subject: policy.Anonymous},
		k.user(t, "", ""),
		k.user(t, "accountant", ""),
		k.user(t, "office_client", ""),
		k.user(t, "partner", ""),
		k.user(t, "", "agent"),
		k.user(t, "", "editor"),
		k.user(t, "", "admin"),
		k.token(t, apitoken.CreateInput{Name: "publiczny", Audiences: []string{"public"}}),
		k.token(t, apitoken.CreateInput{Name: "zalogowani", Audiences: []string{"signed_in"}}),
		k.token(t, apitoken.CreateInput{Name: "księgowi", Audiences: []string{"accountant"}}),
		k.token(t, apitoken.CreateInput{Name: "partnerzy i klienci", Audiences: []string{"partner", "office_client"}}),
		k.token(t, apitoken.CreateInput{Name: "wewnętrzny", Audiences: []string{"staff"}}),
		k.token(t, apitoken.CreateInput{Name: "redakcja", StaffRole: "editor"}),
	}
	for _, who := range callers {
		t.Run(who.name, func(t *testing.T) {
			allowed := k.Policy.Audiences(who.subject)
			visible, hidden := k.corpus.Split(allowed)
			var served strings.Builder
			keep := func(body string) { served.WriteString(jsonStrings(body)) }

			var listed []string
			next := "/api/v1/articles?limit=40"
			for next != "" {
				resp, body := k.get(t, who, next)
				if resp.StatusCode != 200 {
					t.Fatalf("GET %s = %d %s", next, resp.StatusCode, body)
				}
				keep(body)
				page := kbDecode[kbList](t, body)
				for _, a := range page.Data {
					listed = append(listed, *a.ExternalID)
				}
				next = ""
				if page.NextCursor != nil {
					next = "/api/v1/articles?limit=40&cursor=" + url.QueryEscape(*page.NextCursor)
				}
			}
			if diff := cmp.Diff(kbIDs(visible), kbSorted(listed)); diff != "" {
				t.Errorf("listed articles (-want +got):\n%s", diff)
			}

			for _, a := range k.corpus.Articles {
				want := 404
				if k.corpus.Visible(allowed, a) {
					want = 200
				}
				id := k.ids[a.ID]
				for _, path := range []string{fmt.Sprintf("/api/v1/articles/%d", id), "/api/v1/articles/" + a.Slug,
					fmt.Sprintf("/api/v1/articles/%d/comments", id), "/api/v1/articles?external_id=" + a.ID} {
					resp, body := k.get(t, who, path)
					keep(body)
					switch {
					case strings.Contains(path, "external_id"):
						if n := len(kbDecode[kbList](t, body).Data); (n == 1) != (want == 200) {
							t.Errorf("%s: %d articles for %v", path, n, a.Audiences)
						}
					case resp.StatusCode != want:
						t.Errorf("%s (%v): %d, want %d", path, a.Audiences, resp.StatusCode, want)
					}
				}
			}

			resp, body := k.get(t, who, "/api/v1/categories")
			if resp.StatusCode != 200 {
				t.Fatalf("categories: %d", resp.StatusCode)
			}
			keep(body)
			counts := map[string]int{}
			for _, a := range visible {
				counts[a.SectionID]++
			}
			shown := map[string]bool{}
			for _, c := range kbDecode[kbCategories](t, body).Data {
				for _, s := range c.Sections {
					shown[*s.ExternalID] = true
					if s.ArticleCount != counts[*s.ExternalID] {
						t.Errorf("section %s counts %d, want %d", *s.ExternalID, s.ArticleCount, counts[*s.ExternalID])
					}
				}
			}
			for _, cat := range k.corpus.Categories {
				for _, s := range cat.Sections {
					canSee := slices.ContainsFunc(s.Audiences, func(a string) bool { return slices.Contains(allowed, a) })
					if shown[s.ID] != canSee {
						t.Errorf("section %s listed %v, want %v", s.ID, shown[s.ID], canSee)
					}
					resp, body := k.get(t, who, "/api/v1/sections/"+s.Slug)
					keep(body)
					if (resp.StatusCode == 200) != canSee {
						t.Errorf("section %s: %d", s.Slug, resp.StatusCode)
					}
				}
			}

			// Search for what the hidden articles say.
			secrets := k.corpus.Secrets(allowed)
			for _, h := range hidden {
				q := h.Title
				if w := secrets[h.ID]; len(w) > 0 {
					q = strings.Join(w[:min(3, len(w))], " ")
				}
				resp, body := k.get(t, who, "/api/v1/search?limit=100&q="+url.QueryEscape(q))
				if resp.StatusCode != 200 {
					t.Fatalf("search %q: %d %s", q, resp.StatusCode, body)
				}
				keep(body)
				res := kbDecode[kbList](t, body)
				if res.Total != len(res.Data) {
					t.Errorf("search %q: total %d, %d results", q, res.Total, len(res.Data))
				}
				for _, hit := range res.Data {
					if !slices.Contains(kbIDs(visible), *hit.ExternalID) {
						t.Errorf("search %q found hidden %s", q, *hit.ExternalID)
					}
				}
			}

			for _, l := range k.corpus.FindLeaks(allowed, served.String()) {
				t.Errorf("leak of hidden article %s: %s", l.ArticleID, l.What)
			}
		})
	}
}

func kbIDs(as []content.ArticleRecord) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.ID
	}
	return kbSorted(out)
}

func kbSorted(s []string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	return s
}
