package search_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/go-cmp/cmp"
	"github.com/uptrace/bun"

	"github.com/helpcenter/helpcenter/content/search"
	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/db"
	"github.com/helpcenter/helpcenter/internal/db/dbtest"
)

// fixture is a small index: a few articles in two sections of one category.
type fixture struct {
	d        *db.DB
	ix       *search.Index
	ids      map[string]int64
	sections [2]int64
	category int64
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	d := dbtest.New(t)
	f := &fixture{d: d, ix: search.New(d), ids: map[string]int64{}}
	ctx := context.Background()
	if err := d.Pool.QueryRow(ctx, `INSERT INTO categories (slug, name) VALUES ('program', 'Program') RETURNING id`).Scan(&f.category); err != nil {
		t.Fatal(err)
	}
	for i, slug := range []string{"faktury", "wewnetrzne"} {
		if err := d.Pool.QueryRow(ctx, `INSERT INTO sections (category_id, slug, name) VALUES ($1, $2, $2) RETURNING id`, f.category, slug).Scan(&f.sections[i]); err != nil {
			t.Fatal(err)
		}
	}
	f.put(t, search.Document{Title: "Faktura korygująca – jak ją wystawić", BodyMarkdown: "Korektę faktury wystawisz w **Sprzedaż → Faktury**. Zaznacz fakturę i kliknij *Koryguj*.", Tags: []string{"korekta"}, Kind: "article", Audiences: []string{"public"}}, "korekta")
	f.put(t, search.Document{Title: "Usuwanie dokumentów", BodyMarkdown: "Usunięte dokumenty trafiają do kosza na 30 dni; stamtąd je przywrócisz.", Kind: "article", Audiences: []string{"public"}}, "usuwanie")
	f.put(t, search.Document{Title: "Jak zmienić hasło?", BodyMarkdown: "Hasło zmienisz w profilu. Warunek: długość < 8 & \"znaki\" <script>alert(1)</script> specjalne.", Kind: "faq", Audiences: []string{"signed_in"}}, "haslo")
	f.put(t, search.Document{Title: "Procedura Zefirek (wewnętrzne)", BodyMarkdown: "Kod Zefirek uruchamia eskalację faktury do zespołu.", Kind: "article", Audiences: []string{"staff"}, SectionID: f.sections[1]}, "zefirek")
	f.put(t, search.Document{Title: "Rabaty partnerskie", BodyMarkdown: "Tabela rabatów Kolibri dla partnerów: faktura zbiorcza co miesiąc.", Kind: "article", Audiences: []string{"partner", "accountant"}}, "rabaty")
	return f
}

// put inserts a minimal article row (the index refers to it) and indexes doc.
func (f *fixture) put(t *testing.T, doc search.Document, name string) {
	t.Helper()
	ctx := context.Background()
	if doc.SectionID == 0 {
		doc.SectionID = f.sections[0]
	}
	doc.CategoryID = f.category
	if id, ok := f.ids[name]; ok {
		doc.ArticleID = id
	} else if err := f.d.Pool.QueryRow(ctx, `INSERT INTO articles (section_id, slug, kind) VALUES ($1, $2, $3) RETURNING id`, doc.SectionID, "a-"+name, doc.Kind).Scan(&doc.ArticleID); err != nil {
		t.Fatal(err)
	}
	f.ids[name] = doc.ArticleID
	if err := f.d.Bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error { return f.ix.Put(ctx, tx, doc) }); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) names(hits []search.Hit) []string {
	var out []string
	for _, h := range hits {
		for name, id := range f.ids {
			if id == h.ArticleID {
				out = append(out, name)
			}
		}
	}
	return out
}

var (
	anonymous = []string{"public"}
	staff     = []string{"public", "signed_in", "accountant", "office_client", "partner", "staff"}
)

