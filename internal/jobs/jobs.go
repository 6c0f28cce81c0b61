// Package jobs runs background work on River, a job queue stored in the same PostgreSQL:
// a job inserted in a transaction exists exactly when the rows it belongs to do, and a
// restart or a second instance loses nothing.
package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivertype"

	"github.com/helpcenter/helpcenter/internal/db"
)

// Queue is the process's job queue. Packages register their workers and periodic jobs
// on it while the program is wired, then Start runs them.
type Queue struct {
	Workers  *river.Workers
	periodic []*river.PeriodicJob
	client   *river.Client[*sql.Tx]
	db       *db.DB
	log      *slog.Logger
}

// New prepares a queue on d; nothing runs until Start.
func New(d *db.DB, log *slog.Logger) *Queue {
	return &Queue{Workers: river.NewWorkers(), db: d, log: log}
}

// Every adds a periodic job built by args every interval (and once at start).
func (q *Queue) Every(interval time.Duration, args func() river.JobArgs) {
	q.periodic = append(q.periodic, river.NewPeriodicJob(
		river.PeriodicInterval(interval),
		func() (river.JobArgs, *river.InsertOpts) { return args(), nil },
		&river.PeriodicJobOpts{RunOnStart: true},
	))
}

// Options tune the client; tests shorten the poll interval.
type Options struct {
	// Work false makes an insert-only client (for commands like `import`).
	Work bool
	// PollInterval is how often workers look for jobs when no notification arrives.
	PollInterval time.Duration
}

// Open builds the River client; call it after all workers are registered.
func (q *Queue) Open(opt Options) error {
	cfg := &river.Config{Logger: q.log.With("component", "jobs"), JobTimeout: 5 * time.Minute}
	if opt.Work {
		cfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 8}}
		cfg.Workers = q.Workers
		cfg.PeriodicJobs = q.periodic
		cfg.FetchPollInterval = opt.PollInterval
		if cfg.FetchPollInterval == 0 {
			cfg.FetchPollInterval = time.Second
		}
	}
	c, err := river.NewClient(riverdatabasesql.NewWithPgxListener(q.db.SQL, q.db.Pool), cfg)
	if err != nil {
		return fmt.Errorf("job queue: %w", err)
	}
	q.client = c
	return nil
}

// Start runs the workers until Stop.
func (q *Queue) Start(ctx context.Context) error { return q.client.Start(ctx) }

// Stop lets running jobs finish (bounded by ctx) and stops fetching new ones.
func (q *Queue) Stop(ctx context.Context) error {
	if q.client == nil {
		return nil
	}
	return q.client.Stop(ctx)
}

// Insert queues a job outside any transaction.
func (q *Queue) Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
	_, err := q.client.Insert(ctx, args, opts)
	return err
}

// InsertTx queues a job inside tx, so it exists only if tx commits.
func (q *Queue) InsertTx(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) error {
	_, err := q.client.InsertTx(ctx, tx, args, opts)
	return err
}

// Subscribe reports completed and failed jobs (for tests that wait on a job).
func (q *Queue) Subscribe() (<-chan *river.Event, func()) {
	return q.client.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
}

// JobState is re-exported for callers that inspect events.
type JobState = rivertype.JobState
