package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/apitoken"
	"github.com/helpcenter/helpcenter/internal/app/apptest"
)

func TestContentRoutesAreDocumented(t *testing.T) {
	k := newKBServer(t)
	for _, prefix := range []string{"/api/v1/categories", "/api/v1/sections", "/api/v1/articles", "/api/v1/search"} {
		for _, route := range k.v.Undocumented(k.Server, prefix) {
			if strings.HasPrefix(route, "GET ") { // the public reads are this file's concern
				t.Errorf("route without an OpenAPI operation: %s", route)
			}
		}
	}
}

// TestContentEndpointsAgainstOpenAPI calls every public read with the variations a
// client meets (filters, pages, redirects, 304s, errors) and validates each answer.
func TestContentEndpointsAgainstOpenAPI(t *testing.T) {
	k := newKBServer(t)
	anon := kbCaller{name: "anonymous"}
	tok := k.token(t, apitoken.CreateInput{Name: "księgowi", Audiences: []string{"accountant"}})
	first := kbDecode[kbList](t, mustOK(t, k, anon, "/api/v1/articles?limit=2"))
	art := first.Data[0]
	tests := []struct {
		who    kbCaller
		path   string
		status int
	}{
		{anon, "/api/v1/categories", 200},
		{tok, "/api/v1/categories", 200},
		{anon, "/api/v1/sections/konto-i-logowanie", 200},
		{anon, "/api/v1/sections/program-partnerski", 404},
		{anon, "/api/v1/articles", 200},
		{anon, "/api/v1/articles?limit=2&cursor=" + url.QueryEscape(*first.NextCursor), 200},
		{anon, "/api/v1/articles?kind=faq&section=konto-i-logowanie&category=kwestie-administracyjne&tag=konto&updated_since=2025-01-01T00:00:00Z", 200},
		{anon, "/api/v1/articles?external_id=art-001", 200},
		{anon, fmt.Sprintf("/api/v1/articles/%d", art.ID), 200},
		{anon, "/api/v1/articles/" + art.Slug, 200},
		{tok, "/api/v1/articles/" + art.Slug, 200},
		{anon, fmt.Sprintf("/api/v1/articles/%d/comments", art.ID), 200},
		{anon, "/api/v1/search?q=korekta%20faktury&limit=3", 200},
		{anon, "/api/v1/search?q=faktura&kind=faq&category=obsluga-programu", 200},
		{anon, "/api/v1/articles/nie-ma-takiego", 404},
		{anon, "/api/v1/articles/999999/comments", 404},
		{anon, "/api/v1/articles?limit=101", 400},
		{anon, "/api/v1/articles?limit=abc", 400},
		{anon, "/api/v1/articles?cursor=zzz", 400},
		{anon, "/api/v1/articles?kind=blog", 400},
		{anon, "/api/v1/articles?updated_since=wczoraj", 400},
		{anon, "/api/v1/articles?section=program-partnerski", 400},
		{anon, "/api/v1/search?q=", 400},
		{anon, "/api/v1/search?q=a&cursor=zzz", 400},
		{kbCaller{header: []string{"Authorization", "Bearer hc_unknown"}}, "/api/v1/articles", 401},
	}
	for _, tt := range tests {
		resp, body := k.get(t, tt.who, tt.path)
		if resp.StatusCode != tt.status {
			t.Errorf("GET %s = %d, want %d\n%.300s", tt.path, resp.StatusCode, tt.status, body)
		}
	}
}

func mustOK(t *testing.T, k *kbServer, who kbCaller, path string) string {
	t.Helper()
	resp, body := k.get(t, who, path)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s = %d %s", path, resp.StatusCode, body)
	}
	return body
}

func TestProblemsNameTheField(t *testing.T) {
	k := newKBServer(t)
	for path, field := range map[string]string{
		"/api/v1/articles?limit=101":             "limit",
		"/api/v1/articles?cursor=bm9uc2Vuc2U":    "cursor",
		"/api/v1/articles?kind=blog":             "kind",
		"/api/v1/articles?updated_since=wczoraj": "updated_since",
		"/api/v1/articles?section=nie-ma":        "section",
		"/api/v1/articles?category=nie-ma":       "category",
		"/api/v1/search?q=%20":                   "q",
		"/api/v1/search?q=x&limit=500":           "limit",
	} {
		resp, body := k.get(t, kbCaller{}, path)
		p := kbDecode[kbProblem](t, body)
		if resp.StatusCode != 400 || resp.Header.Get("Content-Type") != "application/problem+json" || p.Status != 400 ||
			len(p.Errors) == 0 || p.Errors[0].Field != field {
			t.Errorf("GET %s = %d %q %s; want a 400 problem naming %s", path, resp.StatusCode, resp.Header.Get("Content-Type"), body, field)
		}
		if strings.Contains(body, "SELECT") || strings.Contains(body, "goroutine") {
			t.Errorf("GET %s leaks internals: %s", path, body)
		}
	}
	resp, body := k.get(t, kbCaller{}, "/api/v1/articles", "Authorization", "Bearer hc_revoked-or-unknown")
	if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") == "" || !strings.Contains(body, `"status":401`) {
		t.Errorf("unknown token: %d %q %s", resp.StatusCode, resp.Header.Get("WWW-Authenticate"), body)
	}
}

