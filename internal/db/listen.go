package db

import (
	"context"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgxlisten"
)

// Listener delivers PostgreSQL notifications (LISTEN/NOTIFY) to in-process handlers over
// one dedicated connection, reconnecting when it drops. Because notifications sent while
// the connection was down are lost, every handler is also called after each (re)connect,
// so it can refresh fully.
type Listener struct {
	l        pgxlisten.Listener
	log      *slog.Logger
	handlers map[string][]func(ctx context.Context)
}

// NewListener prepares a listener on d's server; Listen runs it.
func NewListener(d *DB, log *slog.Logger) *Listener {
	connCfg := d.Pool.Config().ConnConfig.Copy()
	ln := &Listener{log: log, handlers: map[string][]func(context.Context){}}
	ln.l = pgxlisten.Listener{
		Connect:        func(ctx context.Context) (*pgx.Conn, error) { return pgx.ConnectConfig(ctx, connCfg) },
		ReconnectDelay: time.Second,
		LogError: func(ctx context.Context, err error) {
			if ctx.Err() == nil {
				log.Warn("notification listener", "err", err)
			}
		},
	}
	return ln
}

// Handle calls fn for every notification on channel, and after every (re)connect.
// Several handlers may share a channel; register them all before Listen.
func (ln *Listener) Handle(channel string, fn func(ctx context.Context)) {
	ln.handlers[channel] = append(ln.handlers[channel], fn)
	fns := ln.handlers[channel]
	ln.l.Handle(channel, handler(func(ctx context.Context) {
		for _, f := range fns {
			f(ctx)
		}
	}))
}

// Listen blocks until ctx is done.
func (ln *Listener) Listen(ctx context.Context) error {
	err := ln.l.Listen(ctx)
	if ctx.Err() != nil {
		return nil
	}
	return err
}

type handler func(ctx context.Context)

func (h handler) HandleNotification(ctx context.Context, _ *pgconn.Notification, _ *pgx.Conn) error {
	h(ctx)
	return nil
}

func (h handler) HandleBacklog(ctx context.Context, _ string, _ *pgx.Conn) error {
	h(ctx)
	return nil
}
