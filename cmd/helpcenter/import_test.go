package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/helpcenter/helpcenter/internal/db/dbtest"
)

// runCLI runs one command in-process against databaseURL and returns its output.
func runCLI(t *testing.T, databaseURL string, args ...string) (string, string, error) {
	t.Helper()
	env := map[string]string{"DATABASE_URL": databaseURL, "HELPCENTER_DATA_DIR": t.TempDir(), "HELPCENTER_LOG_LEVEL": "error"}
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return env[k] }, &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

func sharedCorpus(t *testing.T) string {
	t.Helper()
	root, err := dbtest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "..", "shared", "data", "helpcenter")
	if _, err := os.Stat(filepath.Join(dir, "articles.jsonl")); err != nil {
		t.Skip("shared corpus not found")
	}
	return dir
}

func TestImportExportCommands(t *testing.T) {
	url := dbtest.NewURL(t)
	corpus := sharedCorpus(t)
	out, _, err := runCLI(t, url, "import", corpus)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"content: 3 categories", "133 articles created", "users.jsonl: imported", "tickets.jsonl: imported"} {
		if !strings.Contains(out, want) {
			t.Errorf("import output lacks %q:\n%s", want, out)
		}
	}
	out, _, err = runCLI(t, url, "import", corpus)
	if err != nil || !strings.Contains(out, "0 articles created, 0 updated, 133 unchanged") {
		t.Errorf("second import: %v\n%s", err, out)
	}

	dir := t.TempDir()
	out, _, err = runCLI(t, url, "export", dir)
	if err != nil || !strings.Contains(out, "exported 3 categories and 133 articles") {
		t.Fatalf("export: %v %s", err, out)
	}
	for _, f := range []string{"categories.json", "articles.jsonl"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("export wrote no %s: %v", f, err)
		}
	}
}

func TestImportCommandReportsBadLinesAndWritesNothing(t *testing.T) {
	url := dbtest.NewURL(t)
	corpus := sharedCorpus(t)
	dir := t.TempDir()
	for _, f := range []string{"categories.json", "articles.jsonl", "users.jsonl"} {
		b, err := os.ReadFile(filepath.Join(corpus, f))
		if err != nil {
			t.Fatal(err)
		}
		if f == "articles.jsonl" {
			lines := strings.SplitAfter(string(b), "\n")
			lines[41] = "{\"id\": \"art-042\", \"title\": \n"
			b = []byte(strings.Join(lines, ""))
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, _, err := runCLI(t, url, "import", dir)
	if err == nil || !strings.Contains(err.Error(), "articles.jsonl:42:") || !strings.Contains(err.Error(), "nothing was written") {
		t.Fatalf("import of a bad file: %v", err)
	}
	out, _, err := runCLI(t, url, "export", t.TempDir())
	if err != nil || !strings.Contains(out, "exported 0 categories and 0 articles") {
		t.Errorf("after a failed import the database should be empty: %v %s", err, out)
	}
}

func TestTokenCommands(t *testing.T) {
	url := dbtest.NewURL(t)
	secret, info, err := runCLI(t, url, "token", "create", "--name", "Portal", "--audiences", "accountant,partner")
	if err != nil {
		t.Fatal(err)
	}
	secret = strings.TrimSpace(secret)
	if !strings.HasPrefix(secret, "hc_") || !strings.Contains(info, "audiences accountant,partner,public,signed_in") {
		t.Fatalf("create printed %q / %q", secret, info)
	}
	if _, _, err := runCLI(t, url, "token", "create", "--name", "Zespół", "--staff-role", "editor", "--expires-at", "2099-01-01T00:00:00Z"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCLI(t, url, "token", "create", "--name", "Zły", "--audiences", "vip"); err == nil {
		t.Error("a token for an unknown audience was created")
	}
	list, _, err := runCLI(t, url, "token", "list")
	if err != nil || !strings.Contains(list, "Portal") || !strings.Contains(list, "staff role editor") || strings.Contains(list, secret) {
		t.Fatalf("list: %v\n%s", err, list)
	}
	out, _, err := runCLI(t, url, "token", "revoke", "1")
	if err != nil || !strings.Contains(out, "revoked token 1") {
		t.Fatalf("revoke: %v %s", err, out)
	}
	if list, _, _ = runCLI(t, url, "token", "list"); !strings.Contains(list, "revoked") {
		t.Errorf("list after revoking:\n%s", list)
	}
}
