package ticket

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/policy"
)

// errSignIn asks a visitor to sign in before looking at requests.
var errSignIn = apperr.New(apperr.Unauthorized, "Zaloguj się, aby zobaczyć swoje zlecenia.")

// ListOptions page through a customer's requests.
type ListOptions struct {
	Cursor string
	Limit  int
}

// MyRequests lists the subject's own requests, newest first ("Moje działania").
func (s *Service) MyRequests(ctx context.Context, sub policy.Subject, opt ListOptions) (Page, error) {
	if sub.UserID == 0 {
		return Page{}, errSignIn
	}
	return s.findTickets(ctx, query{requesterID: sub.UserID, sort: SortNewest, cursor: opt.Cursor, limit: opt.Limit, forCustomer: true})
}

// MyRequest returns one of the subject's requests with its public messages. Another
// customer's request answers NotFound, like one that does not exist.
func (s *Service) MyRequest(ctx context.Context, sub policy.Subject, id int64) (*Ticket, error) {
	if sub.UserID == 0 {
		return nil, errSignIn
	}
	t, err := loadTicket(ctx, s.db, id, sub.UserID, false)
	if err != nil {
		return nil, err
	}
	msgs, err := loadMessages(ctx, s.db, []int64{id}, true)
	if err != nil {
		return nil, err
	}
	t.Messages = msgs[id]
	return forCustomer(t), nil
}

// forCustomer removes what a requester is not told: who is assigned, and when staff last
// touched the request (an internal note moves UpdatedAt).
func forCustomer(t *Ticket) *Ticket {
	t.Assignee = nil
	t.DecidedBy = nil
	t.UpdatedAt = t.CreatedAt
	if n := len(t.Messages); n > 0 {
		t.UpdatedAt = t.Messages[n-1].CreatedAt
	}
	return t
}

// ReplyAsRequester adds the subject's message to their own request. A pending or solved
// request goes back to open (a solved one is reopened); a closed one takes no more
// messages: the customer sends a new request.
func (s *Service) ReplyAsRequester(ctx context.Context, sub policy.Subject, id int64, body string) (*Message, error) {
	if sub.UserID == 0 {
		return nil, errSignIn
	}
	body = cleanText(body)
	if err := apperr.InvalidFields(checkBody(nil, "body", body)...); err != nil {
		return nil, err
	}
	var msg *Message
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		t, err := loadTicket(ctx, tx, id, sub.UserID, true)
		if err != nil {
			return err
		}
		if t.Status == StatusClosed {
			return apperr.Conflictf("To zlecenie jest już zamknięte. Wyślij nowe zlecenie.")
		}
		next := t.Status
		if t.Status == StatusPending || t.Status == StatusSolved {
			next = StatusOpen
		}
		msg, err = addMessage(ctx, tx, t, newMessage{authorID: sub.UserID, body: body}, next)
		if err != nil {
			return err
		}
		msg.Author = &t.Requester
		return nil
	})
	if err != nil {
		return nil, err
	}
	return msg, nil
}

// newMessage is a message about to be stored.
type newMessage struct {
	authorID  int64 // 0 for none (an API token)
	fromStaff bool
	internal  bool
	body      string
}

// addMessage stores a message on a locked ticket, moves it to status next and adds the
// message's words to the ticket's search vector, in one statement.
func addMessage(ctx context.Context, tx bun.Tx, t *Ticket, m newMessage, next Status) (*Message, error) {
	var out Message
	err := tx.NewRaw(`WITH m AS (
			INSERT INTO ticket_messages (ticket_id, author_id, body, internal, from_staff)
			VALUES (?, NULLIF(?, 0), ?, ?, ?)
			RETURNING id, created_at
		), t AS (
			UPDATE tickets SET
				status = ?,
				solved_at = CASE WHEN ? IN ('solved', 'closed') THEN coalesce(solved_at, now()) END,
				updated_at = now(),
				search = search || array_to_tsvector(?::text[])
			WHERE id = ?
		)
		SELECT id, created_at FROM m`,
		t.ID, m.authorID, m.body, m.internal, m.fromStaff,
		next, next, pgdialect.Array(SearchTerms(m.body)), t.ID).Scan(ctx, &out.ID, &out.CreatedAt)
	if err != nil {
		return nil, fmt.Errorf("add message to ticket %d: %w", t.ID, err)
	}
	out.TicketID, out.Body, out.Internal, out.FromStaff = t.ID, m.body, m.internal, m.fromStaff
	t.Status = next
	return &out, nil
}
