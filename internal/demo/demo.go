// Package demo holds the project's own demonstration content: a small Polish help
// center of a made-up invoicing service, "Kasetka" (kasetka.example), in the import
// layout (categories.json and articles.jsonl). `make run` loads it into an empty
// database, so a newcomer sees a living help center: public articles, FAQ items, and
// material only signed-in users, accountants, office clients, partners or staff see.
package demo

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/audit"
)

//go:embed data/categories.json data/articles.jsonl
var files embed.FS

// FS is the demo content in the import layout.
func FS() fs.FS {
	sub, err := fs.Sub(files, "data")
	if err != nil {
		panic(err) // the embedded folder is fixed at build time
	}
	return sub
}

// Load imports the demo content when the knowledge base has no article yet; a database
// with content of its own is left alone. Importing is idempotent, so two instances
// starting at once do no harm.
func Load(ctx context.Context, svc *content.Service, log *slog.Logger) error {
	empty, err := svc.Empty(ctx)
	if err != nil || !empty {
		return err
	}
	st, err := svc.ImportFS(ctx, FS(), audit.System)
	if err != nil {
		return fmt.Errorf("load demo content: %w", err)
	}
	log.Info("loaded demo content", "stats", st.String())
	return nil
}
