package content

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/helpcenter/helpcenter/content/search"
	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/audit"
	"github.com/helpcenter/helpcenter/policy"
)

// Import and export use the JSON Lines layout of the shared data set: categories.json
// (categories with their sections) and articles.jsonl (one published article a line).
// Records keep their source identifiers as external_id, so importing again updates them.

// The file names of the layout.
const (
	CategoriesFile = "categories.json"
	ArticlesFile   = "articles.jsonl"
)

// CategoryRecord is one category of categories.json.
type CategoryRecord struct {
	ID          string          `json:"id"`
	Slug        string          `json:"slug"`
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Sections    []SectionRecord `json:"sections"`
}

// SectionRecord is one section of a category in categories.json.
type SectionRecord struct {
	ID          string   `json:"id"`
	Slug        string   `json:"slug"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Audiences   []string `json:"audiences"`
}

// ArticleRecord is one line of articles.jsonl.
type ArticleRecord struct {
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

// LineError points at a bad record: the file, the line (1-based) and what is wrong.
type LineError struct {
	File string
	Line int
	Err  error
}

func (e *LineError) Error() string {
	msg := e.Err.Error()
	if ae := apperr.As(e.Err); ae != nil {
		msg = ae.Message
		for _, f := range ae.Fields {
			msg += " " + f.Field + ": " + f.Message
		}
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, msg)
}

func (e *LineError) Unwrap() error { return e.Err }

// ImportErrors lists every bad record found; nothing was written.
type ImportErrors []*LineError

func (es ImportErrors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// analyzeAfter is the number of imported articles from which an import refreshes the
// planner's statistics.
const analyzeAfter = 100

// maxReportedErrors bounds how many bad lines one import lists.
const maxReportedErrors = 20

// ImportStats counts what an import did.
type ImportStats struct {
	Categories, Sections                        int
	ArticlesCreated, ArticlesUpdated, Unchanged int
}

func (st ImportStats) String() string {
	return fmt.Sprintf("%d categories, %d sections, %d articles created, %d updated, %d unchanged",
		st.Categories, st.Sections, st.ArticlesCreated, st.ArticlesUpdated, st.Unchanged)
}

// ReadCategories parses categories.json.
func ReadCategories(fsys fs.FS) ([]CategoryRecord, error) {
	b, err := fs.ReadFile(fsys, CategoriesFile)
	if err != nil {
		return nil, err
	}
	var cats []CategoryRecord
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cats); err != nil {
		return nil, &LineError{File: CategoriesFile, Line: lineAt(b, err, dec), Err: err}
	}
	return cats, nil
}

// lineAt finds the line of a JSON decoding error.
func lineAt(b []byte, err error, dec *json.Decoder) int {
	off := dec.InputOffset()
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	off = min(max(off, 0), int64(len(b)))
	return bytes.Count(b[:off], []byte("\n")) + 1
}

// ReadArticles parses articles.jsonl, calling fn for every record with its line number.
// Malformed lines are collected (up to a limit) and returned together at the end.
func ReadArticles(fsys fs.FS, fn func(line int, r ArticleRecord) error) error {
	f, err := fsys.Open(ArticlesFile)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	var errs ImportErrors
	for line := 1; sc.Scan(); line++ {
		raw := bytes.TrimSpace(sc.Bytes())
		if len(raw) == 0 {
			continue
		}
		var r ArticleRecord
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			errs = append(errs, &LineError{File: ArticlesFile, Line: line, Err: err})
		} else if dec.More() {
			errs = append(errs, &LineError{File: ArticlesFile, Line: line, Err: errors.New("more than one JSON value on the line")})
		} else if err := fn(line, r); err != nil {
			var le *LineError
			if !errors.As(err, &le) {
				return err
			}
			errs = append(errs, le)
		}
		if len(errs) >= maxReportedErrors {
			break
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", ArticlesFile, err)
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// Import loads the layout from fsys into tx: categories and sections by their ids,
// articles as published with their updated_at. Records are matched by external_id (an
// article also by slug, which it then adopts), so a second import updates and never
// duplicates; an unchanged article gets no new revision. A directory with neither file
// is skipped. Errors name the file and line; the caller rolls tx back, so a failed
// import writes nothing.
func (s *Service) Import(ctx context.Context, tx bun.Tx, fsys fs.FS, actor audit.Actor) (ImportStats, error) {
	var st ImportStats
	_, errC := fs.Stat(fsys, CategoriesFile)
	_, errA := fs.Stat(fsys, ArticlesFile)
	if errors.Is(errC, fs.ErrNotExist) && errors.Is(errA, fs.ErrNotExist) {
		return st, nil
	}
	cats, err := ReadCategories(fsys)
	if err != nil {
		return st, err
	}
	known := s.policy.AllAudiences()
	sections := map[string]importSection{}
	for ci, c := range cats {
		var catID int64
		err := tx.NewRaw(`INSERT INTO categories (slug, name, description, position, external_id) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (external_id) DO UPDATE SET slug = EXCLUDED.slug, name = EXCLUDED.name,
				description = EXCLUDED.description, position = EXCLUDED.position, updated_at = now()
			RETURNING id`, c.Slug, c.Name, c.Description, ci+1, c.ID).Scan(ctx, &catID)
		if err != nil {
			return st, &LineError{File: CategoriesFile, Line: 1, Err: fmt.Errorf("category %q: %w", c.ID, structureError(err))}
		}
		st.Categories++
		for si, sec := range c.Sections {
			aud := sec.Audiences
			if len(aud) == 0 {
				aud = []string{policy.AudiencePublic}
			}
			for _, a := range aud {
				if !slices.Contains(known, a) {
					return st, &LineError{File: CategoriesFile, Line: 1, Err: fmt.Errorf("section %q: unknown audience %q", sec.ID, a)}
				}
			}
			var secID int64
			err := tx.NewRaw(`INSERT INTO sections (category_id, slug, name, description, position, audiences, external_id)
				VALUES (?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (external_id) DO UPDATE SET category_id = EXCLUDED.category_id, slug = EXCLUDED.slug,
					name = EXCLUDED.name, description = EXCLUDED.description, position = EXCLUDED.position,
					audiences = EXCLUDED.audiences, updated_at = now()
				RETURNING id`, catID, sec.Slug, sec.Name, sec.Description, si+1, pgdialect.Array(aud), sec.ID).Scan(ctx, &secID)
			if err != nil {
				return st, &LineError{File: CategoriesFile, Line: 1, Err: fmt.Errorf("section %q: %w", sec.ID, structureError(err))}
			}
			sections[sec.ID] = importSection{id: secID, category: catID, audiences: aud}
			st.Sections++
		}
	}
	err = ReadArticles(fsys, func(line int, r ArticleRecord) error {
		fail := func(err error) error { return &LineError{File: ArticlesFile, Line: line, Err: err} }
		if r.ID == "" {
			return fail(errors.New("id is missing"))
		}
		sec, ok := sections[r.SectionID]
		if !ok {
			err := tx.NewRaw("SELECT id, category_id, audiences FROM sections WHERE external_id = ?", r.SectionID).
				Scan(ctx, &sec.id, &sec.category, pgdialect.Array(&sec.audiences))
			if err != nil {
				return fail(fmt.Errorf("section_id %q is not in %s", r.SectionID, CategoriesFile))
			}
			sections[r.SectionID] = sec
		}
		if r.UpdatedAt.IsZero() {
			return fail(errors.New("updated_at is missing"))
		}
		if r.Slug != "" && !ValidSlug(r.Slug) {
			return fail(fmt.Errorf("slug %q is not a valid slug", r.Slug))
		}
		created, changed, err := s.importArticle(ctx, tx, sec, r)
		if err != nil {
			if apperr.As(err) != nil {
				return fail(err)
			}
			return err
		}
		switch {
		case created:
			st.ArticlesCreated++
		case changed:
			st.ArticlesUpdated++
		default:
			st.Unchanged++
		}
		return nil
	})
	if err != nil {
		return st, err
	}
	if st.ArticlesCreated+st.ArticlesUpdated >= analyzeAfter {
		// Fresh statistics, or the planner takes the imported thousands for a handful
		// and reads whole tables where an index would stop after one page.
		if _, err := tx.ExecContext(ctx, "ANALYZE categories, sections, articles, article_revisions, article_slugs"); err != nil {
			return st, fmt.Errorf("analyze imported tables: %w", err)
		}
	}
	return st, audit.Record(ctx, tx, actor, "content.import", "content", nil, st)
}

// importSection is what an import needs to know of a section.
type importSection struct {
	id, category int64
	audiences    []string
}

// importArticle creates or updates one article from a record and publishes it.
func (s *Service) importArticle(ctx context.Context, tx bun.Tx, sec importSection, r ArticleRecord) (created, changed bool, err error) {
	sectionID := sec.id
	var id int64
	err = tx.NewRaw("SELECT id FROM articles WHERE external_id = ?", r.ID).Scan(ctx, &id)
	if noRows(err) && r.Slug != "" {
		err = tx.NewRaw("SELECT id FROM articles WHERE slug = ? AND external_id IS NULL", r.Slug).Scan(ctx, &id)
	}
	if err != nil && !noRows(err) {
		return false, false, err
	}
	at := r.UpdatedAt.UTC()
	audiences := r.Audiences
	if id == 0 {
		return true, true, s.importNew(ctx, tx, sec, r)
	}
	cur, err := loadArticle(ctx, tx, id, true)
	if err != nil {
		return false, false, err
	}
	var fe fieldErrors
	title, f := checkTitle(r.Title)
	fe.add(f)
	fe.add(checkBody(r.BodyMD))
	kind, f := checkKind(r.Kind)
	fe.add(f)
	tags, f := normalizeTags(r.Tags)
	fe.add(f)
	if audiences == nil {
		if audiences, err = sectionAudiences(ctx, tx, sectionID); err != nil {
			return false, false, err
		}
	}
	aud, f := s.checkAudiences("audiences", audiences)
	fe.add(f)
	if len(fe) > 0 {
		return false, false, fe.err()
	}
	slug := cur.Slug
	if r.Slug != "" && r.Slug != cur.Slug {
		if slug, err = articleSlug(ctx, tx, r.Slug, title, id); err != nil {
			return false, false, err
		}
	}
	rev := cur.PublishedRevisionID
	var pubTitle, pubBody string
	if rev != 0 {
		if err := tx.NewRaw("SELECT title, body_md FROM article_revisions WHERE id = ?", rev).Scan(ctx, &pubTitle, &pubBody); err != nil {
			return false, false, err
		}
	}
	contentChanged := rev == 0 || pubTitle != title || pubBody != r.BodyMD
	changed = contentChanged || slug != cur.Slug || sectionID != cur.SectionID || kind != cur.Kind ||
		!slices.Equal(aud, cur.Audiences) || !slices.Equal(tags, cur.Tags) || !cur.UpdatedAt.Equal(at) || r.ID != cur.ExternalID
	if !changed {
		return false, false, nil
	}
	if contentChanged {
		if cur.Title == title && cur.BodyMD == r.BodyMD {
			rev = cur.CurrentRevisionID // the draft already says exactly this
		} else if rev, err = insertRevision(ctx, tx, id, title, r.BodyMD, 0, at); err != nil {
			return false, false, err
		}
	}
	_, err = tx.NewRaw(`UPDATE articles SET section_id = ?, slug = ?, kind = ?, audiences = ?, tags = ?, external_id = ?,
			state = 'published', published_revision_id = ?, current_revision_id = GREATEST(current_revision_id, ?),
			published_at = COALESCE(published_at, ?), updated_at = ?, edited_at = GREATEST(edited_at, ?),
			publish_at = NULL, scheduled_revision_id = NULL
		WHERE id = ?`, sectionID, slug, kind, pgdialect.Array(aud), pgdialect.Array(tags), r.ID, rev, rev, at, at, at, id).Exec(ctx)
	if err != nil {
		return false, false, fmt.Errorf("update article %d: %w", id, err)
	}
	if slug != cur.Slug && cur.Live() {
		if err := recordOldSlug(ctx, tx, id, cur.Slug, slug); err != nil {
			return false, false, err
		}
	}
	return false, true, s.indexArticle(ctx, tx, id)
}

// importNew creates a published article from a record with one statement (article and
// first revision together) and puts it in the search index: imports create thousands.
func (s *Service) importNew(ctx context.Context, tx bun.Tx, sec importSection, r ArticleRecord) error {
	n, err := s.checkNew(ArticleInput{SectionID: sec.id, Title: r.Title, BodyMD: r.BodyMD, Kind: r.Kind,
		Audiences: r.Audiences, Tags: r.Tags}, sec.audiences)
	if err != nil {
		return err
	}
	slug := r.Slug
	if slug == "" {
		if slug, err = articleSlug(ctx, tx, "", n.title, 0); err != nil {
			return err
		}
	}
	at := r.UpdatedAt.UTC()
	var id int64
	// Ids come from the tables' own sequences, so the article can name its revision
	// (checked at commit) and the revision its article in the same statement. A slug that
	// another article had before is refused like a taken one.
	err = tx.NewRaw(`WITH ids AS (
			SELECT nextval(pg_get_serial_sequence('articles', 'id')) AS aid,
				nextval(pg_get_serial_sequence('article_revisions', 'id')) AS rid
			WHERE NOT EXISTS (SELECT 1 FROM article_slugs WHERE slug = ?)
		), a AS (
			INSERT INTO articles (id, section_id, slug, kind, state, audiences, tags, external_id,
				current_revision_id, published_revision_id, published_at, created_at, updated_at, edited_at)
			OVERRIDING SYSTEM VALUE SELECT aid, ?, ?, ?, 'published', ?, ?, ?, rid, rid, ?, ?, ?, ? FROM ids
		)
		INSERT INTO article_revisions (id, article_id, number, title, body_md, body_html, created_at)
		OVERRIDING SYSTEM VALUE SELECT rid, aid, 1, ?, ?, ?, ? FROM ids RETURNING article_id`,
		slug, sec.id, slug, n.kind, pgdialect.Array(n.audiences), pgdialect.Array(n.tags), r.ID, at, at, at, at,
		n.title, r.BodyMD, RenderMarkdown(r.BodyMD), at).Scan(ctx, &id)
	if c, ok := uniqueViolation(err); ok || noRows(err) {
		if strings.Contains(c, "external_id") {
			return apperr.InvalidFields(apperr.Field("id", "Inny artykuł ma już ten identyfikator."))
		}
		return apperr.InvalidFields(apperr.Field("slug", "Ten adres ma (lub miał) już inny artykuł."))
	}
	if err != nil {
		return fmt.Errorf("insert article: %w", err)
	}
	return s.index.Put(ctx, tx, search.Document{ArticleID: id, Title: n.title, BodyMarkdown: r.BodyMD, Tags: n.tags,
		Kind: n.kind, SectionID: sec.id, CategoryID: sec.category, Audiences: EffectiveAudiences(n.audiences, sec.audiences), UpdatedAt: at})
}

// ImportFS runs Import in its own transaction (tests and the demo).
func (s *Service) ImportFS(ctx context.Context, fsys fs.FS, actor audit.Actor) (ImportStats, error) {
	var st ImportStats
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		st, err = s.Import(ctx, tx, fsys, actor)
		return err
	})
	return st, err
}

// Export is a command-line operation (whoever runs it can read the database anyway), so
// it checks no permission. It writes every category and section, and every live article's published
// revision, to dir in the import layout. Articles created in the console have no
// external id; they are written with "article-<id>" and matched by slug when imported
// again.
func (s *Service) Export(ctx context.Context, dir string) (categories, articles int, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, 0, err
	}
	cats, err := s.allCategories(ctx)
	if err != nil {
		return 0, 0, err
	}
	secExt := map[int64]string{}
	recs := make([]CategoryRecord, 0, len(cats))
	for _, c := range cats {
		rec := CategoryRecord{ID: extOr(c.ExternalID, "category", c.ID), Slug: c.Slug, Name: c.Name, Description: c.Description, Sections: []SectionRecord{}}
		for _, sec := range c.Sections {
			ext := extOr(sec.ExternalID, "section", sec.ID)
			secExt[sec.ID] = ext
			rec.Sections = append(rec.Sections, SectionRecord{ID: ext, Slug: sec.Slug, Name: sec.Name, Description: sec.Description, Audiences: sec.Audiences})
		}
		recs = append(recs, rec)
	}
	b, err := json.MarshalIndent(recs, "", "  ")
	if err != nil {
		return 0, 0, err
	}
	if err := os.WriteFile(filepath.Join(dir, CategoriesFile), append(b, '\n'), 0o644); err != nil {
		return 0, 0, err
	}
	f, err := os.Create(filepath.Join(dir, ArticlesFile))
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	n, err := s.exportArticles(ctx, w, secExt)
	if err != nil {
		return 0, 0, err
	}
	if err := w.Flush(); err != nil {
		return 0, 0, err
	}
	return len(recs), n, f.Close()
}

func extOr(ext, kind string, id int64) string {
	if ext != "" {
		return ext
	}
	return fmt.Sprintf("%s-%d", kind, id)
}

func (s *Service) exportArticles(ctx context.Context, w io.Writer, secExt map[int64]string) (int, error) {
	rows, err := s.db.Bun.QueryContext(ctx, `SELECT a.id, COALESCE(a.external_id, ''), a.section_id, a.slug, r.title, a.kind,
			a.audiences, a.tags, r.body_md, a.updated_at
		FROM articles a JOIN article_revisions r ON r.id = a.published_revision_id ORDER BY a.id`)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	n := 0
	for rows.Next() {
		var id, secID int64
		var ext string
		var r ArticleRecord
		if err := rows.Scan(&id, &ext, &secID, &r.Slug, &r.Title, &r.Kind, pgdialect.Array(&r.Audiences), pgdialect.Array(&r.Tags), &r.BodyMD, &r.UpdatedAt); err != nil {
			return n, err
		}
		r.ID, r.SectionID, r.UpdatedAt = extOr(ext, "article", id), secExt[secID], r.UpdatedAt.UTC()
		if r.Tags == nil {
			r.Tags = []string{}
		}
		if err := enc.Encode(r); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}
