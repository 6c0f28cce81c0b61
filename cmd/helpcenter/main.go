// Command helpcenter runs the help center: the portal, the staff console, the JSON API
// and the background jobs, on PostgreSQL (its own private cluster when DATABASE_URL is
// unset). Subcommands manage the schema, content, users and API tokens.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/helpcenter/helpcenter/internal/config"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "helpcenter:", err)
		os.Exit(1)
	}
}

// command is one subcommand.
type command struct {
	name, summary string
	run           func(ctx context.Context, env *env, args []string) error
}

// env is what every subcommand gets: configuration, log and output streams.
type env struct {
	cfg    config.Config
	log    *slog.Logger
	stdout io.Writer
	stderr io.Writer
}

func commands() []command {
	return []command{
		{"serve", "run the help center (the default)", cmdServe},
		{"migrate", "apply or undo schema migrations: migrate up|down|status", cmdMigrate},
		{"postgres", "manage the private PostgreSQL cluster: postgres stop [--dir DIR]", cmdPostgres},
		{"user", "users: user create|password-link --email E", cmdUser},
		{"import", "load an export directory (categories, articles, users, tickets): import DIR", cmdImport},
		{"export", "write the knowledge base in the import layout: export DIR", cmdExport},
		{"token", "API tokens: token create|list|revoke", cmdToken},
		{"version", "print the version", cmdVersion},
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	name := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		name, args = args[0], args[1:]
	} else if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		usage(stdout)
		return nil
	}
	for _, c := range commands() {
		if c.name != name {
			continue
		}
		if c.name == "version" {
			return c.run(ctx, &env{stdout: stdout, stderr: stderr}, args)
		}
		cfg, err := config.FromEnv(getenv)
		if err != nil {
			return err
		}
		return c.run(ctx, &env{cfg: cfg, log: newLogger(cfg, stderr), stdout: stdout, stderr: stderr}, args)
	}
	usage(stderr)
	return fmt.Errorf("unknown command %q", name)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: helpcenter [command] [flags]")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'helpcenter COMMAND --help' for a command's flags. Configuration comes from")
	fmt.Fprintln(w, "environment variables; see the README for the list.")
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// flags makes a subcommand's flag set whose --help prints the summary and flags.
func flags(name, usageLine string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: helpcenter %s\n", usageLine)
		fs.PrintDefaults()
	}
	return fs
}

// splitAction takes a leading action word (as in "migrate down --steps 2") off args, so
// that flags may follow it; flags before the action work too.
func splitAction(fs *flag.FlagSet, args []string) (string, error) {
	action := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		action, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return "", err
	}
	if action == "" && fs.NArg() > 0 {
		action = fs.Arg(0)
		if err := fs.Parse(fs.Args()[1:]); err != nil {
			return "", err
		}
	}
	if fs.NArg() > 0 {
		return "", fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	return action, nil
}
