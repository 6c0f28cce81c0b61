package content

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/audit"
	"github.com/helpcenter/helpcenter/policy"
)

// These are the staff-side methods for writing articles. Each checks its permission
// first, validates, changes the data in one transaction and records the change in the
// audit log inside the same transaction.

const managedColumns = `a.id, a.section_id, a.slug, a.kind, a.state, a.audiences, a.tags, r.title,
	a.current_revision_id, COALESCE(a.published_revision_id, 0) AS published_revision_id, a.publish_at,
	COALESCE(a.scheduled_revision_id, 0) AS scheduled_revision_id, a.published_at, COALESCE(a.author_id, 0) AS author_id,
	COALESCE(a.external_id, '') AS external_id, a.created_at, a.updated_at, a.edited_at,
	ARRAY(SELECT ticket_id FROM article_sources WHERE article_id = a.id ORDER BY ticket_id) AS source_ticket_ids`

func managedQuery(idb bun.IDB, withBody bool) *bun.SelectQuery {
	q := idb.NewSelect().TableExpr("articles AS a").
		Join("JOIN article_revisions AS r ON r.id = a.current_revision_id").ColumnExpr(managedColumns)
	if withBody {
		q = q.ColumnExpr("r.body_md, r.body_html")
	}
	return q
}

// loadArticle reads one article with its current revision; forUpdate locks its row for
// the rest of the transaction.
func loadArticle(ctx context.Context, idb bun.IDB, id int64, forUpdate bool) (*ManagedArticle, error) {
	q := managedQuery(idb, true).Where("a.id = ?", id)
	if forUpdate {
		q = q.For("UPDATE OF a")
	}
	var a ManagedArticle
	if err := q.Scan(ctx, &a); err != nil {
		if noRows(err) {
			return nil, errArticleNotFound()
		}
		return nil, fmt.Errorf("load article %d: %w", id, err)
	}
	return &a, nil
}

// articleAudit is what the audit log keeps of an article (bodies live in revisions).
type articleAudit struct {
	Slug                string     `json:"slug"`
	SectionID           int64      `json:"section_id"`
	Kind                string     `json:"kind"`
	State               string     `json:"state"`
	Audiences           []string   `json:"audiences"`
	Tags                []string   `json:"tags"`
	Title               string     `json:"title"`
	CurrentRevisionID   int64      `json:"current_revision_id"`
	PublishedRevisionID int64      `json:"published_revision_id,omitempty"`
	PublishAt           *time.Time `json:"publish_at,omitempty"`
}

func auditView(a *ManagedArticle) articleAudit {
	return articleAudit{Slug: a.Slug, SectionID: a.SectionID, Kind: a.Kind, State: a.State, Audiences: a.Audiences,
		Tags: a.Tags, Title: a.Title, CurrentRevisionID: a.CurrentRevisionID, PublishedRevisionID: a.PublishedRevisionID, PublishAt: a.PublishAt}
}

func articleObject(id int64) string { return fmt.Sprintf("article:%d", id) }

// sectionAudiences returns a section's audiences, nil when there is no such section.
func sectionAudiences(ctx context.Context, idb bun.IDB, id int64) ([]string, error) {
	var aud []string
	err := idb.NewSelect().TableExpr("sections").ColumnExpr("audiences").Where("id = ?", id).Scan(ctx, pgdialect.Array(&aud))
	if noRows(err) {
		return nil, nil
	}
	return aud, err
}

var errNoReaders = apperr.Field("audiences", "Te grupy odbiorców nie widzą wybranej sekcji: artykułu nie zobaczyłby nikt poza zespołem.")

// insertRevision saves a new revision (the next number) with its rendered body. at zero
// means now.
func insertRevision(ctx context.Context, tx bun.IDB, articleID int64, title, bodyMD string, authorID int64, at time.Time) (int64, error) {
	if at.IsZero() {
		at = time.Now()
	}
	var id int64
	err := tx.NewRaw(`INSERT INTO article_revisions (article_id, number, title, body_md, body_html, author_id, created_at)
		VALUES (?, (SELECT COALESCE(max(number), 0) + 1 FROM article_revisions WHERE article_id = ?), ?, ?, ?, NULLIF(?, 0), ?)
		RETURNING id`, articleID, articleID, title, bodyMD, RenderMarkdown(bodyMD), authorID, at).Scan(ctx, &id)
	if err != nil {
		return 0, fmt.Errorf("save revision: %w", err)
	}
	return id, nil
}

