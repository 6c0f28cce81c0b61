package search_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/helpcenter/helpcenter/content/search"
	"github.com/helpcenter/helpcenter/internal/db/dbtest"
	"github.com/helpcenter/helpcenter/internal/polish"
)

// judgedQuery is a query with the articles a good search returns for its viewer.
type judgedQuery struct {
	Query    string   `json:"query"`
	As       string   `json:"as"`
	Relevant []string `json:"relevant"`
}

func readJudged(tb testing.TB, path string) []judgedQuery {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []judgedQuery
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var q judgedQuery
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			tb.Fatal(err)
		}
		out = append(out, q)
	}
	return out
}

// ticketQueries turns the shared tickets into a second, larger set of judged queries that
// the ranking was not tuned on: the subject a customer wrote, the viewer the customer is,
// and the articles the staff reply linked to (those the customer may read).
func ticketQueries(tb testing.TB, dir string, c *corpus) []judgedQuery {
	tb.Helper()
	types := map[string]string{}
	uf, err := os.Open(filepath.Join(dir, "users.jsonl"))
	if err != nil {
		tb.Fatal(err)
	}
	defer uf.Close()
	sc := bufio.NewScanner(uf)
	for sc.Scan() {
		var u struct{ Email, AccountType string }
		var raw map[string]any
		if err := json.Unmarshal(sc.Bytes(), &raw); err != nil {
			tb.Fatal(err)
		}
		u.Email, _ = raw["email"].(string)
		u.AccountType, _ = raw["account_type"].(string)
		if u.AccountType == "none" {
			u.AccountType = "signed_in"
		}
		types[strings.ToLower(u.Email)] = u.AccountType
	}
	link := regexp.MustCompile(`/articles/([a-z0-9-]+)`)
	tf, err := os.Open(filepath.Join(dir, "tickets.jsonl"))
	if err != nil {
		tb.Fatal(err)
	}
	defer tf.Close()
	var out []judgedQuery
	sc = bufio.NewScanner(tf)
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	for sc.Scan() {
		var t struct {
			Subject        string `json:"subject"`
			RequesterEmail string `json:"requester_email"`
			Messages       []struct{ Author, Body string }
		}
		if err := json.Unmarshal(sc.Bytes(), &t); err != nil {
			tb.Fatal(err)
		}
		viewer := types[strings.ToLower(t.RequesterEmail)]
		if viewer == "" {
			viewer = "anonymous"
		}
		q := judgedQuery{Query: strings.TrimPrefix(strings.TrimPrefix(t.Subject, "RE: "), "Re: "), As: viewer}
		for _, m := range t.Messages {
			if m.Author != "staff" {
				continue
			}
			for _, s := range link.FindAllStringSubmatch(m.Body, -1) {
				ext, ok := c.slugs[s[1]]
				if ok && visibleTo(c.audOf[c.ids[ext]], viewerAudiences[viewer]) && !contains(q.Relevant, ext) {
					q.Relevant = append(q.Relevant, ext)
				}
			}
		}
		if len(q.Relevant) > 0 {
			out = append(out, q)
		}
	}
	return out
}

var jsonUnmarshal = json.Unmarshal

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// metrics runs judged queries and returns recall@5 and MRR (over the queries that have
// relevant articles), failing the test if any result is not visible to the viewer.
func metrics(t *testing.T, ix *search.Index, c *corpus, queries []judgedQuery, verbose bool) (recall5, mrr float64, judged int) {
	t.Helper()
	ctx := context.Background()
	for _, q := range queries {
		allowed := viewerAudiences[q.As]
		hits, total, err := ix.Search(ctx, search.Query{Text: q.Query, Audiences: allowed, Limit: 10})
		if err != nil {
			t.Fatalf("%q: %v", q.Query, err)
		}
		if total < len(hits) {
			t.Errorf("%q: total %d < %d hits", q.Query, total, len(hits))
		}
		var got []string
		for _, h := range hits {
			if !visibleTo(c.audOf[h.ArticleID], allowed) {
				t.Errorf("%q as %s returned %s (audiences %v)", q.Query, q.As, c.extOf[h.ArticleID], c.audOf[h.ArticleID])
			}
			got = append(got, c.extOf[h.ArticleID])
		}
		if len(q.Relevant) == 0 {
			continue
		}
		judged++
		found, rr := 0, 0.0
		for i, ext := range got {
			if contains(q.Relevant, ext) {
				if i < 5 {
					found++
				}
				if rr == 0 {
					rr = 1 / float64(i+1)
				}
			}
		}
		r := float64(found) / float64(min(len(q.Relevant), 5))
		recall5 += r
		mrr += rr
		if verbose && (r < 1 || rr < 1) {
			fmt.Printf("  %-40q as %-13s recall@5 %.2f rr %.2f want %v got %v\n", q.Query, q.As, r, rr, q.Relevant, got[:min(5, len(got))])
		}
	}
	return recall5 / float64(judged), mrr / float64(judged), judged
}

