package content

import (
	"context"
	"fmt"
	"hash/fnv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/audit"
	"github.com/helpcenter/helpcenter/policy"
)

// Comment limits. Comments are plain text: they are stored as typed (after the cleaning
// below) and every face escapes them when it shows them, so no markup ever runs.
const (
	MinCommentLen = 2
	MaxCommentLen = 3000
	// maxThreadComments bounds what one article page lists.
	maxThreadComments = 500
)

// NewComment is what a reader writes under an article.
type NewComment struct {
	Body string
	// ParentID answers another comment; answers to answers join the same thread.
	ParentID int64
}

// ThreadComment is a comment as the article page shows it.
type ThreadComment struct {
	ID         int64     `bun:"id"`
	ArticleID  int64     `bun:"article_id"`
	ParentID   int64     `bun:"parent_id"`
	AuthorID   int64     `bun:"author_id"`
	AuthorName string    `bun:"author_name"`
	Body       string    `bun:"body"`
	CreatedAt  time.Time `bun:"created_at"`
	// FromStaff marks an answer of the support team.
	FromStaff bool `bun:"from_staff"`
	// Hidden and RequestID are told to moderators only (hidden comments are shown to
	// nobody else; the request a comment became is staff business).
	Hidden    bool  `bun:"hidden"`
	RequestID int64 `bun:"request_id"`
}

// Thread is a comment with the answers to it, oldest first.
type Thread struct {
	ThreadComment
	Replies []ThreadComment
}

