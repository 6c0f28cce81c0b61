package api

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/ticket"
	"github.com/helpcenter/helpcenter/internal/web"
)

// requestsAPI serves the end users' requests: sending one (signed in or as a visitor who
// becomes a contact), "My activities" and one request's public conversation.
type requestsAPI struct{ t *ticket.Service }

func mountRequests(r fiber.Router, t *ticket.Service) {
	if t == nil {
		return
	}
	h := requestsAPI{t}
	r.Post("/requests", h.create)
	r.Get("/requests", h.list)
	r.Get("/requests/:id<int>", h.get)
	r.Post("/requests/:id<int>/messages", h.reply)
}

// requestJSON is a request as its requester sees it: no assignee, no internal notes.
type requestJSON struct {
	ID                   int64          `json:"id"`
	Subject              string         `json:"subject"`
	Status               ticket.Status  `json:"status"`
	Kind                 ticket.Kind    `json:"kind"`
	RequestedAccountType *string        `json:"requested_account_type"`
	Decision             *string        `json:"decision"`
	Channel              ticket.Channel `json:"channel"`
	CreatedAt            time.Time      `json:"created_at"`
	// UpdatedAt is the time of the last public message.
	UpdatedAt time.Time            `json:"updated_at"`
	SolvedAt  *time.Time           `json:"solved_at"`
	Preview   string               `json:"preview,omitempty"`
	Messages  []requestMessageJSON `json:"messages,omitempty"`
}

type requestMessageJSON struct {
	ID         int64     `json:"id"`
	Body       string    `json:"body"`
	FromStaff  bool      `json:"from_staff"`
	AuthorName string    `json:"author_name"`
	CreatedAt  time.Time `json:"created_at"`
}

func toRequestJSON(t *ticket.Ticket) requestJSON {
	out := requestJSON{
		ID: t.ID, Subject: t.Subject, Status: t.Status, Kind: t.Kind, Channel: t.Channel,
		RequestedAccountType: nullIfEmpty(t.RequestedAccountType), Decision: nullIfEmpty(string(t.Decision)),
		CreatedAt: t.CreatedAt.UTC(), UpdatedAt: t.UpdatedAt.UTC(), SolvedAt: utcOrNil(t.SolvedAt), Preview: t.Preview,
	}
	for _, m := range t.Messages {
		if m.Internal { // never reached here: the service selects public messages only
			continue
		}
		out.Messages = append(out.Messages, toRequestMessageJSON(m))
	}
	return out
}

func toRequestMessageJSON(m ticket.Message) requestMessageJSON {
	out := requestMessageJSON{ID: m.ID, Body: m.Body, FromStaff: m.FromStaff, CreatedAt: m.CreatedAt.UTC()}
	switch {
	case m.Author != nil && m.Author.Name != "":
		out.AuthorName = m.Author.Name
	case m.FromStaff:
		out.AuthorName = "Zespół wsparcia"
	}
	return out
}

func (h requestsAPI) create(c *fiber.Ctx) error {
	var in struct {
		Subject              string      `json:"subject"`
		Body                 string      `json:"body"`
		Email                string      `json:"email"`
		Name                 string      `json:"name"`
		Kind                 ticket.Kind `json:"kind"`
		RequestedAccountType string      `json:"requested_account_type"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	t, err := h.t.CreateRequest(c.UserContext(), web.Subject(c), ticket.NewRequest{
		Subject: in.Subject, Body: in.Body, Email: in.Email, Name: in.Name,
		Kind: in.Kind, RequestedAccountType: in.RequestedAccountType, Channel: ticket.ChannelAPI,
	})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, "/api/v1/requests/"+strconv.FormatInt(t.ID, 10))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(toRequestJSON(t))
}

func (h requestsAPI) list(c *fiber.Ctx) error {
	limit, err := parseLimit(c)
	if err != nil {
		return err
	}
	page, err := h.t.MyRequests(c.UserContext(), web.Subject(c), ticket.ListOptions{Cursor: c.Query("cursor"), Limit: limit})
	if err != nil {
		return err
	}
	out := listResponse[requestJSON]{Data: make([]requestJSON, 0, len(page.Tickets)), NextCursor: nullIfEmpty(page.NextCursor)}
	for i := range page.Tickets {
		out.Data = append(out.Data, toRequestJSON(&page.Tickets[i]))
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.JSON(out)
}

func (h requestsAPI) get(c *fiber.Ctx) error {
	id, err := ticketIDParam(c)
	if err != nil {
		return err
	}
	t, err := h.t.MyRequest(c.UserContext(), web.Subject(c), id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.JSON(toRequestJSON(t))
}

func (h requestsAPI) reply(c *fiber.Ctx) error {
	id, err := ticketIDParam(c)
	if err != nil {
		return err
	}
	var in struct {
		Body string `json:"body"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	m, err := h.t.ReplyAsRequester(c.UserContext(), web.Subject(c), id, in.Body)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(toRequestMessageJSON(*m))
}

// ticketIDParam reads the :id path parameter (the route's <int> constraint already holds).
func ticketIDParam(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.NotFoundf("Nie znaleziono.")
	}
	return id, nil
}

// nullIfEmpty is nil for "", so JSON shows null rather than an empty string.
func nullIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func utcOrNil(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
