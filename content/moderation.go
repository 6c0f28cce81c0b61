package content

import (
	"context"
	"fmt"

	"github.com/helpcenter/helpcenter/policy"
)

// ModerationFilter selects comments for the moderators' list; zero fields do not filter.
type ModerationFilter struct {
	// Hidden selects hidden (true) or visible (false) comments.
	Hidden *bool
	// FromCustomers leaves out the support team's own comments.
	FromCustomers bool
	// Limit is the page size (default 20, at most 100); Cursor continues the list.
	Limit  int
	Cursor string
}

// ModeratedComment is a comment as moderators list it, with its article and author.
type ModeratedComment struct {
	ThreadComment
	ArticleTitle string `bun:"article_title"`
	ArticleSlug  string `bun:"article_slug"`
	AuthorEmail  string `bun:"author_email"`
}

// ModerationPage is one page of comments, newest first.
type ModerationPage struct {
	Comments   []ModeratedComment
	NextCursor string
}

// RecentComments lists comments on every article, newest first, for moderators
// (policy.CommentModerate): hidden ones too, with the request a comment became, so the
// console can show what readers ask and act on it (SetCommentHidden, CommentToRequest).
func (e *Engagement) RecentComments(ctx context.Context, actor policy.Subject, f ModerationFilter) (ModerationPage, error) {
	if err := e.content.policy.Require(actor, policy.CommentModerate); err != nil {
		return ModerationPage{}, err
	}
	limit, err := checkLimit(f.Limit)
	if err != nil {
		return ModerationPage{}, err
	}
	q := e.content.db.Bun.NewSelect().TableExpr("comments AS c").
		Join("JOIN users AS u ON u.id = c.author_id").
		Join("JOIN articles AS a ON a.id = c.article_id").
		Join("LEFT JOIN article_revisions AS r ON r.id = COALESCE(a.published_revision_id, a.current_revision_id)").
		ColumnExpr(commentColumns).
		ColumnExpr("COALESCE(r.title, '') AS article_title, a.slug AS article_slug, u.email::text AS author_email")
	if f.Hidden != nil {
		q = q.Where("(c.hidden_at IS NOT NULL) = ?", *f.Hidden)
	}
	if f.FromCustomers {
		q = q.Where("NOT c.from_staff")
	}
	if f.Cursor != "" {
		c, err := parseCursor(f.Cursor)
		if err != nil {
			return ModerationPage{}, err
		}
		q = q.Where("(c.created_at, c.id) < (?, ?)", c.at, c.id)
	}
	var rows []ModeratedComment
	if err := q.OrderExpr("c.created_at DESC, c.id DESC").Limit(int64(limit+1)).Scan(ctx, &rows); err != nil {
		return ModerationPage{}, fmt.Errorf("list comments for moderation: %w", err)
	}
	page := ModerationPage{Comments: rows}
	if len(rows) > limit {
		last := rows[limit-1]
		page.Comments, page.NextCursor = rows[:limit], cursor{at: last.CreatedAt, id: last.ID}.String()
	}
	if page.Comments == nil {
		page.Comments = []ModeratedComment{}
	}
	return page, nil
}
