package portal_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
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
		before := serverBuckets(b, s)
		b.ResetTimer()
		for i := range b.N {
			lat = append(lat, get(paths[i%len(paths)]))
		}
		b.StopTimer()
		reportPercentiles(b, lat)
		reportServerTime(b, before, serverBuckets(b, s))
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

// serverBuckets reads the server's own latency histogram of the article route from
// /metrics (cumulative counts per upper bound in seconds): the time the server spent,
// without the client's share of a busy machine.
func serverBuckets(b *testing.B, s *apptest.Server) map[string]float64 {
	b.Helper()
	resp, err := http.Get(s.URL + "/metrics")
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	out := map[string]float64{}
	for _, line := range strings.Split(string(body), "\n") {
		if !strings.HasPrefix(line, "helpcenter_http_request_duration_seconds_bucket{") || !strings.Contains(line, `route="/articles/:ref"`) ||
			!strings.Contains(line, `method="GET"`) {
			continue
		}
		le := line[strings.Index(line, `le="`)+4:]
		le = le[:strings.IndexByte(le, '"')]
		n, _ := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
		out[le] = n
	}
	return out
}

// reportServerTime reports the share of requests the server answered within 5 and 10 ms,
// and the smallest histogram bound that holds 95 % of them.
func reportServerTime(b *testing.B, before, after map[string]float64) {
	b.Helper()
	total := after["+Inf"] - before["+Inf"]
	if total == 0 {
		return
	}
	share := func(le string) float64 { return 100 * (after[le] - before[le]) / total }
	b.ReportMetric(share("0.005"), "server-≤5ms-%")
	b.ReportMetric(share("0.01"), "server-≤10ms-%")
	bounds := []string{"0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1"}
	for _, le := range bounds {
		if share(le) >= 95 {
			v, _ := strconv.ParseFloat(le, 64)
			b.ReportMetric(v*1000, "server-p95≤ms")
			return
		}
	}
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
