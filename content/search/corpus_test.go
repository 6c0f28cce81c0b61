package search_test

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/helpcenter/helpcenter/content/search"
	sharedcorpus "github.com/helpcenter/helpcenter/internal/corpus"
	"github.com/helpcenter/helpcenter/internal/db"
)

// sharedData is the folder of the shared seed data set.
func sharedData(tb testing.TB) string {
	tb.Helper()
	return sharedcorpus.Dir(tb)
}

type corpusSection struct {
	ID        string   `json:"id"`
	Slug      string   `json:"slug"`
	Name      string   `json:"name"`
	Audiences []string `json:"audiences"`
}

type corpusCategory struct {
	ID       string          `json:"id"`
	Slug     string          `json:"slug"`
	Name     string          `json:"name"`
	Sections []corpusSection `json:"sections"`
}

type corpusArticle struct {
	ID        string    `json:"id"`
	SectionID string    `json:"section_id"`
	Slug      string    `json:"slug"`
	Title     string    `json:"title"`
	Kind      string    `json:"kind"`
	Audiences []string  `json:"audiences"`
	Tags      []string  `json:"tags"`
	BodyMD    string    `json:"body_md"`
	UpdatedAt time.Time `json:"updated_at"`
}

// corpus is a data set loaded into a test database and the index.
type corpus struct {
	articles []corpusArticle
	ids      map[string]int64 // external id -> articles.id
	extOf    map[int64]string
	audOf    map[int64][]string
	slugs    map[string]string // slug -> external id
}

// mustLoadCorpus inserts the minimal category, section and article rows of a data set
// (the index's foreign key needs them) and puts every article into the index.
func mustLoadCorpus(tb testing.TB, d *db.DB, ix *search.Index, dir string) *corpus {
	tb.Helper()
	ctx := context.Background()
	var cats []corpusCategory
	data, err := os.ReadFile(filepath.Join(dir, "categories.json"))
	if err != nil {
		tb.Fatal(err)
	}
	if err := json.Unmarshal(data, &cats); err != nil {
		tb.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, "articles.jsonl"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	c := &corpus{ids: map[string]int64{}, extOf: map[int64]string{}, audOf: map[int64][]string{}, slugs: map[string]string{}}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var a corpusArticle
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			tb.Fatal(err)
		}
		c.articles = append(c.articles, a)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	sectionIDs := map[string]int64{}
	categoryOf := map[string]int64{}
	err = d.Bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for ci, cat := range cats {
			var catID int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO categories (slug, name, position, external_id) VALUES (?, ?, ?, ?) RETURNING id`,
				cat.Slug, cat.Name, ci, cat.ID).Scan(&catID); err != nil {
				return err
			}
			for si, s := range cat.Sections {
				var id int64
				if err := tx.QueryRowContext(ctx, `INSERT INTO sections (category_id, slug, name, position, audiences, external_id) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
					catID, s.Slug, s.Name, si, bunArray(s.Audiences), s.ID).Scan(&id); err != nil {
					return err
				}
				sectionIDs[s.ID] = id
				categoryOf[s.ID] = catID
			}
		}
		for _, a := range c.articles {
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO articles (section_id, slug, kind, audiences, tags, external_id) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
				sectionIDs[a.SectionID], a.Slug, a.Kind, bunArray(a.Audiences), bunArray(a.Tags), a.ID).Scan(&id); err != nil {
				return err
			}
			c.ids[a.ID], c.extOf[id], c.audOf[id], c.slugs[a.Slug] = id, a.ID, a.Audiences, a.ID
			if err := ix.Put(ctx, tx, search.Document{
				ArticleID: id, Title: a.Title, BodyMarkdown: a.BodyMD, Tags: a.Tags, Kind: a.Kind,
				SectionID: sectionIDs[a.SectionID], CategoryID: categoryOf[a.SectionID],
				Audiences: a.Audiences, UpdatedAt: a.UpdatedAt,
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := d.Pool.Exec(ctx, `ANALYZE article_search; ANALYZE search_words`); err != nil {
		tb.Fatal(err)
	}
	return c
}

// viewerAudiences are the audiences each viewer of search_dev.jsonl may read.
var viewerAudiences = map[string][]string{
	"anonymous":     {"public"},
	"signed_in":     {"public", "signed_in"},
	"accountant":    {"public", "signed_in", "accountant"},
	"office_client": {"public", "signed_in", "office_client"},
	"partner":       {"public", "signed_in", "partner"},
	"staff":         {"public", "signed_in", "accountant", "office_client", "partner", "staff"},
}

// visibleTo reports whether an article with audiences may be read with allowed.
func visibleTo(audiences, allowed []string) bool {
	for _, a := range audiences {
		for _, b := range allowed {
			if a == b {
				return true
			}
		}
	}
	return false
}

func bunArray(v []string) any {
	if v == nil {
		v = []string{}
	}
	return pgdialect.Array(v)
}
