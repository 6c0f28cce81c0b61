package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/uptrace/bun"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/account"
	"github.com/helpcenter/helpcenter/internal/app"
	"github.com/helpcenter/helpcenter/internal/ticket"
	"github.com/helpcenter/helpcenter/policy"
)

// commandLine is who acts when an operator runs a command: whoever can run it can read
// the database anyway, so it acts with the admin role; the audit log names it.
var commandLine = policy.Subject{StaffRole: "admin", Name: "command line", Email: "command-line"}

// importer loads one part of an export directory inside the import's one transaction.
// It reports what it did in one line; a missing part is skipped (reported as "").
type importer struct {
	name string
	run  func(ctx context.Context, a *app.App, tx bun.Tx, dir fs.FS) (string, error)
}

// importers run in this order: the knowledge base, then users, then the tickets that
// name them. A feature whose data travels in the layout adds one line here.
func importers() []importer {
	return []importer{
		{"content", func(ctx context.Context, a *app.App, tx bun.Tx, dir fs.FS) (string, error) {
			st, err := a.Content.Import(ctx, tx, dir, commandLine)
			if err != nil || st == (content.ImportStats{}) {
				return "", err
			}
			return st.String(), nil
		}},
		fileImporter("users.jsonl", account.ImportUsers),
		fileImporter("tickets.jsonl", ticket.Import),
	}
}

// fileImporter adapts an importer of one JSON Lines file (read from r, reporting bad
// lines as "file:line: problem").
func fileImporter(file string, load func(ctx context.Context, tx bun.Tx, r io.Reader, file string) error) importer {
	return importer{file, func(ctx context.Context, _ *app.App, tx bun.Tx, dir fs.FS) (string, error) {
		f, err := dir.Open(file)
		if errors.Is(err, fs.ErrNotExist) {
			return "", nil
		}
		if err != nil {
			return "", err
		}
		defer f.Close()
		if err := load(ctx, tx, f, file); err != nil {
			return "", err
		}
		return "imported", nil
	}}
}

func cmdImport(ctx context.Context, e *env, args []string) error {
	fs := flags("import", "import DIR\n  load categories.json, articles.jsonl, users.jsonl and tickets.jsonl from DIR in one\n  transaction: records are matched by their ids, so importing again updates them;\n  any bad line is reported with file and line number and nothing is written", e.stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("import needs the directory to read")
	}
	dir := fs.Arg(0)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("import: %s is not a directory", dir)
	}
	e.cfg.Demo = false
	a, err := app.New(ctx, e.cfg, e.log, app.Options{NoJobs: true})
	if err != nil {
		return err
	}
	defer a.Close()
	var report []string
	err = a.DB.Bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for _, im := range importers() {
			line, err := im.run(ctx, a, tx, os.DirFS(dir))
			if err != nil {
				return err
			}
			if line != "" {
				report = append(report, im.name+": "+line)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("import failed, nothing was written:\n%w", err)
	}
	if len(report) == 0 {
		return fmt.Errorf("import: %s holds none of categories.json, articles.jsonl, users.jsonl, tickets.jsonl", dir)
	}
	for _, l := range report {
		fmt.Fprintln(e.stdout, l)
	}
	return nil
}
