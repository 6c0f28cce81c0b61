package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/helpcenter/helpcenter/internal/db"
)

// CleanupArgs asks for expired rows to be deleted.
type CleanupArgs struct{}

// Kind names the job in the queue.
func (CleanupArgs) Kind() string { return "cleanup_expired" }

// CleanupWorker deletes rows that can never be used again: e-mail tokens a day after
// they expired or were used. Other packages add their tables to Statements.
type CleanupWorker struct {
	river.WorkerDefaults[CleanupArgs]
	DB         *db.DB
	Statements []string
}

// DefaultCleanup lists the statements every installation runs.
var DefaultCleanup = []string{
	`DELETE FROM email_tokens WHERE expires_at < now() - interval '1 day' OR used_at < now() - interval '1 day'`,
}

// Work runs each cleanup statement.
func (w *CleanupWorker) Work(ctx context.Context, _ *river.Job[CleanupArgs]) error {
	for _, s := range w.Statements {
		if _, err := w.DB.Pool.Exec(ctx, s); err != nil {
			return err
		}
	}
	return nil
}

// RegisterCleanup adds the cleanup worker and runs it every interval.
func RegisterCleanup(q *Queue, d *db.DB, interval time.Duration, extra ...string) {
	river.AddWorker(q.Workers, &CleanupWorker{DB: d, Statements: append(append([]string{}, DefaultCleanup...), extra...)})
	q.Every(interval, func() river.JobArgs { return CleanupArgs{} })
}
