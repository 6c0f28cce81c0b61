package portal_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/content/contenttest"
	"github.com/helpcenter/helpcenter/internal/app/apptest"
	"github.com/helpcenter/helpcenter/internal/audit"
)

// kbServer is a running help center with the shared corpus imported.
type kbServer struct {
	*apptest.Server
	corpus *contenttest.Corpus
}

var (
	corpusOnce sync.Once
	corpusData *contenttest.Corpus
)

// newKB starts the help center on a fresh database and imports the shared corpus
// through the content import, as `helpcenter import` does.
func newKB(t *testing.T) *kbServer {
	t.Helper()
	corpusOnce.Do(func() { corpusData = contenttest.Load(t) })
	if corpusData == nil {
		t.Skip("shared corpus not available")
	}
	s := apptest.New(t)
	if _, err := s.Content.ImportFS(context.Background(), os.DirFS(corpusData.Dir), audit.System); err != nil {
		t.Fatal(err)
	}
	return &kbServer{Server: s, corpus: corpusData}
}

// article finds a corpus article by its external id.
func (s *kbServer) article(t *testing.T, externalID string) content.ArticleRecord {
	t.Helper()
	for _, a := range s.corpus.Articles {
		if a.ID == externalID {
			return a
		}
	}
	t.Fatalf("no corpus article %s", externalID)
	return content.ArticleRecord{}
}

// kbFetch GETs a path with a client and parses the answer as HTML.
func kbFetch(t *testing.T, s *apptest.Server, c *http.Client, path string) (*http.Response, *goquery.Document, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("User-Agent", "Mozilla/5.0 (portal test)")
	resp, body := apptest.Do(t, c, req)
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return resp, doc, body
}

// kbPost sends a form like a browser of the help center (same-origin).
func kbPost(t *testing.T, s *apptest.Server, c *http.Client, path string, form url.Values) (*http.Response, *goquery.Document) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", s.URL)
	resp, body := apptest.Do(t, c, req)
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return resp, doc
}

// kbText is the trimmed text of the first element matching sel.
func kbText(doc *goquery.Document, sel string) string {
	return strings.Join(strings.Fields(doc.Find(sel).First().Text()), " ")
}
