package admin

import (
	"context"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/ticket"
	"github.com/helpcenter/helpcenter/internal/ui"
	"github.com/helpcenter/helpcenter/internal/web"
	"github.com/helpcenter/helpcenter/policy"
)

// TicketView is one ticket: the whole conversation with internal notes, the reply box,
// status and assignee, the requester with their other tickets, and for account-type
// changes the decision.
type TicketView struct {
	Frame
	Ticket    *ticket.Ticket
	Others    []ticket.Ticket
	Assignees []ticket.Person
	// The viewer's permissions decide which forms are shown (the service checks again).
	CanReply, CanAssign, CanDecide bool
	// TypeLabels names account types.
	TypeLabels map[string]string
	// Reply is the reply box's input; Note the decision's. Errors holds the messages of
	// the form that came back (ErrorForm: "reply", "update" or "decision").
	Reply     ReplyInput
	Note      string
	Errors    map[string]string
	ErrorForm string
}

// ReplyInput is what the agent typed in the reply box.
type ReplyInput struct {
	Body     string
	Internal bool
	Status   string
}

// othersShown is how many of the requester's other tickets the page lists.
const othersShown = 10

// ticketParam is the ticket id of the address.
func ticketParam(c *fiber.Ctx) int64 {
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	return id
}

// consoleTicketPath is a ticket's page in the console.
func consoleTicketPath(id int64) string { return "/admin/tickets/" + strconv.FormatInt(id, 10) }

func (ts *ticketScreens) show(c *fiber.Ctx) error {
	v, err := ts.ticketView(c, ticketParam(c))
	if err != nil {
		return err
	}
	return web.Render(c, TicketPage(v))
}

func (ts *ticketScreens) ticketView(c *fiber.Ctx, id int64) (TicketView, error) {
	ctx, s := c.UserContext(), web.Subject(c)
	t, err := ts.Tickets.Ticket(ctx, s, id)
	if err != nil {
		return TicketView{}, err
	}
	v := TicketView{
		Frame:  ts.frame(c, "#"+strconv.FormatInt(t.ID, 10)+" "+t.Subject, "inbox"),
		Ticket: t, CanReply: ts.Policy.Can(s, policy.TicketReply), CanAssign: ts.Policy.Can(s, policy.TicketAssign),
		CanDecide: ts.Policy.Can(s, policy.UserManage), Errors: map[string]string{},
	}
	others, err := ts.Tickets.FindTickets(ctx, s, ticket.Filter{RequesterID: t.Requester.ID, Limit: othersShown + 1})
	if err != nil {
		return v, err
	}
	for _, o := range others.Tickets {
		if o.ID != t.ID && len(v.Others) < othersShown {
			v.Others = append(v.Others, o)
		}
	}
	if v.Assignees, err = ts.Tickets.Assignees(ctx, s); err != nil {
		return v, err
	}
	v.TypeLabels, err = accountTypeLabels(ctx, ts.Tickets)
	return v, err
}

// accountTypeLabels names account types in the reader's language.
func accountTypeLabels(ctx context.Context, t *ticket.Service) (map[string]string, error) {
	types, err := t.AccountTypes(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, at := range types {
		out[at.Key] = at.Label(ui.LangOf(ctx) == ui.EN)
	}
	return out, nil
}

// again re-renders the ticket page with a form's errors (invalid input, or a change the
// ticket's state does not allow) and the input kept; other errors go to the error handler.
func (ts *ticketScreens) again(c *fiber.Ctx, id int64, err error, form string, fill func(*TicketView)) error {
	ae := apperr.As(err)
	if ae == nil || (ae.Code != apperr.Invalid && ae.Code != apperr.Conflict) {
		return err
	}
	errs := map[string]string{"": ae.Message}
	for _, f := range ae.Fields {
		errs[f.Field] = f.Message
	}
	v, verr := ts.ticketView(c, id)
	if verr != nil {
		return verr
	}
	v.Errors, v.ErrorForm = errs, form
	fill(&v)
	return web.RenderStatus(c, fiber.StatusUnprocessableEntity, TicketPage(v))
}

// update changes status and assignee (the side panel's form).
func (ts *ticketScreens) update(c *fiber.Ctx) error {
	ctx, s, id := c.UserContext(), web.Subject(c), ticketParam(c)
	var u ticket.TicketUpdate
	if v := c.FormValue("status"); v != "" {
		st := ticket.Status(v)
		u.Status = &st
	}
	if v := c.FormValue("assignee_id"); v != "" {
		a, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			a = -1 // the service answers with a field error
		}
		u.AssigneeID = &a
	}
	if _, err := ts.Tickets.UpdateTicket(ctx, s, id, u); err != nil {
		return ts.again(c, id, err, "update", func(*TicketView) {})
	}
	return redirectWithFlash(c, consoleTicketPath(id), ui.T(ctx, "tickets.update.saved"))
}

// reply adds a public reply or an internal note.
func (ts *ticketScreens) reply(c *fiber.Ctx) error {
	ctx, s, id := c.UserContext(), web.Subject(c), ticketParam(c)
	in := ReplyInput{Body: c.FormValue("body"), Internal: c.FormValue("visibility") == "internal", Status: c.FormValue("status")}
	m, err := ts.Tickets.Reply(ctx, s, id, ticket.StaffReply{Body: in.Body, Internal: in.Internal, Status: ticket.Status(in.Status)})
	if err != nil {
		return ts.again(c, id, err, "reply", func(v *TicketView) { v.Reply = in })
	}
	msg := "tickets.reply.sent"
	if in.Internal {
		msg = "tickets.reply.noted"
	}
	web.SetFlash(c, "ok", ui.T(ctx, msg))
	return c.Redirect(consoleTicketPath(id)+"#m"+strconv.FormatInt(m.ID, 10), fiber.StatusSeeOther)
}

// decide approves or declines an account-type change in one click.
func (ts *ticketScreens) decide(c *fiber.Ctx) error {
	ctx, s, id := c.UserContext(), web.Subject(c), ticketParam(c)
	approve := c.FormValue("decision") == string(ticket.DecisionApproved)
	note := c.FormValue("note")
	if _, err := ts.Tickets.DecideAccountType(ctx, s, id, approve, note); err != nil {
		return ts.again(c, id, err, "decision", func(v *TicketView) { v.Note = note })
	}
	msg := "tickets.decision.declined"
	if approve {
		msg = "tickets.decision.approved"
	}
	return redirectWithFlash(c, consoleTicketPath(id), ui.T(ctx, msg))
}

// currentAssignee is the assignee select's value: the id, "0" when unassigned.
func currentAssignee(t *ticket.Ticket) string {
	if t.Assignee == nil {
		return "0"
	}
	return strconv.FormatInt(t.Assignee.ID, 10)
}

// accountTypeName names an account type, "—" for none.
func accountTypeName(labels map[string]string, key string) string {
	if key == "" {
		return "—"
	}
	if l, ok := labels[key]; ok {
		return l
	}
	return key
}
