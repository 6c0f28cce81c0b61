package faqdraft

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/helpcenter/helpcenter/internal/jobs"
	"github.com/helpcenter/helpcenter/policy"
)

// RecomputeArgs asks for a full recomputation of the recurring-questions groups. It runs
// periodically (Options.RecomputeEvery) and when staff ask for it (Force); one at a time.
type RecomputeArgs struct {
	// Force recomputes even when the last run is recent. The periodic job leaves it
	// unset, so that restarting an instance, or several instances starting, does not
	// recompute a million tickets each time.
	Force bool `json:"force,omitempty"`
}

// Kind names the job in the queue.
func (RecomputeArgs) Kind() string { return "faqdraft.recompute" }

// InsertOpts keeps one recomputation waiting or running at a time: asking again while
// one is on its way adds nothing.
func (RecomputeArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
		rivertype.JobStateScheduled, rivertype.JobStateRetryable,
	}}}
}

// RecomputeWorker runs Recompute.
type RecomputeWorker struct {
	river.WorkerDefaults[RecomputeArgs]
	Service *Service
}

// Work recomputes the groups, unless the periodic job finds them recomputed less than
// half an interval ago.
func (w *RecomputeWorker) Work(ctx context.Context, job *river.Job[RecomputeArgs]) error {
	if !job.Args.Force {
		fresh, err := w.Service.recentRun(ctx, w.Service.opt.RecomputeEvery/2)
		if err != nil || fresh {
			return err
		}
	}
	_, err := w.Service.Recompute(ctx)
	return err
}

// recentRun reports whether the groups were recomputed within the last d.
func (s *Service) recentRun(ctx context.Context, d time.Duration) (bool, error) {
	var fresh bool
	err := s.db.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM faq_candidate_runs WHERE finished_at > $1)`, s.opt.Now().Add(-d)).Scan(&fresh)
	return fresh, err
}

// Timeout allows for a million tickets on a slow machine; the queue's default would cut
// such a run short.
func (w *RecomputeWorker) Timeout(*river.Job[RecomputeArgs]) time.Duration { return 30 * time.Minute }

// PlaceNewArgs places the tickets that arrived since the last full run into the groups.
type PlaceNewArgs struct{}

// Kind names the job in the queue.
func (PlaceNewArgs) Kind() string { return "faqdraft.place_new" }

// InsertOpts keeps one placing job waiting or running at a time.
func (PlaceNewArgs) InsertOpts() river.InsertOpts { return RecomputeArgs{}.InsertOpts() }

// PlaceNewWorker runs PlaceNew.
type PlaceNewWorker struct {
	river.WorkerDefaults[PlaceNewArgs]
	Service *Service
}

// Work places the new tickets.
func (w *PlaceNewWorker) Work(ctx context.Context, _ *river.Job[PlaceNewArgs]) error {
	_, err := w.Service.PlaceNew(ctx)
	return err
}

// RegisterJobs adds the workers to q and schedules the full recomputation and the
// placing of new tickets (both also run once at start).
func (s *Service) RegisterJobs(q *jobs.Queue) {
	river.AddWorker(q.Workers, &RecomputeWorker{Service: s})
	river.AddWorker(q.Workers, &PlaceNewWorker{Service: s})
	q.Every(s.opt.RecomputeEvery, func() river.JobArgs { return RecomputeArgs{} })
	q.Every(s.opt.PlaceEvery, func() river.JobArgs { return PlaceNewArgs{} })
}

// RequestRecompute queues a full recomputation now (policy.ArticleEdit). It reports
// false when one is already waiting or running, which then covers the request.
func (s *Service) RequestRecompute(ctx context.Context, actor policy.Subject) (bool, error) {
	if err := s.policy.Require(actor, policy.ArticleEdit); err != nil {
		return false, err
	}
	pending, err := s.recomputePending(ctx)
	if err != nil || pending {
		return false, err
	}
	if err := s.queue.Insert(ctx, RecomputeArgs{Force: true}, nil); err != nil {
		return false, fmt.Errorf("faq candidates: queue recomputation: %w", err)
	}
	return true, nil
}

// recomputePending reports whether a full recomputation is waiting or running.
func (s *Service) recomputePending(ctx context.Context) (bool, error) {
	var pending bool
	err := s.db.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM river_job WHERE kind = $1
		AND state IN ('available', 'pending', 'running', 'scheduled', 'retryable'))`, RecomputeArgs{}.Kind()).Scan(&pending)
	if err != nil {
		return false, fmt.Errorf("faq candidates: recomputation state: %w", err)
	}
	return pending, nil
}

