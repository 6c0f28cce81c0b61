package db

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/helpcenter/helpcenter/migrations"
)

// Migration is one schema change with its up and down SQL.
type Migration struct {
	Version   int
	Name      string
	Up, Down  string
	AppliedAt *time.Time
}

// migrationLockKey is the advisory lock that keeps two processes from migrating at once.
const migrationLockKey = 7460239001

var migrationFile = regexp.MustCompile(`^(\d+)_([a-z0-9_]+)\.(up|down)\.sql$`)

// LoadMigrations reads the embedded migration files in version order. Every up file must
// have a down file.
func LoadMigrations() ([]Migration, error) {
	return loadMigrations(migrations.FS)
}

func loadMigrations(fsys fs.FS) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	byVersion := map[int]*Migration{}
	for _, e := range entries {
		m := migrationFile.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		v, _ := strconv.Atoi(m[1])
		body, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, err
		}
		mig := byVersion[v]
		if mig == nil {
			mig = &Migration{Version: v, Name: m[2]}
			byVersion[v] = mig
		} else if mig.Name != m[2] {
			return nil, fmt.Errorf("migrations: version %d is used by %q and %q", v, mig.Name, m[2])
		}
		if m[3] == "up" {
			mig.Up = string(body)
		} else {
			mig.Down = string(body)
		}
	}
	out := make([]Migration, 0, len(byVersion))
	for _, m := range byVersion {
		if m.Up == "" || m.Down == "" {
			return nil, fmt.Errorf("migrations: %04d_%s needs both an up and a down file", m.Version, m.Name)
		}
		out = append(out, *m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// SchemaHash identifies the schema that Migrate produces (the test harness keys its
// template databases by it).
func SchemaHash() (string, error) {
	ms, err := LoadMigrations()
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, m := range ms {
		fmt.Fprintf(h, "%d %s\n%s\n%s\n", m.Version, m.Name, m.Up, m.Down)
	}
	fmt.Fprintf(h, "river %d\n", riverVersion())
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

func riverVersion() int {
	m, err := rivermigrate.New(riverdatabasesql.New(nil), nil)
	if err != nil {
		panic(err)
	}
	all := m.AllVersions()
	return all[len(all)-1].Version
}

const createTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version integer PRIMARY KEY,
	name text NOT NULL,
	applied_at timestamptz NOT NULL DEFAULT now()
)`

// withLock runs fn on one connection holding the migration advisory lock.
func (d *DB) withLock(ctx context.Context, fn func(conn *pgx.Conn) error) error {
	c, err := d.Pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer c.Release()
	if _, err := c.Exec(ctx, "SELECT pg_advisory_lock($1)", migrationLockKey); err != nil {
		return fmt.Errorf("take migration lock: %w", err)
	}
	defer c.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLockKey) //nolint:errcheck
	if _, err := c.Exec(ctx, createTable); err != nil {
		return err
	}
	return fn(c.Conn())
}

// Migrate applies River's queue schema and then every pending migration, each in its own
// transaction together with its schema_migrations row. It returns the applied migrations.
func (d *DB) Migrate(ctx context.Context) ([]Migration, error) {
	all, err := LoadMigrations()
	if err != nil {
		return nil, err
	}
	return d.migrate(ctx, all)
}

func (d *DB) migrate(ctx context.Context, all []Migration) ([]Migration, error) {
	var applied []Migration
	err := d.withLock(ctx, func(conn *pgx.Conn) error {
		migrator, err := rivermigrate.New(riverdatabasesql.New(d.SQL), nil)
		if err != nil {
			return err
		}
		if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
			return fmt.Errorf("job queue schema: %w", err)
		}
		done, err := appliedVersions(ctx, conn)
		if err != nil {
			return err
		}
		for _, m := range all {
			if _, ok := done[m.Version]; ok {
				continue
			}
			if err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
				if _, err := tx.Exec(ctx, m.Up); err != nil {
					return err
				}
				_, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.Version, m.Name)
				return err
			}); err != nil {
				return fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
			}
			applied = append(applied, m)
		}
		return nil
	})
	return applied, err
}

// Rollback undoes the n most recent migrations (n <= 0 means all of ours; River's queue
// tables are left alone). It returns the migrations that were undone.
func (d *DB) Rollback(ctx context.Context, n int) ([]Migration, error) {
	all, err := LoadMigrations()
	if err != nil {
		return nil, err
	}
	var undone []Migration
	err = d.withLock(ctx, func(conn *pgx.Conn) error {
		done, err := appliedVersions(ctx, conn)
		if err != nil {
			return err
		}
		for i := len(all) - 1; i >= 0 && (n <= 0 || len(undone) < n); i-- {
			m := all[i]
			if _, ok := done[m.Version]; !ok {
				continue
			}
			if err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
				if _, err := tx.Exec(ctx, m.Down); err != nil {
					return err
				}
				_, err := tx.Exec(ctx, "DELETE FROM schema_migrations WHERE version = $1", m.Version)
				return err
			}); err != nil {
				return fmt.Errorf("migration %04d_%s down: %w", m.Version, m.Name, err)
			}
			undone = append(undone, m)
		}
		return nil
	})
	return undone, err
}

// MigrationStatus lists every known migration with the time it was applied (nil if pending).
func (d *DB) MigrationStatus(ctx context.Context) ([]Migration, error) {
	all, err := LoadMigrations()
	if err != nil {
		return nil, err
	}
	conn, err := d.Pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, createTable); err != nil {
		return nil, err
	}
	done, err := appliedVersions(ctx, conn.Conn())
	if err != nil {
		return nil, err
	}
	for i := range all {
		if at, ok := done[all[i].Version]; ok {
			all[i].AppliedAt = &at
		}
	}
	return all, nil
}

// ErrSchemaBehind is returned by CheckSchema when migrations are pending.
var ErrSchemaBehind = errors.New("database schema is not current: run `helpcenter migrate up`")

// CheckSchema tells whether every embedded migration has been applied (readiness).
func (d *DB) CheckSchema(ctx context.Context) error {
	all, err := LoadMigrations()
	if err != nil {
		return err
	}
	var n int
	var maxV *int
	if err := d.Pool.QueryRow(ctx, "SELECT count(*), max(version) FROM schema_migrations").Scan(&n, &maxV); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if n < len(all) || maxV == nil || *maxV != all[len(all)-1].Version {
		return ErrSchemaBehind
	}
	return nil
}

func appliedVersions(ctx context.Context, conn *pgx.Conn) (map[int]time.Time, error) {
	rows, err := conn.Query(ctx, "SELECT version, applied_at FROM schema_migrations")
	if err != nil {
		return nil, err
	}
	done := map[int]time.Time{}
	for rows.Next() {
		var v int
		var at time.Time
		if err := rows.Scan(&v, &at); err != nil {
			return nil, err
		}
		done[v] = at
	}
	return done, rows.Err()
}
