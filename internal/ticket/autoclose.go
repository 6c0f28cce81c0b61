package ticket

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/helpcenter/helpcenter/internal/audit"
	"github.com/helpcenter/helpcenter/internal/jobs"
)

// AutoCloseArgs asks for solved requests to be closed once they have waited long enough.
type AutoCloseArgs struct{}

// Kind names the job in the queue.
func (AutoCloseArgs) Kind() string { return "ticket_auto_close" }

// AutoCloseWorker runs CloseSolved.
type AutoCloseWorker struct {
	river.WorkerDefaults[AutoCloseArgs]
	Service *Service
}

// Work closes every request solved more than AutoCloseAfter ago.
func (w *AutoCloseWorker) Work(ctx context.Context, _ *river.Job[AutoCloseArgs]) error {
	_, err := w.Service.CloseSolved(ctx, time.Now().Add(-w.Service.opt.AutoCloseAfter))
	return err
}

// RegisterJobs adds the auto-close worker to the queue and runs it every interval.
func RegisterJobs(q *jobs.Queue, s *Service, interval time.Duration) {
	river.AddWorker(q.Workers, &AutoCloseWorker{Service: s})
	q.Every(interval, func() river.JobArgs { return AutoCloseArgs{} })
}

// closeBatch bounds one transaction of CloseSolved, so a backlog (e.g. right after an
// import of old tickets) never locks many rows at once.
const closeBatch = 1000

// CloseSolved closes the requests solved before cutoff, in batches, and returns how many
// it closed. Each batch is one audit entry by the system actor naming the tickets.
func (s *Service) CloseSolved(ctx context.Context, cutoff time.Time) (int, error) {
	total := 0
	for {
		var ids []int64
		err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			err := tx.NewRaw(`WITH due AS (
					SELECT id FROM tickets WHERE status = 'solved' AND solved_at < ?
					ORDER BY solved_at LIMIT ? FOR UPDATE SKIP LOCKED
				)
				UPDATE tickets t SET status = 'closed', updated_at = now()
				FROM due WHERE t.id = due.id
				RETURNING t.id`, cutoff, closeBatch).Scan(ctx, &ids)
			if err != nil || len(ids) == 0 {
				return err
			}
			type closed struct {
				Status Status  `json:"status"`
				IDs    []int64 `json:"ticket_ids"`
			}
			return audit.Record(ctx, tx, audit.System, "ticket.auto_close", "tickets",
				closed{Status: StatusSolved}, closed{Status: StatusClosed, IDs: ids})
		})
		if err != nil {
			return total, fmt.Errorf("close solved tickets: %w", err)
		}
		total += len(ids)
		if len(ids) < closeBatch {
			return total, nil
		}
	}
}