// ArticleInput describes a new article.
type ArticleInput struct {
	SectionID int64
	Title     string
	BodyMD    string
	// Slug "" derives a free one from the title (Polish letters transliterated).
	Slug string
	// Kind is "article" (the default) or "faq".
	Kind string
	// Audiences nil takes the section's audiences.
	Audiences []string
	Tags      []string
	// ExternalID identifies the article in the system it came from.
	ExternalID string
	// SourceTicketIDs link a FAQ to the support requests it was written from.
	SourceTicketIDs []int64
}

// CreateArticle saves a new draft with its first revision (permission article:edit).
func (s *Service) CreateArticle(ctx context.Context, actor policy.Subject, in ArticleInput) (*ManagedArticle, error) {
	if err := s.policy.Require(actor, policy.ArticleEdit); err != nil {
		return nil, err
	}
	var out *ManagedArticle
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		id, err := s.createArticle(ctx, tx, actor, in, time.Time{})
		if err != nil {
			return err
		}
		if out, err = loadArticle(ctx, tx, id, false); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, "article.create", articleObject(id), nil, auditView(out))
	})
	return out, err
}

// newArticle is an article input once checked: trimmed, defaulted, normalized.
type newArticle struct {
	title, kind     string
	tags, audiences []string
}

// checkNew validates a new article against its section's audiences (nil: no such
// section). Audiences default to the section's.
func (s *Service) checkNew(in ArticleInput, secAud []string) (newArticle, error) {
	var fe fieldErrors
	var n newArticle
	var f *apperr.FieldError
	n.title, f = checkTitle(in.Title)
	fe.add(f)
	fe.add(checkBody(in.BodyMD))
	n.kind, f = checkKind(in.Kind)
	fe.add(f)
	n.tags, f = normalizeTags(in.Tags)
	fe.add(f)
	if secAud == nil {
		fe.add(&apperr.FieldError{Field: "section_id", Message: "Nie ma takiej sekcji."})
	}
	audiences := in.Audiences
	if audiences == nil {
		audiences = secAud
	}
	n.audiences, f = s.checkAudiences("audiences", audiences)
	fe.add(f)
	if f == nil && secAud != nil && len(EffectiveAudiences(n.audiences, secAud)) == 0 {
		fe.add(&errNoReaders)
	}
	return n, fe.err()
}

// createArticle validates and inserts a draft; at is its creation time (zero = now).
func (s *Service) createArticle(ctx context.Context, tx bun.Tx, actor policy.Subject, in ArticleInput, at time.Time) (int64, error) {
	secAud, err := sectionAudiences(ctx, tx, in.SectionID)
	if err != nil {
		return 0, err
	}
	n, err := s.checkNew(in, secAud)
	if err != nil {
		return 0, err
	}
	title, kind, tags, aud := n.title, n.kind, n.tags, n.audiences
	slug, err := articleSlug(ctx, tx, in.Slug, title, 0)
	if err != nil {
		return 0, err
	}
	if at.IsZero() {
		at = time.Now()
	}
	var id int64
	err = tx.NewRaw(`INSERT INTO articles (section_id, slug, kind, state, audiences, tags, author_id, external_id, created_at, updated_at, edited_at)
		VALUES (?, ?, ?, 'draft', ?, ?, NULLIF(?, 0), NULLIF(?, ''), ?, ?, ?) RETURNING id`,
		in.SectionID, slug, kind, pgdialect.Array(aud), pgdialect.Array(tags), actor.UserID, in.ExternalID, at, at, at).Scan(ctx, &id)
	if c, ok := uniqueViolation(err); ok && strings.Contains(c, "external_id") {
		return 0, apperr.InvalidFields(apperr.Field("external_id", "Inny artykuł ma już ten identyfikator zewnętrzny."))
	}
	if err != nil {
		return 0, fmt.Errorf("insert article: %w", err)
	}
	rev, err := insertRevision(ctx, tx, id, title, in.BodyMD, actor.UserID, at)
	if err != nil {
		return 0, err
	}
	if _, err := tx.NewRaw("UPDATE articles SET current_revision_id = ? WHERE id = ?", rev, id).Exec(ctx); err != nil {
		return 0, err
	}
	if len(in.SourceTicketIDs) > 0 {
		_, err := tx.NewRaw("INSERT INTO article_sources (article_id, ticket_id) SELECT ?, unnest(?::bigint[]) ON CONFLICT DO NOTHING",
			id, pgdialect.Array(in.SourceTicketIDs)).Exec(ctx)
		if _, ok := foreignKeyViolation(err); ok {
			return 0, apperr.InvalidFields(apperr.Field("source_ticket_ids", "Nie ma takiego zgłoszenia."))
		}
		if err != nil {
			return 0, err
		}
	}
	return id, nil
}

