package content_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/content/contenttest"
	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/db/dbtest"
	"github.com/helpcenter/helpcenter/policy"
)

type viewer struct {
	name string
	subj policy.Subject
}

// viewers are every kind of reader: anonymous, signed in with each account type or
// none, each staff role, and API tokens bound to audiences.
func viewers(t *testing.T, env *env) []viewer {
	t.Helper()
	vs := []viewer{
		{"anonymous", policy.Anonymous},
		{"signed in without type", mustUser(t, env.d, "", "")},
		{"accountant", mustUser(t, env.d, "accountant", "")},
		{"office client", mustUser(t, env.d, "office_client", "")},
		{"partner", mustUser(t, env.d, "partner", "")},
		{"agent", mustUser(t, env.d, "", "agent")},
		{"editor", mustUser(t, env.d, "", "editor")},
		{"admin", mustUser(t, env.d, "", "admin")},
	}
	// Tokens as the token service stores them: one policy line per audience of the
	// closure (see content.ClosedAudiences).
	for i, auds := range [][]string{{"public"}, {"accountant"}, {"partner", "office_client"}, {"staff"}} {
		id := int64(9000 + i)
		for _, a := range content.ClosedAudiences(auds) {
			dbtest.MustExec(t, env.d, "INSERT INTO casbin_rule (ptype, v0, v1, v2) VALUES ('p', $1, $2, 'read')",
				fmt.Sprintf("token:%d", id), "audience:"+a)
		}
		vs = append(vs, viewer{"token " + strings.Join(auds, "+"), policy.Subject{TokenID: id}})
	}
	if err := env.e.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	return vs
}

// TestVisibilityMatrix imports the shared corpus and, for every kind of reader, checks
// every read method against the corpus's own visibility rules, then looks for
// restricted titles, slugs and words in everything the reader was given.
func TestVisibilityMatrix(t *testing.T) {
	corpus := contenttest.Load(t)
	ctx := context.Background()
	env := newEnv(t)
	mustImportCorpus(t, env)
	idByExt := map[string]int64{}
	{
		admin := mustUser(t, env.d, "", "admin")
		page, err := env.svc.ListArticles(ctx, admin, content.ManagedFilter{Limit: 100})
		for err == nil {
			for _, a := range page.Articles {
				idByExt[a.ExternalID] = a.ID
			}
			if page.NextCursor == "" {
				break
			}
			page, err = env.svc.ListArticles(ctx, admin, content.ManagedFilter{Limit: 100, Cursor: page.NextCursor})
		}
		if err != nil || len(idByExt) != len(corpus.Articles) {
			t.Fatalf("imported %d articles (%v), want %d", len(idByExt), err, len(corpus.Articles))
		}
	}

	for _, v := range viewers(t, env) {
		t.Run(v.name, func(t *testing.T) {
			allowed := env.e.Audiences(v.subj)
			visible, hidden := corpus.Split(allowed)
			if len(visible) == 0 {
				t.Fatalf("viewer reads %v and sees nothing: the matrix would prove nothing", allowed)
			}
			var served []any

			// Lists: every page, exactly the visible articles.
			var listed []string
			f := content.ArticleFilter{Limit: 17}
			for {
				page, err := env.svc.FindArticles(ctx, v.subj, f)
				if err != nil {
					t.Fatal(err)
				}
				served = append(served, page)
				for _, a := range page.Articles {
					listed = append(listed, a.ExternalID)
				}
				if page.NextCursor == "" {
					break
				}
				f.Cursor = page.NextCursor
			}
			if diff := cmp.Diff(ids(visible), sorted(listed)); diff != "" {
				t.Errorf("listed articles (-want +got):\n%s", diff)
			}

			// Single articles by id and by slug.
			for _, a := range corpus.Articles {
				want := corpus.Visible(allowed, a)
				for _, ref := range []string{fmt.Sprint(idByExt[a.ID]), a.Slug} {
					got, err := env.svc.Article(ctx, v.subj, ref)
					switch {
					case want && err != nil:
						t.Errorf("%s (%v) by %s: %v, want the article", a.ID, a.Audiences, ref, err)
					case !want && !apperr.Is(err, apperr.NotFound):
						t.Errorf("%s (%v) by %s: %v, want not found", a.ID, a.Audiences, ref, err)
					case want:
						served = append(served, got)
					}
				}
				cm, err := env.svc.Comments(ctx, v.subj, idByExt[a.ID], content.CommentFilter{})
				if want != (err == nil) || (!want && !apperr.Is(err, apperr.NotFound)) {
					t.Errorf("comments of %s: %v (visible %v)", a.ID, err, want)
				}
				served = append(served, cm)
			}

			// Categories, sections and their counts.
			cats, err := env.svc.Categories(ctx, v.subj)
			if err != nil {
				t.Fatal(err)
			}
			served = append(served, cats)
			counts := map[string]int{}
			for _, a := range visible {
				counts[a.SectionID]++
			}
			var sections []string
			for _, c := range cats {
				for _, s := range c.Sections {
					sections = append(sections, s.ExternalID)
					if s.ArticleCount != counts[s.ExternalID] {
						t.Errorf("section %s counts %d articles, want %d", s.ExternalID, s.ArticleCount, counts[s.ExternalID])
					}
					one, err := env.svc.Section(ctx, v.subj, s.Slug)
					if err != nil || one.ArticleCount != s.ArticleCount {
						t.Errorf("section %s alone: %+v %v", s.Slug, one, err)
					}
				}
			}
			var wantSections []string
			for id, aud := range corpus.SectionAudiences {
				if slices.ContainsFunc(aud, func(a string) bool { return slices.Contains(allowed, a) }) {
					wantSections = append(wantSections, id)
				} else if _, err := env.svc.Section(ctx, v.subj, id); err == nil {
					t.Errorf("hidden section %s found", id)
				}
			}
			if diff := cmp.Diff(sorted(wantSections), sorted(sections)); diff != "" {
				t.Errorf("sections (-want +got):\n%s", diff)
			}

			// Search for what hidden articles say: never a hidden result, and the total
			// counts only what the reader can page through.
			secrets := corpus.Secrets(allowed)
			for _, h := range hidden {
				queries := []string{h.Title}
				if w := secrets[h.ID]; len(w) > 0 {
					queries = append(queries, strings.Join(w[:min(3, len(w))], " "))
				}
				for _, q := range queries {
					res, err := env.svc.Search(ctx, v.subj, content.SearchQuery{Text: q, Limit: 100})
					if err != nil {
						t.Fatalf("search %q: %v", q, err)
					}
					served = append(served, res)
					if res.Total != len(res.Hits) && res.NextCursor == "" {
						t.Errorf("search %q: total %d but %d hits", q, res.Total, len(res.Hits))
					}
					for _, hit := range res.Hits {
						if !slices.Contains(ids(visible), hit.ExternalID) {
							t.Errorf("search %q returned hidden article %s", q, hit.ExternalID)
						}
					}
				}
			}

			b, err := json.Marshal(served)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range corpus.FindLeaks(allowed, string(b)) {
				t.Errorf("leak of hidden article %s: %s", l.ArticleID, l.What)
			}
		})
	}
}

func ids(as []content.ArticleRecord) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.ID
	}
	return sorted(out)
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
