package content_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/content/contenttest"
	"github.com/helpcenter/helpcenter/internal/audit"
	"github.com/helpcenter/helpcenter/policy"
)

func count(t *testing.T, env *env, table string) int {
	t.Helper()
	var n int
	if err := env.d.Pool.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportIsIdempotent(t *testing.T) {
	corpus := contenttest.Load(t)
	ctx := context.Background()
	env := newEnv(t)
	st := mustImportCorpus(t, env)
	want := content.ImportStats{Categories: 3, Sections: len(corpus.SectionAudiences), ArticlesCreated: len(corpus.Articles)}
	if diff := cmp.Diff(want, st); diff != "" {
		t.Fatalf("first import (-want +got):\n%s", diff)
	}
	revisions := count(t, env, "article_revisions")
	st = mustImportCorpus(t, env)
	want = content.ImportStats{Categories: 3, Sections: len(corpus.SectionAudiences), Unchanged: len(corpus.Articles)}
	if diff := cmp.Diff(want, st); diff != "" {
		t.Fatalf("second import (-want +got):\n%s", diff)
	}
	if n := count(t, env, "articles"); n != len(corpus.Articles) {
		t.Errorf("%d articles after importing twice, want %d", n, len(corpus.Articles))
	}
	if n := count(t, env, "article_revisions"); n != revisions {
		t.Errorf("an unchanged import added %d revisions", n-revisions)
	}
	if n := count(t, env, "article_search"); n != len(corpus.Articles) {
		t.Errorf("search index holds %d articles, want %d", n, len(corpus.Articles))
	}

	// Imported articles keep their updated_at and are published.
	got, err := env.svc.FindArticles(ctx, policy.Anonymous, content.ArticleFilter{ExternalID: "art-001"})
	if err != nil || len(got.Articles) != 1 {
		t.Fatalf("art-001: %+v %v", got, err)
	}
	if want := corpus.Articles[0].UpdatedAt; !got.Articles[0].UpdatedAt.Equal(want) {
		t.Errorf("updated_at = %v, want %v", got.Articles[0].UpdatedAt, want)
	}

	// A changed record updates its article with a new revision; a new slug redirects.
	dir := t.TempDir()
	copyFile(t, filepath.Join(corpus.Dir, content.CategoriesFile), filepath.Join(dir, content.CategoriesFile))
	lines := strings.SplitAfter(readFile(t, filepath.Join(corpus.Dir, content.ArticlesFile)), "\n")
	lines[0] = strings.Replace(lines[0], `"slug": "zakladanie-konta"`, `"slug": "zakladanie-konta-w-dokubiuro"`, 1)
	lines[0] = strings.Replace(lines[0], "DokuBiuro to aplikacja", "DokuBiuro to nowoczesna aplikacja", 1)
	writeFile(t, filepath.Join(dir, content.ArticlesFile), strings.Join(lines, ""))
	st, err = env.svc.ImportFS(ctx, os.DirFS(dir), audit.System)
	if err != nil {
		t.Fatal(err)
	}
	if st.ArticlesUpdated != 1 || st.Unchanged != len(corpus.Articles)-1 || st.ArticlesCreated != 0 {
		t.Fatalf("import with one change: %+v", st)
	}
	a, err := env.svc.Article(ctx, policy.Anonymous, "zakladanie-konta")
	if err != nil || a.Slug != "zakladanie-konta-w-dokubiuro" || !strings.Contains(a.BodyMD, "nowoczesna aplikacja") {
		t.Fatalf("updated article by its old slug: %+v %v", a, err)
	}
	if n := count(t, env, "article_revisions"); n != revisions+1 {
		t.Errorf("revisions = %d, want %d", n, revisions+1)
	}
}

func TestImportReportsMalformedLinesAndWritesNothing(t *testing.T) {
	ctx := context.Background()
	env := newEnv(t)
	cats := `[{"id": "cat-a", "slug": "kategoria", "name": "Kategoria", "description": "",
  "sections": [{"id": "sec-a", "slug": "sekcja", "name": "Sekcja", "description": "", "audiences": ["public"]}]}]`
	good := `{"id": "a-1", "section_id": "sec-a", "slug": "pierwszy", "title": "Pierwszy", "kind": "article", "audiences": ["public"], "tags": [], "body_md": "x", "updated_at": "2025-01-02T03:04:05Z"}`
	tests := []struct {
		name, articles string
		want           []string
	}{
		{"broken JSON", good + "\n{\"id\": \"a-2\", \"title\": \n", []string{"articles.jsonl:2:"}},
		{"unknown section", good + "\n\n" + strings.Replace(strings.Replace(good, "a-1", "a-3", 1), "sec-a", "sec-x", 1) + "\n", []string{"articles.jsonl:3:", "sec-x"}},
		{"unknown field", strings.Replace(good, `"kind"`, `"knd"`, 1) + "\n", []string{"articles.jsonl:1:", "knd"}},
		{"unknown audience", strings.Replace(good, `["public"]`, `["vip"]`, 1) + "\n", []string{"articles.jsonl:1:", "vip"}},
		{"two errors", good + "\nnot json\n" + strings.Replace(good, `"title": "Pierwszy"`, `"title": ""`, 1) + "\n",
			[]string{"articles.jsonl:2:", "articles.jsonl:3:", "title"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{content.CategoriesFile: {Data: []byte(cats)}, content.ArticlesFile: {Data: []byte(tt.articles)}}
			_, err := env.svc.ImportFS(ctx, fsys, audit.System)
			if err == nil {
				t.Fatal("import succeeded")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			var le *content.LineError
			if !errors.As(err, &le) {
				var les content.ImportErrors
				if !errors.As(err, &les) {
					t.Errorf("error %T is not a line error", err)
				}
			}
			for _, table := range []string{"articles", "categories", "sections", "article_search", "audit_log"} {
				if n := count(t, env, table); n != 0 {
					t.Errorf("a failed import left %d rows in %s", n, table)
				}
			}
		})
	}
	badCats := fstest.MapFS{content.CategoriesFile: {Data: []byte("[\n{\"id\": 1}\n]")}, content.ArticlesFile: {Data: []byte(good)}}
	if _, err := env.svc.ImportFS(ctx, badCats, audit.System); err == nil || !strings.Contains(err.Error(), "categories.json:2:") {
		t.Errorf("bad categories.json: %v", err)
	}
}

func TestExportRoundTrip(t *testing.T) {
	corpus := contenttest.Load(t)
	ctx := context.Background()
	env := newEnv(t)
	mustImportCorpus(t, env)
	dir := t.TempDir()
	cats, arts, err := env.svc.Export(ctx, dir)
	if err != nil || cats != 3 || arts != len(corpus.Articles) {
		t.Fatalf("export: %d %d %v", cats, arts, err)
	}
	back, err := content.ReadCategories(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(corpus.Categories, back); diff != "" {
		t.Errorf("categories.json round trip (-want +got):\n%s", diff)
	}
	var got []content.ArticleRecord
	if err := content.ReadArticles(os.DirFS(dir), func(_ int, r content.ArticleRecord) error { got = append(got, r); return nil }); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(corpus.Articles, got); diff != "" {
		t.Errorf("articles.jsonl round trip (-want +got):\n%s", diff)
	}
	// Importing the export into the same database changes nothing.
	st, err := env.svc.ImportFS(ctx, os.DirFS(dir), audit.System)
	if err != nil || st.Unchanged != len(corpus.Articles) {
		t.Errorf("re-importing the export: %+v %v", st, err)
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeFile(t *testing.T, p, s string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func copyFile(t *testing.T, from, to string) { t.Helper(); writeFile(t, to, readFile(t, from)) }
