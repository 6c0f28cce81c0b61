package content_test

import (
	"context"
	"testing"
	"time"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/db/dbtest"
	"github.com/helpcenter/helpcenter/policy"
)

func TestStructure(t *testing.T) {
	ctx := context.Background()
	env := newEnv(t)
	admin := mustUser(t, env.d, "", "admin")
	agent := mustUser(t, env.d, "", "agent")
	if _, err := env.svc.CreateCategory(ctx, agent, content.CategoryInput{Name: "X"}); !apperr.Is(err, apperr.Forbidden) {
		t.Fatalf("agent creating a category: %v", err)
	}
	cat, err := env.svc.CreateCategory(ctx, admin, content.CategoryInput{Name: "Obsługa programu"})
	if err != nil || cat.Slug != "obsluga-programu" || cat.Position != 1 {
		t.Fatalf("category: %+v %v", cat, err)
	}
	if _, err := env.svc.CreateCategory(ctx, admin, content.CategoryInput{Name: "Inna", Slug: "obsluga-programu"}); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("duplicate slug: %v", err)
	}
	s1, err := env.svc.CreateSection(ctx, admin, content.SectionInput{CategoryID: cat.ID, Name: "Faktury"})
	if err != nil || s1.Position != 1 || !slicesEqual(s1.Audiences, []string{"public"}) {
		t.Fatalf("section: %+v %v", s1, err)
	}
	s2, err := env.svc.CreateSection(ctx, admin, content.SectionInput{CategoryID: cat.ID, Name: "Raporty", Audiences: []string{"signed_in"}})
	if err != nil || s2.Position != 2 {
		t.Fatalf("section 2: %+v %v", s2, err)
	}
	if err := env.svc.ReorderSections(ctx, admin, cat.ID, []int64{s2.ID}); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("reordering with a section missing: %v", err)
	}
	if err := env.svc.ReorderSections(ctx, admin, cat.ID, []int64{s2.ID, s1.ID}); err != nil {
		t.Fatal(err)
	}
	all, err := env.svc.AllCategories(ctx, agent)
	if err != nil || len(all) != 1 || len(all[0].Sections) != 2 || all[0].Sections[0].ID != s2.ID {
		t.Fatalf("after reordering: %+v %v", all, err)
	}
	// Anonymous readers see the public section only; an empty category is not shown.
	if _, err := env.svc.CreateCategory(ctx, admin, content.CategoryInput{Name: "Pusta"}); err != nil {
		t.Fatal(err)
	}
	cats, err := env.svc.Categories(ctx, policy.Anonymous)
	if err != nil || len(cats) != 1 || len(cats[0].Sections) != 1 || cats[0].Sections[0].ID != s1.ID {
		t.Fatalf("anonymous categories: %+v %v", cats, err)
	}

	a := mustPublished(t, env, admin, content.ArticleInput{SectionID: s1.ID, Title: "Korekta faktury sprzedaży", BodyMD: "Jak skorygować fakturę."})
	if err := env.svc.DeleteSection(ctx, admin, s1.ID); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("deleting a section with articles: %v", err)
	}
	if err := env.svc.DeleteCategory(ctx, admin, cat.ID); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("deleting a category with sections: %v", err)
	}
	if err := env.svc.DeleteSection(ctx, admin, s2.ID); err != nil {
		t.Errorf("deleting an empty section: %v", err)
	}

	// Narrowing the section's audiences hides its articles at once, from search too.
	search := func(s policy.Subject) int {
		res, err := env.svc.Search(ctx, s, content.SearchQuery{Text: "korekta faktury"})
		if err != nil {
			t.Fatal(err)
		}
		return res.Total
	}
	if n := search(policy.Anonymous); n != 1 {
		t.Fatalf("anonymous finds %d, want 1", n)
	}
	before, _ := env.svc.Article(ctx, policy.Anonymous, a.Slug)
	time.Sleep(10 * time.Millisecond)
	if _, err := env.svc.UpdateSection(ctx, admin, s1.ID, content.SectionUpdate{Audiences: []string{"accountant"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := env.svc.Article(ctx, policy.Anonymous, a.Slug); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("article in a narrowed section: %v", err)
	}
	if n := search(policy.Anonymous); n != 0 {
		t.Errorf("anonymous still finds %d articles of the narrowed section", n)
	}
	accountant := mustUser(t, env.d, "accountant", "")
	if n := search(accountant); n != 1 {
		t.Errorf("accountant finds %d, want 1", n)
	}
	if after, err := env.svc.Article(ctx, accountant, a.Slug); err != nil || !after.UpdatedAt.After(before.UpdatedAt) {
		t.Errorf("article's updated_at should move with its visibility: %v -> %+v %v", before.UpdatedAt, after, err)
	}
}

func TestPaginationStableUnderInserts(t *testing.T) {
	ctx := context.Background()
	env := newEnv(t)
	admin := mustUser(t, env.d, "", "admin")
	sec := mustSection(t, env, admin, "sekcja", "public")
	for i := range 12 {
		mustPublished(t, env, admin, content.ArticleInput{SectionID: sec.ID, Title: "Artykuł " + string(rune('A'+i))})
	}
	// Several articles share one updated_at: the id breaks the tie.
	dbtest.MustExec(t, env.d, "UPDATE articles SET updated_at = '2025-05-05T10:00:00Z' WHERE id % 3 = 0")
	var seen []int64
	page, err := env.svc.FindArticles(ctx, policy.Anonymous, content.ArticleFilter{Limit: 5})
	for ; err == nil; page, err = env.svc.FindArticles(ctx, policy.Anonymous, content.ArticleFilter{Limit: 5, Cursor: page.NextCursor}) {
		for _, a := range page.Articles {
			seen = append(seen, a.ID)
		}
		// New articles arrive between pages.
		mustPublished(t, env, admin, content.ArticleInput{SectionID: sec.ID, Title: "Nowy " + time.Now().Format(time.RFC3339Nano)})
		if page.NextCursor == "" {
			break
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 12 {
		t.Fatalf("paged through %d articles, want the 12 that existed at the start: %v", len(seen), seen)
	}
	dup := map[int64]bool{}
	for _, id := range seen {
		if dup[id] {
			t.Fatalf("article %d appears twice", id)
		}
		dup[id] = true
	}
	for _, bad := range []string{"x", "bm9wZQ", "MTIzLmFiYw"} {
		_, err := env.svc.FindArticles(ctx, policy.Anonymous, content.ArticleFilter{Cursor: bad})
		if ae := apperr.As(err); ae == nil || ae.Code != apperr.Invalid || ae.Fields[0].Field != "cursor" {
			t.Errorf("cursor %q: %v", bad, err)
		}
	}
	for _, f := range []struct {
		filter content.ArticleFilter
		field  string
	}{
		{content.ArticleFilter{Limit: 101}, "limit"},
		{content.ArticleFilter{Limit: -1}, "limit"},
		{content.ArticleFilter{Kind: "blog"}, "kind"},
		{content.ArticleFilter{Section: "nie-ma"}, "section"},
		{content.ArticleFilter{Category: "nie-ma"}, "category"},
	} {
		_, err := env.svc.FindArticles(ctx, policy.Anonymous, f.filter)
		if ae := apperr.As(err); ae == nil || ae.Code != apperr.Invalid || ae.Fields[0].Field != f.field {
			t.Errorf("filter %+v: %v, want invalid %s", f.filter, err, f.field)
		}
	}
}

func TestComments(t *testing.T) {
	ctx := context.Background()
	env := newEnv(t)
	admin := mustUser(t, env.d, "", "admin")
	author := mustUser(t, env.d, "", "")
	sec := mustSection(t, env, admin, "sekcja", "public")
	a := mustPublished(t, env, admin, content.ArticleInput{SectionID: sec.ID, Title: "Z komentarzami"})
	secret := mustPublished(t, env, admin, content.ArticleInput{SectionID: sec.ID, Title: "Tajny", Audiences: []string{"staff"}})
	for i, body := range []string{"pierwszy", "ukryty", "trzeci"} {
		dbtest.MustExec(t, env.d, "INSERT INTO comments (article_id, author_id, body, created_at, hidden_at) VALUES ($1, $2, $3, now() + make_interval(secs => $4), CASE WHEN $3 = 'ukryty' THEN now() END)",
			a.ID, author.UserID, body, i)
	}
	dbtest.MustExec(t, env.d, "INSERT INTO comments (article_id, author_id, body) VALUES ($1, $2, 'tajny komentarz')", secret.ID, author.UserID)
	page, err := env.svc.Comments(ctx, policy.Anonymous, a.ID, content.CommentFilter{Limit: 1})
	if err != nil || len(page.Comments) != 1 || page.Comments[0].Body != "pierwszy" || page.NextCursor == "" {
		t.Fatalf("first page: %+v %v", page, err)
	}
	page, err = env.svc.Comments(ctx, policy.Anonymous, a.ID, content.CommentFilter{Limit: 1, Cursor: page.NextCursor})
	if err != nil || len(page.Comments) != 1 || page.Comments[0].Body != "trzeci" || page.NextCursor != "" {
		t.Fatalf("second page: %+v %v", page, err)
	}
	if page.Comments[0].AuthorName != "Test " {
		t.Errorf("author name = %q", page.Comments[0].AuthorName)
	}
	if _, err := env.svc.Comments(ctx, policy.Anonymous, secret.ID, content.CommentFilter{}); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("comments of a hidden article: %v", err)
	}
	if p, err := env.svc.Comments(ctx, admin, secret.ID, content.CommentFilter{}); err != nil || len(p.Comments) != 1 {
		t.Errorf("staff reading comments of a staff article: %+v %v", p, err)
	}
}
