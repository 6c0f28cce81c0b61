package db_test

import (
	"context"
	"errors"
	"testing"

	"github.com/helpcenter/helpcenter/internal/db"
	"github.com/helpcenter/helpcenter/internal/db/dbtest"
)

func TestMigrationsUpDownUp(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	if err := d.CheckSchema(ctx); err != nil {
		t.Fatalf("fresh test database not current: %v", err)
	}
	all, err := db.LoadMigrations()
	if err != nil {
		t.Fatal(err)
	}

	undone, err := d.Rollback(ctx, 1)
	if err != nil || len(undone) != 1 || undone[0].Version != all[len(all)-1].Version {
		t.Fatalf("rollback one: %v %v", undone, err)
	}
	if err := d.CheckSchema(ctx); !errors.Is(err, db.ErrSchemaBehind) {
		t.Fatalf("after rollback CheckSchema = %v, want ErrSchemaBehind", err)
	}
	if _, err := d.Rollback(ctx, 0); err != nil {
		t.Fatalf("rollback all: %v", err)
	}
	var tables int
	if err := d.Pool.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename IN ('users', 'articles', 'tickets')`).Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables != 0 {
		t.Fatalf("%d application tables left after rolling everything back", tables)
	}
	status, err := d.MigrationStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range status {
		if m.AppliedAt != nil {
			t.Errorf("migration %d still marked applied", m.Version)
		}
	}

	applied, err := d.Migrate(ctx)
	if err != nil {
		t.Fatalf("migrate up again: %v", err)
	}
	if len(applied) != len(all) {
		t.Fatalf("applied %d migrations, want %d", len(applied), len(all))
	}
	if err := d.CheckSchema(ctx); err != nil {
		t.Fatal(err)
	}
	if again, err := d.Migrate(ctx); err != nil || len(again) != 0 {
		t.Fatalf("second migrate applied %d (%v), want none", len(again), err)
	}
}

func TestFailedMigrationChangesNothing(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	all, err := db.LoadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	bad := db.Migration{Version: 99999, Name: "broken", Up: "CREATE TABLE half_done (id int); SELECT 1/0;", Down: "DROP TABLE half_done;"}
	if _, err := d.MigrateSet(ctx, append(all, bad)); err == nil {
		t.Fatal("a failing migration reported success")
	}
	var exists, recorded bool
	if err := d.Pool.QueryRow(ctx, "SELECT to_regclass('half_done') IS NOT NULL, EXISTS (SELECT 1 FROM schema_migrations WHERE version = 99999)").Scan(&exists, &recorded); err != nil {
		t.Fatal(err)
	}
	if exists || recorded {
		t.Fatalf("failed migration left table=%v row=%v", exists, recorded)
	}
	if err := d.CheckSchema(ctx); err != nil {
		t.Fatalf("schema damaged by failed migration: %v", err)
	}
}
