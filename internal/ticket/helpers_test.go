package ticket_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/db"
	"github.com/helpcenter/helpcenter/internal/db/dbtest"
	"github.com/helpcenter/helpcenter/internal/ticket"
	"github.com/helpcenter/helpcenter/policy"
)

// env is one test's world: a fresh database, the live policy, the service and the mail
// it queued.
type env struct {
	d    *db.DB
	pol  *policy.Enforcer
	svc  *ticket.Service
	mail *mailRecorder
}

func newEnv(t testing.TB) *env {
	t.Helper()
	d := dbtest.New(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	pol, err := policy.New(context.Background(), d, log)
	if err != nil {
		t.Fatal(err)
	}
	mail := &mailRecorder{}
	svc := ticket.New(d.Bun, pol, ticket.Options{Mailer: mail, Log: log})
	return &env{d: d, pol: pol, svc: svc, mail: mail}
}

// mailRecorder is a ticket.Mailer that keeps what was queued.
type mailRecorder struct {
	mu    sync.Mutex
	sent  []ticket.Mail
	fails bool
}

func (m *mailRecorder) Enqueue(_ context.Context, _ bun.Tx, mail ticket.Mail) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fails {
		return io.ErrUnexpectedEOF
	}
	m.sent = append(m.sent, mail)
	return nil
}

// to returns the mails queued for an address.
func (m *mailRecorder) to(addr string) []ticket.Mail {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []ticket.Mail
	for _, x := range m.sent {
		if x.To == addr {
			out = append(out, x)
		}
	}
	return out
}

func (m *mailRecorder) all() []ticket.Mail {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]ticket.Mail(nil), m.sent...)
}

// mustCreateUser inserts a user and returns the subject a session would give them.
func (e *env) mustCreateUser(t testing.TB, email, name, accountType, staffRole string) policy.Subject {
	t.Helper()
	var id int64
	err := e.d.Pool.QueryRow(context.Background(), `INSERT INTO users (email, name, account_type, staff_role)
		VALUES ($1, $2, NULLIF($3, ''), NULLIF($4, '')) RETURNING id`, email, name, accountType, staffRole).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return policy.Subject{UserID: id, AccountType: accountType, StaffRole: staffRole, Name: name, Email: email}
}

// subjectFromDB builds the subject a fresh session of the user would carry.
func (e *env) subjectFromDB(t testing.TB, id int64) policy.Subject {
	t.Helper()
	s := policy.Subject{UserID: id}
	var accountType, staffRole *string
	if err := e.d.Pool.QueryRow(context.Background(), `SELECT email, name, account_type, staff_role FROM users WHERE id = $1`, id).
		Scan(&s.Email, &s.Name, &accountType, &staffRole); err != nil {
		t.Fatal(err)
	}
	if accountType != nil {
		s.AccountType = *accountType
	}
	if staffRole != nil {
		s.StaffRole = *staffRole
	}
	return s
}

func (e *env) mustCreate(t testing.TB, sub policy.Subject, subject, body string) *ticket.Ticket {
	t.Helper()
	tk, err := e.svc.CreateRequest(context.Background(), sub, ticket.NewRequest{Subject: subject, Body: body})
	if err != nil {
		t.Fatalf("CreateRequest(%q): %v", subject, err)
	}
	return tk
}

func (e *env) count(t testing.TB, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := e.d.Pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// fieldsOf lists the invalid fields of an error ("" entries for non-field errors).
func fieldsOf(err error) []string {
	ae := apperr.As(err)
	if ae == nil {
		return nil
	}
	var out []string
	for _, f := range ae.Fields {
		out = append(out, f.Field)
	}
	return out
}

func wantCode(t testing.TB, err error, code apperr.Code) {
	t.Helper()
	if got := apperr.CodeOf(err); got != code {
		t.Fatalf("error = %v (code %q), want code %q", err, got, code)
	}
}

func ptr[T any](v T) *T { return &v }

func bodies(msgs []ticket.Message) string {
	var parts []string
	for _, m := range msgs {
		parts = append(parts, m.Body)
	}
	return strings.Join(parts, " | ")
}