// heldClustering is a full grouping kept in memory to place new tickets, with the
// stored id of each of its groups.
type heldClustering struct {
	runID      int64
	cl         *Clustering
	groupIDs   []int64
	placedUpTo int64
}

func (s *Service) hold(h *heldClustering) {
	s.heldMu.Lock()
	s.held = h
	s.heldMu.Unlock()
}

// placeBatch bounds how many new tickets one PlaceNew call reads.
const placeBatch = 10_000

// PlaceResult tells what PlaceNew did.
type PlaceResult struct {
	// New tickets arrived since the last run; Placed of them joined a group.
	New, Placed int
	// Recomputed is set when everything was recomputed instead (a small corpus).
	Recomputed bool
	// Deferred is set when the new tickets wait for the next full run: this process
	// does not hold the last grouping (another instance made it, or it is too large).
	Deferred bool
}

// PlaceNew brings the groups up to date with the tickets that arrived since the last full
// run. With few tickets in all it simply recomputes (a fraction of a second); otherwise
// it places each new ticket into the group it is most similar to, when this process holds
// the last grouping, and leaves new questions that match no group (and everything, when
// it does not hold the grouping) to the next full run.
func (s *Service) PlaceNew(ctx context.Context) (PlaceResult, error) {
	var res PlaceResult
	var runID, lastID int64
	var tickets int
	err := s.db.Pool.QueryRow(ctx, `SELECT id, last_ticket_id, tickets FROM faq_candidate_runs ORDER BY id DESC LIMIT 1`).Scan(&runID, &lastID, &tickets)
	if errors.Is(err, pgx.ErrNoRows) {
		// Nothing was grouped yet: the recomputation job, which also runs at start, does it.
		res.Deferred = true
		return res, nil
	}
	if err != nil {
		return res, err
	}
	s.heldMu.Lock()
	h := s.held
	s.heldMu.Unlock()
	from := lastID
	if h != nil && h.runID == runID {
		from = max(from, h.placedUpTo)
	}
	if err := s.db.Pool.QueryRow(ctx, `SELECT count(*) FROM tickets WHERE id > $1 AND kind = 'question'`, from).Scan(&res.New); err != nil {
		return res, err
	}
	switch {
	case res.New == 0:
		return res, nil
	case tickets+res.New <= s.opt.SmallCorpus:
		_, err := s.Recompute(ctx)
		res.Recomputed = true
		return res, err
	case h == nil || h.runID != runID:
		res.Deferred = true
		return res, nil
	}
	var newest int64
	if err := s.db.Pool.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM tickets`).Scan(&newest); err != nil {
		return res, err
	}
	qs, err := s.loadQuestions(ctx, from, newest, placeBatch)
	if err != nil {
		return res, err
	}
	placed := map[int64][]Question{}
	for _, q := range qs {
		if g, _ := h.cl.Match(q); g >= 0 {
			placed[h.groupIDs[g]] = append(placed[h.groupIDs[g]], q)
			res.Placed++
		}
	}
	upTo := newest
	if len(qs) == placeBatch {
		upTo = qs[len(qs)-1].TicketID
	}
	if err := s.storePlaced(ctx, placed); err != nil {
		return res, err
	}
	s.heldMu.Lock()
	if s.held == h {
		h.placedUpTo = upTo
	}
	s.heldMu.Unlock()
	return res, nil
}

// storePlaced adds newly placed tickets to their groups: members, count, last asked and
// the sample of recent tickets.
func (s *Service) storePlaced(ctx context.Context, placed map[int64][]Question) error {
	if len(placed) == 0 {
		return nil
	}
	return pgx.BeginFunc(ctx, s.db.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, runLock); err != nil {
			return err
		}
		for gid, qs := range placed {
			var ids []int64
			last := qs[0].AskedAt
			for i := len(qs) - 1; i >= 0; i-- { // newest first, as samples are kept
				ids = append(ids, qs[i].TicketID)
				if qs[i].AskedAt.After(last) {
					last = qs[i].AskedAt
				}
			}
			tag, err := tx.Exec(ctx, `INSERT INTO faq_candidate_members (ticket_id, group_id)
				SELECT unnest($1::bigint[]), $2 ON CONFLICT (ticket_id) DO NOTHING`, ids, gid)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				continue
			}
			if _, err := tx.Exec(ctx, `UPDATE faq_candidate_groups SET ticket_count = ticket_count + $2,
					last_asked_at = greatest(last_asked_at, $3), sample_ticket_ids = ($4::bigint[] || sample_ticket_ids)[1:$5],
					updated_at = now()
				WHERE id = $1`, gid, tag.RowsAffected(), last, ids, sampleSize); err != nil {
				return err
			}
		}
		return nil
	})
}
