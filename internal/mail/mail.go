// Package mail sends the help center's e-mail. A message is written to the mails table and
// its delivery job is queued in the caller's transaction, so a mail exists exactly when the
// change that caused it commits, a request never waits on SMTP, and a down SMTP server only
// delays delivery (the job queue retries with backoff). Without SMTP_URL the mails stay in
// the table as the outbox that staff read at /admin/outbox, and are logged.
//
// Messages are Polish, with a plain-text part and an optional HTML part, rendered from the
// templates embedded in this package (text/template and html/template).
package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/helpcenter/helpcenter/internal/db"
	"github.com/helpcenter/helpcenter/internal/jobs"
	"github.com/helpcenter/helpcenter/policy"
)

// Message is one e-mail to one recipient.
type Message struct {
	// To is the recipient's address; ToName their name (may be empty).
	To, ToName string
	// Subject is the subject line.
	Subject string
	// Text is the plain-text body; every message has one.
	Text string
	// HTML is an optional HTML alternative of Text.
	HTML string
	// Template names the template the message was rendered from (for the outbox).
	Template string
	// Sensitive marks a message carrying a one-time secret (a password link): its body
	// is erased from the mails table once an SMTP server has accepted it.
	Sensitive bool
}

// Options configure a Mailer.
type Options struct {
	// SMTPURL is SMTP_URL; empty keeps mail in the outbox.
	SMTPURL string
	// From is SMTP_FROM, e.g. "Helpcenter <pomoc@example.com>".
	From string
	// BaseURL is the help center's public address, offered to templates as siteURL.
	BaseURL *url.URL
	// TLSConfig overrides the TLS settings of the SMTP connection (tests trust their
	// own certificate with it). Its ServerName is filled in when empty.
	TLSConfig *tls.Config
	// RetryDelay overrides the queue's backoff between delivery attempts (tests).
	RetryDelay func(attempt int) time.Duration
	// Timeout bounds one SMTP conversation; 30 s when zero.
	Timeout time.Duration
}

// Mailer queues, delivers and lists e-mail. It is safe for concurrent use.
type Mailer struct {
	db     *db.DB
	queue  *jobs.Queue
	policy *policy.Enforcer
	log    *slog.Logger
	from   *mail.Address
	base   *url.URL
	smtp   *smtpTransport // nil: outbox only
	retry  func(attempt int) time.Duration
}

// MaxAttempts is how often delivery of one mail is tried before it is marked failed.
// With the queue's default backoff (attempt⁴ seconds) the last attempt comes about two
// days after the first.
const MaxAttempts = 15

// New builds a Mailer and registers its delivery worker on q (call before q.Open).
func New(d *db.DB, q *jobs.Queue, p *policy.Enforcer, log *slog.Logger, opt Options) (*Mailer, error) {
	from, err := mail.ParseAddress(opt.From)
	if err != nil {
		return nil, fmt.Errorf("SMTP_FROM %q: %w", opt.From, err)
	}
	m := &Mailer{db: d, queue: q, policy: p, log: log.With("component", "mail"), from: from, base: opt.BaseURL, retry: opt.RetryDelay}
	if m.base == nil {
		m.base = &url.URL{Scheme: "http", Host: "localhost:8080"}
	}
	if opt.SMTPURL != "" {
		if m.smtp, err = newSMTPTransport(opt.SMTPURL, opt.TLSConfig, opt.Timeout); err != nil {
			return nil, err
		}
	}
	river.AddWorker(q.Workers, &deliverWorker{m: m})
	return m, nil
}

// UsesOutbox reports whether mail stays in the outbox because no SMTP server is configured.
func (m *Mailer) UsesOutbox() bool { return m.smtp == nil }

// Enqueue stores msg and queues its delivery inside tx: nothing is sent unless tx commits.
// It returns the mail's id.
func (m *Mailer) Enqueue(ctx context.Context, tx bun.Tx, msg Message) (int64, error) {
	if err := checkMessage(msg); err != nil {
		return 0, err
	}
	var id int64
	err := tx.NewRaw(`INSERT INTO mails (to_address, to_name, subject, body_text, body_html, template, sensitive)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		msg.To, msg.ToName, msg.Subject, msg.Text, msg.HTML, msg.Template, msg.Sensitive).Scan(ctx, &id)
	if err != nil {
		return 0, fmt.Errorf("store mail: %w", err)
	}
	if err := m.queue.InsertTx(ctx, tx.Tx, DeliverArgs{MailID: id}, nil); err != nil {
		return 0, fmt.Errorf("queue mail: %w", err)
	}
	return id, nil
}

// EnqueueTemplate renders the named template with data and enqueues the result to the
// given recipient (see Render).
func (m *Mailer) EnqueueTemplate(ctx context.Context, tx bun.Tx, to, toName, name string, data any) (int64, error) {
	msg, err := m.Render(name, data)
	if err != nil {
		return 0, err
	}
	msg.To, msg.ToName = to, toName
	return m.Enqueue(ctx, tx, msg)
}

func checkMessage(msg Message) error {
	if _, err := mail.ParseAddress(msg.To); err != nil || strings.ContainsAny(msg.To, "\r\n<>") {
		return fmt.Errorf("mail: bad recipient %q", msg.To)
	}
	if strings.TrimSpace(msg.Subject) == "" || strings.ContainsAny(msg.Subject, "\r\n") {
		return errors.New("mail: a subject of one line is required")
	}
	if strings.TrimSpace(msg.Text) == "" {
		return errors.New("mail: a plain-text body is required")
	}
	if strings.ContainsAny(msg.ToName, "\r\n") {
		return errors.New("mail: the recipient name must be one line")
	}
	return nil
}
