package ticket_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/helpcenter/helpcenter/internal/db"
	"github.com/helpcenter/helpcenter/internal/jobs"
	"github.com/helpcenter/helpcenter/internal/mail"
	"github.com/helpcenter/helpcenter/internal/ticket"
	"github.com/helpcenter/helpcenter/policy"
)

// The benchmarks run against a database loaded with a generated corpus (see
// internal/ticket/benchload and docs/benchmarks.md), named by TICKET_BENCH_DATABASE_URL;
// without it they are skipped. TICKET_BENCH_EXPLAIN=file appends each inbox query's plan
// to file.
//
//	TICKET_BENCH_DATABASE_URL=postgres://... go test -run '^$' -bench . -benchtime 200x ./internal/ticket/

type benchEnv struct {
	d        *db.DB
	svc      *ticket.Service
	agent    policy.Subject
	agentIDs []int64
	// customers holds requesters with tickets, for "My activities".
	customers []policy.Subject
	queries   *queryLog
}

var (
	benchOnce sync.Once
	bench     *benchEnv
	benchErr  error
)

// queryLog keeps the statements the service sent, for EXPLAIN.
type queryLog struct {
	mu   sync.Mutex
	list []string
}

func (q *queryLog) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }
func (q *queryLog) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	q.mu.Lock()
	q.list = append(q.list, e.Query)
	q.mu.Unlock()
}

func (q *queryLog) take() []string {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := q.list
	q.list = nil
	return out
}

func benchSetup(b *testing.B) *benchEnv {
	b.Helper()
	url := os.Getenv("TICKET_BENCH_DATABASE_URL")
	if url == "" {
		b.Skip("TICKET_BENCH_DATABASE_URL is not set (see docs/benchmarks.md)")
	}
	benchOnce.Do(func() { bench, benchErr = openBench(url) })
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return bench
}

func openBench(url string) (*benchEnv, error) {
	ctx := context.Background()
	d, err := db.Open(ctx, url, db.Options{MaxConns: 32})
	if err != nil {
		return nil, err
	}
	if _, err := d.Migrate(ctx); err != nil {
		return nil, err
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	pol, err := policy.New(ctx, d, log)
	if err != nil {
		return nil, err
	}
	// The real mailer on an insert-only queue: creating a request stores its
	// confirmation and queues the delivery job, as in production.
	q := jobs.New(d, log)
	m, err := mail.New(d, q, pol, log, mail.Options{From: "Helpcenter <pomoc@example.com>"})
	if err != nil {
		return nil, err
	}
	if err := q.Open(jobs.Options{}); err != nil {
		return nil, err
	}
	e := &benchEnv{d: d, queries: &queryLog{}}
	d.Bun.AddQueryHook(e.queries)
	e.svc = ticket.New(d.Bun, pol, ticket.Options{Mailer: ticket.MailerFunc(func(ctx context.Context, tx bun.Tx, x ticket.Mail) error {
		_, err := m.Enqueue(ctx, tx, mail.Message{To: x.To, ToName: x.ToName, Subject: x.Subject, Text: x.Text, Template: x.Template})
		return err
	})})
	rows, err := d.Pool.Query(ctx, `SELECT id FROM users WHERE staff_role = 'agent' ORDER BY id`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		e.agentIDs = append(e.agentIDs, id)
	}
	if len(e.agentIDs) == 0 {
		return nil, fmt.Errorf("no agents in the benchmark database")
	}
	e.agent = policy.Subject{UserID: e.agentIDs[0], StaffRole: "agent"}
	rows, err = d.Pool.Query(ctx, `SELECT u.id, coalesce(u.account_type, '') FROM users u TABLESAMPLE SYSTEM (5)
		WHERE u.staff_role IS NULL AND EXISTS (SELECT 1 FROM tickets t WHERE t.requester_id = u.id) LIMIT 2000`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var s policy.Subject
		rows.Scan(&s.UserID, &s.AccountType)
		e.customers = append(e.customers, s)
	}
	return e, rows.Err()
}

// latencies records per-iteration durations and reports percentiles.
type latencies []time.Duration

func (l latencies) report(b *testing.B) {
	if len(l) == 0 {
		return
	}
	slices.Sort(l)
	at := func(p float64) float64 { return float64(l[int(float64(len(l)-1)*p)].Microseconds()) / 1000 }
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.95), "p95-ms")
	b.ReportMetric(at(0.99), "p99-ms")
	b.ReportMetric(0, "ns/op") // the percentiles say more than the mean
}