// ArticleUpdate changes an article; nil fields stay as they are.
type ArticleUpdate struct {
	// BaseRevisionID is the revision the editor started from. When someone saved a
	// newer one meanwhile the update is refused as a conflict and nothing is lost.
	BaseRevisionID int64
	// Title and BodyMD, when they differ from the current revision, save a new one.
	Title, BodyMD *string
	// Slug, SectionID, Kind, Audiences and Tags apply to the article at once, also to a
	// live one (which then needs article:publish). A slug change keeps the old slug
	// answering with a redirect. Audiences and Tags: nil leaves them, empty Tags clears.
	Slug      *string
	SectionID *int64
	Kind      *string
	Audiences []string
	Tags      []string
}

// UpdateArticle saves a new revision and/or changes the article's settings
// (permission article:edit; on a live article, settings readers would see need
// article:publish). Readers keep getting the published revision until the next publish.
func (s *Service) UpdateArticle(ctx context.Context, actor policy.Subject, id int64, upd ArticleUpdate) (*ManagedArticle, error) {
	if err := s.policy.Require(actor, policy.ArticleEdit); err != nil {
		return nil, err
	}
	var out *ManagedArticle
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		out, err = s.updateArticle(ctx, tx, actor, id, upd, "article.update")
		return err
	})
	return out, err
}

