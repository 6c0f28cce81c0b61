// Command benchload fills an empty database with a generated corpus of tickets
// (shared/tools/gen_corpus.py) for the inbox benchmarks: users, twenty agents, the tickets
// with their conversations and search vectors, and a realistic spread of states (older
// solved tickets closed, most worked tickets assigned, one in a hundred an account-type
// change). It uses COPY and builds the indexes after loading, so a million tickets load
// in minutes. See docs/benchmarks.md.
//
//	go run ./internal/ticket/benchload -corpus /tmp/corpus1m -db postgres://...
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/helpcenter/helpcenter/internal/db"
	"github.com/helpcenter/helpcenter/internal/ticket"
)

func main() {
	corpus := flag.String("corpus", "/tmp/corpus1m", "folder with users.jsonl and tickets.jsonl")
	url := flag.String("db", "", "PostgreSQL URL of an empty database")
	flag.Parse()
	if *url == "" {
		log.Fatal("-db is required")
	}
	if err := run(context.Background(), *corpus, *url); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, corpus, url string) error {
	d, err := db.Open(ctx, url, db.Options{MaxConns: 4})
	if err != nil {
		return err
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		return err
	}
	conn, err := d.Pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	c := conn.Conn()
	exec := func(sql string, args ...any) error {
		start := time.Now()
		_, err := c.Exec(ctx, sql, args...)
		if err == nil {
			log.Printf("%6.1fs  %.90s", time.Since(start).Seconds(), strings.Join(strings.Fields(sql), " "))
		}
		return err
	}
	var n int
	if err := c.QueryRow(ctx, `SELECT count(*) FROM tickets`).Scan(&n); err != nil || n > 0 {
		return fmt.Errorf("the database must have no tickets (has %d, %v)", n, err)
	}

	// Plain indexes are rebuilt after the load; constraint indexes stay.
	rows, err := c.Query(ctx, `SELECT i.indexname, i.indexdef FROM pg_indexes i
		WHERE i.tablename IN ('tickets', 'ticket_messages')
		AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conname = i.indexname)`)
	if err != nil {
		return err
	}
	var names, defs []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			return err
		}
		names, defs = append(names, name), append(defs, def)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, name := range names {
		if err := exec(`DROP INDEX ` + pgx.Identifier{name}.Sanitize()); err != nil {
			return err
		}
	}

	if err := exec(`SET session_replication_role = replica`); err != nil { // no FK triggers while loading
		return err
	}
	if err := exec(`SET maintenance_work_mem = '1GB'`); err != nil {
		return err
	}
	if err := loadUsers(ctx, c, filepath.Join(corpus, "users.jsonl")); err != nil {
		return err
	}
	if err := exec(`INSERT INTO users (email, name, staff_role, source)
		SELECT 'agent' || g || '@dokubiuro.example', 'Konsultant ' || g, 'agent', 'admin' FROM generate_series(1, 20) g`); err != nil {
		return err
	}
	if err := loadStaging(ctx, c, filepath.Join(corpus, "tickets.jsonl")); err != nil {
		return err
	}
	steps := []string{
		`INSERT INTO users (email, source) SELECT DISTINCT email, 'support_email' FROM bench_tickets ON CONFLICT (email) DO NOTHING`,
		// States: the generator spreads new/open/pending/solved evenly over 2025; solved
		// tickets from before October have been closed by the auto-close job since.
		`INSERT INTO tickets (external_id, requester_id, subject, status, channel, kind, requested_account_type,
			assignee_id, created_at, updated_at, solved_at, search)
		SELECT b.ext, u.id, b.subject,
			CASE WHEN b.status = 'solved' AND b.last_at < '2025-10-01' THEN 'closed' ELSE b.status END,
			b.channel,
			CASE WHEN b.n % 100 = 7 THEN 'account_type_change' ELSE 'question' END,
			CASE WHEN b.n % 100 = 7 THEN (ARRAY['accountant', 'office_client', 'partner'])[1 + b.n % 3] END,
			CASE WHEN b.status = 'new' AND b.n % 20 <> 0 THEN NULL
			     WHEN b.status IN ('open', 'pending') AND b.n % 10 = 0 THEN NULL
			     ELSE (SELECT min(id) FROM users WHERE staff_role = 'agent') + b.n % 20 END,
			b.created_at, b.last_at,
			CASE WHEN b.status = 'solved' THEN b.last_at END,
			array_to_tsvector(array_remove(string_to_array(b.terms, ' '), ''))
		FROM bench_tickets b JOIN users u ON u.email = b.email ORDER BY b.created_at`,
		`INSERT INTO ticket_messages (ticket_id, author_id, body, from_staff, created_at)
		SELECT t.id, CASE WHEN m.staff THEN coalesce(t.assignee_id, (SELECT min(id) FROM users WHERE staff_role = 'agent')) ELSE t.requester_id END,
			m.body, m.staff, m.created_at
		FROM bench_messages m JOIN tickets t ON t.external_id = m.ext`,
		`DROP TABLE bench_tickets`,
		`DROP TABLE bench_messages`,
		`SET session_replication_role = DEFAULT`,
	}
	for _, s := range steps {
		if err := exec(s); err != nil {
			return err
		}
	}
	for _, def := range defs {
		if err := exec(def); err != nil {
			return err
		}
	}
	if err := exec(`VACUUM ANALYZE tickets`); err != nil {
		return err
	}
	return exec(`VACUUM ANALYZE ticket_messages`)
}

