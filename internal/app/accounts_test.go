package app_test

import (
	"bytes"
	"context"
	"log/slog"
	"regexp"
	"sync"
	"testing"

	"github.com/helpcenter/helpcenter/internal/account"
	"github.com/helpcenter/helpcenter/internal/app"
	"github.com/helpcenter/helpcenter/internal/config"
	"github.com/helpcenter/helpcenter/internal/db/dbtest"
)

// syncBuffer is a log destination safe for the app's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestDemoCreatesAnAdminOnce(t *testing.T) {
	dbURL := dbtest.NewURL(t)
	start := func() (*app.App, string) {
		cfg, err := config.FromEnv(func(k string) string {
			return map[string]string{"DATABASE_URL": dbURL, "HELPCENTER_DEMO": "true", "HELPCENTER_DATA_DIR": t.TempDir()}[k]
		})
		if err != nil {
			t.Fatal(err)
		}
		var logs syncBuffer
		a, err := app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(&logs, nil)), app.Options{NoJobs: true, FastPasswords: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(a.Close)
		return a, logs.String()
	}
	a, logs := start()
	m := regexp.MustCompile(`demo admin created: sign in at http://localhost:8080/login as admin@example.com with password (\w+)`).FindStringSubmatch(logs)
	if m == nil {
		t.Fatalf("the log does not say how to sign in:\n%s", logs)
	}
	u, err := a.Accounts.Login(context.Background(), account.Credentials{Email: app.DemoAdminEmail, Password: m[1], ClientIP: "127.0.0.1"})
	if err != nil || u.StaffRole != "admin" {
		t.Fatalf("demo admin sign-in: %+v %v", u, err)
	}

	_, logs = start()
	if regexp.MustCompile(`with password`).MatchString(logs) || !regexp.MustCompile(`demo admin: sign in at`).MatchString(logs) {
		t.Errorf("second start:\n%s", logs)
	}
}
