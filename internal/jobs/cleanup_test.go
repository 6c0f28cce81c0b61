package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/helpcenter/helpcenter/internal/db/dbtest"
	"github.com/helpcenter/helpcenter/internal/jobs"
)

// The periodic cleanup runs on the real queue (once at start) and deletes expired
// e-mail tokens while keeping live ones.
func TestCleanupJobDeletesExpiredRows(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d := dbtest.New(t)
	dbtest.MustExec(t, d, `INSERT INTO users (email) VALUES ('a@example.com')`)
	dbtest.MustExec(t, d, `INSERT INTO email_tokens (user_id, purpose, token_hash, expires_at)
		SELECT id, 'set_password', convert_to('old', 'UTF8'), now() - interval '3 days' FROM users
		UNION ALL SELECT id, 'set_password', convert_to('live', 'UTF8'), now() + interval '1 day' FROM users`)

	q := jobs.New(d, slog.New(slog.NewTextHandler(io.Discard, nil)))
	jobs.RegisterCleanup(q, d, time.Hour)
	if err := q.Open(jobs.Options{Work: true, PollInterval: 100 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	events, stop := q.Subscribe()
	defer stop()
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer q.Stop(context.Background())
	select {
	case ev := <-events:
		if ev.Job.Kind != "cleanup_expired" || ev.Job.State != "completed" {
			t.Fatalf("job event = %s %s", ev.Job.Kind, ev.Job.State)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("cleanup job did not run")
	}
	var left []string
	rows, err := d.Pool.Query(ctx, `SELECT convert_from(token_hash, 'UTF8') FROM email_tokens`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		_ = rows.Scan(&s)
		left = append(left, s)
	}
	if len(left) != 1 || left[0] != "live" {
		t.Fatalf("tokens left = %v, want [live]", left)
	}
}
