package search_test

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/helpcenter/helpcenter/content/search"
	"github.com/helpcenter/helpcenter/internal/db"
	"github.com/helpcenter/helpcenter/internal/db/dbtest"
)

// corpus10k generates (once per machine) the 10,000-article corpus of the shared generator.
func corpus10k(b *testing.B) string {
	b.Helper()
	out := filepath.Join(os.TempDir(), "corpus10k")
	if n := countLines(filepath.Join(out, "articles.jsonl")); n == 10000 {
		return out
	}
	python, err := exec.LookPath("python3")
	if err != nil {
		b.Skip("python3 not found: cannot generate the benchmark corpus")
	}
	var gen string
	for _, p := range []string{"../../../shared/tools/gen_corpus.py", "/work/shared/tools/gen_corpus.py"} {
		if _, err := os.Stat(p); err == nil {
			gen = p
			break
		}
	}
	if gen == "" {
		b.Skip("gen_corpus.py not found")
	}
	cmd := exec.Command(python, gen, "--articles", "10000", "--tickets", "0", "--out", out, "--seed", "7")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		b.Fatalf("gen_corpus: %v", err)
	}
	return out
}

func countLines(path string) int {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	n := 0
	for sc.Scan() {
		n++
	}
	return n
}

// BenchmarkSearch measures Search on the 10,000-article corpus with the development
// queries and the ticket subjects, as an anonymous reader and as staff, one at a time
// (latency percentiles) and from parallel goroutines (throughput).
func BenchmarkSearch(b *testing.B) {
	dir := corpus10k(b)
	seed := sharedData(b)
	d := dbtest.New(b)
	ix := search.New(d)
	started := time.Now()
	c := mustLoadCorpus(b, d, ix, dir)
	b.Logf("indexed %d articles in %v", len(c.articles), time.Since(started).Round(time.Millisecond))

	var texts []string
	for _, q := range readJudged(b, filepath.Join(seed, "search_dev.jsonl")) {
		texts = append(texts, q.Query)
	}
	for _, q := range ticketQueriesFromSeed(b, seed) {
		texts = append(texts, q)
	}
	ctx := context.Background()
	// Warm up: term statistics, caches, prepared statements.
	for _, text := range texts {
		if _, _, err := ix.Search(ctx, search.Query{Text: text, Audiences: []string{"public"}}); err != nil {
			b.Fatal(err)
		}
	}
	runAll := func(prefix string) {
		for _, viewer := range []string{"anonymous", "staff"} {
			benchViewer(b, ix, prefix, viewer, texts)
		}
	}
	runAll("")
	// With the result cache (as the server runs it), repeated queries come from memory.
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ln := db.NewListener(d, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ix.Watch(ln)
	go func() { _ = ln.Listen(lctx) }()
	runAll("cached/")
}

func benchViewer(b *testing.B, ix *search.Index, prefix, viewer string, texts []string) {
	ctx := context.Background()
	allowed := viewerAudiences[viewer]
	b.Run(prefix+"serial/"+viewer, func(b *testing.B) {
		lat := make([]time.Duration, 0, b.N)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			t0 := time.Now()
			if _, _, err := ix.Search(ctx, search.Query{Text: texts[i%len(texts)], Audiences: allowed}); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(t0))
		}
		b.StopTimer()
		reportPercentiles(b, lat)
	})
	b.Run(prefix+"parallel/"+viewer, func(b *testing.B) {
		var next atomic.Int64
		var mu sync.Mutex
		var lat []time.Duration
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			var mine []time.Duration
			for pb.Next() {
				i := int(next.Add(1))
				t0 := time.Now()
				if _, _, err := ix.Search(ctx, search.Query{Text: texts[i%len(texts)], Audiences: allowed}); err != nil {
					b.Error(err)
					return
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
		b.StopTimer()
		reportPercentiles(b, lat)
	})
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Nanoseconds()) / 1e6 }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

// ticketQueriesFromSeed returns the subjects of the shared tickets, as realistic queries.
func ticketQueriesFromSeed(tb testing.TB, dir string) []string {
	tb.Helper()
	f, err := os.Open(filepath.Join(dir, "tickets.jsonl"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	for sc.Scan() {
		var t struct {
			Subject string `json:"subject"`
		}
		if err := jsonUnmarshal(sc.Bytes(), &t); err != nil {
			tb.Fatal(err)
		}
		out = append(out, t.Subject)
	}
	return out
}
