package portal

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"
	_ "time/tzdata" // request times are shown in Polish time on any server

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/ticket"
	"github.com/helpcenter/helpcenter/internal/ui"
	"github.com/helpcenter/helpcenter/internal/web"
)

// RequestDeps are what the request pages need.
type RequestDeps struct {
	Tickets *ticket.Service
}

// requestPages serves "Wyślij zlecenie" (/requests/new), "Moje działania" (/requests)
// and one request's conversation (/requests/{id}). They call the same ticket service
// methods as the JSON API.
type requestPages struct {
	RequestDeps
}

// MountRequests adds the request pages. Mount it before Mount.
func MountRequests(r fiber.Router, d RequestDeps) {
	p := &requestPages{d}
	r.Get("/requests/new", p.newForm)
	r.Post("/requests/new", p.create)
	r.Get("/requests/sent", p.sent)
	r.Get("/requests", p.list)
	r.Get("/requests/:id<int>", p.show)
	r.Post("/requests/:id<int>/messages", p.reply)
}

// RequestFormView is the "Wyślij zlecenie" form, or the account-type change form.
type RequestFormView struct {
	ui.Chrome
	// Visitor asks for an e-mail address and a name (not signed in).
	Visitor bool
	// AccountTypeChange shows the account-type form instead of the question form.
	AccountTypeChange bool
	AccountTypes      []ticket.AccountTypeOption
	// CurrentType is the signed-in customer's account type ("" for none).
	CurrentType string
	// The input, kept when the form comes back with errors.
	Subject, Body, Email, Name, RequestedType string
	Errors                                    FormErrors
}

// RequestListView is "Moje działania".
type RequestListView struct {
	ui.Chrome
	Requests []ticket.Ticket
	// NextURL opens the next (older) page, "" on the last one; FirstURL goes back.
	NextURL, FirstURL string
	// AccountTypes label requested account types.
	AccountTypes map[string]string
}

// RequestView is one request with its public conversation and the reply box.
type RequestView struct {
	ui.Chrome
	Request *ticket.Ticket
	// MyUserID tells the customer's own messages from support's.
	MyUserID int64
	// RequestedTypeLabel names the account type an account-type change asks for.
	RequestedTypeLabel string
	// Reply and Errors are the reply box's input when it comes back with errors.
	Reply  string
	Errors FormErrors
}

func (p *requestPages) newForm(c *fiber.Ctx) error {
	v, err := p.formView(c)
	if err != nil {
		return err
	}
	v.Subject = c.Query("subject")
	return web.Render(c, RequestFormPage(v))
}

// formView is the empty form for the subject: the question form, or with
// ?kind=account_type_change the account-type one.
func (p *requestPages) formView(c *fiber.Ctx) (RequestFormView, error) {
	s := web.Subject(c)
	v := RequestFormView{Visitor: s.UserID == 0, CurrentType: s.AccountType, Errors: FormErrors{}}
	v.AccountTypeChange = c.Query("kind", c.FormValue("kind")) == string(ticket.KindAccountTypeChange)
	title := "requests.new.title"
	if v.AccountTypeChange {
		title = "requests.type.title"
		types, err := p.Tickets.AccountTypes(c.UserContext())
		if err != nil {
			return v, err
		}
		v.AccountTypes = types
	}
	v.Chrome = frame(c, title)
	return v, nil
}

func (p *requestPages) create(c *fiber.Ctx) error {
	v, err := p.formView(c)
	if err != nil {
		return err
	}
	v.Subject, v.Body = c.FormValue("subject"), c.FormValue("body")
	v.Email, v.Name, v.RequestedType = c.FormValue("email"), c.FormValue("name"), c.FormValue("requested_account_type")
	in := ticket.NewRequest{Subject: v.Subject, Body: v.Body, Email: v.Email, Name: v.Name, Channel: ticket.ChannelWeb}
	if v.AccountTypeChange {
		in.Kind, in.RequestedAccountType = ticket.KindAccountTypeChange, v.RequestedType
	}
	sub := web.Subject(c)
	t, err := p.Tickets.CreateRequest(c.UserContext(), sub, in)
	if err != nil {
		errs, status, ok := formErrors(err)
		if !ok {
			return err
		}
		v.Errors = errs
		return web.RenderStatus(c, status, RequestFormPage(v))
	}
	ctx := c.UserContext()
	if sub.UserID == 0 {
		// A visitor cannot open the request before signing in: the confirmation says
		// where it went and how to get a password.
		web.SetFlash(c, "ok", ui.T(ctx, "requests.sent.flash", t.ID))
		return c.Redirect("/requests/sent", fiber.StatusSeeOther)
	}
	web.SetFlash(c, "ok", ui.T(ctx, "requests.created.flash", t.ID))
	return c.Redirect(requestPath(t.ID), fiber.StatusSeeOther)
}

