package portal_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/helpcenter/helpcenter/content/contenttest"
	"github.com/helpcenter/helpcenter/internal/app/apptest"
	"github.com/helpcenter/helpcenter/internal/audit"
)

// BenchmarkVisitorArticlePage measures a visitor's article page over real HTTP (the
// whole stack: routing, session lookup, visibility in SQL, comments, votes, related
// articles, templ rendering) with the shared corpus imported. It cycles through every
// public article and reports the latency percentiles; see docs/benchmarks.md.
//
//	go test ./internal/portal -run '^$' -bench VisitorArticlePage -benchtime 3000x
func BenchmarkVisitorArticlePage(b *testing.B) {
	s, paths := benchServer(b)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	get := func(path string) time.Duration {
		req, _ := http.NewRequest(http.MethodGet, s.URL+path, nil)
		req.Header.Set("User-Agent", "Mozilla/5.0 (benchmark)")
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("GET %s = %d", path, resp.StatusCode)
		}
		return time.Since(start)
	}
	for _, p := range paths { // warm the connection pool and the caches once
		get(p)
	}
	b.Run("sequential", func(b *testing.B) {
		lat := make([]time.Duration, 0, b.N)
		b.ResetTimer()
		for i := range b.N {
			lat = append(lat, get(paths[i%len(paths)]))
		}
		b.StopTimer()
		reportPercentiles(b, lat)
	})
	b.Run("parallel", func(b *testing.B) {
		var mu sync.Mutex
		lat := make([]time.Duration, 0, b.N)
		b.SetParallelism(4)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			var mine []time.Duration
			for pb.Next() {
				mine = append(mine, get(paths[i%len(paths)]))
				i++
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
		b.StopTimer()
		reportPercentiles(b, lat)
	})
}

// benchServer starts the help center with the shared corpus and lists the addresses of
// the articles a visitor may read.
func benchServer(b *testing.B) (*apptest.Server, []string) {
	b.Helper()
	corpus := contenttest.Load(b)
	s := apptest.New(b)
	if _, err := s.Content.ImportFS(context.Background(), os.DirFS(corpus.Dir), audit.System); err != nil {
		b.Fatal(err)
	}
	visible, _ := corpus.Split([]string{"public"})
	paths := make([]string, len(visible))
	for i, a := range visible {
		paths[i] = "/articles/" + a.Slug
	}
	return s, paths
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	b.Helper()
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	at := func(q float64) float64 {
		return float64(lat[min(len(lat)-1, int(q*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.95), "p95-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}
