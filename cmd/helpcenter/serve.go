package main

import (
	"context"
	"fmt"

	"github.com/helpcenter/helpcenter/internal/app"
)

func cmdServe(ctx context.Context, e *env, args []string) error {
	fs := flags("serve", "serve [--addr ADDR] [--demo]", e.stderr)
	addr := fs.String("addr", e.cfg.Addr, "listen address (HELPCENTER_ADDR)")
	demo := fs.Bool("demo", e.cfg.Demo, "load demo content into an empty database (HELPCENTER_DEMO)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	e.cfg.Addr, e.cfg.Demo = *addr, *demo
	a, err := app.New(ctx, e.cfg, e.log, app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.Run(ctx); err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

func cmdVersion(_ context.Context, e *env, _ []string) error {
	fmt.Fprintln(e.stdout, "helpcenter", app.Version)
	return nil
}
