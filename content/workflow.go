package content

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/audit"
	"github.com/helpcenter/helpcenter/internal/jobs"
	"github.com/helpcenter/helpcenter/policy"
)

// The workflow: draft -> in_review -> published -> archived. Agents (article:edit) write
// drafts and submit them; editors (article:publish) publish now or at a time, unpublish
// and archive. A scheduled publication is a job in the queue inserted in the same
// transaction as the schedule, so it survives restarts; a periodic sweep publishes
// anything overdue in case a job was lost.

// SubmitArticle asks for review of the current revision (permission article:edit).
func (s *Service) SubmitArticle(ctx context.Context, actor policy.Subject, id int64) (*ManagedArticle, error) {
	if err := s.policy.Require(actor, policy.ArticleEdit); err != nil {
		return nil, err
	}
	return s.transition(ctx, actor, id, "article.submit", func(ctx context.Context, tx bun.Tx, a *ManagedArticle) error {
		switch {
		case a.State == StateInReview:
			return apperr.Conflictf("Artykuł już czeka na przegląd.")
		case a.State == StateArchived:
			return apperr.Conflictf("Artykuł jest zarchiwizowany: najpierw przywróć go do szkicu.")
		case !a.HasUnpublishedChanges():
			return apperr.Conflictf("Opublikowana wersja jest aktualna: nie ma zmian do przeglądu.")
		}
		_, err := tx.NewRaw("UPDATE articles SET state = 'in_review', edited_at = now() WHERE id = ?", a.ID).Exec(ctx)
		return err
	})
}

// PublishArticle publishes the current revision now, or schedules it when at is in the
// future (permission article:publish). Scheduling again replaces the earlier schedule.
func (s *Service) PublishArticle(ctx context.Context, actor policy.Subject, id int64, at *time.Time) (*ManagedArticle, error) {
	if err := s.policy.Require(actor, policy.ArticlePublish); err != nil {
		return nil, err
	}
	if at != nil && at.After(time.Now()) {
		when := at.UTC()
		return s.transition(ctx, actor, id, "article.schedule", func(ctx context.Context, tx bun.Tx, a *ManagedArticle) error {
			_, err := tx.NewRaw("UPDATE articles SET publish_at = ?, scheduled_revision_id = current_revision_id, edited_at = now() WHERE id = ?",
				when, a.ID).Exec(ctx)
			if err != nil {
				return err
			}
			return s.jobs.InsertTx(ctx, tx.Tx, PublishScheduledArgs{ArticleID: a.ID}, &river.InsertOpts{ScheduledAt: when})
		})
	}
	return s.transition(ctx, actor, id, "article.publish", func(ctx context.Context, tx bun.Tx, a *ManagedArticle) error {
		if a.Live() && !a.HasUnpublishedChanges() && a.PublishAt == nil {
			return apperr.Conflictf("Ta wersja artykułu jest już opublikowana.")
		}
		return s.publishRevision(ctx, tx, a.ID, a.CurrentRevisionID, nil)
	})
}

// publishRevision makes rev what readers get, and updates the index.
func (s *Service) publishRevision(ctx context.Context, tx bun.IDB, id, rev int64, publishAt *time.Time) error {
	_, err := tx.NewRaw(`UPDATE articles SET state = 'published', published_revision_id = ?,
			published_at = COALESCE(published_at, ?, now()), updated_at = now(), edited_at = now(),
			publish_at = NULL, scheduled_revision_id = NULL
		WHERE id = ?`, rev, publishAt, id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("publish article %d: %w", id, err)
	}
	return s.indexArticle(ctx, tx, id)
}

// UnpublishArticle takes an article away from readers and cancels a pending schedule;
// it becomes a draft again (permission article:publish).
func (s *Service) UnpublishArticle(ctx context.Context, actor policy.Subject, id int64) (*ManagedArticle, error) {
	if err := s.policy.Require(actor, policy.ArticlePublish); err != nil {
		return nil, err
	}
	return s.transition(ctx, actor, id, "article.unpublish", func(ctx context.Context, tx bun.Tx, a *ManagedArticle) error {
		if !a.Live() && a.PublishAt == nil {
			return apperr.Conflictf("Artykuł nie jest opublikowany ani zaplanowany.")
		}
		return s.takeDown(ctx, tx, a, StateDraft)
	})
}

// ArchiveArticle takes an article away from readers for good (it can still be edited
// and published again) and cancels a pending schedule (permission article:publish).
func (s *Service) ArchiveArticle(ctx context.Context, actor policy.Subject, id int64) (*ManagedArticle, error) {
	if err := s.policy.Require(actor, policy.ArticlePublish); err != nil {
		return nil, err
	}
	return s.transition(ctx, actor, id, "article.archive", func(ctx context.Context, tx bun.Tx, a *ManagedArticle) error {
		if a.State == StateArchived {
			return apperr.Conflictf("Artykuł jest już zarchiwizowany.")
		}
		return s.takeDown(ctx, tx, a, StateArchived)
	})
}

