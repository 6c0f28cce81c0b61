package ticket_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/helpcenter/helpcenter/internal/audit"
	"github.com/helpcenter/helpcenter/internal/jobs"
	"github.com/helpcenter/helpcenter/internal/ticket"
)

func TestAutoCloseJobClosesLongSolvedRequests(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	anna := e.mustCreateUser(t, "anna@example.com", "Anna", "", "")
	agent := e.mustCreateUser(t, "agent@example.com", "Agent", "", "agent")
	old := e.mustCreate(t, anna, "Dawno rozwiązane", "x")
	recent := e.mustCreate(t, anna, "Świeżo rozwiązane", "x")
	pending := e.mustCreate(t, anna, "Czeka", "x")
	for _, id := range []int64{old.ID, recent.ID} {
		if _, err := e.svc.Reply(ctx, agent, id, ticket.StaffReply{Body: "Gotowe", Status: ticket.StatusSolved}); err != nil {
			t.Fatal(err)
		}
	}
	e.svc.Reply(ctx, agent, pending.ID, ticket.StaffReply{Body: "Proszę o szczegóły", Status: ticket.StatusPending})
	e.d.Pool.Exec(ctx, `UPDATE tickets SET solved_at = now() - interval '8 days' WHERE id = $1`, old.ID)
	e.d.Pool.Exec(ctx, `UPDATE tickets SET updated_at = now() - interval '30 days' WHERE id = $1`, pending.ID)

	// The real job on the real queue, as the app registers it.
	q := jobs.New(e.d, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ticket.RegisterJobs(q, e.svc, time.Hour)
	if err := q.Open(jobs.Options{Work: true, PollInterval: 100 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	events, cancel := q.Subscribe()
	defer cancel()
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	if err := q.Start(runCtx); err != nil {
		t.Fatal(err)
	}
	defer q.Stop(context.Background())
	select {
	case ev := <-events:
		if ev.Job.Kind != (ticket.AutoCloseArgs{}).Kind() || ev.Kind != river.EventKindJobCompleted {
			t.Fatalf("job event = %s %s", ev.Job.Kind, ev.Kind)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the auto-close job did not run")
	}

	for id, want := range map[int64]ticket.Status{old.ID: ticket.StatusClosed, recent.ID: ticket.StatusSolved, pending.ID: ticket.StatusPending} {
		got, err := e.svc.Ticket(ctx, agent, id)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != want {
			t.Errorf("ticket %d (%s) = %s, want %s", id, got.Subject, got.Status, want)
		}
	}
	entries, err := audit.Find(ctx, e.d.Bun, audit.Filter{Action: "ticket.auto_close"})
	if err != nil || len(entries) != 1 || entries[0].Actor != "system" || !strings.Contains(string(entries[0].After), `"closed"`) {
		t.Errorf("audit = %+v, %v", entries, err)
	}
	// Closed is final for the customer too.
	if _, err := e.svc.ReplyAsRequester(ctx, anna, old.ID, "jeszcze jedno"); err == nil {
		t.Error("a customer replied to a closed request")
	}
}

func TestCloseSolvedWorksInBatches(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	anna := e.mustCreateUser(t, "anna@example.com", "Anna", "", "")
	e.mustCreate(t, anna, "x", "y")
	e.d.Pool.Exec(ctx, `INSERT INTO tickets (requester_id, subject, status, solved_at)
		SELECT $1, 'stary ' || g, 'solved', now() - interval '20 days' FROM generate_series(1, 2500) g`, anna.UserID)
	n, err := e.svc.CloseSolved(ctx, time.Now().Add(-e.svc.AutoCloseAfter()))
	if err != nil || n != 2500 {
		t.Fatalf("CloseSolved = %d, %v", n, err)
	}
	if c := e.count(t, `SELECT count(*) FROM audit_log WHERE action = 'ticket.auto_close'`); c != 3 {
		t.Errorf("audit entries = %d, want one per batch (3)", c)
	}
	if c := e.count(t, `SELECT count(*) FROM tickets WHERE status = 'closed'`); c != 2500 {
		t.Errorf("closed = %d", c)
	}
}
