package admin

import (
	"net/url"
	"strconv"
	"time"
	_ "time/tzdata" // tickets are shown in Polish time on any server

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/ticket"
	"github.com/helpcenter/helpcenter/internal/ui"
	"github.com/helpcenter/helpcenter/internal/web"
	"github.com/helpcenter/helpcenter/policy"
)

// BulkAction is one more thing the inbox can do with the selected tickets: a submit
// button of the inbox's selection form that posts the selected ticket_id values (and
// the CSRF token) to FormAction. The FAQ-draft feature adds "Utwórz szkic FAQ" this way.
type BulkAction struct {
	// Label is the button's text; FormAction the path it posts to.
	Label, FormAction string
	// Need hides the button from staff without this permission.
	Need *policy.Permission
}

// TicketOptions are what the inbox and ticket screens need besides Deps.
type TicketOptions struct {
	Tickets *ticket.Service
	// BulkActions are added to the inbox's selection form, after the built-in ones.
	BulkActions []BulkAction
}

// ticketScreens serves the inbox and the ticket page.
type ticketScreens struct {
	*console
	TicketOptions
}

// MountTickets adds /admin/tickets (the inbox) and /admin/tickets/{id}. Mount it after
// Mount, whose staff-only guard then covers it too.
func MountTickets(r fiber.Router, d Deps, opt TicketOptions) {
	if d.Chrome == nil {
		d.Chrome = func(c *fiber.Ctx, title string) ui.Chrome { return ui.Chrome{Title: title, Path: c.Path()} }
	}
	ts := &ticketScreens{console: &console{Deps: d}, TicketOptions: opt}
	r.Get("/tickets", ts.inbox)
	r.Post("/tickets/bulk", ts.bulk)
	r.Post("/tickets/settings", ts.saveSettings)
	r.Get("/tickets/:id<int>", ts.show)
	r.Post("/tickets/:id<int>", ts.update)
	r.Post("/tickets/:id<int>/messages", ts.reply)
	r.Post("/tickets/:id<int>/decision", ts.decide)
}

// InboxView is the inbox: filters, one page of tickets, the selection form.
type InboxView struct {
	Frame
	// Filter is the current filter (Status defaults to unsolved).
	Filter    ticket.Filter
	Tickets   []ticket.Ticket
	Assignees []ticket.Person
	// NextURL is the next page, "" on the last; FirstURL the first page when not on it.
	NextURL, FirstURL string
	// Actions are the extra bulk actions the viewer may use.
	Actions []BulkAction
	// CanAssign shows the built-in bulk actions (status and assignee).
	CanAssign bool
	Settings  ticket.AgentSettings
	// Here is the inbox's current address, where bulk actions come back to.
	Here string
}

// inboxFilter reads the inbox's query string. Without a status the inbox shows the
// working queue (unsolved).
func inboxFilter(c *fiber.Ctx) ticket.Filter {
	f := ticket.Filter{
		Status: c.Query("status", ticket.StatusUnsolved), Assignee: c.Query("assignee"), Kind: c.Query("kind"),
		Query: c.Query("q"), Sort: ticket.Sort(c.Query("sort")), Cursor: c.Query("cursor"), Limit: 50,
	}
	if f.Sort == "" {
		f.Sort = ticket.SortNewest
	}
	return f
}

// inboxURL is the inbox with a filter (and a cursor, when given).
func inboxURL(f ticket.Filter, cursor string) string {
	q := url.Values{}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	set("status", f.Status)
	set("assignee", f.Assignee)
	set("kind", f.Kind)
	set("q", f.Query)
	if f.Sort != ticket.SortNewest {
		set("sort", string(f.Sort))
	}
	set("cursor", cursor)
	return "/admin/tickets?" + q.Encode()
}

