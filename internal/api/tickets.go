package api

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/ticket"
	"github.com/helpcenter/helpcenter/internal/web"
)

// ticketsAPI serves the management of tickets: the inbox, one ticket with every message,
// status and assignee changes, replies and notes, and account-type decisions. To callers
// who are not staff (visitors, customers, tokens without a staff role) these routes do not
// exist: 404. Staff without the permission an action needs get 403.
type ticketsAPI struct{ t *ticket.Service }

func mountTickets(r fiber.Router, t *ticket.Service) {
	if t == nil {
		return
	}
	h := ticketsAPI{t}
	g := r.Group("/admin/tickets", staffOnlyAPI)
	g.Get("", h.list)
	g.Get("/assignees", h.assignees)
	g.Get("/:id<int>", h.get)
	g.Patch("/:id<int>", h.update)
	g.Post("/:id<int>/messages", h.reply)
	g.Post("/:id<int>/decision", h.decide)
}

// staffOnlyAPI hides the management routes from everyone without a staff role.
func staffOnlyAPI(c *fiber.Ctx) error {
	if !web.Subject(c).IsStaff() {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Next()
}

// ticketJSON is a ticket as staff sees it.
type ticketJSON struct {
	ID                   int64               `json:"id"`
	Subject              string              `json:"subject"`
	Status               ticket.Status       `json:"status"`
	Kind                 ticket.Kind         `json:"kind"`
	RequestedAccountType *string             `json:"requested_account_type"`
	Decision             *string             `json:"decision"`
	DecidedAt            *time.Time          `json:"decided_at"`
	Channel              ticket.Channel      `json:"channel"`
	ExternalID           *string             `json:"external_id"`
	Requester            personJSON          `json:"requester"`
	Assignee             *personJSON         `json:"assignee"`
	CreatedAt            time.Time           `json:"created_at"`
	UpdatedAt            time.Time           `json:"updated_at"`
	SolvedAt             *time.Time          `json:"solved_at"`
	Preview              string              `json:"preview,omitempty"`
	Messages             []ticketMessageJSON `json:"messages,omitempty"`
}

type personJSON struct {
	ID          int64   `json:"id"`
	Name        string  `json:"name"`
	Email       string  `json:"email"`
	AccountType *string `json:"account_type,omitempty"`
}

type ticketMessageJSON struct {
	ID        int64       `json:"id"`
	Body      string      `json:"body"`
	Internal  bool        `json:"internal"`
	FromStaff bool        `json:"from_staff"`
	Author    *personJSON `json:"author"`
	CreatedAt time.Time   `json:"created_at"`
}

func toPersonJSON(p *ticket.Person) *personJSON {
	if p == nil {
		return nil
	}
	return &personJSON{ID: p.ID, Name: p.Name, Email: p.Email}
}

func toTicketJSON(t *ticket.Ticket) ticketJSON {
	out := ticketJSON{
		ID: t.ID, Subject: t.Subject, Status: t.Status, Kind: t.Kind, Channel: t.Channel,
		RequestedAccountType: nullIfEmpty(t.RequestedAccountType), Decision: nullIfEmpty(string(t.Decision)),
		DecidedAt: utcOrNil(t.DecidedAt), ExternalID: nullIfEmpty(t.ExternalID),
		Requester: personJSON{ID: t.Requester.ID, Name: t.Requester.Name, Email: t.Requester.Email, AccountType: nullIfEmpty(t.Requester.AccountType)},
		Assignee:  toPersonJSON(t.Assignee),
		CreatedAt: t.CreatedAt.UTC(), UpdatedAt: t.UpdatedAt.UTC(), SolvedAt: utcOrNil(t.SolvedAt), Preview: t.Preview,
	}
	for _, m := range t.Messages {
		out.Messages = append(out.Messages, toTicketMessageJSON(m))
	}
	return out
}

func toTicketMessageJSON(m ticket.Message) ticketMessageJSON {
	return ticketMessageJSON{ID: m.ID, Body: m.Body, Internal: m.Internal, FromStaff: m.FromStaff, Author: toPersonJSON(m.Author), CreatedAt: m.CreatedAt.UTC()}
}

func (h ticketsAPI) list(c *fiber.Ctx) error {
	limit, err := parseLimit(c)
	if err != nil {
		return err
	}
	f := ticket.Filter{
		Status: c.Query("status"), Assignee: c.Query("assignee"), Kind: c.Query("kind"), Query: c.Query("q"),
		ExternalID: c.Query("external_id"), Sort: ticket.Sort(c.Query("sort")), Cursor: c.Query("cursor"), Limit: limit,
	}
	if v := c.Query("requester_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return apperr.InvalidFields(apperr.Field("requester_id", "Oczekiwano identyfikatora użytkownika."))
		}
		f.RequesterID = id
	}
	page, err := h.t.FindTickets(c.UserContext(), web.Subject(c), f)
	if err != nil {
		return err
	}
	out := listResponse[ticketJSON]{Data: make([]ticketJSON, 0, len(page.Tickets)), NextCursor: nullIfEmpty(page.NextCursor)}
	for i := range page.Tickets {
		out.Data = append(out.Data, toTicketJSON(&page.Tickets[i]))
	}
	return c.JSON(out)
}

