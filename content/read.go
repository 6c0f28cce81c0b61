package content

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/policy"
)

// These are the reader-side methods: every one filters with the subject's audiences in
// SQL (see visibility.go), so what a subject may not read is absent from lists and
// counts and answers "not found" when asked for directly.

const summaryColumns = `a.id, a.slug, r.title, a.kind, a.section_id, s.category_id, a.audiences, a.tags,
	a.updated_at, COALESCE(a.published_at, a.updated_at) AS published_at, COALESCE(a.external_id, '') AS external_id`

const sectionColumns = `s.id, s.category_id, s.slug, s.name, s.description, s.position, s.audiences,
	COALESCE(s.external_id, '') AS external_id, s.created_at, s.updated_at`

// visibleArticles starts a query over the articles the subject may read, joined with
// their sections (s) and published revisions (r).
func (s *Service) visibleArticles(allowed []string) *bun.SelectQuery {
	q := s.db.Bun.NewSelect().TableExpr("articles AS a").
		Join("JOIN sections AS s ON s.id = a.section_id").
		Join("JOIN article_revisions AS r ON r.id = a.published_revision_id")
	return whereVisible(q, allowed)
}

// articleCount is a correlated subquery counting the visible articles of section s.
func (s *Service) articleCount(allowed []string) *bun.SelectQuery {
	q := s.db.Bun.NewSelect().TableExpr("articles AS a").ColumnExpr("count(*)").Where("a.section_id = s.id")
	return whereVisible(q, allowed)
}

// parseID reads an all-digit reference as an id; slugs always contain a letter.
func parseID(ref string) (int64, bool) {
	id, err := strconv.ParseInt(ref, 10, 64)
	return id, err == nil && id > 0
}

// Categories lists the categories that have a section the subject may see, each with
// those sections in order and the number of articles the subject may read in each.
func (s *Service) Categories(ctx context.Context, subj policy.Subject) ([]Category, error) {
	allowed := s.policy.Audiences(subj)
	var sections []Section
	q := s.db.Bun.NewSelect().TableExpr("sections AS s").ColumnExpr(sectionColumns).
		ColumnExpr("(?) AS article_count", s.articleCount(allowed)).
		OrderExpr("s.category_id, s.position, s.id")
	if err := whereSectionVisible(q, allowed).Scan(ctx, &sections); err != nil {
		return nil, fmt.Errorf("list sections: %w", err)
	}
	var cats []Category
	err := s.db.Bun.NewSelect().TableExpr("categories AS c").
		ColumnExpr("c.id, c.slug, c.name, c.description, c.position, COALESCE(c.external_id, '') AS external_id, c.created_at, c.updated_at").
		Where("EXISTS (?)", whereSectionVisible(s.db.Bun.NewSelect().TableExpr("sections AS s").ColumnExpr("1").Where("s.category_id = c.id"), allowed)).
		OrderExpr("c.position, c.id").Scan(ctx, &cats)
	if err != nil {
		return nil, fmt.Errorf("list categories: %w", err)
	}
	byID := make(map[int64]*Category, len(cats))
	for i := range cats {
		cats[i].Sections = []Section{}
		byID[cats[i].ID] = &cats[i]
	}
	for _, sec := range sections {
		if c := byID[sec.CategoryID]; c != nil {
			c.Sections = append(c.Sections, sec)
		}
	}
	if cats == nil {
		cats = []Category{}
	}
	return cats, nil
}

// Section returns one section the subject may see, by id or slug.
func (s *Service) Section(ctx context.Context, subj policy.Subject, ref string) (*Section, error) {
	allowed := s.policy.Audiences(subj)
	var sec Section
	q := s.db.Bun.NewSelect().TableExpr("sections AS s").ColumnExpr(sectionColumns).
		ColumnExpr("(?) AS article_count", s.articleCount(allowed))
	if id, ok := parseID(ref); ok {
		q = q.Where("s.id = ?", id)
	} else {
		q = q.Where("s.slug = ?", ref)
	}
	if err := whereSectionVisible(q, allowed).Limit(1).Scan(ctx, &sec); err != nil {
		if noRows(err) {
			return nil, apperr.NotFoundf("Nie ma takiej sekcji.")
		}
		return nil, fmt.Errorf("find section: %w", err)
	}
	return &sec, nil
}

