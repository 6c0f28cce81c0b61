package ticket

import (
	"slices"
	"time"
)

// Status is where a request stands; see the package documentation for the transitions.
type Status string

// The statuses of a request.
const (
	StatusNew     Status = "new"     // nobody from staff has answered yet
	StatusOpen    Status = "open"    // staff is working on it
	StatusPending Status = "pending" // waiting for the customer
	StatusSolved  Status = "solved"  // answered; a customer reply reopens it
	StatusClosed  Status = "closed"  // final; closed by the auto-close job or by staff
)

// Statuses lists every status in workflow order.
var Statuses = []Status{StatusNew, StatusOpen, StatusPending, StatusSolved, StatusClosed}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// Unsolved reports whether s belongs to the working queue (new, open or pending).
func (s Status) Unsolved() bool { return s == StatusNew || s == StatusOpen || s == StatusPending }

// Channel is how a request arrived.
type Channel string

// The channels.
const (
	ChannelWeb   Channel = "web"   // the portal's form
	ChannelEmail Channel = "email" // an e-mail to support (imported or received)
	ChannelAPI   Channel = "api"   // the JSON API
)

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool { return c == ChannelWeb || c == ChannelEmail || c == ChannelAPI }

// Kind says what a request asks for.
type Kind string

// The kinds of request.
const (
	KindQuestion          Kind = "question"            // anything; answered by staff
	KindAccountTypeChange Kind = "account_type_change" // the customer asks for another account type
)

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k == KindQuestion || k == KindAccountTypeChange }

// Decision is staff's answer to an account-type change.
type Decision string

// The decisions.
const (
	DecisionApproved Decision = "approved"
	DecisionDeclined Decision = "declined"
)

// Person is a requester, an assignee or a message author as the screens show them.
type Person struct {
	ID    int64
	Name  string
	Email string
	// AccountType is the person's account type key ("" when none); set for requesters.
	AccountType string
}

// DisplayName is the name, or the e-mail address for people without one.
func (p Person) DisplayName() string {
	if p.Name != "" {
		return p.Name
	}
	return p.Email
}

// Ticket is one request with its people and, when read one at a time, its messages.
type Ticket struct {
	ID      int64
	Subject string
	Status  Status
	Channel Channel
	Kind    Kind
	// RequestedAccountType is set for account-type changes.
	RequestedAccountType string
	// Decision, DecidedAt and DecidedBy record staff's answer to an account-type change.
	Decision  Decision
	DecidedAt *time.Time
	DecidedBy *Person
	Requester Person
	// Assignee is the staff member working on the request, nil when unassigned. Customers
	// are never told who it is.
	Assignee *Person
	// ExternalID is the identifier the request had in the system it was imported from.
	ExternalID string
	CreatedAt  time.Time
	// UpdatedAt moves with every message and change (staff views only).
	UpdatedAt time.Time
	// SolvedAt is when the request was last solved; nil unless solved or closed.
	SolvedAt *time.Time
	// Preview is the start of the first message, for lists.
	Preview string
	// Messages is the conversation, oldest first: every message for staff, public ones
	// for the requester. Lists leave it empty.
	Messages []Message
}

// Message is one entry of a conversation.
type Message struct {
	ID       int64
	TicketID int64
	// Author is nil when the author's account no longer exists. For customers the
	// author's e-mail address is left out of staff replies.
	Author *Person
	// FromStaff marks support's replies and notes; false for the requester's messages.
	FromStaff bool
	// Internal marks notes that only staff sees.
	Internal  bool
	Body      string
	CreatedAt time.Time
}

// Page is one page of a list, with the cursor of the next page ("" on the last one).
type Page struct {
	Tickets    []Ticket
	NextCursor string
}

// Limits on what people type; the package documentation lists them for users.
const (
	MaxSubjectLen = 200
	MaxBodyLen    = 20000
	MaxEmailLen   = 254
	MaxNameLen    = 200
)
