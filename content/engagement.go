package content

import (
	"context"
	"crypto/sha256"
	"log/slog"
	"time"

	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/policy"
)

// Engagement is what readers do with the knowledge base besides reading: comments (with
// staff answers, hiding, and turning a question into a support request), "was this
// helpful?" votes, view counts, the search log and the suggestions opened from the
// request form. The portal and the JSON API call the same methods.
//
// Visibility is the knowledge base's rule (see visibility.go): a subject can comment on,
// vote for or see the comments of an article only when it may read it, and lists such
// as "most read" filter in SQL like every other list.
type Engagement struct {
	content  *Service
	requests RequestOpener
	views    *viewCounter
	log      *slog.Logger
	opt      EngagementOptions
}

// RequestOpener opens a support request on behalf of a user. The request service
// implements it (content never imports it: requests may refer to articles, not the
// reverse); the application wires the two together.
type RequestOpener interface {
	// OpenRequestFor creates a request whose requester is the given user, as if they had
	// sent it themselves, and returns its id.
	OpenRequestFor(ctx context.Context, requester policy.Subject, subject, body string) (int64, error)
}

// EngagementOptions tune the limits; zero values get the defaults.
type EngagementOptions struct {
	// Requests turns comments into requests; without it CommentToRequest is unavailable.
	Requests RequestOpener
	// CommentBurst comments per CommentWindow is what one customer may post (default 5
	// per 10 minutes); staff who moderate comments are not limited.
	CommentBurst  int
	CommentWindow time.Duration
	// ViewFlushInterval is how often counted views are written (default 15 s).
	ViewFlushInterval time.Duration
	// BaseURL is the help center's public address, for links in requests made from
	// comments ("" gives relative links).
	BaseURL string
}

// NewEngagement builds the engagement service on top of the knowledge base.
func NewEngagement(svc *Service, opt EngagementOptions) *Engagement {
	if opt.CommentBurst <= 0 {
		opt.CommentBurst = 5
	}
	if opt.CommentWindow <= 0 {
		opt.CommentWindow = 10 * time.Minute
	}
	if opt.ViewFlushInterval <= 0 {
		opt.ViewFlushInterval = 15 * time.Second
	}
	return &Engagement{content: svc, requests: opt.Requests, views: newViewCounter(), log: svc.log, opt: opt}
}

// Run writes counted views every ViewFlushInterval until ctx is done, then once more, so
// that a graceful shutdown loses nothing.
func (e *Engagement) Run(ctx context.Context) {
	t := time.NewTicker(e.opt.ViewFlushInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			flushCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			if err := e.FlushViews(flushCtx); err != nil {
				e.log.Warn("write article views at shutdown", "err", err)
			}
			cancel()
			return
		case <-t.C:
			if err := e.FlushViews(ctx); err != nil && ctx.Err() == nil {
				e.log.Warn("write article views", "err", err)
			}
		}
	}
}

// VisitorKey identifies a visitor's browser without identifying the person: the portal
// keeps a random value in a cookie and passes it here; only its SHA-256 is stored. The
// zero value means "no browser key" (API callers).
type VisitorKey string

func (k VisitorKey) hash() []byte {
	if k == "" {
		return nil
	}
	sum := sha256.Sum256([]byte(k))
	return sum[:]
}

// readerKind classifies a subject for the search log's reports.
func readerKind(s policy.Subject) string {
	switch {
	case s.UserID == 0 && s.TokenID != 0:
		return "token"
	case s.IsStaff():
		return "staff"
	case s.UserID != 0:
		return "customer"
	default:
		return "anonymous"
	}
}

// requireVisible answers NotFound unless the subject may read the live article.
func (e *Engagement) requireVisible(ctx context.Context, subj policy.Subject, articleID int64) error {
	ok, err := e.content.visibleArticles(e.content.policy.Audiences(subj)).ColumnExpr("1").Where("a.id = ?", articleID).Exists(ctx)
	if err != nil {
		return err
	}
	if !ok {
		return errArticleNotFound()
	}
	return nil
}

// requireUser answers Unauthorized for visitors and Forbidden for API tokens that act
// for nobody: comments and votes need a person.
func requireUser(s policy.Subject, unauthorized string) error {
	switch {
	case s.UserID != 0:
		return nil
	case s.TokenID != 0:
		return apperr.Forbiddenf("Tę operację wykonuje zalogowany użytkownik, nie token API.")
	default:
		return apperr.New(apperr.Unauthorized, "%s", unauthorized)
	}
}
