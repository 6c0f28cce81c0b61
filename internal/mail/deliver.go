package mail

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	gomail "github.com/wneessen/go-mail"
)

// DeliverArgs is the queued job that delivers one stored mail.
type DeliverArgs struct {
	MailID int64 `json:"mail_id"`
}

// Kind names the job in the queue.
func (DeliverArgs) Kind() string { return "mail_deliver" }

// InsertOpts bounds the attempts; the queue's backoff spaces them out.
func (DeliverArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: MaxAttempts} }

type deliverWorker struct {
	river.WorkerDefaults[DeliverArgs]
	m *Mailer
}

func (w *deliverWorker) NextRetry(job *river.Job[DeliverArgs]) time.Time {
	if w.m.retry != nil {
		return time.Now().Add(w.m.retry(job.Attempt))
	}
	return time.Time{} // the queue's default backoff
}

func (w *deliverWorker) Timeout(*river.Job[DeliverArgs]) time.Duration { return 2 * time.Minute }

// Work sends the mail, or keeps it in the outbox when no SMTP server is configured. A mail
// already sent (a retried job whose first run succeeded late) is not sent again.
func (w *deliverWorker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	m := w.m
	var (
		msg    Message
		status string
	)
	err := m.db.Pool.QueryRow(ctx, `SELECT to_address, to_name, subject, body_text, body_html, template, sensitive, status
		FROM mails WHERE id = $1`, job.Args.MailID).
		Scan(&msg.To, &msg.ToName, &msg.Subject, &msg.Text, &msg.HTML, &msg.Template, &msg.Sensitive, &status)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil // deleted meanwhile: nothing to deliver
	}
	if err != nil {
		return err
	}
	if status != "queued" {
		return nil
	}
	if m.smtp == nil {
		if _, err := m.db.Pool.Exec(ctx, `UPDATE mails SET status = 'outbox' WHERE id = $1`, job.Args.MailID); err != nil {
			return err
		}
		// Without SMTP the log is how a developer running `make run` gets the link.
		m.log.Info("mail kept in the outbox (no SMTP_URL)", "mail_id", job.Args.MailID, "to", msg.To,
			"subject", msg.Subject, "text", msg.Text)
		return nil
	}

	gm, err := m.build(job.Args.MailID, msg)
	if err != nil {
		_, _ = m.db.Pool.Exec(ctx, `UPDATE mails SET status = 'failed', last_error = $2 WHERE id = $1`, job.Args.MailID, err.Error())
		return river.JobCancel(err) // a message that cannot be built will not build later
	}
	if err := m.smtp.send(ctx, gm); err != nil {
		final := job.Attempt >= job.MaxAttempts
		newStatus := "queued"
		if final {
			newStatus = "failed"
		}
		_, _ = m.db.Pool.Exec(ctx, `UPDATE mails SET attempts = attempts + 1, last_error = $2, status = $3 WHERE id = $1`,
			job.Args.MailID, truncate(err.Error(), 1000), newStatus)
		m.log.Warn("mail delivery failed", "mail_id", job.Args.MailID, "attempt", job.Attempt, "final", final, "err", err)
		return fmt.Errorf("deliver mail %d: %w", job.Args.MailID, err)
	}
	// One-time links must not outlive their delivery in the database.
	_, err = m.db.Pool.Exec(ctx, `UPDATE mails SET status = 'sent', sent_at = now(), attempts = attempts + 1, last_error = '',
		body_text = CASE WHEN sensitive THEN '' ELSE body_text END,
		body_html = CASE WHEN sensitive THEN '' ELSE body_html END
		WHERE id = $1`, job.Args.MailID)
	if err != nil {
		m.log.Error("mail sent but not marked", "mail_id", job.Args.MailID, "err", err)
	}
	return nil
}

// build turns a stored mail into a MIME message.
func (m *Mailer) build(id int64, msg Message) (*gomail.Msg, error) {
	gm := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithEncoding(gomail.EncodingQP))
	gm.FromMailAddress(m.from)
	if err := gm.AddToFormat(msg.ToName, msg.To); err != nil {
		return nil, err
	}
	gm.Subject(msg.Subject)
	gm.SetDate()
	// A stable Message-ID lets receiving servers drop the duplicate of a retried delivery.
	gm.SetMessageIDWithValue("helpcenter-mail-" + strconv.FormatInt(id, 10) + "@" + m.from.Address[indexAt(m.from.Address)+1:])
	gm.SetGenHeader("Auto-Submitted", "auto-generated")
	gm.SetGenHeader(gomail.HeaderXAutoResponseSuppress, "All")
	gm.SetBodyString(gomail.TypeTextPlain, msg.Text)
	if msg.HTML != "" {
		gm.AddAlternativeString(gomail.TypeTextHTML, msg.HTML)
	}
	return gm, nil
}

func indexAt(addr string) int {
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == '@' {
			return i
		}
	}
	return -1
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
