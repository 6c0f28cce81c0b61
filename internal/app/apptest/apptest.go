// Package apptest starts the whole product for end-to-end tests: a fresh migrated
// database, the real Fiber app with its jobs, served over real HTTP on a free port.
package apptest

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/helpcenter/helpcenter/internal/app"
	"github.com/helpcenter/helpcenter/internal/config"
	"github.com/helpcenter/helpcenter/internal/db/dbtest"
)

// Server is a running app for one test.
type Server struct {
	*app.App
	// URL is the base URL, e.g. http://127.0.0.1:41234.
	URL string
}

// Option adjusts the configuration before the app starts.
type Option func(env map[string]string)

// Env sets one configuration variable.
func Env(name, value string) Option { return func(env map[string]string) { env[name] = value } }

// New starts the app on a fresh database and stops it when the test ends.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	return NewOnDatabase(t, dbtest.NewURL(t), opts...)
}

// NewOnDatabase starts the app on an existing database URL (e.g. a second instance
// sharing the first one's database).
func NewOnDatabase(t testing.TB, databaseURL string, opts ...Option) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	env := map[string]string{
		"DATABASE_URL":         databaseURL,
		"HELPCENTER_BASE_URL":  base,
		"HELPCENTER_ADDR":      ln.Addr().String(),
		"HELPCENTER_DATA_DIR":  t.TempDir(),
		"HELPCENTER_LOG_LEVEL": "warn",
	}
	for _, o := range opts {
		o(env)
	}
	cfg, err := config.FromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	var logw io.Writer = io.Discard
	if os.Getenv("TEST_LOG") != "" {
		logw = os.Stderr
	}
	log := slog.New(slog.NewTextHandler(logw, &slog.HandlerOptions{Level: cfg.LogLevel}))
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, cfg, log, app.Options{JobPollInterval: 100 * time.Millisecond, FastPasswords: true})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Error("app did not stop within 30s")
		}
		a.Close()
	})
	return &Server{App: a, URL: base}
}

// Client returns an HTTP client with its own cookie jar that does not follow redirects,
// so tests see each redirect and each Set-Cookie.
func (s *Server) Client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{
		Jar:     jar,
		Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// Get fetches a path with a fresh client and returns the status and body.
func (s *Server) Get(t testing.TB, path string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return Do(t, s.Client(), req)
}

// Do sends req and reads the whole body.
func Do(t testing.TB, c *http.Client, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// JSONRequest builds a request with a JSON body.
func JSONRequest(t testing.TB, method, url, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	return req
}
