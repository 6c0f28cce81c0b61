package mail_test

import (
	"context"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/uptrace/bun"

	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/db"
	"github.com/helpcenter/helpcenter/internal/db/dbtest"
	"github.com/helpcenter/helpcenter/internal/jobs"
	"github.com/helpcenter/helpcenter/internal/mail"
	"github.com/helpcenter/helpcenter/internal/mail/mailtest"
	"github.com/helpcenter/helpcenter/policy"
)

var admin = policy.Subject{UserID: 1, StaffRole: "admin", Email: "admin@example.com"}

// startMailer builds a mailer with a working job queue on a fresh database.
func startMailer(t *testing.T, opt mail.Options) (*mail.Mailer, *db.DB) {
	t.Helper()
	d := dbtest.New(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx, cancel := context.WithCancel(context.Background())
	p, err := policy.New(ctx, d, log)
	if err != nil {
		t.Fatal(err)
	}
	q := jobs.New(d, log)
	if opt.From == "" {
		opt.From = "Centrum pomocy <pomoc@dokubiuro.example>"
	}
	opt.BaseURL, _ = url.Parse("https://pomoc.dokubiuro.example")
	m, err := mail.New(d, q, p, log, opt)
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
	return m, d
}

func enqueue(t *testing.T, m *mail.Mailer, d *db.DB, msg mail.Message) int64 {
	t.Helper()
	var id int64
	err := d.Bun.RunInTx(context.Background(), nil, func(ctx context.Context, tx bun.Tx) error {
		var err error
		id, err = m.Enqueue(ctx, tx, msg)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func mailStatus(t *testing.T, d *db.DB, id int64) (status, text string, attempts int, lastErr string) {
	t.Helper()
	err := d.Pool.QueryRow(context.Background(), `SELECT status, body_text, attempts, last_error FROM mails WHERE id = $1`, id).
		Scan(&status, &text, &attempts, &lastErr)
	if err != nil {
		t.Fatal(err)
	}
	return
}

func waitStatus(t *testing.T, d *db.DB, id int64, want string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		status, _, _, _ := mailStatus(t, d, id)
		if status == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("mail %d status = %s, want %s", id, status, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestDeliveryOverSMTP(t *testing.T) {
	tests := []struct {
		name     string
		opts     []mailtest.Option
		wantTLS  bool
		wantAuth string
	}{
		{"plain relay", nil, false, ""},
		{"STARTTLS with password", []mailtest.Option{mailtest.StartTLS(), mailtest.Auth("relay", "s3cret pass")}, true, "relay"},
		{"implicit TLS", []mailtest.Option{mailtest.ImplicitTLS()}, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := mailtest.NewServer(t, tt.opts...)
			m, d := startMailer(t, mail.Options{SMTPURL: srv.URL(), TLSConfig: srv.ClientTLS()})
			id := enqueue(t, m, d, mail.Message{
				To: "Anna@Example.com", ToName: "Anna Żółkiewska", Subject: "Zażółć gęślą jaźń",
				Text: "Treść z polskimi znakami: ąęśćżźółń.\nhttps://pomoc.dokubiuro.example/password/set?token=abc\n",
				HTML: "<p>Treść <b>HTML</b></p>",
			})
			got := srv.WaitFor(t, "anna@example.com", 15*time.Second)
			if got.TLS != tt.wantTLS || got.Auth != tt.wantAuth {
				t.Errorf("TLS=%v auth=%q, want %v %q", got.TLS, got.Auth, tt.wantTLS, tt.wantAuth)
			}
			if diff := cmp.Diff("Zażółć gęślą jaźń", got.Subject); diff != "" {
				t.Errorf("subject (-want +got):\n%s", diff)
			}
			if !strings.Contains(got.Text, "ąęśćżźółń") || !strings.Contains(got.HTML, "<b>HTML</b>") {
				t.Errorf("parts: text=%q html=%q", got.Text, got.HTML)
			}
			if link := got.Link("/password/set"); link != "https://pomoc.dokubiuro.example/password/set?token=abc" {
				t.Errorf("link = %q", link)
			}
			if from := got.Header.Get("From"); !strings.Contains(from, "pomoc@dokubiuro.example") {
				t.Errorf("From = %q", from)
			}
			if got.Header.Get("Auto-Submitted") != "auto-generated" || !strings.Contains(got.Header.Get("Message-Id"), "helpcenter-mail-") {
				t.Errorf("headers: %v", got.Header)
			}
			waitStatus(t, d, id, "sent")
		})
	}
}

func TestSensitiveBodyErasedAfterDelivery(t *testing.T) {
	srv := mailtest.NewServer(t)
	m, d := startMailer(t, mail.Options{SMTPURL: srv.URL()})
	secret := enqueue(t, m, d, mail.Message{To: "a@example.com", Subject: "Link", Text: "https://x.example/t?token=SECRET", Sensitive: true})
	plain := enqueue(t, m, d, mail.Message{To: "b@example.com", Subject: "Odpowiedź", Text: "Dzień dobry"})
	srv.WaitCount(t, 2, 15*time.Second)
	waitStatus(t, d, secret, "sent")
	waitStatus(t, d, plain, "sent")
	if _, text, _, _ := mailStatus(t, d, secret); text != "" {
		t.Errorf("sensitive body kept after delivery: %q", text)
	}
	if _, text, _, _ := mailStatus(t, d, plain); text != "Dzień dobry" {
		t.Errorf("ordinary body = %q", text)
	}
}

func TestRolledBackChangeSendsNothing(t *testing.T) {
	srv := mailtest.NewServer(t)
	m, d := startMailer(t, mail.Options{SMTPURL: srv.URL()})
	err := d.Bun.RunInTx(context.Background(), nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := m.Enqueue(ctx, tx, mail.Message{To: "ghost@example.com", Subject: "S", Text: "T"}); err != nil {
			return err
		}
		return context.Canceled // the change fails after the mail was queued
	})
	if err == nil {
		t.Fatal("transaction did not fail")
	}
	enqueue(t, m, d, mail.Message{To: "real@example.com", Subject: "S", Text: "T"})
	srv.WaitFor(t, "real@example.com", 15*time.Second)
	for _, msg := range srv.Messages() {
		if msg.To[0] == "ghost@example.com" {
			t.Fatal("a mail of a rolled-back transaction was sent")
		}
	}
	var n int
	_ = d.Pool.QueryRow(context.Background(), `SELECT count(*) FROM mails`).Scan(&n)
	if n != 1 {
		t.Errorf("%d stored mails, want 1", n)
	}
}

func TestDownServerLosesNothing(t *testing.T) {
	addr := mailtest.FreeAddr(t)
	m, d := startMailer(t, mail.Options{
		SMTPURL:    "smtp://" + addr,
		RetryDelay: func(int) time.Duration { return 200 * time.Millisecond },
		Timeout:    2 * time.Second,
	})
	id := enqueue(t, m, d, mail.Message{To: "patient@example.com", Subject: "Cierpliwości", Text: "Dotrze."})
	deadline := time.Now().Add(15 * time.Second)
	for {
		status, _, attempts, lastErr := mailStatus(t, d, id)
		if attempts >= 1 {
			if status != "queued" || lastErr == "" {
				t.Fatalf("after a failed attempt: status=%s last_error=%q", status, lastErr)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no failed attempt recorded")
		}
		time.Sleep(50 * time.Millisecond)
	}
	srv := mailtest.NewServer(t, mailtest.At(addr))
	got := srv.WaitFor(t, "patient@example.com", 30*time.Second)
	if got.Subject != "Cierpliwości" {
		t.Errorf("subject = %q", got.Subject)
	}
	waitStatus(t, d, id, "sent")
}

func TestOutboxWithoutSMTP(t *testing.T) {
	m, d := startMailer(t, mail.Options{})
	if !m.UsesOutbox() {
		t.Fatal("no SMTP_URL should mean the outbox")
	}
	id := enqueue(t, m, d, mail.Message{To: "kasia@example.com", Subject: "Link", Text: "https://x.example/?token=T", Sensitive: true})
	waitStatus(t, d, id, "outbox")

	ctx := context.Background()
	for _, s := range []policy.Subject{policy.Anonymous, {UserID: 9, AccountType: "accountant"}, {UserID: 8, StaffRole: "editor"}} {
		if _, err := m.FindMails(ctx, s, mail.Filter{}); !apperr.Is(err, apperr.Unauthorized) && !apperr.Is(err, apperr.Forbidden) {
			t.Errorf("%s read the outbox: err=%v", s.Key(), err)
		}
	}
	got, err := m.FindMails(ctx, admin, mail.Filter{To: "KASIA@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Status != "outbox" || got[0].Text != "https://x.example/?token=T" {
		t.Fatalf("outbox = %+v", got)
	}
	one, err := m.MailByID(ctx, admin, id)
	if err != nil || one.Subject != "Link" {
		t.Fatalf("MailByID = %+v, %v", one, err)
	}
	if _, err := m.MailByID(ctx, admin, id+100); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("missing mail: %v", err)
	}
}

func TestEnqueueRejectsBadMessages(t *testing.T) {
	m, d := startMailer(t, mail.Options{})
	for name, msg := range map[string]mail.Message{
		"no recipient":         {Subject: "S", Text: "T"},
		"header injection":     {To: "a@example.com\r\nBcc: x@evil.example", Subject: "S", Text: "T"},
		"subject on two lines": {To: "a@example.com", Subject: "S\r\nBcc: x@evil.example", Text: "T"},
		"no text":              {To: "a@example.com", Subject: "S"},
	} {
		err := d.Bun.RunInTx(context.Background(), nil, func(ctx context.Context, tx bun.Tx) error {
			_, err := m.Enqueue(ctx, tx, msg)
			return err
		})
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestTemplatesRender(t *testing.T) {
	m, _ := startMailer(t, mail.Options{})
	data := map[string]any{"Email": "anna@example.com", "Name": "Anna", "Link": "https://pomoc.dokubiuro.example/password/set?token=abc",
		"Valid": 24 * time.Hour, "Provider": "Facebook"}
	for _, name := range []string{"password_link", "register", "confirm_identity"} {
		t.Run(name, func(t *testing.T) {
			msg, err := m.Render(name, data)
			if err != nil {
				t.Fatal(err)
			}
			if msg.Subject == "" || strings.Contains(msg.Subject, "\n") || !strings.Contains(msg.Text, data["Link"].(string)) ||
				!strings.Contains(msg.Text, "24 godziny") || !strings.Contains(msg.Text, "https://pomoc.dokubiuro.example") {
				t.Errorf("rendered %+v", msg)
			}
		})
	}
	if _, err := m.Render("no_such_template", data); err == nil {
		t.Error("unknown template rendered")
	}
	if _, err := m.Render("password_link", map[string]any{"Email": "x@example.com"}); err == nil {
		t.Error("missing template data went unnoticed")
	}
}

func TestPolishDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		time.Hour: "1 godzinę", 2 * time.Hour: "2 godziny", 5 * time.Hour: "5 godzin", 22 * time.Hour: "22 godziny",
		12 * time.Hour: "12 godzin", 24 * time.Hour: "24 godziny", 48 * time.Hour: "2 dni", 30 * time.Minute: "30 minut",
		time.Minute: "1 minutę", 90 * time.Minute: "90 minut",
	} {
		if got := mail.PolishDuration(d); got != want {
			t.Errorf("PolishDuration(%s) = %q, want %q", d, got, want)
		}
	}
}

func TestBadSMTPURLs(t *testing.T) {
	d := dbtest.New(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, u := range []string{"smtp://host?starttls=sometimes", "smtp://host:99999", "imap://host"} {
		q := jobs.New(d, log)
		if _, err := mail.New(d, q, nil, log, mail.Options{SMTPURL: u, From: "a@example.com"}); err == nil {
			t.Errorf("%s accepted", u)
		}
	}
}