func TestSearchFinds(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name, text string
		audiences  []string
		kind       string
		want       []string
	}{
		{"inflected form", "faktury korygującej", anonymous, "", []string{"korekta"}},
		{"synonym", "korekta ", anonymous, "", []string{"korekta"}},
		{"without diacritics", "usuniete dokumenty", anonymous, "", []string{"usuwanie"}},
		{"prefix of the last word", "usuwa", anonymous, "", []string{"usuwanie"}},
		{"typo", "fakutra ", anonymous, "", []string{"korekta"}},
		{"transposed letters in a longer word", "dokuemnty ", anonymous, "", []string{"usuwanie"}},
		{"restricted article hidden from anonymous", "zefirek", anonymous, "", nil},
		{"restricted article found by staff", "zefirek", staff, "", []string{"zefirek"}},
		{"typo of a restricted word stays hidden", "zefirke ", anonymous, "", nil},
		{"partner article for accountants", "kolibri", []string{"public", "signed_in", "accountant"}, "", []string{"rabaty"}},
		{"partner article hidden from office clients", "kolibri", []string{"public", "signed_in", "office_client"}, "", nil},
		{"kind filter", "hasło", staff, "faq", []string{"haslo"}},
		{"kind filter excludes", "hasło", staff, "article", nil},
		{"no audiences, no results", "faktura", nil, "", nil},
		{"only stop words", "jak to jest", anonymous, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits, total, err := f.ix.Search(context.Background(), search.Query{Text: tt.text, Audiences: tt.audiences, Kind: tt.kind})
			if err != nil {
				t.Fatal(err)
			}
			got := f.names(hits)
			if len(got) > len(tt.want) {
				got = got[:max(len(tt.want), 1)]
			}
			if len(tt.want) == 0 && len(hits) == 0 {
				got = nil
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("hits (-want +got):\n%s (all: %v)", diff, f.names(hits))
			}
			if total < len(hits) || (len(hits) == 0 && total != 0) {
				t.Errorf("total = %d with %d hits", total, len(hits))
			}
		})
	}
}

// Whatever anonymous readers search for, nothing of the restricted articles may appear:
// not the article, not the total, not a word of its text in a snippet.
func TestSearchNeverLeaksRestrictedArticles(t *testing.T) {
	f := newFixture(t)
	secret := []string{"zefirek", "kolibri", "eskalacj", "rabat", "script", "hasło"}
	for _, text := range []string{"faktura", "faktury zbiorczej", "zefirek eskalacja", "kod", "fakt", "tabela", "rabaty dla partnerów", "zespołu", "hasło", "zefir", "kolibr", "alert"} {
		for _, aud := range [][]string{anonymous, {"public", "office_client"}} {
			hits, total, err := f.ix.Search(context.Background(), search.Query{Text: text, Audiences: aud, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range f.names(hits) {
				if name != "korekta" && name != "usuwanie" {
					t.Errorf("%q as %v returned restricted article %s", text, aud, name)
				}
			}
			if total > 2 {
				t.Errorf("%q as %v: total %d counts restricted articles", text, aud, total)
			}
			for _, h := range hits {
				for _, s := range secret {
					if strings.Contains(strings.ToLower(h.Snippet), s) {
						t.Errorf("%q as %v: snippet %q contains %q", text, aud, h.Snippet, s)
					}
				}
			}
		}
	}
}

func TestSearchEmptyQueryIsInvalid(t *testing.T) {
	f := newFixture(t)
	for _, text := range []string{"", "   ", "\t\n"} {
		_, _, err := f.ix.Search(context.Background(), search.Query{Text: text, Audiences: anonymous})
		e := apperr.As(err)
		if e == nil || e.Code != apperr.Invalid || len(e.Fields) != 1 || e.Fields[0].Field != "q" {
			t.Errorf("Search(%q) error = %v, want invalid field q", text, err)
		}
	}
	_, _, err := f.ix.Search(context.Background(), search.Query{Text: "faktura", Audiences: anonymous, Limit: 101})
	if e := apperr.As(err); e == nil || e.Fields[0].Field != "limit" {
		t.Errorf("limit 101: error = %v, want invalid field limit", err)
	}
}

func TestSnippetMarksMatchesAndEscapesTheRest(t *testing.T) {
	f := newFixture(t)
	hits, _, err := f.ix.Search(context.Background(), search.Query{Text: "hasło długość", Audiences: staff})
	if err != nil || len(hits) == 0 {
		t.Fatalf("hits %v, err %v", hits, err)
	}
	snip := hits[0].Snippet
	doc, err := goquery.NewDocumentFromReader(strings.NewReader("<p>" + snip + "</p>"))
	if err != nil {
		t.Fatal(err)
	}
	if n := doc.Find("script").Length(); n != 0 {
		t.Errorf("snippet %q has a script element", snip)
	}
	var marked []string
	doc.Find("mark").Each(func(_ int, s *goquery.Selection) { marked = append(marked, s.Text()) })
	if diff := cmp.Diff([]string{"Hasło", "długość"}, marked); diff != "" {
		t.Errorf("marked words (-want +got):\n%s\nsnippet: %s", diff, snip)
	}
	if !strings.Contains(snip, "<mark>długość</mark> &lt; 8 &amp; &#34;znaki&#34;") || strings.Contains(snip, "script") {
		t.Errorf("snippet not escaped: %s", snip)
	}
	if doc.Find("mark").Children().Length() != 0 || strings.Count(snip, "<") != 2*len(marked) {
		t.Errorf("snippet has markup other than <mark>: %s", snip)
	}
}

func TestSearchFiltersAndPages(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	hits, total, err := f.ix.Search(ctx, search.Query{Text: "faktura", Audiences: staff, SectionID: f.sections[1]})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"zefirek"}, f.names(hits)); diff != "" || total != 1 {
		t.Errorf("section filter (-want +got):\n%s total %d", diff, total)
	}
	all, total, err := f.ix.Search(ctx, search.Query{Text: "faktura", Audiences: staff, CategoryID: f.category})
	if err != nil || total != 3 || len(all) != 3 {
		t.Fatalf("category filter: %d hits, total %d, err %v", len(all), total, err)
	}
	page, ptotal, err := f.ix.Search(ctx, search.Query{Text: "faktura", Audiences: staff, Limit: 2, Offset: 2})
	if err != nil {
		t.Fatal(err)
	}
	if ptotal != 3 || len(page) != 1 || page[0].ArticleID != all[2].ArticleID {
		t.Errorf("second page: %v total %d, want the third of %v", f.names(page), ptotal, f.names(all))
	}
	past, ptotal, err := f.ix.Search(ctx, search.Query{Text: "faktura", Audiences: staff, Limit: 2, Offset: 10})
	if err != nil || len(past) != 0 || ptotal != 3 {
		t.Errorf("page past the end: %d hits, total %d, err %v", len(past), ptotal, err)
	}
}