// TestSearchQuality runs the shared development queries and the ticket-subject queries
// against the shared articles and asserts the quality targets and visibility.
func TestSearchQuality(t *testing.T) {
	dir := sharedData(t)
	d := dbtest.New(t)
	ix := search.New(d)
	c := mustLoadCorpus(t, d, ix, dir)

	verbose := testing.Verbose()
	dev := readJudged(t, filepath.Join(dir, "search_dev.jsonl"))
	r5, mrr, n := metrics(t, ix, c, dev, verbose)
	fmt.Printf("search_dev.jsonl: %d judged queries, recall@5 %.3f, MRR %.3f\n", n, r5, mrr)
	if r5 < 0.9 {
		t.Errorf("search_dev recall@5 = %.3f, want >= 0.9", r5)
	}
	if mrr < 0.75 {
		t.Errorf("search_dev MRR = %.3f, want >= 0.75", mrr)
	}

	tickets := ticketQueries(t, dir, c)
	r5, mrr, n = metrics(t, ix, c, tickets, verbose && os.Getenv("SEARCH_VERBOSE_TICKETS") != "")
	fmt.Printf("ticket subjects: %d judged queries, recall@5 %.3f, MRR %.3f\n", n, r5, mrr)
	// Ticket subjects are short and often vague ("Pytanie", "Problem"), so the bar is
	// lower; it guards against tuning that only helps the development queries.
	if r5 < 0.6 || mrr < 0.5 {
		t.Errorf("ticket subjects recall@5 %.3f MRR %.3f, want >= 0.6 and >= 0.5", r5, mrr)
	}
	_ = sort.Strings
}

// TestSearchQualityVariants measures the alternatives docs/search.md compares: stemming
// variants, synonyms, and the ranking parts. The default must be the best on the ticket
// queries, which the ranking was not tuned on.
func TestSearchQualityVariants(t *testing.T) {
	if testing.Short() {
		t.Skip("measurement")
	}
	dir := sharedData(t)
	dev := readJudged(t, filepath.Join(dir, "search_dev.jsonl"))
	variants := []struct {
		name string
		opts []polish.Option
	}{
		{"default: Stempel both + light, synonyms", nil},
		{"no synonyms", []polish.Option{polish.WithoutDefaultSynonyms()}},
		{"Stempel only", []polish.Option{polish.WithStemming(polish.StemStempel)}},
		{"Stempel, word and folded word", []polish.Option{polish.WithStemming(polish.StemStempelBoth)}},
		{"light stemmer only", []polish.Option{polish.WithStemming(polish.StemLight)}},
		{"no stemming (folded words)", []polish.Option{polish.WithStemming(polish.StemNone)}},
	}
	var best float64
	for i, v := range variants {
		an, err := polish.New(v.opts...)
		if err != nil {
			t.Fatal(err)
		}
		d := dbtest.New(t)
		ix := search.New(d, search.WithAnalyzer(an))
		c := mustLoadCorpus(t, d, ix, dir)
		dr5, dmrr, _ := metrics(t, ix, c, dev, false)
		tr5, tmrr, _ := metrics(t, ix, c, ticketQueries(t, dir, c), false)
		fmt.Printf("%-40s dev recall@5 %.3f MRR %.3f | tickets recall@5 %.3f MRR %.3f\n", v.name, dr5, dmrr, tr5, tmrr)
		if i == 0 {
			best = tr5 + tmrr
		} else if tr5+tmrr > best+0.005 {
			t.Errorf("%s beats the default on ticket queries", v.name)
		}
	}
}
