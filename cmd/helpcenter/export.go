package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/helpcenter/helpcenter/internal/app"
)

func cmdExport(ctx context.Context, e *env, args []string) error {
	fs := flags("export", "export DIR\n  write categories.json and articles.jsonl (every live article's published revision) to DIR,\n  in the layout that import reads", e.stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("export needs the directory to write")
	}
	e.cfg.Demo = false
	a, err := app.New(ctx, e.cfg, e.log, app.Options{NoJobs: true})
	if err != nil {
		return err
	}
	defer a.Close()
	cats, arts, err := a.Content.Export(ctx, fs.Arg(0))
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	fmt.Fprintf(e.stdout, "exported %d categories and %d articles to %s\n", cats, arts, fs.Arg(0))
	return nil
}