func (h ticketsAPI) assignees(c *fiber.Ctx) error {
	people, err := h.t.Assignees(c.UserContext(), web.Subject(c))
	if err != nil {
		return err
	}
	out := make([]*personJSON, 0, len(people))
	for i := range people {
		out = append(out, toPersonJSON(&people[i]))
	}
	return c.JSON(fiber.Map{"data": out})
}

func (h ticketsAPI) get(c *fiber.Ctx) error {
	id, err := ticketIDParam(c)
	if err != nil {
		return err
	}
	t, err := h.t.Ticket(c.UserContext(), web.Subject(c), id)
	if err != nil {
		return err
	}
	return c.JSON(toTicketJSON(t))
}

func (h ticketsAPI) update(c *fiber.Ctx) error {
	id, err := ticketIDParam(c)
	if err != nil {
		return err
	}
	// assignee_id: a staff member's id, null to unassign, absent to leave as is.
	var in struct {
		Status     *ticket.Status  `json:"status"`
		AssigneeID json.RawMessage `json:"assignee_id"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u := ticket.TicketUpdate{Status: in.Status}
	switch raw := bytes.TrimSpace(in.AssigneeID); {
	case len(raw) == 0:
	case string(raw) == "null":
		u.AssigneeID = new(int64)
	default:
		var a int64
		if err := json.Unmarshal(raw, &a); err != nil || a <= 0 {
			return apperr.InvalidFields(apperr.Field("assignee_id", "Oczekiwano identyfikatora pracownika albo null."))
		}
		u.AssigneeID = &a
	}
	if u.Status == nil && u.AssigneeID == nil {
		return apperr.InvalidFields(apperr.Field("status", "Podaj status albo assignee_id."))
	}
	t, err := h.t.UpdateTicket(c.UserContext(), web.Subject(c), id, u)
	if err != nil {
		return err
	}
	return c.JSON(toTicketJSON(t))
}

func (h ticketsAPI) reply(c *fiber.Ctx) error {
	id, err := ticketIDParam(c)
	if err != nil {
		return err
	}
	var in struct {
		Body     string        `json:"body"`
		Internal bool          `json:"internal"`
		Status   ticket.Status `json:"status"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	m, err := h.t.Reply(c.UserContext(), web.Subject(c), id, ticket.StaffReply{Body: in.Body, Internal: in.Internal, Status: in.Status})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toTicketMessageJSON(*m))
}

func (h ticketsAPI) decide(c *fiber.Ctx) error {
	id, err := ticketIDParam(c)
	if err != nil {
		return err
	}
	var in struct {
		Decision ticket.Decision `json:"decision"`
		Note     string          `json:"note"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.Decision != ticket.DecisionApproved && in.Decision != ticket.DecisionDeclined {
		return apperr.InvalidFields(apperr.Field("decision", "Oczekiwano approved albo declined."))
	}
	t, err := h.t.DecideAccountType(c.UserContext(), web.Subject(c), id, in.Decision == ticket.DecisionApproved, in.Note)
	if err != nil {
		return err
	}
	return c.JSON(toTicketJSON(t))
}
