// Package corpus finds the shared Polish help-center data set (categories, articles,
// users, tickets and judged search queries) that tests and benchmarks run on. It lives
// beside the repository in ../shared/data/helpcenter; HELPCENTER_CORPUS overrides it.
package corpus

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// Locate returns the data set's folder.
func Locate() (string, error) {
	if d := os.Getenv("HELPCENTER_CORPUS"); d != "" {
		return d, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			d := filepath.Join(dir, "..", "shared", "data", "helpcenter")
			if _, err := os.Stat(filepath.Join(d, "articles.jsonl")); err != nil {
				return "", errors.New("shared data set not found at " + d + " (set HELPCENTER_CORPUS)")
			}
			return filepath.Clean(d), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// Dir returns the data set's folder or fails the test: the data set is part of the test
// environment, so its absence is an error, not a reason to skip.
func Dir(tb testing.TB) string {
	tb.Helper()
	d, err := Locate()
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// File returns the path of one file of the data set, e.g. File(t, "tickets.jsonl").
func File(tb testing.TB, name string) string {
	tb.Helper()
	return filepath.Join(Dir(tb), name)
}
