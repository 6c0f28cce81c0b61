package search

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// rawRow is one row of the ranked query: the total on every row, and the hit's columns,
// NULL on the single row of an empty page (so the total arrives even then).
type rawRow struct {
	total        int64
	id           *int64
	score        *float64
	title, plain *string
}

// query runs the ranked query with sequential scans disabled for its transaction: the
// planner estimates the per-group index scans as dearer than one pass over the table for
// common words, not knowing that the pass would decompress every article's vector, which
// is many times slower. Parallel workers are off too: starting them costs more than these
// queries, and under load they only compete for the same cores. The statements go out as
// one batch (one round trip).
func (ix *Index) query(ctx context.Context, sql string, args []any) ([]rawRow, error) {
	b := &pgx.Batch{}
	b.Queue("BEGIN READ ONLY")
	b.Queue("SET LOCAL enable_seqscan = off")
	b.Queue("SET LOCAL max_parallel_workers_per_gather = 0")
	var out []rawRow
	b.Queue(sql, args...).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var r rawRow
			if err := rows.Scan(&r.total, &r.id, &r.score, &r.title, &r.plain); err != nil {
				return err
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	b.Queue("COMMIT")
	err := ix.db.Pool.SendBatch(ctx, b).Close()
	return out, err
}