// inboxFilters are the inbox views benchmarked one by one: every single filter, the
// usual combinations, every sort, text searches and a second page.
func inboxFilters(e *benchEnv) []struct {
	name string
	f    ticket.Filter
} {
	other := strconv.FormatInt(e.agentIDs[3], 10)
	type nf = struct {
		name string
		f    ticket.Filter
	}
	out := []nf{
		{"all", ticket.Filter{}},
		{"all/oldest", ticket.Filter{Sort: ticket.SortOldest}},
		{"all/updated", ticket.Filter{Sort: ticket.SortUpdated}},
	}
	for _, st := range []string{"new", "open", "pending", "solved", "closed", "unsolved"} {
		for _, sort := range ticket.Sorts {
			out = append(out, nf{"status=" + st + "/" + string(sort), ticket.Filter{Status: st, Sort: sort}})
		}
	}
	for _, a := range []string{"me", "none", other} {
		name := "assignee=" + a
		if a == other {
			name = "assignee=id"
		}
		for _, sort := range ticket.Sorts {
			out = append(out, nf{name + "/" + string(sort), ticket.Filter{Assignee: a, Sort: sort}})
		}
		for _, st := range []string{"unsolved", "new", "solved", "closed"} {
			out = append(out, nf{name + "+status=" + st, ticket.Filter{Assignee: a, Status: st}})
			out = append(out, nf{name + "+status=" + st + "/oldest", ticket.Filter{Assignee: a, Status: st, Sort: ticket.SortOldest}})
		}
	}
	for _, k := range []string{"account_type_change", "question"} {
		for _, sort := range ticket.Sorts {
			out = append(out, nf{"kind=" + k + "/" + string(sort), ticket.Filter{Kind: k, Sort: sort}})
		}
		out = append(out, nf{"kind=" + k + "+unsolved", ticket.Filter{Kind: k, Status: "unsolved"}})
		out = append(out, nf{"kind=" + k + "+none+new", ticket.Filter{Kind: k, Status: "new", Assignee: "none"}})
		out = append(out, nf{"kind=" + k + "+me+closed/oldest", ticket.Filter{Kind: k, Status: "closed", Assignee: "me", Sort: ticket.SortOldest}})
	}
	for _, q := range []string{"faktura", "faktura korygująca", "ksef", "usuniete dokumenty", "optima eksport", "przelew bank",
		"zwrot", "certyfikat", "xyzzy", "123456", "paulina.wrobel.000000@biuro-kontrakt.example"} {
		out = append(out, nf{"q=" + q, ticket.Filter{Query: q}})
		out = append(out, nf{"q=" + q + "/oldest", ticket.Filter{Query: q, Sort: ticket.SortOldest}})
		out = append(out, nf{"q=" + q + "+unsolved", ticket.Filter{Query: q, Status: "unsolved"}})
		out = append(out, nf{"q=" + q + "+me", ticket.Filter{Query: q, Assignee: "me"}})
		out = append(out, nf{"q=" + q + "+atc", ticket.Filter{Query: q, Kind: "account_type_change"}})
		out = append(out, nf{"q=" + q + "+closed", ticket.Filter{Query: q, Status: "closed"}})
		out = append(out, nf{"q=" + q + "+none+new", ticket.Filter{Query: q, Status: "new", Assignee: "none"}})
		out = append(out, nf{"q=" + q + "/updated", ticket.Filter{Query: q, Sort: ticket.SortUpdated}})
	}
	return out
}

// BenchmarkInbox measures the first page of the inbox for every view in inboxFilters
// (and the second page of a few), as an agent.
func BenchmarkInbox(b *testing.B) {
	e := benchSetup(b)
	ctx := context.Background()
	for _, tc := range inboxFilters(e) {
		b.Run(strings.ReplaceAll(tc.name, " ", "_"), func(b *testing.B) {
			if path := os.Getenv("TICKET_BENCH_EXPLAIN"); path != "" {
				explain(b, e, tc.name, tc.f, path)
			}
			lat := make(latencies, 0, b.N)
			for i := 0; i < b.N; i++ {
				start := time.Now()
				if _, err := e.svc.FindTickets(ctx, e.agent, tc.f); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
			}
			lat.report(b)
		})
	}
	for _, name := range []string{"all", "status=unsolved/newest", "assignee=me/updated", "q=faktura"} {
		var f ticket.Filter
		for _, tc := range inboxFilters(e) {
			if tc.name == name {
				f = tc.f
			}
		}
		b.Run("page2/"+name, func(b *testing.B) {
			first, err := e.svc.FindTickets(ctx, e.agent, f)
			if err != nil || first.NextCursor == "" {
				b.Fatalf("first page: %v", err)
			}
			f.Cursor = first.NextCursor
			lat := make(latencies, 0, b.N)
			for i := 0; i < b.N; i++ {
				start := time.Now()
				if _, err := e.svc.FindTickets(ctx, e.agent, f); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
			}
			lat.report(b)
		})
	}
}

