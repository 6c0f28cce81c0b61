package ticket_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/ticket"
)

func TestInboxFiltersAndSorting(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	anna := e.mustCreateUser(t, "anna@example.com", "Anna", "", "")
	bob := e.mustCreateUser(t, "bob@example.com", "Bob", "", "")
	agent := e.mustCreateUser(t, "agent@example.com", "Agent", "", "agent")
	other := e.mustCreateUser(t, "other@example.com", "Other", "", "agent")

	// Tickets 1-6, created an hour apart, each in a known state.
	mk := func(who int64, subject, body string) int64 {
		s := anna
		if who == bob.UserID {
			s = bob
		}
		return e.mustCreate(t, s, subject, body).ID
	}
	t1 := mk(anna.UserID, "Faktura korygująca", "Jak wystawić korektę faktury?")
	t2 := mk(bob.UserID, "Usunięte dokumenty", "Przez pomyłkę usunąłem skan.")
	t3 := mk(anna.UserID, "KSeF", "Błąd wysyłki do KSeF")
	t4 := mk(bob.UserID, "Hasło", "Nie pamiętam hasła")
	atc, err := e.svc.CreateRequest(ctx, anna, ticket.NewRequest{Kind: ticket.KindAccountTypeChange, RequestedAccountType: "partner"})
	if err != nil {
		t.Fatal(err)
	}
	t5 := atc.ID
	t6 := mk(bob.UserID, "Eksport do Optimy", "Eksport nie działa")
	base := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	for i, id := range []int64{t1, t2, t3, t4, t5, t6} {
		at := base.Add(time.Duration(i) * time.Hour)
		e.d.Pool.Exec(ctx, `UPDATE tickets SET created_at = $1, updated_at = $1 WHERE id = $2`, at, id)
	}
	e.svc.UpdateTicket(ctx, agent, t2, ticket.TicketUpdate{AssigneeID: &agent.UserID})
	e.svc.Reply(ctx, agent, t2, ticket.StaffReply{Body: "Przywrócę je z kosza.", Status: ticket.StatusPending})
	e.svc.UpdateTicket(ctx, agent, t3, ticket.TicketUpdate{AssigneeID: &other.UserID, Status: ptr(ticket.StatusSolved)})
	e.svc.Reply(ctx, agent, t4, ticket.StaffReply{Body: "Sprawdzam logi serwera NOTATKA", Internal: true})
	e.svc.UpdateTicket(ctx, agent, t6, ticket.TicketUpdate{Status: ptr(ticket.StatusClosed)})
	// t4 was touched last by its note, t6 by its closing, t3, t2 before them.
	e.d.Pool.Exec(ctx, `UPDATE tickets SET updated_at = $1 WHERE id = $2`, base.Add(10*time.Hour), t2)
	e.d.Pool.Exec(ctx, `UPDATE tickets SET updated_at = $1 WHERE id = $2`, base.Add(11*time.Hour), t3)
	e.d.Pool.Exec(ctx, `UPDATE tickets SET updated_at = $1 WHERE id = $2`, base.Add(12*time.Hour), t6)
	e.d.Pool.Exec(ctx, `UPDATE tickets SET updated_at = $1 WHERE id = $2`, base.Add(13*time.Hour), t4)

	tests := []struct {
		name string
		f    ticket.Filter
		want []int64
	}{
		{"everything, newest first", ticket.Filter{}, []int64{t6, t5, t4, t3, t2, t1}},
		{"oldest first", ticket.Filter{Sort: ticket.SortOldest}, []int64{t1, t2, t3, t4, t5, t6}},
		{"recently updated", ticket.Filter{Sort: ticket.SortUpdated}, []int64{t4, t6, t3, t2, t5, t1}},
		{"status new", ticket.Filter{Status: "new"}, []int64{t5, t4, t1}},
		{"status pending", ticket.Filter{Status: "pending"}, []int64{t2}},
		{"unsolved", ticket.Filter{Status: ticket.StatusUnsolved}, []int64{t5, t4, t2, t1}},
		{"unsolved, oldest first", ticket.Filter{Status: ticket.StatusUnsolved, Sort: ticket.SortOldest}, []int64{t1, t2, t4, t5}},
		{"closed", ticket.Filter{Status: "closed"}, []int64{t6}},
		{"mine", ticket.Filter{Assignee: "me"}, []int64{t2}},
		{"someone's", ticket.Filter{Assignee: strconv.FormatInt(other.UserID, 10)}, []int64{t3}},
		{"unassigned", ticket.Filter{Assignee: "none"}, []int64{t6, t5, t4, t1}},
		{"unassigned and unsolved", ticket.Filter{Assignee: "none", Status: ticket.StatusUnsolved}, []int64{t5, t4, t1}},
		{"account-type changes", ticket.Filter{Kind: "account_type_change"}, []int64{t5}},
		{"questions", ticket.Filter{Kind: "question", Status: "new"}, []int64{t4, t1}},
		{"a requester's", ticket.Filter{RequesterID: bob.UserID}, []int64{t6, t4, t2}},
		{"search: other inflection", ticket.Filter{Query: "faktura"}, []int64{t1}},
		{"search: no diacritics", ticket.Filter{Query: "usuniete dokumenty"}, []int64{t2}},
		{"search: staff reply words", ticket.Filter{Query: "kosza"}, []int64{t2}},
		{"search: internal note words", ticket.Filter{Query: "notatka serwera"}, []int64{t4}},
		{"search: every word must match", ticket.Filter{Query: "faktura hasło"}, nil},
		{"search: stop words are ignored", ticket.Filter{Query: "jak się wystawić korektę?"}, []int64{t1}},
		{"search: ticket number", ticket.Filter{Query: "#" + strconv.FormatInt(t3, 10)}, []int64{t3}},
		{"search: requester e-mail", ticket.Filter{Query: "BOB@example.com", Status: "closed"}, []int64{t6}},
		{"search: punctuation only", ticket.Filter{Query: "!!! ???"}, nil},
		{"search: query syntax is plain text", ticket.Filter{Query: "faktur:* | hasło & !x"}, nil},
		{"search with filters", ticket.Filter{Query: "ksef", Status: "solved", Assignee: strconv.FormatInt(other.UserID, 10)}, []int64{t3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := e.svc.FindTickets(ctx, agent, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, tk := range page.Tickets {
				got = append(got, tk.ID)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("tickets (-want +got):\n%s", diff)
			}
			if page.NextCursor != "" {
				t.Errorf("a short list has a next cursor %q", page.NextCursor)
			}
		})
	}

	page, err := e.svc.FindTickets(ctx, agent, ticket.Filter{Query: "korekta"})
	if err != nil || len(page.Tickets) != 1 {
		t.Fatalf("search = %+v, %v", page, err)
	}
	got := page.Tickets[0]
	if got.Requester.Email != "anna@example.com" || got.Preview != "Jak wystawić korektę faktury?" || got.Assignee != nil {
		t.Errorf("list entry = %+v", got)
	}
	page, _ = e.svc.FindTickets(ctx, agent, ticket.Filter{Assignee: "me"})
	if a := page.Tickets[0].Assignee; a == nil || a.Name != "Agent" {
		t.Errorf("assignee = %+v", a)
	}
}

func TestInboxRejectsBadFilters(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	agent := e.mustCreateUser(t, "agent@example.com", "Agent", "", "agent")
	customer := e.mustCreateUser(t, "c@example.com", "C", "", "")
	tests := []struct {
		name string
		f    ticket.Filter
		want []string
	}{
		{"status", ticket.Filter{Status: "done"}, []string{"status"}},
		{"kind", ticket.Filter{Kind: "spam"}, []string{"kind"}},
		{"assignee word", ticket.Filter{Assignee: "someone"}, []string{"assignee"}},
		{"assignee customer", ticket.Filter{Assignee: strconv.FormatInt(customer.UserID, 10)}, []string{"assignee"}},
		{"sort", ticket.Filter{Sort: "random"}, []string{"sort"}},
		{"cursor garbage", ticket.Filter{Cursor: "???"}, []string{"cursor"}},
		{"cursor of another sort", ticket.Filter{Sort: ticket.SortOldest, Cursor: "bmV3ZXN0LjEuMQ"}, []string{"cursor"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.FindTickets(ctx, agent, tt.f)
			wantCode(t, err, apperr.Invalid)
			if diff := cmp.Diff(tt.want, fieldsOf(err)); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

func TestKeysetPagination(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	anna := e.mustCreateUser(t, "anna@example.com", "Anna", "", "")
	agent := e.mustCreateUser(t, "agent@example.com", "Agent", "", "agent")
	var all []int64
	for i := 0; i < 23; i++ {
		all = append(all, e.mustCreate(t, anna, "Pytanie "+strconv.Itoa(i), "treść").ID)
	}
	// Ties on the timestamp are broken by id.
	e.d.Pool.Exec(ctx, `UPDATE tickets SET created_at = '2025-05-05T10:00:00Z', updated_at = '2025-05-05T10:00:00Z' WHERE id % 3 = 0`)

	for _, sort := range ticket.Sorts {
		t.Run(string(sort), func(t *testing.T) {
			var want []int64
			full, err := e.svc.FindTickets(ctx, agent, ticket.Filter{Sort: sort, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			for _, tk := range full.Tickets {
				want = append(want, tk.ID)
			}
			var got []int64
			cursor := ""
			for pages := 0; ; pages++ {
				page, err := e.svc.FindTickets(ctx, agent, ticket.Filter{Sort: sort, Limit: 5, Cursor: cursor})
				if err != nil {
					t.Fatal(err)
				}
				for _, tk := range page.Tickets {
					got = append(got, tk.ID)
				}
				if cursor = page.NextCursor; cursor == "" {
					break
				}
				if pages > 10 {
					t.Fatal("pagination does not end")
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("pages joined (-want +got):\n%s", diff)
			}
			if s := slices.Clone(got); len(slices.Compact(slicesSorted(s))) != len(all) {
				t.Errorf("pages hold %d distinct tickets, want %d", len(s), len(all))
			}
		})
	}

	// A text search pages the same way, whichever of its steps finds the page: with a
	// window of 2 and a cap of 4, pages of 2 come from the window, pages of 5 from the
	// ordered walk (23 matches > 4), and with a cap of 100 from the sorted matches.
	for _, tc := range []struct{ limit, window, cap int }{{2, 2, 4}, {5, 2, 4}, {5, 2, 100}, {30, 3000, 5000}} {
		limit := tc.limit
		restore := ticket.SetTextSearchBounds(tc.window, tc.cap)
		var got []int64
		cursor := ""
		for {
			page, err := e.svc.FindTickets(ctx, agent, ticket.Filter{Query: "pytanie", Limit: limit, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			for _, tk := range page.Tickets {
				got = append(got, tk.ID)
			}
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		var want []int64
		full, _ := e.svc.FindTickets(ctx, agent, ticket.Filter{Limit: 100})
		for _, tk := range full.Tickets {
			want = append(want, tk.ID)
		}
		restore()
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("search pages of %d with window %d and cap %d (-want +got):\n%s", limit, tc.window, tc.cap, diff)
		}
	}

	// My activities pages the same way.
	var mine []int64
	cursor := ""
	for {
		page, err := e.svc.MyRequests(ctx, anna, ticket.ListOptions{Limit: 10, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, tk := range page.Tickets {
			mine = append(mine, tk.ID)
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	if len(mine) != len(all) {
		t.Errorf("My activities pages hold %d requests, want %d", len(mine), len(all))
	}
}

func slicesSorted(s []int64) []int64 { slices.Sort(s); return s }