func TestArticleRedirectsFromFormerSlug(t *testing.T) {
	k := newKBServer(t)
	ctx := context.Background()
	a, err := k.Content.ManagedArticle(ctx, k.admin, k.ids["art-001"])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k.Content.UpdateArticle(ctx, k.admin, a.ID, content.ArticleUpdate{BaseRevisionID: a.CurrentRevisionID, Slug: ptrTo("jak-zalozyc-konto")}); err != nil {
		t.Fatal(err)
	}
	resp, _ := k.get(t, kbCaller{}, "/api/v1/articles/"+a.Slug)
	if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/api/v1/articles/jak-zalozyc-konto" {
		t.Fatalf("former slug: %d Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	mustOK(t, k, kbCaller{}, resp.Header.Get("Location"))
	// A restricted article's former slug tells an outsider nothing.
	secret, err := k.Content.ManagedArticle(ctx, k.admin, k.ids["art-038"])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k.Content.UpdateArticle(ctx, k.admin, secret.ID, content.ArticleUpdate{BaseRevisionID: secret.CurrentRevisionID, Slug: ptrTo("nowy-adres-tajny")}); err != nil {
		t.Fatal(err)
	}
	resp, body := k.get(t, kbCaller{}, "/api/v1/articles/"+secret.Slug)
	if resp.StatusCode != 404 || strings.Contains(body, "nowy-adres-tajny") {
		t.Errorf("former slug of a hidden article: %d %s", resp.StatusCode, body)
	}
}

func ptrTo[T any](v T) *T { return &v }

func TestETagAndCacheHeaders(t *testing.T) {
	k := newKBServer(t)
	tok := k.token(t, apitoken.CreateInput{Name: "portal", Audiences: []string{"public"}})
	path := "/api/v1/articles/zakladanie-konta"
	resp, body := k.get(t, kbCaller{}, path)
	etag := resp.Header.Get("ETag")
	if resp.StatusCode != 200 || !strings.HasPrefix(etag, `"`) || resp.Header.Get("Cache-Control") != "public, max-age=60" ||
		!strings.Contains(resp.Header.Get("Vary"), "Authorization") || !strings.Contains(resp.Header.Get("Vary"), "Cookie") {
		t.Fatalf("first answer: %d ETag %q Cache-Control %q Vary %q", resp.StatusCode, etag, resp.Header.Get("Cache-Control"), resp.Header.Get("Vary"))
	}
	for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, "*"} {
		resp, b := k.get(t, kbCaller{}, path, "If-None-Match", inm)
		if resp.StatusCode != 304 || b != "" || resp.Header.Get("ETag") != etag {
			t.Errorf("If-None-Match %s: %d %q", inm, resp.StatusCode, b)
		}
	}
	if resp, _ := k.get(t, kbCaller{}, path, "If-None-Match", `"stale"`); resp.StatusCode != 200 {
		t.Errorf("stale If-None-Match: %d", resp.StatusCode)
	}
	resp, tokBody := k.get(t, tok, path)
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "private" || tokBody != body {
		t.Errorf("token answer: %d Cache-Control %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	// A change gives a new ETag at once on this instance.
	ctx := context.Background()
	a, _ := k.Content.ManagedArticle(ctx, k.admin, k.ids["art-001"])
	if _, err := k.Content.UpdateArticle(ctx, k.admin, a.ID, content.ArticleUpdate{BaseRevisionID: a.CurrentRevisionID, BodyMD: ptrTo("Nowa treść.")}); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Content.PublishArticle(ctx, k.admin, a.ID, nil); err != nil {
		t.Fatal(err)
	}
	resp, body2 := k.get(t, kbCaller{}, path, "If-None-Match", etag)
	if resp.StatusCode != 200 || resp.Header.Get("ETag") == etag || !strings.Contains(body2, "Nowa treść.") {
		t.Errorf("after publishing: %d ETag %q", resp.StatusCode, resp.Header.Get("ETag"))
	}
}

func TestTokenRevocationTakesEffectAtOnce(t *testing.T) {
	k := newKBServer(t)
	created, err := k.Tokens.Create(context.Background(), k.admin, apitoken.CreateInput{Name: "frontend", Audiences: []string{"partner"}})
	if err != nil {
		t.Fatal(err)
	}
	who := kbCaller{header: []string{"Authorization", "Bearer " + created.Secret}}
	mustOK(t, k, who, "/api/v1/articles/webhooki")
	if err := k.Tokens.Revoke(context.Background(), k.admin, created.ID); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/api/v1/articles/webhooki", "/api/v1/articles", "/api/v1/categories"} {
		if resp, _ := k.get(t, who, path); resp.StatusCode != 401 {
			t.Errorf("GET %s with a revoked token = %d, want 401", path, resp.StatusCode)
		}
	}
}

// TestChangesReachEveryInstance runs two instances on one database: what one publishes
// or hides, the other's cached answers reflect right away (through the notification).
func TestChangesReachEveryInstance(t *testing.T) {
	k := newKBServer(t)
	other := apptest.NewOnDatabase(t, k.Config.DatabaseURL)
	ctx := context.Background()
	path := "/api/v1/articles/zakladanie-konta"
	getOther := func() int {
		resp, _ := other.Get(t, path)
		return resp.StatusCode
	}
	if code := getOther(); code != 200 {
		t.Fatalf("second instance: %d", code)
	}
	if _, err := k.Content.UnpublishArticle(ctx, k.admin, k.ids["art-001"]); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 5*time.Second, "the unpublish to reach the other instance", func() bool { return getOther() == 404 })
	if _, err := k.Content.PublishArticle(ctx, k.admin, k.ids["art-001"], nil); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 5*time.Second, "the publish to reach the other instance", func() bool { return getOther() == 200 })
	// An audience change of the section, too.
	sec, err := k.Content.Section(ctx, k.admin, "konto-i-logowanie")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k.Content.UpdateSection(ctx, k.admin, sec.ID, content.SectionUpdate{Audiences: []string{"staff"}}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 5*time.Second, "the audience change to reach the other instance", func() bool { return getOther() == 404 })
}