// explain appends the plans of a filter's statements, run once, to a file. Statements
// the service ran in a transaction (with its planner settings) are explained in one too.
func explain(b *testing.B, e *benchEnv, name string, f ticket.Filter, path string) {
	ctx := context.Background()
	e.queries.take()
	if _, err := e.svc.FindTickets(ctx, e.agent, f); err != nil {
		b.Fatal(err)
	}
	out, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		b.Fatal(err)
	}
	defer out.Close()
	fmt.Fprintf(out, "=== %s\n", name)
	tx, err := e.d.Pool.Begin(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer func() { tx.Rollback(ctx) }()
	for _, q := range e.queries.take() {
		switch {
		case q == "BEGIN" || strings.HasPrefix(q, "BEGIN "):
			tx.Rollback(ctx)
			if tx, err = e.d.Pool.Begin(ctx); err != nil {
				b.Fatal(err)
			}
		case q == "COMMIT" || q == "ROLLBACK":
		case strings.HasPrefix(q, "SELECT set_config"):
			fmt.Fprintf(out, "-- %s\n", strings.Join(strings.Fields(q), " "))
			if _, err := tx.Exec(ctx, q); err != nil {
				b.Fatal(err)
			}
		default:
			rows, err := tx.Query(ctx, "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) "+q)
			if err != nil {
				b.Fatalf("explain %q: %v", q, err)
			}
			for rows.Next() {
				var line string
				rows.Scan(&line)
				fmt.Fprintln(out, line)
			}
			rows.Close()
		}
	}
}

// BenchmarkMyActivities measures "Moje działania" of random customers, first page.
func BenchmarkMyActivities(b *testing.B) {
	e := benchSetup(b)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	lat := make(latencies, 0, b.N)
	for i := 0; i < b.N; i++ {
		c := e.customers[rng.IntN(len(e.customers))]
		start := time.Now()
		if _, err := e.svc.MyRequests(ctx, c, ticket.ListOptions{}); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	lat.report(b)
}

// BenchmarkMyRequest measures one request's page (ticket and public messages).
func BenchmarkMyRequest(b *testing.B) {
	e := benchSetup(b)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 4))
	type pair struct {
		c  policy.Subject
		id int64
	}
	var pairs []pair
	for _, c := range e.customers[:200] {
		p, err := e.svc.MyRequests(ctx, c, ticket.ListOptions{Limit: 1})
		if err == nil && len(p.Tickets) > 0 {
			pairs = append(pairs, pair{c, p.Tickets[0].ID})
		}
	}
	lat := make(latencies, 0, b.N)
	for i := 0; i < b.N; i++ {
		p := pairs[rng.IntN(len(pairs))]
		start := time.Now()
		if _, err := e.svc.MyRequest(ctx, p.c, p.id); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	lat.report(b)
}

// BenchmarkCreateRequest measures sending requests from many customers at once, each
// with its confirmation mail stored and queued, and reports the throughput.
func BenchmarkCreateRequest(b *testing.B) {
	e := benchSetup(b)
	ctx := context.Background()
	var n atomic.Int64
	b.SetParallelism(8)
	start := time.Now()
	// The requests made here are removed afterwards, so that they do not change what the
	// inbox benchmarks measure (a burst of identical recent tickets).
	b.Cleanup(func() {
		if _, err := e.d.Pool.Exec(context.Background(), `DELETE FROM tickets WHERE external_id IS NULL AND created_at >= $1`, start); err != nil {
			b.Error(err)
		}
	})
	b.RunParallel(func(pb *testing.PB) {
		rng := rand.New(rand.NewPCG(uint64(n.Add(1)), 5))
		for pb.Next() {
			c := e.customers[rng.IntN(len(e.customers))]
			if _, err := e.svc.CreateRequest(ctx, c, ticket.NewRequest{
				Subject: "Nie mogę wystawić faktury korygującej",
				Body:    "Dzień dobry,\n\nprzy wystawianiu korekty do faktury z zeszłego miesiąca pojawia się błąd. Co robię źle?\n\nPozdrawiam",
				Channel: ticket.ChannelAPI,
			}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}
