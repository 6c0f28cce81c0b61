package content

import (
	"context"

	"github.com/helpcenter/helpcenter/policy"
)

// ArticleActivity is what readers did with an article: the votes and the comments.
type ArticleActivity struct {
	Votes   VoteSummary
	Threads []Thread
}

// ArticleActivity returns an article's votes (with the asking reader's own) and its
// comment threads, as Votes and CommentThreads do, with one visibility check for both:
// the article page needs them together on every view.
func (e *Engagement) ArticleActivity(ctx context.Context, subj policy.Subject, articleID int64, visitor VisitorKey) (ArticleActivity, error) {
	if err := e.requireVisible(ctx, subj, articleID); err != nil {
		return ArticleActivity{}, err
	}
	votes, err := e.votes(ctx, subj, articleID, visitor)
	if err != nil {
		return ArticleActivity{}, err
	}
	threads, err := e.threads(ctx, subj, articleID)
	if err != nil {
		return ArticleActivity{}, err
	}
	return ArticleActivity{Votes: votes, Threads: threads}, nil
}