func waitFor(t *testing.T, within time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", within, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestRateLimit(t *testing.T) {
	s := apptest.New(t, apptest.Env("HELPCENTER_API_RATE_LIMIT", "3"))
	for i := 1; i <= 3; i++ {
		resp, _ := s.Get(t, "/api/v1/categories")
		if resp.StatusCode != 200 || resp.Header.Get("RateLimit-Limit") != "3" || resp.Header.Get("RateLimit-Remaining") != fmt.Sprint(3-i) {
			t.Fatalf("request %d: %d limit %q remaining %q", i, resp.StatusCode, resp.Header.Get("RateLimit-Limit"), resp.Header.Get("RateLimit-Remaining"))
		}
	}
	resp, body := s.Get(t, "/api/v1/categories")
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" || resp.Header.Get("RateLimit-Reset") == "" ||
		resp.Header.Get("Content-Type") != "application/problem+json" || !strings.Contains(body, `"status":429`) {
		t.Fatalf("over the limit: %d %v %s", resp.StatusCode, resp.Header, body)
	}
	// A token has its own allowance, apart from its address's.
	admin := (&kbServer{Server: s}).user(t, "", "admin").subject
	tok, err := s.Tokens.Create(context.Background(), admin, apitoken.CreateInput{Name: "osobny", Audiences: []string{"public"}})
	if err != nil {
		t.Fatal(err)
	}
	if resp, _ := s.Get(t, "/api/v1/categories", "Authorization", "Bearer "+tok.Secret); resp.StatusCode != 200 {
		t.Errorf("token request from a limited address: %d", resp.StatusCode)
	}
}

func TestCORS(t *testing.T) {
	s := apptest.New(t, apptest.Env("HELPCENTER_CORS_ORIGINS", "https://app.example.com"))
	// A listed origin may call with credentials.
	resp, _ := s.Get(t, "/api/v1/categories", "Origin", "https://app.example.com")
	if resp.Header.Get("Access-Control-Allow-Origin") != "https://app.example.com" || resp.Header.Get("Access-Control-Allow-Credentials") != "true" ||
		!strings.Contains(resp.Header.Get("Vary"), "Origin") || !strings.Contains(resp.Header.Get("Access-Control-Expose-Headers"), "ETag") {
		t.Errorf("listed origin: %v", resp.Header)
	}
	// Any other origin may read, without credentials.
	resp, _ = s.Get(t, "/api/v1/categories", "Origin", "https://elsewhere.example")
	if resp.Header.Get("Access-Control-Allow-Origin") != "*" || resp.Header.Get("Access-Control-Allow-Credentials") != "" {
		t.Errorf("other origin GET: %v", resp.Header)
	}
	preflight := func(origin, method string) *http.Response {
		req, _ := http.NewRequest(http.MethodOptions, s.URL+"/api/v1/articles", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", method)
		req.Header.Set("Access-Control-Request-Headers", "authorization")
		resp, _ := apptest.Do(t, s.Client(), req)
		return resp
	}
	if r := preflight("https://elsewhere.example", "GET"); r.StatusCode != 204 || r.Header.Get("Access-Control-Allow-Origin") != "*" ||
		!strings.Contains(r.Header.Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Errorf("preflight GET from another origin: %d %v", r.StatusCode, r.Header)
	}
	if r := preflight("https://elsewhere.example", "POST"); r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight POST from another origin allowed: %v", r.Header)
	}
	if r := preflight("https://app.example.com", "DELETE"); r.Header.Get("Access-Control-Allow-Origin") != "https://app.example.com" ||
		!strings.Contains(r.Header.Get("Access-Control-Allow-Methods"), "DELETE") {
		t.Errorf("preflight DELETE from the listed origin: %v", r.Header)
	}
}
