// Package dbtest gives each test its own freshly migrated PostgreSQL database, cloned from
// a template database that is built once per schema version. Databases live in the
// cluster named by TEST_DATABASE_URL or, when that is unset, in a private cluster under
// the repository's var/test folder that all test binaries share (`make test` stops it).
package dbtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver used by pgtestdb
	"github.com/peterldowns/pgtestdb"

	"github.com/helpcenter/helpcenter/internal/db"
)

var (
	serverOnce sync.Once
	serverURL  string
	serverErr  error
)

// ServerURL returns the URL of the test cluster's maintenance database, starting the
// private test cluster if needed.
func ServerURL(tb testing.TB) string {
	tb.Helper()
	serverOnce.Do(func() {
		if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
			serverURL = u
			return
		}
		root, err := RepoRoot()
		if err != nil {
			serverErr = err
			return
		}
		c, err := db.NewCluster(filepath.Join(root, "var", "test", "postgres"), nil)
		if err != nil {
			serverErr = err
			return
		}
		c.Detached = true
		// Durability is worthless for throw-away test databases; speed is not.
		c.Settings = map[string]string{"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off", "max_connections": "400"}
		if serverErr = c.Start(context.Background()); serverErr == nil {
			serverURL = c.DatabaseURL("postgres")
		}
	})
	if serverErr != nil {
		tb.Fatalf("test PostgreSQL: %v", serverErr)
	}
	return serverURL
}

// RepoRoot finds the folder with go.mod above the working directory.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// migrator builds pgtestdb's template databases with our migrations.
type migrator struct{}

func (migrator) Hash() (string, error) { return db.SchemaHash() }

func (migrator) Migrate(ctx context.Context, _ *sql.DB, conf pgtestdb.Config) error {
	d, err := db.Open(ctx, conf.URL(), db.Options{MaxConns: 2})
	if err != nil {
		return err
	}
	defer d.Close()
	_, err = d.Migrate(ctx)
	return err
}

// NewURL creates a fresh, migrated database and returns its URL; it is dropped when the
// test ends.
func NewURL(tb testing.TB) string {
	tb.Helper()
	u, err := url.Parse(ServerURL(tb))
	if err != nil {
		tb.Fatal(err)
	}
	pw, _ := u.User.Password()
	conf := pgtestdb.Config{
		DriverName: "pgx",
		User:       u.User.Username(),
		Password:   pw,
		Host:       u.Hostname(),
		Port:       u.Port(),
		Database:   filepath.Base(u.Path),
		Options:    u.RawQuery,
		TestRole: &pgtestdb.Role{
			Username:     "helpcenter_test",
			Password:     "helpcenter_test",
			Capabilities: "NOSUPERUSER NOCREATEDB NOCREATEROLE",
		},
		ForceTerminateConnections: true,
	}
	return pgtestdb.Custom(tb, conf, migrator{}).URL()
}

// New returns an open connection to a fresh, migrated database, closed when the test ends.
func New(tb testing.TB) *db.DB {
	tb.Helper()
	d, err := db.Open(context.Background(), NewURL(tb), db.Options{MaxConns: 8})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(d.Close)
	return d
}

// MustExec runs SQL in a test and fails it on error.
func MustExec(tb testing.TB, d *db.DB, sql string, args ...any) {
	tb.Helper()
	if _, err := d.Pool.Exec(context.Background(), sql, args...); err != nil {
		tb.Fatal(fmt.Errorf("exec %q: %w", sql, err))
	}
}
