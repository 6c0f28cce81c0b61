package content

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/uptrace/bun"

	"github.com/helpcenter/helpcenter/internal/db"
	"github.com/helpcenter/helpcenter/internal/jobs"
	"github.com/helpcenter/helpcenter/policy"
)

// Service is the knowledge base. One value serves the whole process; it is safe for
// concurrent use.
type Service struct {
	db     *db.DB
	policy *policy.Enforcer
	jobs   *jobs.Queue
	index  Index
	log    *slog.Logger

	// generation changes whenever content may have changed (a notification from any
	// instance, or this instance's own commit); read caches key on it.
	generation atomic.Uint64
	// seenVersion is the content_version this instance last synchronised with.
	seenVersion atomic.Int64
}

// New builds the service. q is the job queue that carries scheduled publications (its
// workers are added by RegisterJobs); index is the full-text index kept in step with
// what readers see.
func New(d *db.DB, p *policy.Enforcer, q *jobs.Queue, index Index, log *slog.Logger) *Service {
	s := &Service{db: d, policy: p, jobs: q, index: index, log: log}
	s.generation.Store(1)
	return s
}

// inTx runs fn in a transaction and, once it has committed, marks this instance's read
// caches stale at once (other instances learn it from the notification).
func (s *Service) inTx(ctx context.Context, fn func(ctx context.Context, tx bun.Tx) error) error {
	err := s.db.Bun.RunInTx(ctx, &sql.TxOptions{}, fn)
	if err == nil {
		s.generation.Add(1)
	}
	return err
}

// Generation identifies the state of the content as this instance knows it: it changes
// on every committed change anywhere (through PostgreSQL notifications, and a periodic
// version check as a safety net). Caches of what readers get key on it.
func (s *Service) Generation() uint64 { return s.generation.Load() }

// Watch keeps Generation current until ctx is done: every notification on
// helpcenter_content (sent by a trigger on each change) and every reconnect of the
// listener bump it; every interval the stored version is compared too, in case a
// notification was lost.
func (s *Service) Watch(ctx context.Context, ln *db.Listener, interval time.Duration) {
	ln.Handle("helpcenter_content", func(context.Context) { s.generation.Add(1) })
	go func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				var v int64
				if err := s.db.Pool.QueryRow(ctx, "SELECT version FROM content_version").Scan(&v); err != nil {
					continue
				}
				if s.seenVersion.Swap(v) != v {
					s.generation.Add(1)
				}
			}
		}
	}()
}

// noRows reports a query that found nothing.
func noRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
