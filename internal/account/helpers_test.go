package account

import (
	"context"
	"io"
	"log/slog"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/helpcenter/helpcenter/internal/db"
	"github.com/helpcenter/helpcenter/internal/db/dbtest"
	"github.com/helpcenter/helpcenter/internal/jobs"
	"github.com/helpcenter/helpcenter/internal/mail"
	"github.com/helpcenter/helpcenter/policy"
)

// testEnv is a Service on a fresh database with a working job queue; mail stays in the
// outbox (the mail package and the end-to-end tests cover SMTP).
type testEnv struct {
	*Service
	db *db.DB
}

// adminSubject is a staff admin for calls that need permissions; newTestEnv creates the
// user behind it (the audit log refers to real users).
var adminSubject = policy.Subject{StaffRole: "admin", Email: "root@example.com"}

func newTestEnv(t *testing.T, opts ...func(*Options)) *testEnv {
	t.Helper()
	d := dbtest.New(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx, cancel := context.WithCancel(context.Background())
	p, err := policy.New(ctx, d, log)
	if err != nil {
		t.Fatal(err)
	}
	q := jobs.New(d, log)
	base, _ := url.Parse("https://pomoc.example.com")
	m, err := mail.New(d, q, p, log, mail.Options{From: "pomoc@example.com", BaseURL: base})
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{BaseURL: base, TokenTTL: time.Hour, FastPasswords: true}
	for _, o := range opts {
		o(&opt)
	}
	s, err := New(d, q, m, p, log, opt)
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Open(jobs.Options{Work: true, PollInterval: 100 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stopCtx, stop := context.WithTimeout(context.Background(), 10*time.Second)
		defer stop()
		_ = q.Stop(stopCtx)
		cancel()
	})
	e := &testEnv{Service: s, db: d}
	root := e.mustCreateUser(t, adminSubject.Email, "", func(n *NewUser) { n.StaffRole = "admin"; n.Name = "Root" })
	adminSubject.UserID = root.ID
	return e
}

var ctx = context.Background()

// mustCreateUser creates a user with a password (or a contact when password is "").
func (e *testEnv) mustCreateUser(t *testing.T, email, password string, mod ...func(*NewUser)) *User {
	t.Helper()
	in := NewUser{Email: email, Name: "Anna Nowak", Password: password}
	for _, m := range mod {
		m(&in)
	}
	u, err := e.BootstrapUser(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// mustIssue issues a token directly, as the link job does.
func (e *testEnv) mustIssue(t *testing.T, userID int64, purpose string) string {
	t.Helper()
	var secret string
	err := e.db.Bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var err error
		secret, err = e.issueToken(ctx, tx, userID, purpose, nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

// waitMails waits until n mails to the address are stored and returns them, newest first.
func (e *testEnv) waitMails(t *testing.T, to string, n int) []mail.Mail {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		got, err := e.mail.FindMails(ctx, adminSubject, mail.Filter{To: to})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d mails to %s, want %d", len(got), to, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// settle waits until the job queue has nothing left to do.
func (e *testEnv) settle(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var n int
		if err := e.db.Pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE state NOT IN ('completed', 'discarded', 'cancelled')`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d jobs still pending", n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

var tokenRE = regexp.MustCompile(`token=([A-Za-z0-9_-]+)`)

// tokenIn extracts the token of the link in a mail's text.
func tokenIn(t *testing.T, text string) string {
	t.Helper()
	m := tokenRE.FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no link with a token in:\n%s", text)
	}
	return m[1]
}
