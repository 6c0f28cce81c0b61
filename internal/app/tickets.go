package app

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/helpcenter/helpcenter/admin"
	"github.com/helpcenter/helpcenter/internal/mail"
	"github.com/helpcenter/helpcenter/internal/portal"
	"github.com/helpcenter/helpcenter/internal/ticket"
	"github.com/helpcenter/helpcenter/internal/web"
)

// autoCloseEvery is how often the job closing long-solved requests runs.
const autoCloseEvery = time.Hour

// wireTickets builds the ticket service on the accounts (visitors' requests create
// contacts) and the mailer (confirmations and replies are queued with the change), and
// registers the auto-close job. Call it after wireAccounts.
func (a *App) wireTickets() {
	a.Tickets = ticket.New(a.DB.Bun, a.Policy, ticket.Options{
		BaseURL: a.Config.BaseURL,
		Log:     a.Log,
		Contacts: func(ctx context.Context, idb bun.IDB, email, name string) (ticket.Person, error) {
			u, err := a.Accounts.EnsureContact(ctx, idb, email, name)
			if err != nil {
				return ticket.Person{}, err
			}
			return ticket.Person{ID: u.ID, Name: u.Name, Email: u.Email, AccountType: u.AccountType}, nil
		},
		Mailer: ticket.MailerFunc(func(ctx context.Context, tx bun.Tx, m ticket.Mail) error {
			_, err := a.Mail.Enqueue(ctx, tx, mail.Message{To: m.To, ToName: m.ToName, Subject: m.Subject, Text: m.Text, Template: m.Template})
			return err
		}),
	})
	ticket.RegisterJobs(a.Jobs, a.Tickets, autoCloseEvery)
}

// mountTickets adds the portal's request pages and the console's inbox. The console's
// staff-only guard (admin.Mount) must be mounted first; the request pages before the
// portal's own.
func (a *App) mountTickets(f fiber.Router, bulkActions ...admin.BulkAction) {
	portal.MountRequests(f, portal.RequestDeps{Tickets: a.Tickets})
	admin.MountTickets(f.Group("/admin"), admin.Deps{Policy: a.Policy, Chrome: web.Chrome},
		admin.TicketOptions{Tickets: a.Tickets, BulkActions: bulkActions})
}
