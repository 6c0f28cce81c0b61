package mail

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/policy"
)

// Mail is a stored e-mail as the outbox shows it.
type Mail struct {
	ID        int64      `bun:"id" json:"id"`
	To        string     `bun:"to_address" json:"to"`
	ToName    string     `bun:"to_name" json:"to_name"`
	Subject   string     `bun:"subject" json:"subject"`
	Text      string     `bun:"body_text" json:"text"`
	HTML      string     `bun:"body_html" json:"html,omitempty"`
	Template  string     `bun:"template" json:"template,omitempty"`
	Sensitive bool       `bun:"sensitive" json:"sensitive"`
	Status    string     `bun:"status" json:"status"` // queued, sent, outbox or failed
	Attempts  int        `bun:"attempts" json:"attempts"`
	LastError string     `bun:"last_error" json:"last_error,omitempty"`
	CreatedAt time.Time  `bun:"created_at" json:"created_at"`
	SentAt    *time.Time `bun:"sent_at" json:"sent_at,omitempty"`
}

// Filter selects mails; zero fields do not filter.
type Filter struct {
	// To matches the recipient address exactly (any letter case).
	To string
	// Status is queued, sent, outbox or failed.
	Status string
	// BeforeID pages back: mails older than this id.
	BeforeID int64
	// Limit is at most 200; 50 when zero.
	Limit int
}

// FindMails lists stored mails newest first. It needs the mail:read permission: mails in
// the outbox carry one-time sign-in links.
func (m *Mailer) FindMails(ctx context.Context, s policy.Subject, f Filter) ([]Mail, error) {
	if err := m.policy.Require(s, policy.MailRead); err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	q := m.db.Bun.NewSelect().Table("mails").
		Column("id", "to_address", "to_name", "subject", "body_text", "body_html", "template", "sensitive",
			"status", "attempts", "last_error", "created_at", "sent_at").
		OrderExpr("id DESC").Limit(int64(f.Limit))
	if f.To != "" {
		q = q.Where("lower(to_address) = lower(?)", f.To)
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.BeforeID > 0 {
		q = q.Where("id < ?", f.BeforeID)
	}
	out := []Mail{}
	if err := q.Scan(ctx, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// MailByID returns one stored mail (mail:read permission).
func (m *Mailer) MailByID(ctx context.Context, s policy.Subject, id int64) (*Mail, error) {
	if err := m.policy.Require(s, policy.MailRead); err != nil {
		return nil, err
	}
	var out Mail
	err := m.db.Bun.NewSelect().Table("mails").
		Column("id", "to_address", "to_name", "subject", "body_text", "body_html", "template", "sensitive",
			"status", "attempts", "last_error", "created_at", "sent_at").
		Where("id = ?", id).Scan(ctx, &out)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFoundf("Nie ma takiej wiadomości.")
	}
	if err != nil {
		return nil, err
	}
	return &out, nil
}