type userLine struct {
	Email       string `json:"email"`
	Name        string `json:"name"`
	AccountType string `json:"account_type"`
	Source      string `json:"source"`
}

func loadUsers(ctx context.Context, c *pgx.Conn, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	start := time.Now()
	n, err := c.CopyFrom(ctx, pgx.Identifier{"users"}, []string{"email", "name", "account_type", "source"},
		pgx.CopyFromFunc(func() ([]any, error) {
			for sc.Scan() {
				var u userLine
				if err := json.Unmarshal(sc.Bytes(), &u); err != nil {
					return nil, err
				}
				var at any
				if u.AccountType != "" && u.AccountType != "none" {
					at = u.AccountType
				}
				return []any{u.Email, u.Name, at, u.Source}, nil
			}
			return nil, sc.Err()
		}))
	log.Printf("%6.1fs  COPY %d users", time.Since(start).Seconds(), n)
	return err
}

type ticketLine struct {
	ID             string `json:"id"`
	RequesterEmail string `json:"requester_email"`
	Subject        string `json:"subject"`
	Channel        string `json:"channel"`
	Status         string `json:"status"`
	CreatedAt      string `json:"created_at"`
	Messages       []struct {
		Author    string `json:"author"`
		Body      string `json:"body"`
		CreatedAt string `json:"created_at"`
	} `json:"messages"`
}

// loadStaging copies the tickets and their messages into unlogged staging tables; SQL
// then moves them into the real ones (ids, search vectors, states).
func loadStaging(ctx context.Context, c *pgx.Conn, path string) error {
	if _, err := c.Exec(ctx, `CREATE UNLOGGED TABLE bench_tickets (n int, ext text, email text, subject text, channel text,
		status text, created_at timestamptz, last_at timestamptz, terms text);
		CREATE UNLOGGED TABLE bench_messages (ext text, staff boolean, body text, created_at timestamptz)`); err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	type msg struct {
		ext   string
		staff bool
		body  string
		at    time.Time
	}
	var pending []msg
	tx, err := c.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	start := time.Now()
	lineNo := 0
	nt, err := tx.CopyFrom(ctx, pgx.Identifier{"bench_tickets"}, []string{"n", "ext", "email", "subject", "channel", "status", "created_at", "last_at", "terms"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if !sc.Scan() {
				return nil, sc.Err()
			}
			lineNo++
			var t ticketLine
			if err := json.Unmarshal(sc.Bytes(), &t); err != nil {
				return nil, fmt.Errorf("line %d: %w", lineNo, err)
			}
			created, err := time.Parse(time.RFC3339, t.CreatedAt)
			if err != nil {
				return nil, err
			}
			last := created
			texts := []string{t.Subject}
			for _, m := range t.Messages {
				at, err := time.Parse(time.RFC3339, m.CreatedAt)
				if err != nil {
					return nil, err
				}
				if at.After(last) {
					last = at
				}
				texts = append(texts, m.Body)
				pending = append(pending, msg{t.ID, m.Author == "staff", m.Body, at})
			}
			return []any{lineNo, t.ID, t.RequesterEmail, t.Subject, t.Channel, t.Status, created, last,
				strings.Join(ticket.SearchTerms(texts...), " ")}, nil
		}))
	if err != nil {
		return err
	}
	log.Printf("%6.1fs  COPY %d tickets into staging", time.Since(start).Seconds(), nt)
	start = time.Now()
	i := 0
	nm, err := tx.CopyFrom(ctx, pgx.Identifier{"bench_messages"}, []string{"ext", "staff", "body", "created_at"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if i == len(pending) {
				return nil, nil
			}
			m := pending[i]
			pending[i] = msg{}
			i++
			return []any{m.ext, m.staff, m.body, m.at}, nil
		}))
	if err != nil {
		return err
	}
	log.Printf("%6.1fs  COPY %d messages into staging", time.Since(start).Seconds(), nm)
	return tx.Commit(ctx)
}
