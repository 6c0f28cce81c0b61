package content

import (
	"context"
	"fmt"

	"github.com/helpcenter/helpcenter/policy"
)

// "Czy ten artykuł był pomocny?" Each signed-in user has one vote per article and may
// change it. Visitors vote too, once per browser: the portal keeps a random key in a
// cookie (see VisitorKey) and only its hash is stored. That stops a reader from counting
// twice by accident, not someone determined to skew the figures (clearing cookies gives a
// new browser key); the counts are a signal for editors, not a ballot.

// VoteSummary is how readers rated an article, and how the asking reader voted.
type VoteSummary struct {
	Helpful    int `bun:"helpful"`
	NotHelpful int `bun:"not_helpful"`
	// Mine is the asking reader's vote: nil when they have not voted.
	Mine *bool `bun:"mine"`
}

// Total is the number of votes.
func (v VoteSummary) Total() int { return v.Helpful + v.NotHelpful }

// Vote records whether the article helped: the signed-in user's vote, or else the
// visitor's browser's vote (visitor must then be set). Voting again changes the vote.
func (e *Engagement) Vote(ctx context.Context, subj policy.Subject, articleID int64, helpful bool, visitor VisitorKey) error {
	if subj.UserID == 0 && (subj.TokenID != 0 || visitor == "") {
		if err := requireUser(subj, "Zaloguj się, aby ocenić artykuł."); err != nil {
			return err
		}
	}
	if err := e.requireVisible(ctx, subj, articleID); err != nil {
		return err
	}
	var err error
	if subj.UserID != 0 {
		_, err = e.content.db.Bun.NewRaw(`INSERT INTO votes (article_id, user_id, helpful) VALUES (?, ?, ?)
			ON CONFLICT (article_id, user_id) DO UPDATE SET helpful = EXCLUDED.helpful, updated_at = now()
			WHERE votes.helpful IS DISTINCT FROM EXCLUDED.helpful`, articleID, subj.UserID, helpful).Exec(ctx)
	} else {
		_, err = e.content.db.Bun.NewRaw(`INSERT INTO anonymous_votes (article_id, voter, helpful) VALUES (?, ?, ?)
			ON CONFLICT (article_id, voter) DO UPDATE SET helpful = EXCLUDED.helpful, updated_at = now()
			WHERE anonymous_votes.helpful IS DISTINCT FROM EXCLUDED.helpful`, articleID, visitor.hash(), helpful).Exec(ctx)
	}
	if err != nil {
		return fmt.Errorf("record vote: %w", err)
	}
	return nil
}

// Votes returns an article's ratings and the asking reader's own vote (the user's, or
// the visitor's browser's).
func (e *Engagement) Votes(ctx context.Context, subj policy.Subject, articleID int64, visitor VisitorKey) (VoteSummary, error) {
	if err := e.requireVisible(ctx, subj, articleID); err != nil {
		return VoteSummary{}, err
	}
	return e.votes(ctx, subj, articleID, visitor)
}

// votes counts the votes of an article the caller has checked the subject may read.
func (e *Engagement) votes(ctx context.Context, subj policy.Subject, articleID int64, visitor VisitorKey) (VoteSummary, error) {
	var v VoteSummary
	var mineUser, mineVisitor any = nil, nil
	if subj.UserID != 0 {
		mineUser = subj.UserID
	} else if visitor != "" {
		mineVisitor = visitor.hash()
	}
	err := e.content.db.Bun.NewRaw(`WITH all_votes AS (
			SELECT helpful FROM votes WHERE article_id = ?
			UNION ALL SELECT helpful FROM anonymous_votes WHERE article_id = ?
		)
		SELECT count(*) FILTER (WHERE helpful) AS helpful, count(*) FILTER (WHERE NOT helpful) AS not_helpful,
			COALESCE((SELECT helpful FROM votes WHERE article_id = ? AND user_id = ?),
				(SELECT helpful FROM anonymous_votes WHERE article_id = ? AND voter = ?)) AS mine
		FROM all_votes`, articleID, articleID, articleID, mineUser, articleID, mineVisitor).Scan(ctx, &v)
	if err != nil {
		return VoteSummary{}, fmt.Errorf("count votes: %w", err)
	}
	return v, nil
}
