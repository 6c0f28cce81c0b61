package main

import (
	"context"
	"fmt"
	"path/filepath"
	"text/tabwriter"

	"github.com/helpcenter/helpcenter/internal/app"
	"github.com/helpcenter/helpcenter/internal/db"
)

func cmdMigrate(ctx context.Context, e *env, args []string) error {
	fs := flags("migrate", "migrate up|down|status [--steps N]\n  up: apply pending migrations; down: undo the newest (--steps N, 0 = all); status: list them", e.stderr)
	steps := fs.Int("steps", 1, "with down: how many migrations to undo (0 = all)")
	action, err := splitAction(fs, args)
	if err != nil {
		return err
	}
	if action != "up" && action != "down" && action != "status" {
		fs.Usage()
		return fmt.Errorf("unknown migrate action %q", action)
	}
	d, cluster, err := app.OpenDatabase(ctx, e.cfg, e.log)
	if err != nil {
		return err
	}
	defer func() {
		d.Close()
		if cluster != nil {
			_ = cluster.Stop()
		}
	}()
	switch action {
	case "up":
		applied, err := d.Migrate(ctx)
		for _, m := range applied {
			fmt.Fprintf(e.stdout, "applied %04d_%s\n", m.Version, m.Name)
		}
		if err == nil && len(applied) == 0 {
			fmt.Fprintln(e.stdout, "schema is current")
		}
		return err
	case "down":
		undone, err := d.Rollback(ctx, *steps)
		for _, m := range undone {
			fmt.Fprintf(e.stdout, "undid %04d_%s\n", m.Version, m.Name)
		}
		if err == nil && len(undone) == 0 {
			fmt.Fprintln(e.stdout, "nothing to undo")
		}
		return err
	default:
		ms, err := d.MigrationStatus(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "VERSION\tNAME\tAPPLIED")
		for _, m := range ms {
			at := "pending"
			if m.AppliedAt != nil {
				at = m.AppliedAt.UTC().Format("2006-01-02 15:04:05Z")
			}
			fmt.Fprintf(tw, "%04d\t%s\t%s\n", m.Version, m.Name, at)
		}
		return tw.Flush()
	}
}

func cmdPostgres(_ context.Context, e *env, args []string) error {
	fs := flags("postgres", "postgres stop [--dir DIR]\n  stop the private cluster running on DIR (default HELPCENTER_DATA_DIR/postgres)", e.stderr)
	dir := fs.String("dir", filepath.Join(e.cfg.DataDir, "postgres"), "cluster data directory")
	action, err := splitAction(fs, args)
	if err != nil {
		return err
	}
	if action != "stop" {
		fs.Usage()
		return fmt.Errorf("postgres needs: stop")
	}
	return db.StopRunning(*dir)
}
