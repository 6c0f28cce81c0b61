package app

import (
	"context"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/ticket"
	"github.com/helpcenter/helpcenter/policy"
)

// wireEngagement builds comments, votes, view counts, the search log and deflection on
// top of the knowledge base, with the request service behind "turn a comment into a
// request". Call it after the content and ticket services exist.
func (a *App) wireEngagement() {
	a.Engagement = content.NewEngagement(a.Content, content.EngagementOptions{
		Requests: commentRequests{a.Tickets},
		BaseURL:  a.Config.BaseURL.String(),
	})
}

// commentRequests opens requests for commenters through the request service, so a
// request made from a comment follows every rule (and sends every e-mail) of a request
// the customer sent themselves.
type commentRequests struct{ tickets *ticket.Service }

func (r commentRequests) OpenRequestFor(ctx context.Context, requester policy.Subject, subject, body string) (int64, error) {
	t, err := r.tickets.CreateRequest(ctx, requester, ticket.NewRequest{Subject: subject, Body: body, Channel: ticket.ChannelWeb})
	if err != nil {
		return 0, err
	}
	return t.ID, nil
}
