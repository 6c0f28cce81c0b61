package demo_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/content/search"
	"github.com/helpcenter/helpcenter/internal/db/dbtest"
	"github.com/helpcenter/helpcenter/internal/demo"
	"github.com/helpcenter/helpcenter/internal/jobs"
	"github.com/helpcenter/helpcenter/policy"
)

func TestLoadFillsAnEmptyDatabaseOnce(t *testing.T) {
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	d := dbtest.New(t)
	e, err := policy.New(ctx, d, log)
	if err != nil {
		t.Fatal(err)
	}
	svc := content.New(d, e, jobs.New(d, log), search.New(d), log)
	if err := demo.Load(ctx, svc, log); err != nil {
		t.Fatal(err)
	}
	count := func() (n int) {
		if err := d.Pool.QueryRow(ctx, "SELECT count(*) FROM articles").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	total := count()
	if total < 12 {
		t.Fatalf("demo has %d articles, want at least a dozen", total)
	}
	// Anonymous readers see the public part; each restricted audience has material.
	page, err := svc.FindArticles(ctx, policy.Anonymous, content.ArticleFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Articles) == 0 || len(page.Articles) == total {
		t.Errorf("anonymous sees %d of %d demo articles: want some, not all", len(page.Articles), total)
	}
	all := allArticles(t, svc)
	for _, aud := range []string{"signed_in", "accountant", "office_client", "partner", "staff"} {
		found := false
		for _, a := range all {
			found = found || slices.Contains(a.Audiences, aud)
		}
		if !found {
			t.Errorf("no demo article for audience %s", aud)
		}
	}
	res, err := svc.Search(ctx, policy.Anonymous, content.SearchQuery{Text: "korekta faktury"})
	if err != nil || res.Total == 0 || !strings.Contains(res.Hits[0].Snippet, "<mark>") {
		t.Errorf("searching the demo: %+v %v", res, err)
	}
	// Articles link to each other by slug; every link must resolve.
	for _, a := range all {
		full, err := svc.Article(ctx, policy.Subject{StaffRole: "admin"}, a.Slug)
		if err != nil {
			t.Fatal(err)
		}
		for _, part := range strings.Split(full.BodyMD, "](/articles/")[1:] {
			slug := part[:strings.IndexByte(part, ')')]
			if _, err := svc.Article(ctx, policy.Subject{StaffRole: "admin"}, slug); err != nil {
				t.Errorf("%s links to missing /articles/%s", a.Slug, slug)
			}
		}
	}
	// A database with content is left alone: no second import runs.
	if err := demo.Load(ctx, svc, log); err != nil {
		t.Fatal(err)
	}
	var imports int
	if err := d.Pool.QueryRow(ctx, "SELECT count(*) FROM audit_log WHERE action = 'content.import'").Scan(&imports); err != nil {
		t.Fatal(err)
	}
	if imports != 1 || count() != total {
		t.Errorf("after a second load: %d imports, %d articles (want 1, %d)", imports, count(), total)
	}
}

func allArticles(t *testing.T, svc *content.Service) []content.ArticleSummary {
	t.Helper()
	page, err := svc.FindArticles(context.Background(), policy.Subject{StaffRole: "admin"}, content.ArticleFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return page.Articles
}