// RestoreArticle brings an archived article back as a draft (permission article:edit).
func (s *Service) RestoreArticle(ctx context.Context, actor policy.Subject, id int64) (*ManagedArticle, error) {
	if err := s.policy.Require(actor, policy.ArticleEdit); err != nil {
		return nil, err
	}
	return s.transition(ctx, actor, id, "article.restore_from_archive", func(ctx context.Context, tx bun.Tx, a *ManagedArticle) error {
		if a.State != StateArchived {
			return apperr.Conflictf("Artykuł nie jest zarchiwizowany.")
		}
		_, err := tx.NewRaw("UPDATE articles SET state = 'draft', edited_at = now() WHERE id = ?", a.ID).Exec(ctx)
		return err
	})
}

func (s *Service) takeDown(ctx context.Context, tx bun.Tx, a *ManagedArticle, state string) error {
	q := `UPDATE articles SET state = ?, published_revision_id = NULL, published_at = NULL,
			publish_at = NULL, scheduled_revision_id = NULL, edited_at = now()`
	if a.Live() {
		q += ", updated_at = now()"
	}
	if _, err := tx.NewRaw(q+" WHERE id = ?", state, a.ID).Exec(ctx); err != nil {
		return fmt.Errorf("take down article %d: %w", a.ID, err)
	}
	return s.index.Delete(ctx, tx, a.ID)
}

// transition runs one workflow step on a locked article and records it.
func (s *Service) transition(ctx context.Context, actor policy.Subject, id int64, action string,
	step func(ctx context.Context, tx bun.Tx, a *ManagedArticle) error) (*ManagedArticle, error) {
	var out *ManagedArticle
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		before, err := loadArticle(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if err := step(ctx, tx, before); err != nil {
			return err
		}
		if out, err = loadArticle(ctx, tx, id, false); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, action, articleObject(id), auditView(before), auditView(out))
	})
	return out, err
}

// PublishScheduledArgs is the job that carries out one scheduled publication.
type PublishScheduledArgs struct {
	ArticleID int64 `json:"article_id"`
}

// Kind names the job in the queue.
func (PublishScheduledArgs) Kind() string { return "content_publish_scheduled" }

// PublishDueArgs is the periodic sweep that publishes every overdue schedule.
type PublishDueArgs struct{}

// Kind names the job in the queue.
func (PublishDueArgs) Kind() string { return "content_publish_due" }

type publishScheduledWorker struct {
	river.WorkerDefaults[PublishScheduledArgs]
	s *Service
}

func (w *publishScheduledWorker) Work(ctx context.Context, job *river.Job[PublishScheduledArgs]) error {
	wait, err := w.s.publishDue(ctx, job.Args.ArticleID)
	if err != nil {
		return err
	}
	if wait > 0 {
		// Rescheduled later (a newer job exists too), or clocks differ a little.
		return river.JobSnooze(wait)
	}
	return nil
}

type publishDueWorker struct {
	river.WorkerDefaults[PublishDueArgs]
	s *Service
}

func (w *publishDueWorker) Work(ctx context.Context, _ *river.Job[PublishDueArgs]) error {
	_, err := w.s.PublishDue(ctx)
	return err
}

// RegisterJobs adds the publishing workers to q and runs the overdue sweep every
// interval (and once at start, which catches up after downtime).
func (s *Service) RegisterJobs(q *jobs.Queue, sweepEvery time.Duration) {
	river.AddWorker(q.Workers, &publishScheduledWorker{s: s})
	river.AddWorker(q.Workers, &publishDueWorker{s: s})
	q.Every(sweepEvery, func() river.JobArgs { return PublishDueArgs{} })
}

// PublishDue publishes every article whose scheduled time has come and returns how many
// it published.
func (s *Service) PublishDue(ctx context.Context) (int, error) {
	var ids []int64
	if err := s.db.Bun.NewRaw("SELECT id FROM articles WHERE publish_at <= now() ORDER BY publish_at").Scan(ctx, &ids); err != nil {
		return 0, fmt.Errorf("find overdue publications: %w", err)
	}
	n := 0
	for _, id := range ids {
		wait, err := s.publishDue(ctx, id)
		if err != nil {
			return n, err
		}
		if wait == 0 {
			n++
		}
	}
	return n, nil
}

// publishDue publishes the scheduled revision of one article if its time has come. It
// returns how long to wait when the schedule is still in the future, and zero when it
// published or when nothing is scheduled any more (unpublished or cancelled meanwhile).
func (s *Service) publishDue(ctx context.Context, id int64) (time.Duration, error) {
	var wait time.Duration
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		before, err := loadArticle(ctx, tx, id, true)
		if apperr.Is(err, apperr.NotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if before.PublishAt == nil {
			return nil
		}
		var now time.Time
		if err := tx.NewRaw("SELECT now()").Scan(ctx, &now); err != nil {
			return err
		}
		if before.PublishAt.After(now) {
			wait = before.PublishAt.Sub(now)
			return nil
		}
		if err := s.publishRevision(ctx, tx, id, before.ScheduledRevisionID, before.PublishAt); err != nil {
			return err
		}
		after, err := loadArticle(ctx, tx, id, false)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.System, "article.publish_scheduled", articleObject(id), auditView(before), auditView(after))
	})
	return wait, err
}
