// Package db owns the process's connection to PostgreSQL: one pgx pool shared by bun,
// the job queue, sessions and the policy watcher; the private cluster run from the
// machine's binaries when no DATABASE_URL is given; and the migration runner.
package db

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
)

// DB bundles the views of the one connection pool that the rest of the program uses.
type DB struct {
	// Pool is the pgx pool; everything else is built on it.
	Pool *pgxpool.Pool
	// SQL is a database/sql view of Pool (for River and other database/sql users).
	SQL *sql.DB
	// Bun is the query builder used by the domain packages.
	Bun *bun.DB
}

// Options tune the pool; the zero value is fine for a server.
type Options struct {
	MaxConns int32
}

// Open connects to url and checks that the server answers.
func Open(ctx context.Context, url string, opt Options) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database URL: %w", err)
	}
	if opt.MaxConns > 0 {
		cfg.MaxConns = opt.MaxConns
	} else if cfg.MaxConns < 16 {
		cfg.MaxConns = 16
	}
	cfg.ConnConfig.RuntimeParams["application_name"] = "helpcenter"
	cfg.ConnConfig.RuntimeParams["timezone"] = "UTC"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	sqlDB := stdlib.OpenDBFromPool(pool)
	return &DB{Pool: pool, SQL: sqlDB, Bun: bun.NewDB(sqlDB, pgdialect.New())}, nil
}

// Close releases the pool.
func (d *DB) Close() {
	_ = d.SQL.Close()
	d.Pool.Close()
}

func connectOne(ctx context.Context, url string) (*pgx.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	return conn, nil
}
