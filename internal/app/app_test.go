package app_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/internal/app/apptest"
	"github.com/helpcenter/helpcenter/internal/db/dbtest"
)

func TestOperationsEndpoints(t *testing.T) {
	s := apptest.New(t)
	for _, path := range []string{"/healthz", "/readyz"} {
		resp, body := s.Get(t, path)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s = %d %s", path, resp.StatusCode, body)
		}
	}
	s.Get(t, "/")
	resp, body := s.Get(t, "/metrics")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `helpcenter_http_requests_total{method="GET",route="/",status="200"}`) ||
		!strings.Contains(body, "helpcenter_http_request_duration_seconds_bucket") {
		t.Errorf("metrics lack request counters or latency histograms:\n%.2000s", body)
	}
}

func TestReadyzFailsWhenSchemaBehind(t *testing.T) {
	s := apptest.New(t)
	if _, err := s.DB.Rollback(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	resp, _ := s.Get(t, "/readyz")
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("readyz with a pending migration = %d, want 503", resp.StatusCode)
	}
}

func TestErrorsByAudience(t *testing.T) {
	s := apptest.New(t)
	resp, body := s.Get(t, "/api/v1/does-not-exist")
	if resp.StatusCode != 404 || resp.Header.Get("Content-Type") != "application/problem+json" || !strings.Contains(body, `"status":404`) {
		t.Errorf("API 404 = %d %q %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	resp, body = s.Get(t, "/no/such/page")
	if resp.StatusCode != 404 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("HTML 404 = %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if h := doc.Find("main h1").Text(); h != "Nie znaleziono strony" {
		t.Errorf("404 page heading = %q", h)
	}
}

func TestHomeAndStaticAssets(t *testing.T) {
	s := apptest.New(t)
	resp, body := s.Get(t, "/")
	if resp.StatusCode != 200 {
		t.Fatalf("GET / = %d", resp.StatusCode)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP = %q", csp)
	}
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
	if lang, _ := doc.Find("html").Attr("lang"); lang != "pl" {
		t.Errorf("default language = %q, want pl", lang)
	}
	css, ok := doc.Find(`link[rel=stylesheet]`).Attr("href")
	if !ok || !strings.HasPrefix(css, "/static/app.") {
		t.Fatalf("stylesheet link = %q", css)
	}
	resp, _ = s.Get(t, css)
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") {
		t.Errorf("asset %s = %d cache=%q type=%q", css, resp.StatusCode, resp.Header.Get("Cache-Control"), resp.Header.Get("Content-Type"))
	}
	if resp, _ := s.Get(t, "/static/app.css"); resp.StatusCode != 404 {
		t.Errorf("unhashed asset URL answered %d", resp.StatusCode)
	}

	resp, body = s.Get(t, "/", "Accept-Language", "en-GB,en;q=0.9", "Cookie", "lang=en")
	doc, _ = goquery.NewDocumentFromReader(strings.NewReader(body))
	if lang, _ := doc.Find("html").Attr("lang"); lang != "en" || doc.Find("h1").Text() != "How can we help?" {
		t.Errorf("English page: lang=%q h1=%q", lang, doc.Find("h1").Text())
	}
}

func TestLanguageSwitchStaysOnSite(t *testing.T) {
	s := apptest.New(t)
	for next, want := range map[string]string{"/search?q=x": "/search?q=x", "//evil.example/": "/", "https://evil.example/": "/"} {
		resp, _ := s.Get(t, "/lang/en?next="+strings.ReplaceAll(next, "?", "%3F"))
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want {
			t.Errorf("switch with next=%q: %d Location=%q, want %q", next, resp.StatusCode, resp.Header.Get("Location"), want)
		}
	}
}

func TestGracefulShutdownDrainsRequests(t *testing.T) {
	url := dbtest.NewURL(t)
	s := apptest.NewOnDatabase(t, url, apptest.Env("HELPCENTER_SHUTDOWN_TIMEOUT", "10s"))
	started := make(chan struct{})
	s.Fiber.Get("/test/slow", func(c *fiber.Ctx) error {
		close(started)
		time.Sleep(700 * time.Millisecond)
		return c.SendString("finished")
	})
	var wg sync.WaitGroup
	wg.Add(1)
	var status int
	var body string
	go func() {
		defer wg.Done()
		resp, b := apptest.Do(t, s.Client(), mustRequest(t, s.URL+"/test/slow"))
		status, body = resp.StatusCode, b
	}()
	<-started
	if err := s.Fiber.ShutdownWithTimeout(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if status != 200 || body != "finished" {
		t.Fatalf("in-flight request during shutdown = %d %q", status, body)
	}
	if _, err := http.Get(s.URL + "/healthz"); err == nil {
		t.Fatal("server still accepts connections after shutdown")
	}
}

func mustRequest(t *testing.T, url string) *http.Request {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestConsoleSendsVisitorsToSignIn(t *testing.T) {
	s := apptest.New(t)
	for _, path := range []string{"/admin/", "/admin/tickets?status=new"} {
		resp, _ := s.Get(t, path)
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=%2Fadmin%2F") {
			t.Errorf("GET %s as visitor = %d Location=%q", path, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
}