// ArticleFilter selects published articles; zero fields do not filter.
type ArticleFilter struct {
	// Section and Category take an id or a slug.
	Section, Category string
	// Kind is "article" or "faq".
	Kind string
	// Tag selects articles carrying this tag.
	Tag string
	// UpdatedSince selects articles whose readers' view changed at or after this time.
	UpdatedSince time.Time
	// ExternalID selects the article imported with this identifier.
	ExternalID string
	// Limit is the page size (default 20, at most 100); Cursor continues a list.
	Limit  int
	Cursor string
}

// FindArticles lists the published articles the subject may read, most recently
// updated first, one page at a time. Unknown filter values (a section that does not
// exist or that the subject may not see, a kind other than article or faq, a bad
// cursor, a limit over 100) are invalid input naming the field.
func (s *Service) FindArticles(ctx context.Context, subj policy.Subject, f ArticleFilter) (ArticlePage, error) {
	limit, err := checkLimit(f.Limit)
	if err != nil {
		return ArticlePage{}, err
	}
	allowed := s.policy.Audiences(subj)
	q := s.visibleArticles(allowed).ColumnExpr(summaryColumns)
	if f.Kind != "" {
		if f.Kind != KindArticle && f.Kind != KindFAQ {
			return ArticlePage{}, apperr.InvalidFields(apperr.Field("kind", "Rodzaj musi mieć wartość article albo faq."))
		}
		q = q.Where("a.kind = ?", f.Kind)
	}
	if f.Section != "" {
		id, err := s.visibleSectionID(ctx, allowed, f.Section)
		if err != nil {
			return ArticlePage{}, err
		}
		q = q.Where("a.section_id = ?", id)
	}
	if f.Category != "" {
		id, err := s.visibleCategoryID(ctx, allowed, f.Category)
		if err != nil {
			return ArticlePage{}, err
		}
		q = q.Where("s.category_id = ?", id)
	}
	if f.Tag != "" {
		q = q.Where("a.tags @> ?", pgdialect.Array([]string{f.Tag}))
	}
	if !f.UpdatedSince.IsZero() {
		q = q.Where("a.updated_at >= ?", f.UpdatedSince)
	}
	if f.ExternalID != "" {
		q = q.Where("a.external_id = ?", f.ExternalID)
	}
	if f.Cursor != "" {
		c, err := parseCursor(f.Cursor)
		if err != nil {
			return ArticlePage{}, err
		}
		q = q.Where("(a.updated_at, a.id) < (?, ?)", c.at, c.id)
	}
	var rows []ArticleSummary
	if err := q.OrderExpr("a.updated_at DESC, a.id DESC").Limit(int64(limit+1)).Scan(ctx, &rows); err != nil {
		return ArticlePage{}, fmt.Errorf("list articles: %w", err)
	}
	page := ArticlePage{Articles: rows}
	if len(rows) > limit {
		last := rows[limit-1]
		page.Articles, page.NextCursor = rows[:limit], cursor{at: last.UpdatedAt, id: last.ID}.String()
	}
	if page.Articles == nil {
		page.Articles = []ArticleSummary{}
	}
	return page, nil
}

func (s *Service) visibleSectionID(ctx context.Context, allowed []string, ref string) (int64, error) {
	q := s.db.Bun.NewSelect().TableExpr("sections AS s").Column("s.id")
	if id, ok := parseID(ref); ok {
		q = q.Where("s.id = ?", id)
	} else {
		q = q.Where("s.slug = ?", ref)
	}
	var id int64
	if err := whereSectionVisible(q, allowed).Scan(ctx, &id); err != nil {
		if noRows(err) {
			return 0, apperr.InvalidFields(apperr.Field("section", "Nie ma takiej sekcji."))
		}
		return 0, err
	}
	return id, nil
}

