// Package contenttest helps tests check visibility against the shared seed data set:
// it loads the corpus, says which articles a reader may see by the data set's own rules
// (independently of the code under test), and finds restricted text that leaked into
// whatever a reader was served.
package contenttest

import (
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/db/dbtest"
)

// Corpus is the shared data set.
type Corpus struct {
	Dir        string
	Categories []content.CategoryRecord
	Articles   []content.ArticleRecord
	// SectionAudiences maps a section's external id to its audiences.
	SectionAudiences map[string][]string
}

// Load reads the shared corpus, skipping the test when it is not there.
func Load(t testing.TB) *Corpus {
	t.Helper()
	root, err := dbtest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "..", "shared", "data", "helpcenter")
	if _, err := os.Stat(filepath.Join(dir, content.ArticlesFile)); err != nil {
		t.Skipf("shared corpus not found: %v", err)
	}
	fsys := os.DirFS(dir)
	c := &Corpus{Dir: dir, SectionAudiences: map[string][]string{}}
	if c.Categories, err = content.ReadCategories(fsys); err != nil {
		t.Fatal(err)
	}
	for _, cat := range c.Categories {
		for _, s := range cat.Sections {
			c.SectionAudiences[s.ID] = s.Audiences
		}
	}
	err = content.ReadArticles(fsys, func(_ int, r content.ArticleRecord) error {
		c.Articles = append(c.Articles, r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func meets(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

// Visible reports whether a reader of allowed may see the article, by the data set's
// rules: its audiences and its section's both meet the reader's.
func (c *Corpus) Visible(allowed []string, a content.ArticleRecord) bool {
	return meets(a.Audiences, allowed) && meets(c.SectionAudiences[a.SectionID], allowed)
}

// Split divides the articles into those the reader may and may not see.
func (c *Corpus) Split(allowed []string) (visible, hidden []content.ArticleRecord) {
	for _, a := range c.Articles {
		if c.Visible(allowed, a) {
			visible = append(visible, a)
		} else {
			hidden = append(hidden, a)
		}
	}
	return visible, hidden
}

// Words splits text into lower-case words of at least six letters (shorter ones are too
// common to tell articles apart).
func Words(text string) []string {
	f := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	out := f[:0]
	for _, w := range f {
		if len([]rune(w)) >= 6 {
			out = append(out, w)
		}
	}
	return out
}

// Secrets returns, for a reader of allowed, the words of each hidden article that appear
// nowhere the reader may legitimately look (visible articles, their tags and slugs, the
// names and descriptions of visible sections and their categories), keyed by the hidden
// article's id. If any of them shows up in what the reader was served, it leaked.
func (c *Corpus) Secrets(allowed []string) map[string][]string {
	seen := map[string]bool{}
	for _, w := range Words(c.visibleText(allowed)) {
		seen[w] = true
	}
	_, hidden := c.Split(allowed)
	out := map[string][]string{}
	for _, a := range hidden {
		var ws []string
		for _, w := range Words(a.Title + " " + a.BodyMD) {
			if !seen[w] && !slices.Contains(ws, w) {
				ws = append(ws, w)
			}
		}
		sort.Strings(ws)
		out[a.ID] = ws
	}
	return out
}

// Leak is restricted material found in a response.
type Leak struct {
	ArticleID string
	What      string // "title", "slug" or the secret word
}

// FindLeaks looks for the titles, slugs and secret words of articles hidden from a
// reader of allowed in served text (decoded JSON strings, HTML, ...).
func (c *Corpus) FindLeaks(allowed []string, served string) []Leak {
	_, hidden := c.Split(allowed)
	secrets := c.Secrets(allowed)
	words := map[string]bool{}
	for _, w := range Words(served) {
		words[w] = true
	}
	lower := strings.ToLower(served)
	public := strings.ToLower(c.visibleText(allowed))
	var leaks []Leak
	for _, a := range hidden {
		// A title or slug that visible text also says proves nothing.
		title := strings.ToLower(a.Title)
		if strings.Contains(lower, title) && !strings.Contains(public, title) {
			leaks = append(leaks, Leak{a.ID, "title"})
		}
		if !containsSlug(public, a.Slug) && (strings.Contains(served, `"`+a.Slug+`"`) || containsSlug(served, "/articles/"+a.Slug)) {
			leaks = append(leaks, Leak{a.ID, "slug " + a.Slug})
		}
		for _, w := range secrets[a.ID] {
			if words[w] {
				leaks = append(leaks, Leak{a.ID, w})
			}
		}
	}
	return leaks
}

// visibleText joins everything a reader of allowed may legitimately see.
func (c *Corpus) visibleText(allowed []string) string {
	var b strings.Builder
	visible, _ := c.Split(allowed)
	for _, a := range visible {
		b.WriteString(a.Title + "\n" + a.BodyMD + "\n" + strings.Join(a.Tags, " ") + "\n" + a.Slug + "\n")
	}
	for _, cat := range c.Categories {
		for _, s := range cat.Sections {
			if meets(s.Audiences, allowed) {
				b.WriteString(cat.Name + "\n" + cat.Description + "\n" + cat.Slug + "\n" + s.Name + "\n" + s.Description + "\n" + s.Slug + "\n")
			}
		}
	}
	return b.String()
}

// containsSlug finds slug as a whole token (so "faktura" is not found in "faktura-2").
func containsSlug(text, slug string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], slug)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(slug)
		before := start == 0 || !isSlugByte(text[start-1])
		after := end == len(text) || !isSlugByte(text[end])
		if before && after {
			return true
		}
		i = start + 1
	}
}

func isSlugByte(b byte) bool { return b == '-' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9' }
