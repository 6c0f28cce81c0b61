package ticket_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/uptrace/bun"

	"github.com/helpcenter/helpcenter/internal/db/dbtest"
	"github.com/helpcenter/helpcenter/internal/ticket"
)

func seedTickets(t *testing.T) string {
	t.Helper()
	root, err := dbtest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(root, "..", "shared", "data", "helpcenter", "tickets.jsonl")
	if _, err := os.Stat(p); err != nil {
		t.Skipf("seed data not found: %v", err)
	}
	return p
}

func (e *env) importFile(t *testing.T, r *strings.Reader, name string) (ticket.ImportResult, error) {
	t.Helper()
	var res ticket.ImportResult
	err := e.d.Bun.RunInTx(context.Background(), nil, func(ctx context.Context, tx bun.Tx) error {
		var err error
		res, err = ticket.ImportTickets(ctx, tx, r, name)
		return err
	})
	return res, err
}

func TestImportSeedTickets(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	data, err := os.ReadFile(seedTickets(t))
	if err != nil {
		t.Fatal(err)
	}
	known := e.mustCreateUser(t, "jakub.witkowski@example.com", "Jakub Witkowski", "accountant", "")
	agent := e.mustCreateUser(t, "agent@example.com", "Agent", "", "agent")

	res, err := e.importFile(t, strings.NewReader(string(data)), "tickets.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ticket.ImportResult{Created: 402}, res); diff != "" {
		t.Errorf("first import (-want +got):\n%s", diff)
	}
	counts := func() [4]int {
		return [4]int{
			e.count(t, `SELECT count(*) FROM tickets`),
			e.count(t, `SELECT count(*) FROM ticket_messages`),
			e.count(t, `SELECT count(*) FROM users`),
			e.count(t, `SELECT count(*) FROM ticket_messages WHERE from_staff`),
		}
	}
	first := counts()
	if first[0] != 402 || first[1] < 800 || first[3] == 0 {
		t.Errorf("after import: tickets, messages, users, staff messages = %v", first)
	}

	// The known requester kept their account; staff messages are by the support user.
	page, err := e.svc.FindTickets(ctx, agent, ticket.Filter{ExternalID: "t-0001"})
	if err != nil || len(page.Tickets) != 1 {
		t.Fatalf("t-0001: %+v, %v", page, err)
	}
	tk, err := e.svc.Ticket(ctx, agent, page.Tickets[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if tk.Requester.ID != known.UserID || tk.Status != ticket.StatusSolved || tk.Channel != ticket.ChannelEmail || tk.SolvedAt == nil ||
		tk.CreatedAt.Format("2006-01-02T15:04") != "2025-01-07T06:00" || len(tk.Messages) != 2 {
		t.Fatalf("t-0001 = %+v", tk)
	}
	if m := tk.Messages[1]; !m.FromStaff || m.Author == nil || m.Author.Email != ticket.ImportStaffEmail || m.Internal {
		t.Errorf("staff message = %+v", m)
	}
	if m := tk.Messages[0]; m.FromStaff || m.Author.ID != known.UserID {
		t.Errorf("requester message = %+v", m)
	}
	// Imported tickets are searchable.
	found, err := e.svc.FindTickets(ctx, agent, ticket.Filter{Query: "faktura cykliczna", ExternalID: "t-0001"})
	if err != nil || len(found.Tickets) != 1 {
		t.Errorf("search in imported tickets: %+v, %v", found, err)
	}
	// Unknown requesters became contacts.
	if n := e.count(t, `SELECT count(*) FROM users WHERE source = 'support_email'`); n == 0 {
		t.Error("no contacts created")
	}

	// A message written in the help center survives a re-import, which changes nothing else.
	if _, err := e.svc.Reply(ctx, agent, tk.ID, ticket.StaffReply{Body: "dopisane po imporcie", Internal: true}); err != nil {
		t.Fatal(err)
	}
	res, err = e.importFile(t, strings.NewReader(string(data)), "tickets.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ticket.ImportResult{Updated: 402}, res); diff != "" {
		t.Errorf("re-import (-want +got):\n%s", diff)
	}
	again := counts()
	again[1]-- // the note
	again[3]--
	if again != first {
		t.Errorf("re-import changed counts: %v -> %v", first, again)
	}
	tk2, _ := e.svc.Ticket(ctx, agent, tk.ID)
	if len(tk2.Messages) != 3 || tk2.Messages[2].Body != "dopisane po imporcie" {
		t.Errorf("after re-import: %s", bodies(tk2.Messages))
	}
	found, _ = e.svc.FindTickets(ctx, agent, ticket.Filter{Query: "dopisane", ExternalID: "t-0001"})
	if len(found.Tickets) != 1 {
		t.Error("re-import dropped the words of the message written since from search")
	}

	// A changed line updates its ticket.
	changed := `{"id": "t-0001", "requester_email": "jakub.witkowski@example.com", "subject": "Faktury cykliczne (poprawione)", "body": "x", "channel": "web", "created_at": "2025-01-07T06:00:00Z", "status": "open", "messages": [{"author": "requester", "body": "x", "created_at": "2025-01-07T06:00:00Z"}]}`
	if _, err := e.importFile(t, strings.NewReader(changed), "fix.jsonl"); err != nil {
		t.Fatal(err)
	}
	tk3, _ := e.svc.Ticket(ctx, agent, tk.ID)
	if tk3.Subject != "Faktury cykliczne (poprawione)" || tk3.Status != ticket.StatusOpen || tk3.SolvedAt != nil || bodies(tk3.Messages) != "x | dopisane po imporcie" {
		t.Errorf("updated ticket = %q %s %v: %s", tk3.Subject, tk3.Status, tk3.SolvedAt, bodies(tk3.Messages))
	}
}

func TestImportReportsLineNumbersAndSavesNothing(t *testing.T) {
	e := newEnv(t)
	good := `{"id": "a-1", "requester_email": "a@example.com", "subject": "Dobre", "body": "ok", "channel": "web", "created_at": "2025-01-07T06:00:00Z", "status": "new", "messages": []}`
	file := strings.Join([]string{
		good,
		``,
		`not json`,
		`{"id": "a-2", "requester_email": "nope", "subject": "", "body": "", "channel": "fax", "created_at": "yesterday", "status": "done", "messages": [{"author": "bot", "body": "", "created_at": "x"}]}`,
		strings.Replace(good, `"Dobre"`, `"Powtórka"`, 1),
	}, "\n")
	_, err := e.importFile(t, strings.NewReader(file), "bad.jsonl")
	if err == nil {
		t.Fatal("a bad file imported")
	}
	msg := err.Error()
	for _, want := range []string{
		"bad.jsonl:3: not a JSON object",
		`bad.jsonl:4: requester_email: "nope" is not an e-mail address`,
		"subject: Podaj temat.",
		`status: unknown "done"`,
		`channel: unknown "fax"`,
		"created_at:",
		`messages[0].author: "bot"`,
		`bad.jsonl:5: id "a-1" repeats line 1`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if n := e.count(t, `SELECT count(*) FROM tickets`); n != 0 {
		t.Errorf("%d tickets saved from a bad file", n)
	}
}