// CleanCommentBody makes typed text safe to keep and pleasant to show: Windows and old
// Mac line ends become \n, control and invisible formatting characters (including the
// bidirectional overrides used to disguise text) are dropped, trailing spaces go, runs
// of blank lines shrink to one, and the whole is trimmed.
func CleanCommentBody(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r == utf8.RuneError, unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, s)
	lines := strings.Split(s, "\n")
	out := lines[:0]
	blank := 0
	for _, l := range lines {
		l = strings.TrimRightFunc(l, unicode.IsSpace)
		if l == "" {
			if blank++; blank > 1 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

func checkCommentBody(body string) error {
	switch n := utf8.RuneCountInString(body); {
	case n == 0:
		return apperr.InvalidFields(apperr.Field("body", "Wpisz treść komentarza."))
	case n < MinCommentLen:
		return apperr.InvalidFields(apperr.Field("body", fmt.Sprintf("Komentarz musi mieć co najmniej %d znaki.", MinCommentLen)))
	case n > MaxCommentLen:
		return apperr.InvalidFields(apperr.Field("body", fmt.Sprintf("Komentarz może mieć najwyżej %d znaków (ma %d).", MaxCommentLen, n)))
	}
	return nil
}

// commentColumns select a ThreadComment from "comments c" joined with "users u".
const commentColumns = `c.id, c.article_id, COALESCE(c.parent_id, 0) AS parent_id, c.author_id,
	CASE WHEN u.name <> '' THEN u.name ELSE split_part(u.email::text, '@', 1) END AS author_name,
	c.body, c.created_at, c.from_staff, c.hidden_at IS NOT NULL AS hidden, COALESCE(c.ticket_id, 0) AS request_id`

// PostComment adds a signed-in reader's comment under an article they may read. Authors
// who may moderate comments (support staff) write as the support team and are not rate
// limited; everybody else may post CommentBurst comments per CommentWindow, and the
// same text twice in a row is refused. ParentID must name a visible comment of the same
// article.
func (e *Engagement) PostComment(ctx context.Context, subj policy.Subject, articleID int64, in NewComment) (*ThreadComment, error) {
	if err := requireUser(subj, "Zaloguj się, aby dodać komentarz."); err != nil {
		return nil, err
	}
	if err := e.requireVisible(ctx, subj, articleID); err != nil {
		return nil, err
	}
	body := CleanCommentBody(in.Body)
	if err := checkCommentBody(body); err != nil {
		return nil, err
	}
	staff := e.content.policy.Can(subj, policy.CommentModerate)
	var out ThreadComment
	err := e.content.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		// One author's comments are written one at a time, so the limit cannot be
		// outrun by sending many at once.
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", commentLockKey(subj.UserID)); err != nil {
			return err
		}
		var parentID any
		if in.ParentID != 0 {
			var parent struct {
				ArticleID int64 `bun:"article_id"`
				ParentID  int64 `bun:"parent_id"`
				Hidden    bool  `bun:"hidden"`
			}
			err := tx.NewRaw(`SELECT article_id, COALESCE(parent_id, 0) AS parent_id, hidden_at IS NOT NULL AS hidden
				FROM comments WHERE id = ?`, in.ParentID).Scan(ctx, &parent)
			if err != nil && !noRows(err) {
				return err
			}
			if noRows(err) || parent.ArticleID != articleID || parent.Hidden {
				return apperr.InvalidFields(apperr.Field("parent_id", "Nie ma takiego komentarza pod tym artykułem."))
			}
			parentID = in.ParentID
			if parent.ParentID != 0 {
				parentID = parent.ParentID
			}
		}
		if !staff {
			var recent struct {
				Count    int    `bun:"count"`
				LastBody string `bun:"last_body"`
			}
			err := tx.NewRaw(`SELECT count(*) AS count,
					COALESCE((SELECT body FROM comments WHERE author_id = ? AND article_id = ? ORDER BY created_at DESC, id DESC LIMIT 1), '') AS last_body
				FROM comments WHERE author_id = ? AND created_at > now() - ?::interval`,
				subj.UserID, articleID, subj.UserID, fmt.Sprintf("%d seconds", int(e.opt.CommentWindow.Seconds()))).Scan(ctx, &recent)
			if err != nil {
				return err
			}
			if recent.LastBody == body {
				return apperr.Conflictf("Ten komentarz już jest pod artykułem.")
			}
			if recent.Count >= e.opt.CommentBurst {
				return apperr.New(apperr.RateLimited, "Dodajesz komentarze zbyt szybko. Spróbuj ponownie za kilka minut.")
			}
		}
		var id int64
		err := tx.NewRaw(`INSERT INTO comments (article_id, author_id, parent_id, body, from_staff) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			articleID, subj.UserID, parentID, body, staff).Scan(ctx, &id)
		if err != nil {
			return fmt.Errorf("insert comment: %w", err)
		}
		return tx.NewRaw(`SELECT `+commentColumns+` FROM comments c JOIN users u ON u.id = c.author_id WHERE c.id = ?`, id).Scan(ctx, &out)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// commentLockKey is the advisory lock that serialises one author's comments.
func commentLockKey(userID int64) int64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "comment-author:%d", userID)
	return int64(h.Sum64() >> 1)
}

// CommentThreads lists an article's comments as threads, oldest first. Hidden comments
// are left out, except for moderators, who see them marked (so they can show them
// again) together with the request a comment became.
func (e *Engagement) CommentThreads(ctx context.Context, subj policy.Subject, articleID int64) ([]Thread, error) {
	if err := e.requireVisible(ctx, subj, articleID); err != nil {
		return nil, err
	}
	return e.threads(ctx, subj, articleID)
}

// threads lists the comments of an article the caller has checked the subject may read.
func (e *Engagement) threads(ctx context.Context, subj policy.Subject, articleID int64) ([]Thread, error) {
	moderator := e.content.policy.Can(subj, policy.CommentModerate)
	q := e.content.db.Bun.NewSelect().TableExpr("comments AS c").Join("JOIN users AS u ON u.id = c.author_id").
		ColumnExpr(commentColumns).Where("c.article_id = ?", articleID)
	if !moderator {
		q = q.Where("c.hidden_at IS NULL").
			Where("(c.parent_id IS NULL OR EXISTS (SELECT 1 FROM comments p WHERE p.id = c.parent_id AND p.hidden_at IS NULL))")
	}
	var rows []ThreadComment
	if err := q.OrderExpr("c.created_at, c.id").Limit(maxThreadComments).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("list comments: %w", err)
	}
	threads := []Thread{}
	at := map[int64]int{}
	for _, c := range rows {
		if !moderator {
			c.RequestID = 0
		}
		if c.ParentID == 0 {
			at[c.ID] = len(threads)
			threads = append(threads, Thread{ThreadComment: c})
			continue
		}
		if i, ok := at[c.ParentID]; ok {
			threads[i].Replies = append(threads[i].Replies, c)
		}
	}
	return threads, nil
}

// CommentCount is the number of visible comments on an article the subject may read.
func (e *Engagement) CommentCount(ctx context.Context, subj policy.Subject, articleID int64) (int, error) {
	if err := e.requireVisible(ctx, subj, articleID); err != nil {
		return 0, err
	}
	n, err := e.content.db.Bun.NewSelect().TableExpr("comments AS c").Where("c.article_id = ?", articleID).
		Where("c.hidden_at IS NULL").
		Where("(c.parent_id IS NULL OR EXISTS (SELECT 1 FROM comments p WHERE p.id = c.parent_id AND p.hidden_at IS NULL))").
		Count(ctx)
	return int(n), err
}

// moderatedComment is a comment as moderation actions see it.
type moderatedComment struct {
	ID        int64  `bun:"id" json:"id"`
	ArticleID int64  `bun:"article_id" json:"article_id"`
	AuthorID  int64  `bun:"author_id" json:"author_id"`
	Body      string `bun:"body" json:"body"`
	Hidden    bool   `bun:"hidden" json:"hidden"`
	TicketID  int64  `bun:"ticket_id" json:"ticket_id,omitempty"`
}

func lockComment(ctx context.Context, tx bun.IDB, id int64) (*moderatedComment, error) {
	var c moderatedComment
	err := tx.NewRaw(`SELECT id, article_id, author_id, body, hidden_at IS NOT NULL AS hidden, COALESCE(ticket_id, 0) AS ticket_id
		FROM comments WHERE id = ? FOR UPDATE`, id).Scan(ctx, &c)
	if noRows(err) {
		return nil, apperr.NotFoundf("Nie ma takiego komentarza.")
	}
	return &c, err
}

// SetCommentHidden hides a comment from readers, or shows it again (policy.CommentModerate).
// Answers to a hidden comment disappear with it. It returns the comment's article id, and
// writes the change to the audit log.
func (e *Engagement) SetCommentHidden(ctx context.Context, actor policy.Subject, commentID int64, hidden bool) (int64, error) {
	if err := e.content.policy.Require(actor, policy.CommentModerate); err != nil {
		return 0, err
	}
	var articleID int64
	err := e.content.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		c, err := lockComment(ctx, tx, commentID)
		if err != nil {
			return err
		}
		articleID = c.ArticleID
		if c.Hidden == hidden {
			return nil
		}
		if hidden {
			_, err = tx.NewRaw(`UPDATE comments SET hidden_at = now(), hidden_by = NULLIF(?, 0) WHERE id = ?`, actor.UserID, commentID).Exec(ctx)
		} else {
			_, err = tx.NewRaw(`UPDATE comments SET hidden_at = NULL, hidden_by = NULL WHERE id = ?`, commentID).Exec(ctx)
		}
		if err != nil {
			return err
		}
		before := *c
		after := *c
		after.Hidden = hidden
		action := "comment.hide"
		if !hidden {
			action = "comment.show"
		}
		return audit.Record(ctx, tx, actor, action, fmt.Sprintf("comment:%d", commentID), before, after)
	})
	return articleID, err
}

// CommentToRequest turns a reader's comment into a support request, so a question asked
// under an article reaches the inbox: the commenter becomes the requester (and gets the
// usual confirmation), the request quotes the comment and links the article, and the
// comment links to the request. Doing it twice returns the same request. It needs
// policy.CommentModerate and policy.TicketRead (the one who does it works requests).
func (e *Engagement) CommentToRequest(ctx context.Context, actor policy.Subject, commentID int64) (CommentRequest, error) {
	if err := e.content.policy.Require(actor, policy.CommentModerate); err != nil {
		return CommentRequest{}, err
	}
	if err := e.content.policy.Require(actor, policy.TicketRead); err != nil {
		return CommentRequest{}, err
	}
	if e.requests == nil {
		return CommentRequest{}, apperr.New(apperr.Unavailable, "Zamiana komentarzy w zlecenia nie jest dostępna.")
	}
	var out CommentRequest
	// The comment stays locked while the request is made (in its own transaction), so
	// two clicks at once make one request: the second waits and finds the link.
	err := e.content.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		c, err := lockComment(ctx, tx, commentID)
		if err != nil {
			return err
		}
		out.ArticleID = c.ArticleID
		if c.TicketID != 0 {
			out.RequestID, out.Existing = c.TicketID, true
			return nil
		}
		var info struct {
			Title       string `bun:"title"`
			Slug        string `bun:"slug"`
			Name        string `bun:"name"`
			Email       string `bun:"email"`
			AccountType string `bun:"account_type"`
			StaffRole   string `bun:"staff_role"`
			Blocked     bool   `bun:"blocked"`
		}
		err = tx.NewRaw(`SELECT COALESCE(r.title, '') AS title, a.slug, u.name, u.email::text AS email,
				COALESCE(u.account_type, '') AS account_type, COALESCE(u.staff_role, '') AS staff_role, u.blocked_at IS NOT NULL AS blocked
			FROM comments c JOIN articles a ON a.id = c.article_id JOIN users u ON u.id = c.author_id
			LEFT JOIN article_revisions r ON r.id = COALESCE(a.published_revision_id, a.current_revision_id)
			WHERE c.id = ?`, commentID).Scan(ctx, &info)
		if err != nil {
			return err
		}
		switch {
		case info.StaffRole != "":
			return apperr.Conflictf("To komentarz zespołu wsparcia; zlecenia tworzy się z pytań klientów.")
		case info.Blocked:
			return apperr.Conflictf("Autor komentarza jest zablokowany.")
		}
		requester := policy.Subject{UserID: c.AuthorID, AccountType: info.AccountType, Name: info.Name, Email: info.Email}
		subject := truncateRunes("Pytanie pod artykułem: "+info.Title, 200)
		body := c.Body + "\n\n— Pytanie zadane w komentarzu pod artykułem „" + info.Title + "”: " +
			strings.TrimRight(e.opt.BaseURL, "/") + "/articles/" + info.Slug
		id, err := e.requests.OpenRequestFor(ctx, requester, subject, body)
		if err != nil {
			return err
		}
		out.RequestID = id
		if _, err := tx.NewRaw(`UPDATE comments SET ticket_id = ? WHERE id = ?`, id, commentID).Exec(ctx); err != nil {
			return err
		}
		after := *c
		after.TicketID = id
		return audit.Record(ctx, tx, actor, "comment.to_request", fmt.Sprintf("comment:%d", commentID), *c, after)
	})
	if err != nil {
		return CommentRequest{}, err
	}
	return out, nil
}

// CommentRequest is the request a comment became.
type CommentRequest struct {
	RequestID int64 `json:"request_id"`
	ArticleID int64 `json:"article_id"`
	// Existing says the comment had been turned into this request before.
	Existing bool `json:"existing"`
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