// sent thanks a visitor for a request.
func (p *requestPages) sent(c *fiber.Ctx) error {
	return web.Render(c, RequestSentPage(frame(c, "requests.sent.title")))
}

// signInFirst sends a visitor to sign in and come back.
func signInFirst(c *fiber.Ctx) error {
	return c.Redirect("/login?next="+url.QueryEscape(c.OriginalURL()), fiber.StatusSeeOther)
}

func (p *requestPages) list(c *fiber.Ctx) error {
	s := web.Subject(c)
	if s.UserID == 0 {
		return signInFirst(c)
	}
	ctx := c.UserContext()
	page, err := p.Tickets.MyRequests(ctx, s, ticket.ListOptions{Cursor: c.Query("cursor"), Limit: 20})
	if apperr.Is(err, apperr.Invalid) {
		return c.Redirect("/requests", fiber.StatusSeeOther) // a stale or mangled cursor
	}
	if err != nil {
		return err
	}
	v := RequestListView{Chrome: frame(c, "requests.list.title"), Requests: page.Tickets}
	if page.NextCursor != "" {
		v.NextURL = "/requests?cursor=" + url.QueryEscape(page.NextCursor)
	}
	if c.Query("cursor") != "" {
		v.FirstURL = "/requests"
	}
	if v.AccountTypes, err = p.typeLabels(ctx); err != nil {
		return err
	}
	return web.Render(c, RequestListPage(v))
}

func (p *requestPages) show(c *fiber.Ctx) error {
	s := web.Subject(c)
	if s.UserID == 0 {
		return signInFirst(c)
	}
	v, err := p.requestView(c)
	if err != nil {
		return err
	}
	return web.Render(c, RequestPage(v))
}

func (p *requestPages) requestView(c *fiber.Ctx) (RequestView, error) {
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	ctx := c.UserContext()
	t, err := p.Tickets.MyRequest(ctx, web.Subject(c), id)
	if err != nil {
		return RequestView{}, err
	}
	ch := frame(c, "")
	ch.Title = t.Subject
	v := RequestView{Chrome: ch, Request: t, MyUserID: web.Subject(c).UserID, Errors: FormErrors{}}
	if t.RequestedAccountType != "" {
		labels, err := p.typeLabels(ctx)
		if err != nil {
			return v, err
		}
		v.RequestedTypeLabel = labels[t.RequestedAccountType]
	}
	return v, nil
}

func (p *requestPages) reply(c *fiber.Ctx) error {
	s := web.Subject(c)
	if s.UserID == 0 {
		return signInFirst(c)
	}
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	body := c.FormValue("body")
	m, err := p.Tickets.ReplyAsRequester(c.UserContext(), s, id, body)
	if err != nil {
		errs, status, ok := formErrors(err)
		if !ok || status == http.StatusNotFound || status == http.StatusUnauthorized {
			return err
		}
		v, verr := p.requestView(c)
		if verr != nil {
			return verr
		}
		v.Reply, v.Errors = body, errs
		return web.RenderStatus(c, status, RequestPage(v))
	}
	web.SetFlash(c, "ok", ui.T(c.UserContext(), "requests.reply.flash"))
	return c.Redirect(requestPath(id)+"#m"+strconv.FormatInt(m.ID, 10), fiber.StatusSeeOther)
}

// typeLabels maps account type keys to their labels in the reader's language.
func (p *requestPages) typeLabels(ctx context.Context) (map[string]string, error) {
	types, err := p.Tickets.AccountTypes(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(types))
	for _, t := range types {
		out[t.Key] = t.Label(ui.LangOf(ctx) == ui.EN)
	}
	return out, nil
}

// requestPath is a request's page.
func requestPath(id int64) string { return "/requests/" + strconv.FormatInt(id, 10) }

// requestStatusKey is the customer's name of a status: they see "waiting for your
// reply" where staff see "pending".
func requestStatusKey(s ticket.Status) string { return "requests.status." + string(s) }

// staffAuthor names the author of support's reply: the agent's name with the team, or
// just the team.
func staffAuthor(ctx context.Context, m ticket.Message) string {
	if m.Author != nil && m.Author.Name != "" {
		return ui.T(ctx, "requests.author.staff_named", m.Author.Name)
	}
	return ui.T(ctx, "requests.author.staff")
}

// requestZone is the time zone request times are shown in.
var requestZone = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Warsaw"); err == nil {
		return l
	}
	return time.UTC
}()

// requestTime is a message or request time as customers read it: "27.11.2026, 08:51"
// ("2026-11-27 08:51" in English).
func requestTime(ctx context.Context, t time.Time) string {
	if ui.LangOf(ctx) == ui.EN {
		return t.In(requestZone).Format("2006-01-02 15:04")
	}
	return t.In(requestZone).Format("02.01.2006, 15:04")
}

// requestISO is the machine-readable form for <time datetime>.
func requestISO(t time.Time) string { return t.UTC().Format(time.RFC3339) }
