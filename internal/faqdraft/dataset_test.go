package faqdraft

import (
	"bufio"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/helpcenter/helpcenter/internal/corpus"
)

type seedUser struct {
	Email       string `json:"email"`
	Name        string `json:"name"`
	AccountType string `json:"account_type"`
}

type seedTicket struct {
	ID             string    `json:"id"`
	RequesterEmail string    `json:"requester_email"`
	Subject        string    `json:"subject"`
	Body           string    `json:"body"`
	Channel        string    `json:"channel"`
	CreatedAt      time.Time `json:"created_at"`
	Status         string    `json:"status"`
	Messages       []struct {
		Author    string    `json:"author"`
		Body      string    `json:"body"`
		CreatedAt time.Time `json:"created_at"`
	} `json:"messages"`
}

func readJSONLines[T any](t testing.TB, path string) []T {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, v)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// seedTicketID turns "t-0042" into 42.
func seedTicketID(t testing.TB, id string) int64 {
	n, err := strconv.ParseInt(strings.TrimPrefix(id, "t-"), 10, 64)
	if err != nil {
		t.Fatalf("ticket id %q: %v", id, err)
	}
	return n
}

// loadSeed returns the seed tickets as Tickets (requesters joined with users.jsonl), the raw
// tickets by id, and the users by e-mail.
func loadSeed(t testing.TB) ([]Ticket, map[int64]seedTicket, map[string]seedUser) {
	t.Helper()
	users := map[string]seedUser{}
	for _, u := range readJSONLines[seedUser](t, corpus.File(t, "users.jsonl")) {
		users[strings.ToLower(u.Email)] = u
	}
	raw := map[int64]seedTicket{}
	var tickets []Ticket
	for _, st := range readJSONLines[seedTicket](t, corpus.File(t, "tickets.jsonl")) {
		id := seedTicketID(t, st.ID)
		raw[id] = st
		u := users[strings.ToLower(st.RequesterEmail)]
		tk := Ticket{
			ID: id, Subject: st.Subject, Body: st.Body, Status: st.Status, CreatedAt: st.CreatedAt,
			RequesterName: u.Name, RequesterEmail: st.RequesterEmail, RequesterAccountType: u.AccountType,
		}
		for _, m := range st.Messages {
			tk.Messages = append(tk.Messages, Message{Author: m.Author, Body: m.Body, CreatedAt: m.CreatedAt})
		}
		tickets = append(tickets, tk)
	}
	return tickets, raw, users
}

func seedByID(tickets []Ticket) map[int64]Ticket {
	m := map[int64]Ticket{}
	for _, t := range tickets {
		m[t.ID] = t
	}
	return m
}

// labelledClusters is testdata/clusters.json: recurring questions identified by reading the
// seed tickets, and one-off tickets that must stay apart from them.
type labelledClusters struct {
	Clusters []struct {
		Name string `json:"name"`
		// Topic is shared by sub-questions that one help article covers.
		Topic    string   `json:"topic"`
		Question string   `json:"question"`
		Tickets  []string `json:"tickets"`
	} `json:"clusters"`
	Unrelated []string `json:"unrelated"`
}

func loadLabels(t testing.TB) labelledClusters {
	t.Helper()
	raw, err := os.ReadFile("testdata/clusters.json")
	if err != nil {
		t.Fatal(err)
	}
	var l labelledClusters
	if err := json.Unmarshal(raw, &l); err != nil {
		t.Fatal(err)
	}
	return l
}
