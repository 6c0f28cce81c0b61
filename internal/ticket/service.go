package ticket

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"github.com/uptrace/bun"

	"github.com/helpcenter/helpcenter/policy"
)

// Mail is one e-mail the service wants sent.
type Mail struct {
	To, ToName string
	Subject    string
	Text       string
	// Template names the kind of mail for the outbox, e.g. "ticket.reply".
	Template string
}

// Mailer queues e-mail inside the transaction of the change it reports, so a change that
// rolls back sends nothing and a committed one is never forgotten.
type Mailer interface {
	Enqueue(ctx context.Context, tx bun.Tx, m Mail) error
}

// MailerFunc adapts a function (e.g. a closure around the mail package) to Mailer.
type MailerFunc func(ctx context.Context, tx bun.Tx, m Mail) error

// Enqueue calls f.
func (f MailerFunc) Enqueue(ctx context.Context, tx bun.Tx, m Mail) error { return f(ctx, tx, m) }

// ContactFunc finds the user with an e-mail address or creates a contact for it (a user
// without a password who may later get one), inside idb, and returns them.
type ContactFunc func(ctx context.Context, idb bun.IDB, email, name string) (Person, error)

// Options configure the service; zero values get sensible defaults.
type Options struct {
	// AutoCloseAfter is how long a request stays solved before the periodic job closes it
	// (default 7 days).
	AutoCloseAfter time.Duration
	// BaseURL is the help center's public address, for links in e-mails.
	BaseURL *url.URL
	// Contacts creates the contact behind an anonymous request (default: a user row with
	// source support_email, see ensureContact).
	Contacts ContactFunc
	// Mailer sends the confirmations and replies; nil sends nothing.
	Mailer Mailer
	// Log receives problems that do not fail a request.
	Log *slog.Logger
}

// Service is requests: creating, reading, replying, assigning, deciding and closing.
type Service struct {
	db  *bun.DB
	pol *policy.Enforcer
	opt Options
}

// New builds the service on the database and the live policy.
func New(d *bun.DB, pol *policy.Enforcer, opt Options) *Service {
	if opt.AutoCloseAfter <= 0 {
		opt.AutoCloseAfter = 7 * 24 * time.Hour
	}
	if opt.BaseURL == nil {
		opt.BaseURL = &url.URL{Scheme: "http", Host: "localhost:8080"}
	}
	if opt.Contacts == nil {
		opt.Contacts = ensureContact
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{db: d, pol: pol, opt: opt}
}

// AutoCloseAfter is how long solved requests wait before the job closes them.
func (s *Service) AutoCloseAfter() time.Duration { return s.opt.AutoCloseAfter }

// link returns the absolute URL of a path on the help center.
func (s *Service) link(path string) string {
	u := *s.opt.BaseURL
	u.Path = u.Path + path
	return u.String()
}

// AccountTypeOption is an account type as the request forms offer it.
type AccountTypeOption struct {
	Key     string `bun:"key"`
	LabelPL string `bun:"label_pl"`
	LabelEN string `bun:"label_en"`
}

// Label is the type's name in Polish, or in English when english is set.
func (o AccountTypeOption) Label(english bool) string {
	if english && o.LabelEN != "" {
		return o.LabelEN
	}
	return o.LabelPL
}

// AccountTypes lists the account types, in the console's order, for the account-type
// change form and for labelling requests.
func (s *Service) AccountTypes(ctx context.Context) ([]AccountTypeOption, error) {
	var out []AccountTypeOption
	err := s.db.NewRaw(`SELECT key, label_pl, label_en FROM account_types ORDER BY position, key`).Scan(ctx, &out)
	if err != nil {
		return nil, fmt.Errorf("account types: %w", err)
	}
	return out, nil
}
