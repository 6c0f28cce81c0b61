package db_test

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/helpcenter/helpcenter/internal/db"
	"github.com/helpcenter/helpcenter/internal/db/dbtest"
)

func TestListenerFansOutToEveryHandler(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d := dbtest.New(t)
	ln := db.NewListener(d, slog.New(slog.NewTextHandler(io.Discard, nil)))
	var a, b atomic.Int32
	ln.Handle("test_channel", func(context.Context) { a.Add(1) })
	ln.Handle("test_channel", func(context.Context) { b.Add(1) })
	go ln.Listen(ctx)
	// Both handlers run once after connecting (the backlog call) ...
	deadline := time.Now().Add(5 * time.Second)
	for a.Load() < 1 || b.Load() < 1 {
		if time.Now().After(deadline) {
			t.Fatalf("handlers not called after connect: a=%d b=%d", a.Load(), b.Load())
		}
		time.Sleep(10 * time.Millisecond)
	}
	// ... and again for a notification.
	if _, err := d.Pool.Exec(ctx, "SELECT pg_notify('test_channel', '')"); err != nil {
		t.Fatal(err)
	}
	for a.Load() < 2 || b.Load() < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("notification not delivered to both: a=%d b=%d", a.Load(), b.Load())
		}
		time.Sleep(10 * time.Millisecond)
	}
}