func (s *Service) updateArticle(ctx context.Context, tx bun.Tx, actor policy.Subject, id int64, upd ArticleUpdate, action string) (*ManagedArticle, error) {
	cur, err := loadArticle(ctx, tx, id, true)
	if err != nil {
		return nil, err
	}
	if upd.BaseRevisionID != cur.CurrentRevisionID {
		var n int
		if err := tx.NewRaw("SELECT number FROM article_revisions WHERE id = ?", cur.CurrentRevisionID).Scan(ctx, &n); err != nil {
			return nil, err
		}
		return nil, apperr.Conflictf("W międzyczasie ktoś zapisał nowszą wersję tego artykułu (rewizja %d). Twoje zmiany nie zostały zapisane: otwórz artykuł ponownie i nanieś je na nowszą wersję.", n)
	}
	next := *cur
	var fe fieldErrors
	if upd.Title != nil {
		t, f := checkTitle(*upd.Title)
		fe.add(f)
		next.Title = t
	}
	if upd.BodyMD != nil {
		fe.add(checkBody(*upd.BodyMD))
		next.BodyMD = *upd.BodyMD
	}
	if upd.Kind != nil {
		k, f := checkKind(*upd.Kind)
		fe.add(f)
		next.Kind = k
	}
	if upd.Tags != nil {
		t, f := normalizeTags(upd.Tags)
		fe.add(f)
		next.Tags = t
	}
	if upd.SectionID != nil {
		next.SectionID = *upd.SectionID
	}
	secAud, err := sectionAudiences(ctx, tx, next.SectionID)
	if err != nil {
		return nil, err
	}
	if secAud == nil {
		fe.add(&apperr.FieldError{Field: "section_id", Message: "Nie ma takiej sekcji."})
	}
	if upd.Audiences != nil {
		a, f := s.checkAudiences("audiences", upd.Audiences)
		fe.add(f)
		if f == nil {
			next.Audiences = a
		}
	}
	if secAud != nil && len(EffectiveAudiences(next.Audiences, secAud)) == 0 {
		fe.add(&errNoReaders)
	}
	if len(fe) > 0 {
		return nil, fe.err()
	}
	if upd.Slug != nil && *upd.Slug != cur.Slug {
		if next.Slug, err = articleSlug(ctx, tx, *upd.Slug, next.Title, id); err != nil {
			return nil, err
		}
	}
	contentChanged := next.Title != cur.Title || next.BodyMD != cur.BodyMD
	settingsChanged := next.Slug != cur.Slug || next.SectionID != cur.SectionID || next.Kind != cur.Kind ||
		!slices.Equal(next.Audiences, cur.Audiences) || !slices.Equal(next.Tags, cur.Tags)
	if !contentChanged && !settingsChanged {
		return cur, nil
	}
	if settingsChanged && cur.Live() {
		if err := s.policy.Require(actor, policy.ArticlePublish); err != nil {
			return nil, err
		}
	}
	if contentChanged {
		if next.CurrentRevisionID, err = insertRevision(ctx, tx, id, next.Title, next.BodyMD, actor.UserID, time.Time{}); err != nil {
			return nil, err
		}
	}
	q := tx.NewUpdate().TableExpr("articles").Where("id = ?", id).
		Set("slug = ?", next.Slug).Set("section_id = ?", next.SectionID).Set("kind = ?", next.Kind).
		Set("audiences = ?", pgdialect.Array(next.Audiences)).Set("tags = ?", pgdialect.Array(next.Tags)).
		Set("current_revision_id = ?", next.CurrentRevisionID).Set("edited_at = now()")
	if settingsChanged && cur.Live() {
		q = q.Set("updated_at = now()")
	}
	if _, err := q.Exec(ctx); err != nil {
		return nil, fmt.Errorf("update article: %w", err)
	}
	if next.Slug != cur.Slug && cur.Live() {
		if err := recordOldSlug(ctx, tx, id, cur.Slug, next.Slug); err != nil {
			return nil, err
		}
	}
	out, err := loadArticle(ctx, tx, id, false)
	if err != nil {
		return nil, err
	}
	if settingsChanged && cur.Live() {
		if err := s.indexArticle(ctx, tx, id); err != nil {
			return nil, err
		}
	}
	if err := audit.Record(ctx, tx, actor, action, articleObject(id), auditView(cur), auditView(out)); err != nil {
		return nil, err
	}
	// Visibility changes get an entry of their own, so the audit log answers "who widened
	// or narrowed this article's audiences, and when" with one filter.
	if !slices.Equal(cur.Audiences, out.Audiences) {
		if err := audit.Record(ctx, tx, actor, "article.audiences", articleObject(id),
			map[string][]string{"audiences": cur.Audiences}, map[string][]string{"audiences": out.Audiences}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// recordOldSlug keeps a live article's former slug answering (with a redirect), and
// gives the article back a slug it had before.
func recordOldSlug(ctx context.Context, tx bun.IDB, id int64, old, current string) error {
	if _, err := tx.NewRaw(`INSERT INTO article_slugs (slug, article_id) VALUES (?, ?)
		ON CONFLICT (slug) DO UPDATE SET article_id = EXCLUDED.article_id, created_at = now()`, old, id).Exec(ctx); err != nil {
		return fmt.Errorf("record old slug: %w", err)
	}
	_, err := tx.NewRaw("DELETE FROM article_slugs WHERE slug = ?", current).Exec(ctx)
	return err
}

// ManagedArticle returns an article in any state with its current revision
// (permission article:edit).
func (s *Service) ManagedArticle(ctx context.Context, actor policy.Subject, id int64) (*ManagedArticle, error) {
	if err := s.policy.Require(actor, policy.ArticleEdit); err != nil {
		return nil, err
	}
	return loadArticle(ctx, s.db.Bun, id, false)
}

// ManagedFilter selects articles in the console; zero fields do not filter.
type ManagedFilter struct {
	State, Kind string
	SectionID   int64
	CategoryID  int64
	AuthorID    int64
	// Audience selects articles shown to this audience.
	Audience string
	// Text matches the current title or the slug.
	Text string
	// Scheduled selects articles waiting for a scheduled publication.
	Scheduled bool
	Limit     int
	Cursor    string
}

// ManagedPage is one page of the console's article list, most recently edited first.
type ManagedPage struct {
	// Articles carry no bodies.
	Articles   []ManagedArticle
	Total      int
	NextCursor string
}

// ListArticles lists articles in every state (permission article:edit).
func (s *Service) ListArticles(ctx context.Context, actor policy.Subject, f ManagedFilter) (ManagedPage, error) {
	if err := s.policy.Require(actor, policy.ArticleEdit); err != nil {
		return ManagedPage{}, err
	}
	limit, err := checkLimit(f.Limit)
	if err != nil {
		return ManagedPage{}, err
	}
	filter := func(q *bun.SelectQuery) *bun.SelectQuery {
		if f.State != "" {
			q = q.Where("a.state = ?", f.State)
		}
		if f.Kind != "" {
			q = q.Where("a.kind = ?", f.Kind)
		}
		if f.SectionID != 0 {
			q = q.Where("a.section_id = ?", f.SectionID)
		}
		if f.CategoryID != 0 {
			q = q.Where("a.section_id IN (SELECT id FROM sections WHERE category_id = ?)", f.CategoryID)
		}
		if f.AuthorID != 0 {
			q = q.Where("a.author_id = ?", f.AuthorID)
		}
		if f.Audience != "" {
			q = q.Where("a.audiences @> ?", pgdialect.Array([]string{f.Audience}))
		}
		if t := strings.TrimSpace(f.Text); t != "" {
			like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(t) + "%"
			q = q.Where("(r.title ILIKE ? OR a.slug ILIKE ?)", like, like)
		}
		if f.Scheduled {
			q = q.Where("a.publish_at IS NOT NULL")
		}
		return q
	}
	var page ManagedPage
	total, err := filter(s.db.Bun.NewSelect().TableExpr("articles AS a").
		Join("JOIN article_revisions AS r ON r.id = a.current_revision_id")).Count(ctx)
	if err != nil {
		return ManagedPage{}, fmt.Errorf("count articles: %w", err)
	}
	page.Total = int(total)
	q := filter(managedQuery(s.db.Bun, false))
	if f.Cursor != "" {
		c, err := parseCursor(f.Cursor)
		if err != nil {
			return ManagedPage{}, err
		}
		q = q.Where("(a.edited_at, a.id) < (?, ?)", c.at, c.id)
	}
	var rows []ManagedArticle
	if err := q.OrderExpr("a.edited_at DESC, a.id DESC").Limit(int64(limit+1)).Scan(ctx, &rows); err != nil {
		return ManagedPage{}, fmt.Errorf("list articles: %w", err)
	}
	if len(rows) > limit {
		last := rows[limit-1]
		rows, page.NextCursor = rows[:limit], cursor{at: last.EditedAt, id: last.ID}.String()
	}
	if rows == nil {
		rows = []ManagedArticle{}
	}
	page.Articles = rows
	return page, nil
}

const revisionColumns = `v.id, v.article_id, v.number, v.title, COALESCE(v.author_id, 0) AS author_id,
	COALESCE(u.name, '') AS author_name, v.created_at`

// Revisions lists an article's revisions, newest first, without bodies (permission
// article:edit).
func (s *Service) Revisions(ctx context.Context, actor policy.Subject, articleID int64) ([]Revision, error) {
	if err := s.policy.Require(actor, policy.ArticleEdit); err != nil {
		return nil, err
	}
	if ok, err := s.db.Bun.NewSelect().TableExpr("articles").Where("id = ?", articleID).Exists(ctx); err != nil {
		return nil, err
	} else if !ok {
		return nil, errArticleNotFound()
	}
	var out []Revision
	err := s.db.Bun.NewSelect().TableExpr("article_revisions AS v").Join("LEFT JOIN users AS u ON u.id = v.author_id").
		ColumnExpr(revisionColumns).Where("v.article_id = ?", articleID).OrderExpr("v.number DESC").Scan(ctx, &out)
	if err != nil {
		return nil, fmt.Errorf("list revisions: %w", err)
	}
	return out, nil
}

// Revision returns one revision of an article with its body (permission article:edit).
func (s *Service) Revision(ctx context.Context, actor policy.Subject, articleID, revisionID int64) (*Revision, error) {
	if err := s.policy.Require(actor, policy.ArticleEdit); err != nil {
		return nil, err
	}
	var r Revision
	err := s.db.Bun.NewSelect().TableExpr("article_revisions AS v").Join("LEFT JOIN users AS u ON u.id = v.author_id").
		ColumnExpr(revisionColumns).ColumnExpr("v.body_md, v.body_html").
		Where("v.article_id = ? AND v.id = ?", articleID, revisionID).Scan(ctx, &r)
	if noRows(err) {
		return nil, apperr.NotFoundf("Nie ma takiej wersji artykułu.")
	}
	if err != nil {
		return nil, fmt.Errorf("find revision: %w", err)
	}
	return &r, nil
}

// RestoreRevision saves an older revision's title and body as a new revision on top of
// baseRevisionID (permission article:edit); history is never rewritten.
func (s *Service) RestoreRevision(ctx context.Context, actor policy.Subject, articleID, revisionID, baseRevisionID int64) (*ManagedArticle, error) {
	old, err := s.Revision(ctx, actor, articleID, revisionID)
	if err != nil {
		return nil, err
	}
	var out *ManagedArticle
	err = s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		out, err = s.updateArticle(ctx, tx, actor, articleID,
			ArticleUpdate{BaseRevisionID: baseRevisionID, Title: &old.Title, BodyMD: &old.BodyMD}, "article.restore")
		return err
	})
	return out, err
}