func TestPutReplacesAndDeleteRemoves(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	find := func(text string, aud []string) []string {
		t.Helper()
		hits, _, err := f.ix.Search(ctx, search.Query{Text: text, Audiences: aud})
		if err != nil {
			t.Fatal(err)
		}
		return f.names(hits)
	}
	// Restricting the article hides it at once.
	f.put(t, search.Document{Title: "Usuwanie dokumentów", BodyMarkdown: "Tylko dla biur.", Kind: "article", Audiences: []string{"accountant"}}, "usuwanie")
	if got := find("usuwanie", anonymous); len(got) != 0 {
		t.Errorf("after restricting: anonymous finds %v", got)
	}
	if got := find("usuwanie", staff); !cmp.Equal(got, []string{"usuwanie"}) {
		t.Errorf("after restricting: staff finds %v", got)
	}
	if got := find("kosza", staff); len(got) != 0 {
		t.Errorf("old text still found: %v", got)
	}
	err := f.d.Bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error { return f.ix.Delete(ctx, tx, f.ids["usuwanie"]) })
	if err != nil {
		t.Fatal(err)
	}
	if got := find("usuwanie", staff); len(got) != 0 {
		t.Errorf("after delete: %v", got)
	}
	// Deleting the article row takes its index entry with it.
	if _, err := f.d.Pool.Exec(ctx, `DELETE FROM articles WHERE id = $1`, f.ids["korekta"]); err != nil {
		t.Fatal(err)
	}
	if got := find("korekta", staff); len(got) != 0 {
		t.Errorf("after deleting the article: %v", got)
	}
}

// With Watch, results are cached until any instance changes the index.
func TestWatchedCacheFollowsChanges(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ln := db.NewListener(f.d, slog.New(slog.NewTextHandler(io.Discard, nil)))
	f.ix.Watch(ln)
	go func() { _ = ln.Listen(ctx) }()
	// A second index on the same database stands for another instance.
	other := search.New(f.d)
	first, _, err := f.ix.Search(ctx, search.Query{Text: "usuwanie", Audiences: anonymous})
	if err != nil || len(first) != 1 {
		t.Fatalf("hits %v err %v", first, err)
	}
	err = f.d.Bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error { return other.Delete(ctx, tx, f.ids["usuwanie"]) })
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(3 * time.Second)
	for {
		hits, _, err := f.ix.Search(ctx, search.Query{Text: "usuwanie", Audiences: anonymous})
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("cached result survived a change made by another instance")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
