package db_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/helpcenter/helpcenter/internal/db"
	"github.com/helpcenter/helpcenter/internal/db/dbtest"
)

// clusterDir returns a fresh folder under var/test that the postgres system user can
// reach when tests run as root (t.TempDir's parents are private).
func clusterDir(t *testing.T) string {
	t.Helper()
	root, err := dbtest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	base := filepath.Join(root, "var", "test")
	if err := os.MkdirAll(base, 0o755); err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp(base, "cluster-")
	if err != nil {
		t.Fatal(err)
	}
	_ = os.Chmod(dir, 0o755)
	t.Cleanup(func() { os.RemoveAll(dir) })
	return filepath.Join(dir, "postgres")
}

func postmasterPID(t *testing.T, dir string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "postmaster.pid"))
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.SplitN(string(b), "\n", 2)[0])
	return pid
}

func exec1(t *testing.T, url, sql string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var out string
	if strings.HasPrefix(sql, "CREATE") {
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return ""
	}
	if err := conn.QueryRow(ctx, sql).Scan(&out); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return out
}

func TestClusterLifecycle(t *testing.T) {
	ctx := context.Background()
	dir := clusterDir(t)

	c, err := db.NewCluster(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(ctx); err != nil {
		t.Fatalf("first start: %v", err)
	}
	t.Cleanup(func() { _ = c.Stop() })
	if !c.Owned() {
		t.Fatal("the process that started the cluster does not own it")
	}
	exec1(t, c.URL(), "CREATE TABLE kept AS SELECT 'still here'::text AS v")
	pid := postmasterPID(t, dir)

	// A second user of the same directory joins the running server and does not own it.
	other, _ := db.NewCluster(dir, nil)
	if err := other.Start(ctx); err != nil {
		t.Fatalf("join running cluster: %v", err)
	}
	if other.Owned() {
		t.Fatal("joining process claims ownership")
	}
	_ = other.Stop()
	if syscall.Kill(pid, 0) != nil {
		t.Fatal("a joining process stopped the owner's server")
	}

	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if syscall.Kill(pid, 0) == nil {
		t.Fatalf("postmaster %d still running after Stop", pid)
	}

	// Restart keeps the data.
	c2, _ := db.NewCluster(dir, nil)
	if err := c2.Start(ctx); err != nil {
		t.Fatalf("restart: %v", err)
	}
	if got := exec1(t, c2.URL(), "SELECT v FROM kept"); got != "still here" {
		t.Fatalf("after restart kept = %q", got)
	}
	if err := c2.Stop(); err != nil {
		t.Fatal(err)
	}

	// A stale postmaster.pid left by a crash (its pid now belongs to a non-postgres
	// process, here this test) does not stop the next start.
	stale := fmt.Sprintf("%d\n%s\n", os.Getpid(), dir)
	if err := os.WriteFile(filepath.Join(dir, "postmaster.pid"), []byte(stale), 0o600); err != nil {
		t.Fatal(err)
	}
	c3, _ := db.NewCluster(dir, nil)
	if err := c3.Start(ctx); err != nil {
		t.Fatalf("start over a stale postmaster.pid: %v", err)
	}
	defer c3.Stop()
	if got := exec1(t, c3.URL(), "SELECT v FROM kept"); got != "still here" {
		t.Fatalf("after stale-pid recovery kept = %q", got)
	}
}

func TestClusterStartWaitsForConcurrentStarter(t *testing.T) {
	ctx := context.Background()
	dir := clusterDir(t)
	errs := make(chan error, 2)
	clusters := make([]*db.Cluster, 2)
	for i := range clusters {
		clusters[i], _ = db.NewCluster(dir, nil)
		go func(c *db.Cluster) { errs <- c.Start(ctx) }(clusters[i])
	}
	for range clusters {
		select {
		case err := <-errs:
			if err != nil {
				t.Fatalf("concurrent start: %v", err)
			}
		case <-time.After(60 * time.Second):
			t.Fatal("concurrent starts hung")
		}
	}
	owners := 0
	for _, c := range clusters {
		if c.Owned() {
			owners++
		}
	}
	if owners != 1 {
		t.Fatalf("%d owners, want exactly 1", owners)
	}
	for _, c := range clusters {
		_ = c.Stop()
	}
}

func TestFindPostgresBinaries(t *testing.T) {
	bin, err := db.FindPostgresBinaries()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"initdb", "postgres"} {
		if _, err := os.Stat(filepath.Join(bin, name)); err != nil {
			t.Errorf("%s missing in %s", name, bin)
		}
	}
	t.Setenv("PATH", t.TempDir())
	if _, err := db.FindPostgresBinaries(); err != nil && !strings.Contains(err.Error(), "apt-get install") {
		t.Errorf("missing-binaries error does not say how to install: %v", err)
	}
}