func (ts *ticketScreens) inbox(c *fiber.Ctx) error {
	ctx, s := c.UserContext(), web.Subject(c)
	f := inboxFilter(c)
	page, err := ts.Tickets.FindTickets(ctx, s, f)
	if err != nil {
		ae := apperr.As(err)
		switch {
		case ae == nil || ae.Code != apperr.Invalid:
			return err
		case f.Cursor != "":
			// A stale or mangled cursor: start from the first page.
			return c.Redirect(inboxURL(f, ""), fiber.StatusSeeOther)
		}
		// A bad filter from a hand-edited address shows the working queue instead.
		msg := ae.Message
		if len(ae.Fields) > 0 {
			msg = ae.Fields[0].Message
		}
		web.SetFlash(c, "error", msg)
		return c.Redirect("/admin/tickets", fiber.StatusSeeOther)
	}
	v := InboxView{Frame: ts.frame(c, ui.T(ctx, "tickets.inbox.title"), "inbox"), Filter: f, Tickets: page.Tickets,
		CanAssign: ts.Policy.Can(s, policy.TicketAssign), Here: inboxURL(f, f.Cursor)}
	if v.Assignees, err = ts.Tickets.Assignees(ctx, s); err != nil {
		return err
	}
	if page.NextCursor != "" {
		v.NextURL = inboxURL(f, page.NextCursor)
	}
	if f.Cursor != "" {
		v.FirstURL = inboxURL(f, "")
	}
	for _, a := range ts.BulkActions {
		if a.Need == nil || ts.Policy.Can(s, *a.Need) {
			v.Actions = append(v.Actions, a)
		}
	}
	if s.UserID != 0 {
		if v.Settings, err = ts.Tickets.AgentSettings(ctx, s); err != nil {
			return err
		}
	}
	return web.Render(c, InboxPage(v))
}

// bulk applies the inbox's built-in actions to the selected tickets: assign to me, to
// someone or nobody, or set a status.
func (ts *ticketScreens) bulk(c *fiber.Ctx) error {
	ctx, s := c.UserContext(), web.Subject(c)
	back := safeBack(c.FormValue("back"), "/admin/tickets")
	var ids []int64
	for _, v := range formValues(c, "ticket_id") {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	var u ticket.TicketUpdate
	switch c.FormValue("action") {
	case "assign_me":
		u.AssigneeID = &s.UserID
	case "assign":
		id, err := strconv.ParseInt(c.FormValue("assignee_id"), 10, 64)
		if err != nil || id < 0 {
			web.SetFlash(c, "error", ui.T(ctx, "tickets.bulk.choose_assignee"))
			return c.Redirect(back, fiber.StatusSeeOther)
		}
		u.AssigneeID = &id
	case "status":
		st := ticket.Status(c.FormValue("status"))
		u.Status = &st
	}
	n, err := ts.Tickets.BulkUpdate(ctx, s, ids, u)
	if err != nil {
		ae := apperr.As(err)
		if ae == nil || ae.Code == apperr.Internal || ae.Code == apperr.Forbidden || ae.Code == apperr.Unauthorized {
			return err
		}
		msg := ae.Message
		if len(ae.Fields) > 0 {
			msg = ae.Fields[0].Message
		}
		web.SetFlash(c, "error", msg)
		return c.Redirect(back, fiber.StatusSeeOther)
	}
	return redirectWithFlash(c, back, ui.T(ctx, ui.Plural(ctx, n, "tickets.bulk.done.one", "tickets.bulk.done.few", "tickets.bulk.done.many"), n))
}

func (ts *ticketScreens) saveSettings(c *fiber.Ctx) error {
	ctx, s := c.UserContext(), web.Subject(c)
	st := ticket.AgentSettings{NotifyNew: c.FormValue("notify_new") == "on"}
	if err := ts.Tickets.SetAgentSettings(ctx, s, st); err != nil {
		return err
	}
	return redirectWithFlash(c, safeBack(c.FormValue("back"), "/admin/tickets"), ui.T(ctx, "tickets.settings.saved"))
}

// safeBack accepts only console addresses as the place to return to.
func safeBack(back, fallback string) string {
	if len(back) > 1 && back[0] == '/' && back[1] != '/' && back[1] != '\\' {
		if u, err := url.Parse(back); err == nil && u.Host == "" && len(u.Path) >= 6 && u.Path[:6] == "/admin" {
			return back
		}
	}
	return fallback
}

// ticketZone is the time zone the console shows ticket times in.
var ticketZone = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Warsaw"); err == nil {
		return l
	}
	return time.UTC
}()

// ticketTime is a ticket time as the console shows it: "2025-03-07 14:05".
func ticketTime(t time.Time) string { return t.In(ticketZone).Format("2006-01-02 15:04") }

// ticketISO is the machine-readable form for <time datetime>.
func ticketISO(t time.Time) string { return t.UTC().Format(time.RFC3339) }