func (s *Service) visibleCategoryID(ctx context.Context, allowed []string, ref string) (int64, error) {
	q := s.db.Bun.NewSelect().TableExpr("categories AS c").Column("c.id").
		Where("EXISTS (?)", whereSectionVisible(s.db.Bun.NewSelect().TableExpr("sections AS s").ColumnExpr("1").Where("s.category_id = c.id"), allowed))
	if id, ok := parseID(ref); ok {
		q = q.Where("c.id = ?", id)
	} else {
		q = q.Where("c.slug = ?", ref)
	}
	var id int64
	if err := q.Scan(ctx, &id); err != nil {
		if noRows(err) {
			return 0, apperr.InvalidFields(apperr.Field("category", "Nie ma takiej kategorii."))
		}
		return 0, err
	}
	return id, nil
}

// Article returns a published article the subject may read, by id or by slug. A slug
// the article had before also finds it: the returned article's Slug then differs from
// ref, and callers answer with a redirect to the current one. Articles the subject may
// not read are "not found", whichever way they are asked for.
func (s *Service) Article(ctx context.Context, subj policy.Subject, ref string) (*Article, error) {
	allowed := s.policy.Audiences(subj)
	q := s.visibleArticles(allowed).ColumnExpr(summaryColumns).
		ColumnExpr("r.id AS revision_id, r.body_md, r.body_html")
	if id, ok := parseID(ref); ok {
		q = q.Where("a.id = ?", id)
	} else {
		q = q.Where("(a.slug = ? OR a.id = (SELECT article_id FROM article_slugs WHERE slug = ?))", ref, ref)
	}
	var a Article
	if err := q.Limit(1).Scan(ctx, &a); err != nil {
		if noRows(err) {
			return nil, errArticleNotFound()
		}
		return nil, fmt.Errorf("find article: %w", err)
	}
	return &a, nil
}

func errArticleNotFound() error { return apperr.NotFoundf("Nie ma takiego artykułu.") }

// CommentFilter pages comments.
type CommentFilter struct {
	Limit  int
	Cursor string
}

// Comments lists the visible comments of an article the subject may read, oldest first.
// Hidden comments are left out; authors are shown by name only.
func (s *Service) Comments(ctx context.Context, subj policy.Subject, articleID int64, f CommentFilter) (CommentPage, error) {
	limit, err := checkLimit(f.Limit)
	if err != nil {
		return CommentPage{}, err
	}
	allowed := s.policy.Audiences(subj)
	exists, err := s.visibleArticles(allowed).ColumnExpr("1").Where("a.id = ?", articleID).Exists(ctx)
	if err != nil {
		return CommentPage{}, fmt.Errorf("find article: %w", err)
	}
	if !exists {
		return CommentPage{}, errArticleNotFound()
	}
	q := s.db.Bun.NewSelect().TableExpr("comments AS c").Join("JOIN users AS u ON u.id = c.author_id").
		ColumnExpr("c.id, c.article_id, COALESCE(c.parent_id, 0) AS parent_id, u.name AS author_name, c.body, c.created_at, c.from_staff").
		Where("c.article_id = ?", articleID).Where("c.hidden_at IS NULL").
		// Answers disappear with the comment they answer, as on the portal.
		Where("NOT EXISTS (SELECT 1 FROM comments p WHERE p.id = c.parent_id AND p.hidden_at IS NOT NULL)")
	if f.Cursor != "" {
		c, err := parseCursor(f.Cursor)
		if err != nil {
			return CommentPage{}, err
		}
		q = q.Where("(c.created_at, c.id) > (?, ?)", c.at, c.id)
	}
	var rows []Comment
	if err := q.OrderExpr("c.created_at, c.id").Limit(int64(limit+1)).Scan(ctx, &rows); err != nil {
		return CommentPage{}, fmt.Errorf("list comments: %w", err)
	}
	page := CommentPage{Comments: rows}
	if len(rows) > limit {
		last := rows[limit-1]
		page.Comments, page.NextCursor = rows[:limit], cursor{at: last.CreatedAt, id: last.ID}.String()
	}
	if page.Comments == nil {
		page.Comments = []Comment{}
	}
	return page, nil
}

// Empty reports whether the knowledge base has no article at all, in any state.
func (s *Service) Empty(ctx context.Context) (bool, error) {
	has, err := s.db.Bun.NewSelect().TableExpr("articles").Exists(ctx)
	return !has, err
}
