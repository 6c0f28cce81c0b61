package content_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/content/search"
	"github.com/helpcenter/helpcenter/internal/audit"
	"github.com/helpcenter/helpcenter/internal/db"
	"github.com/helpcenter/helpcenter/internal/db/dbtest"
	"github.com/helpcenter/helpcenter/internal/jobs"
	"github.com/helpcenter/helpcenter/policy"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// env is a content service on a fresh database, with an insert-only job queue.
type env struct {
	d   *db.DB
	e   *policy.Enforcer
	q   *jobs.Queue
	svc *content.Service
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvOn(t, dbtest.New(t), false)
}

// newEnvOn builds the service on d; work makes the job queue run jobs (stopped when the
// test ends).
func newEnvOn(t *testing.T, d *db.DB, work bool) *env {
	t.Helper()
	ctx := context.Background()
	e, err := policy.New(ctx, d, quiet)
	if err != nil {
		t.Fatal(err)
	}
	q := jobs.New(d, quiet)
	svc := content.New(d, e, q, search.New(d), quiet)
	svc.RegisterJobs(q, time.Hour)
	if err := q.Open(jobs.Options{Work: work, PollInterval: 100 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	if work {
		runCtx, cancel := context.WithCancel(ctx)
		if err := q.Start(runCtx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			stopCtx, c2 := context.WithTimeout(context.Background(), 10*time.Second)
			defer c2()
			_ = q.Stop(stopCtx)
			cancel()
		})
	}
	return &env{d: d, e: e, q: q, svc: svc}
}

var userSeq atomic.Int64

// mustUser inserts a user and returns them as a subject.
func mustUser(t *testing.T, d *db.DB, accountType, staffRole string) policy.Subject {
	t.Helper()
	email := fmt.Sprintf("u%d-%d@example.com", time.Now().UnixNano(), userSeq.Add(1))
	var id int64
	err := d.Pool.QueryRow(context.Background(),
		`INSERT INTO users (email, name, account_type, staff_role) VALUES ($1, $2, NULLIF($3, ''), NULLIF($4, '')) RETURNING id`,
		email, "Test "+staffRole+accountType, accountType, staffRole).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return policy.Subject{UserID: id, AccountType: accountType, StaffRole: staffRole, Email: email}
}

// mustStructure creates a category with one section of the given audiences.
func mustSection(t *testing.T, env *env, admin policy.Subject, slug string, audiences ...string) *content.Section {
	t.Helper()
	ctx := context.Background()
	cat, err := env.svc.CreateCategory(ctx, admin, content.CategoryInput{Name: "Kategoria " + slug, Slug: "kat-" + slug})
	if err != nil {
		t.Fatal(err)
	}
	sec, err := env.svc.CreateSection(ctx, admin, content.SectionInput{CategoryID: cat.ID, Name: "Sekcja " + slug, Slug: slug, Audiences: audiences})
	if err != nil {
		t.Fatal(err)
	}
	return sec
}

// mustPublished creates and publishes an article.
func mustPublished(t *testing.T, env *env, editor policy.Subject, in content.ArticleInput) *content.ManagedArticle {
	t.Helper()
	ctx := context.Background()
	a, err := env.svc.CreateArticle(ctx, editor, in)
	if err != nil {
		t.Fatal(err)
	}
	a, err = env.svc.PublishArticle(ctx, editor, a.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// corpusDir is the shared seed data set.
func corpusDir(t *testing.T) string {
	t.Helper()
	root, err := dbtest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "..", "shared", "data", "helpcenter")
	if _, err := os.Stat(filepath.Join(dir, content.ArticlesFile)); err != nil {
		t.Skipf("shared corpus not found: %v", err)
	}
	return dir
}

func mustImportCorpus(t *testing.T, env *env) content.ImportStats {
	t.Helper()
	st, err := env.svc.ImportFS(context.Background(), os.DirFS(corpusDir(t)), audit.System)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func ptr[T any](v T) *T { return &v }

func strconvItoa(n int64) string { return fmt.Sprint(n) }
