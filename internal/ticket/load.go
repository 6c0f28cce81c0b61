package ticket

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/helpcenter/helpcenter/internal/apperr"
)

// ticketRow is a ticket joined with its people, as the queries below select it.
type ticketRow struct {
	ID                   int64      `bun:"id"`
	Subject              string     `bun:"subject"`
	Status               Status     `bun:"status"`
	Channel              Channel    `bun:"channel"`
	Kind                 Kind       `bun:"kind"`
	RequestedAccountType string     `bun:"requested_account_type"`
	Decision             Decision   `bun:"decision"`
	DecidedAt            *time.Time `bun:"decided_at"`
	ExternalID           string     `bun:"external_id"`
	CreatedAt            time.Time  `bun:"created_at"`
	UpdatedAt            time.Time  `bun:"updated_at"`
	SolvedAt             *time.Time `bun:"solved_at"`
	Preview              string     `bun:"preview"`

	RequesterID          int64  `bun:"requester_id"`
	RequesterName        string `bun:"requester_name"`
	RequesterEmail       string `bun:"requester_email"`
	RequesterAccountType string `bun:"requester_account_type"`
	AssigneeID           *int64 `bun:"assignee_id"`
	AssigneeName         string `bun:"assignee_name"`
	AssigneeEmail        string `bun:"assignee_email"`
	DecidedByID          *int64 `bun:"decided_by_id"`
	DecidedByName        string `bun:"decided_by_name"`
}

func (r *ticketRow) ticket() Ticket {
	t := Ticket{
		ID: r.ID, Subject: r.Subject, Status: r.Status, Channel: r.Channel, Kind: r.Kind,
		RequestedAccountType: r.RequestedAccountType, Decision: r.Decision, DecidedAt: r.DecidedAt,
		ExternalID: r.ExternalID, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, SolvedAt: r.SolvedAt,
		Preview:   r.Preview,
		Requester: Person{ID: r.RequesterID, Name: r.RequesterName, Email: r.RequesterEmail, AccountType: r.RequesterAccountType},
	}
	if r.AssigneeID != nil {
		t.Assignee = &Person{ID: *r.AssigneeID, Name: r.AssigneeName, Email: r.AssigneeEmail}
	}
	if r.DecidedByID != nil {
		t.DecidedBy = &Person{ID: *r.DecidedByID, Name: r.DecidedByName}
	}
	return t
}

// ticketSelect selects ticketRow columns from a relation aliased t (the tickets table or
// a page of it), with the first public message as the preview.
const ticketSelect = `SELECT t.id, t.subject, t.status, t.channel, t.kind, t.requested_account_type,
	t.decision, t.decided_at, t.external_id, t.created_at, t.updated_at, t.solved_at,
	r.id AS requester_id, r.name AS requester_name, r.email AS requester_email,
	r.account_type AS requester_account_type,
	a.id AS assignee_id, a.name AS assignee_name, a.email AS assignee_email,
	d.id AS decided_by_id, d.name AS decided_by_name,
	(SELECT left(m.body, 240) FROM ticket_messages m
	  WHERE m.ticket_id = t.id AND NOT m.internal ORDER BY m.created_at, m.id LIMIT 1) AS preview
`

const ticketJoins = `
	JOIN users r ON r.id = t.requester_id
	LEFT JOIN users a ON a.id = t.assignee_id
	LEFT JOIN users d ON d.id = t.decided_by
`

// ticketColumns lists the tickets columns a page subquery must carry for ticketSelect.
const ticketColumns = `t.id, t.subject, t.status, t.channel, t.kind, t.requested_account_type,
	t.decision, t.decided_at, t.decided_by, t.external_id, t.created_at, t.updated_at, t.solved_at,
	t.requester_id, t.assignee_id`

// loadTicket reads one ticket with its people (not its messages). requesterID > 0
// restricts the read to that requester's tickets; lock takes a row lock for an update.
// A missing ticket, or another requester's, is NotFound.
func loadTicket(ctx context.Context, idb bun.IDB, id, requesterID int64, lock bool) (*Ticket, error) {
	q := ticketSelect + `FROM tickets t` + ticketJoins + `WHERE t.id = ?`
	args := []any{id}
	if requesterID > 0 {
		q += ` AND t.requester_id = ?`
		args = append(args, requesterID)
	}
	if lock {
		q += ` FOR UPDATE OF t`
	}
	var row ticketRow
	if err := idb.NewRaw(q, args...).Scan(ctx, &row); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, errNoTicket
		}
		return nil, fmt.Errorf("load ticket %d: %w", id, err)
	}
	t := row.ticket()
	return &t, nil
}

// errNoTicket is what every face shows for a ticket that does not exist or is not the
// caller's: the two are indistinguishable on purpose.
var errNoTicket = apperr.NotFoundf("Nie znaleziono zlecenia.")

// messageRow is a message joined with its author.
type messageRow struct {
	ID          int64     `bun:"id"`
	TicketID    int64     `bun:"ticket_id"`
	AuthorID    *int64    `bun:"author_id"`
	AuthorName  string    `bun:"author_name"`
	AuthorEmail string    `bun:"author_email"`
	FromStaff   bool      `bun:"from_staff"`
	Internal    bool      `bun:"internal"`
	Body        string    `bun:"body"`
	CreatedAt   time.Time `bun:"created_at"`
}

func (r *messageRow) message(forCustomer bool) Message {
	m := Message{ID: r.ID, TicketID: r.TicketID, FromStaff: r.FromStaff, Internal: r.Internal, Body: r.Body, CreatedAt: r.CreatedAt}
	if r.AuthorID != nil {
		m.Author = &Person{ID: *r.AuthorID, Name: r.AuthorName, Email: r.AuthorEmail}
		if forCustomer && r.FromStaff {
			// Customers see who answered, not the agent's address.
			m.Author.Email = ""
		}
	}
	return m
}

// loadMessages reads the conversations of tickets, oldest message first. publicOnly
// leaves internal notes out in SQL, so they cannot reach a customer by mistake.
func loadMessages(ctx context.Context, idb bun.IDB, ticketIDs []int64, publicOnly bool) (map[int64][]Message, error) {
	q := `SELECT m.id, m.ticket_id, m.author_id, u.name AS author_name, u.email AS author_email,
		m.from_staff, m.internal, m.body, m.created_at
		FROM ticket_messages m LEFT JOIN users u ON u.id = m.author_id
		WHERE m.ticket_id = ANY(?)`
	if publicOnly {
		q += ` AND NOT m.internal`
	}
	q += ` ORDER BY m.ticket_id, m.created_at, m.id`
	var rows []messageRow
	if err := idb.NewRaw(q, pgdialect.Array(ticketIDs)).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("load messages: %w", err)
	}
	out := make(map[int64][]Message, len(ticketIDs))
	for i := range rows {
		out[rows[i].TicketID] = append(out[rows[i].TicketID], rows[i].message(publicOnly))
	}
	return out, nil
}
