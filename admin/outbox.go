package admin

import (
	"context"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/internal/mail"
	"github.com/helpcenter/helpcenter/internal/ui"
	"github.com/helpcenter/helpcenter/internal/web"
	"github.com/helpcenter/helpcenter/policy"
)

// MailReader lists stored e-mail (mail.Mailer); it checks the mail:read permission.
type MailReader interface {
	FindMails(ctx context.Context, s policy.Subject, f mail.Filter) ([]mail.Mail, error)
	MailByID(ctx context.Context, s policy.Subject, id int64) (*mail.Mail, error)
	UsesOutbox() bool
}

// OutboxView is the list of stored e-mails.
type OutboxView struct {
	Frame
	Mails []mail.Mail
	// To and Status are the filter's input.
	To, Status string
	// Outbox is true when no SMTP server is configured and mail stays here.
	Outbox     bool
	NextBefore int64
}

// OutboxMailView is one e-mail.
type OutboxMailView struct {
	Frame
	Mail *mail.Mail
}

const outboxPage = 50

// MountOutbox adds /admin/outbox: the e-mails the help center sent or, without SMTP_URL,
// keeps. Mount it after Mount, whose staff-only guard then covers it too.
func MountOutbox(r fiber.Router, d Deps, mails MailReader) {
	if d.Chrome == nil {
		d.Chrome = func(c *fiber.Ctx, title string) ui.Chrome { return ui.Chrome{Title: title, Path: c.Path()} }
	}
	con := &console{Deps: d}
	r.Get("/outbox", func(c *fiber.Ctx) error { return con.outbox(c, mails) })
	r.Get("/outbox/:id<int>", func(c *fiber.Ctx) error { return con.outboxMail(c, mails) })
}

func (con *console) outbox(c *fiber.Ctx, mails MailReader) error {
	ctx := c.UserContext()
	f := mail.Filter{To: c.Query("to"), Status: c.Query("status"), Limit: outboxPage + 1}
	f.BeforeID, _ = strconv.ParseInt(c.Query("before"), 10, 64)
	list, err := mails.FindMails(ctx, web.Subject(c), f)
	if err != nil {
		return err
	}
	v := OutboxView{Frame: con.frame(c, ui.T(ctx, "admin.outbox.title"), "outbox"), Mails: list, To: f.To, Status: f.Status, Outbox: mails.UsesOutbox()}
	if len(list) > outboxPage {
		v.Mails = list[:outboxPage]
		v.NextBefore = v.Mails[outboxPage-1].ID
	}
	return web.Render(c, OutboxPage(v))
}

func (con *console) outboxMail(c *fiber.Ctx, mails MailReader) error {
	ctx := c.UserContext()
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	m, err := mails.MailByID(ctx, web.Subject(c), id)
	if err != nil {
		return err
	}
	// The body may hold a one-time link: keep it out of caches and Referer headers.
	c.Set("Referrer-Policy", "no-referrer")
	return web.Render(c, OutboxMailPage(OutboxMailView{Frame: con.frame(c, m.Subject, "outbox"), Mail: m}))
}

func outboxQuery(to, status string, before int64) string {
	q := "/admin/outbox?before=" + strconv.FormatInt(before, 10)
	if to != "" {
		q += "&to=" + url.QueryEscape(to)
	}
	if status != "" {
		q += "&status=" + url.QueryEscape(status)
	}
	return q
}
