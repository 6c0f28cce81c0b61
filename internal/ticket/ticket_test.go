package ticket_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/audit"
	"github.com/helpcenter/helpcenter/internal/ticket"
	"github.com/helpcenter/helpcenter/policy"
)

func TestCustomerSubmitsAndSeesItInMyActivities(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	anna := e.mustCreateUser(t, "anna@example.com", "Anna Nowak", "", "")

	first := e.mustCreate(t, anna, "Jak wystawić fakturę?", "Dzień dobry,\r\nnie widzę przycisku.")
	second, err := e.svc.CreateRequest(ctx, anna, ticket.NewRequest{Subject: "  Drugie\n pytanie ", Body: "Treść", Channel: ticket.ChannelAPI,
		Email: "ignored@example.com", Name: "Ignored"})
	if err != nil {
		t.Fatal(err)
	}
	if second.Requester.ID != anna.UserID || second.Subject != "Drugie pytanie" || second.Channel != ticket.ChannelAPI || second.Status != ticket.StatusNew {
		t.Errorf("second request = %+v", second)
	}

	page, err := e.svc.MyRequests(ctx, anna, ticket.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, tk := range page.Tickets {
		got = append(got, tk.ID)
		if tk.Assignee != nil {
			t.Errorf("customer list shows the assignee: %+v", tk)
		}
	}
	if diff := cmp.Diff([]int64{second.ID, first.ID}, got); diff != "" {
		t.Errorf("My activities, newest first (-want +got):\n%s", diff)
	}

	tk, err := e.svc.MyRequest(ctx, anna, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(tk.Messages) != 1 || tk.Messages[0].Body != "Dzień dobry,\nnie widzę przycisku." || tk.Messages[0].FromStaff {
		t.Errorf("first message = %+v", tk.Messages)
	}

	mails := e.mail.to("anna@example.com")
	if len(mails) != 2 || !strings.Contains(mails[0].Text, "http://localhost:8080/requests/"+strconv.FormatInt(first.ID, 10)) ||
		!strings.Contains(mails[0].Text, "nie widzę przycisku") {
		t.Errorf("confirmation mails = %+v", mails)
	}
}

func TestAnonymousRequestCreatesContact(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.mustCreateUser(t, "registered@example.com", "Registered Name", "partner", "")

	tk, err := e.svc.CreateRequest(ctx, policy.Anonymous, ticket.NewRequest{
		Subject: "Pytanie", Body: "Czy mogę?", Email: "Jan.Kowalski@Example.COM", Name: "Jan Kowalski"})
	if err != nil {
		t.Fatal(err)
	}
	var source, name string
	if err := e.d.Pool.QueryRow(ctx, `SELECT source, name FROM users WHERE id = $1`, tk.Requester.ID).Scan(&source, &name); err != nil {
		t.Fatal(err)
	}
	if source != "support_email" || name != "Jan Kowalski" || tk.Requester.Email != "Jan.Kowalski@example.com" {
		t.Errorf("contact = %s %q %q", source, name, tk.Requester.Email)
	}
	// The same address again (any case) is the same contact.
	again, err := e.svc.CreateRequest(ctx, policy.Anonymous, ticket.NewRequest{Subject: "Znowu", Body: "Tak", Email: "jan.kowalski@example.com", Name: "J. K."})
	if err != nil || again.Requester.ID != tk.Requester.ID {
		t.Fatalf("second anonymous request: %+v, %v", again, err)
	}
	// A visitor typing a registered address files the request for that user without
	// renaming them.
	reg, err := e.svc.CreateRequest(ctx, policy.Anonymous, ticket.NewRequest{Subject: "Hej", Body: "Hej", Email: "registered@example.com", Name: "Someone Else"})
	if err != nil {
		t.Fatal(err)
	}
	if reg.Requester.Name != "Registered Name" || reg.Requester.AccountType != "partner" {
		t.Errorf("requester = %+v", reg.Requester)
	}
	// The visitor's confirmation does not relay their text to the address they typed.
	for _, m := range e.mail.to("registered@example.com") {
		if strings.Contains(m.Text, "> Hej") {
			t.Errorf("visitor confirmation quotes the message: %q", m.Text)
		}
	}
	if n := e.count(t, `SELECT count(*) FROM users`); n != 2 {
		t.Errorf("users = %d, want 2", n)
	}
}

func TestCreateRequestRejectsBadInput(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	customer := e.mustCreateUser(t, "c@example.com", "C", "accountant", "")
	long := func(n int) string { return strings.Repeat("ą", n) }
	tests := []struct {
		name string
		sub  policy.Subject
		in   ticket.NewRequest
		want []string
	}{
		{"empty subject and body", customer, ticket.NewRequest{Subject: "  ", Body: "\n\t"}, []string{"subject", "body"}},
		{"subject too long", customer, ticket.NewRequest{Subject: long(ticket.MaxSubjectLen + 1), Body: "x"}, []string{"subject"}},
		{"body too long", customer, ticket.NewRequest{Subject: "x", Body: long(ticket.MaxBodyLen + 1)}, []string{"body"}},
		{"visitor without e-mail and name", policy.Anonymous, ticket.NewRequest{Subject: "x", Body: "y"}, []string{"email", "name"}},
		{"visitor with bad e-mail", policy.Anonymous, ticket.NewRequest{Subject: "x", Body: "y", Email: "jan@", Name: "Jan"}, []string{"email"}},
		{"visitor with display-name e-mail", policy.Anonymous, ticket.NewRequest{Subject: "x", Body: "y", Email: "Jan <jan@example.com>", Name: "Jan"}, []string{"email"}},
		{"visitor with name too long", policy.Anonymous, ticket.NewRequest{Subject: "x", Body: "y", Email: "jan@example.com", Name: long(201)}, []string{"name"}},
		{"unknown kind", customer, ticket.NewRequest{Subject: "x", Body: "y", Kind: "refund"}, []string{"kind"}},
		{"account type change without a type", customer, ticket.NewRequest{Kind: ticket.KindAccountTypeChange}, []string{"requested_account_type"}},
		{"unknown account type", customer, ticket.NewRequest{Kind: ticket.KindAccountTypeChange, RequestedAccountType: "vip", Subject: "x", Body: "y"}, []string{"requested_account_type"}},
		{"the type the customer already has", customer, ticket.NewRequest{Kind: ticket.KindAccountTypeChange, RequestedAccountType: "accountant"}, []string{"requested_account_type"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.CreateRequest(ctx, tt.sub, tt.in)
			wantCode(t, err, apperr.Invalid)
			if diff := cmp.Diff(tt.want, fieldsOf(err)); diff != "" {
				t.Errorf("invalid fields (-want +got):\n%s", diff)
			}
		})
	}
	if n := e.count(t, `SELECT (SELECT count(*) FROM tickets) + (SELECT count(*) FROM ticket_messages) + (SELECT count(*) FROM users) - 1`); n != 0 {
		t.Errorf("bad input saved %d rows", n)
	}
	if m := e.mail.all(); len(m) != 0 {
		t.Errorf("bad input sent mail: %+v", m)
	}
}

func TestNothingHalfSavedWhenMailFails(t *testing.T) {
	e := newEnv(t)
	c := e.mustCreateUser(t, "c@example.com", "C", "", "")
	e.mail.fails = true
	if _, err := e.svc.CreateRequest(context.Background(), c, ticket.NewRequest{Subject: "x", Body: "y"}); err == nil {
		t.Fatal("CreateRequest succeeded although the mail could not be queued")
	}
	if n := e.count(t, `SELECT count(*) FROM tickets`); n != 0 {
		t.Errorf("%d tickets saved without their confirmation", n)
	}
}

func TestAnotherCustomersRequestIsNotFound(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	anna := e.mustCreateUser(t, "anna@example.com", "Anna", "", "")
	bob := e.mustCreateUser(t, "bob@example.com", "Bob", "", "")
	annas := e.mustCreate(t, anna, "Anny sprawa", "prywatne")

	_, errOther := e.svc.MyRequest(ctx, bob, annas.ID)
	wantCode(t, errOther, apperr.NotFound)
	_, errMissing := e.svc.MyRequest(ctx, bob, annas.ID+1000)
	if errOther.Error() != errMissing.Error() {
		t.Errorf("another's request (%v) and a missing one (%v) answer differently", errOther, errMissing)
	}
	_, err := e.svc.ReplyAsRequester(ctx, bob, annas.ID, "wtrącam się")
	wantCode(t, err, apperr.NotFound)
	page, err := e.svc.MyRequests(ctx, bob, ticket.ListOptions{})
	if err != nil || len(page.Tickets) != 0 {
		t.Errorf("Bob's list = %+v, %v", page, err)
	}
	_, err = e.svc.MyRequest(ctx, policy.Anonymous, annas.ID)
	wantCode(t, err, apperr.Unauthorized)
	_, err = e.svc.MyRequests(ctx, policy.Anonymous, ticket.ListOptions{})
	wantCode(t, err, apperr.Unauthorized)
	// Staff reading as a customer sees only their own requests too.
	agent := e.mustCreateUser(t, "agent@example.com", "Agent", "", "agent")
	_, err = e.svc.MyRequest(ctx, agent, annas.ID)
	wantCode(t, err, apperr.NotFound)
	if n := e.count(t, `SELECT count(*) FROM ticket_messages`); n != 1 {
		t.Errorf("messages = %d, want only Anna's", n)
	}
}

func TestInternalNotesNeverReachTheCustomer(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	anna := e.mustCreateUser(t, "anna@example.com", "Anna", "", "")
	agent := e.mustCreateUser(t, "agent@example.com", "Ewa Agent", "", "agent")
	tk := e.mustCreate(t, anna, "Pytanie", "Treść pytania")

	const secret = "NOTATKA-WEWNETRZNA klient marudzi"
	if _, err := e.svc.Reply(ctx, agent, tk.ID, ticket.StaffReply{Body: secret, Internal: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Reply(ctx, agent, tk.ID, ticket.StaffReply{Body: "Odpowiedź publiczna"}); err != nil {
		t.Fatal(err)
	}

	mine, err := e.svc.MyRequest(ctx, anna, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := bodies(mine.Messages); strings.Contains(got, secret) || got != "Treść pytania | Odpowiedź publiczna" {
		t.Errorf("customer sees %q", got)
	}
	for _, m := range mine.Messages {
		if m.Author != nil && m.FromStaff && m.Author.Email != "" {
			t.Errorf("customer sees the agent's address: %+v", m.Author)
		}
	}
	for _, m := range e.mail.all() {
		if strings.Contains(m.Text, secret) || strings.Contains(m.Subject, secret) {
			t.Errorf("mail to %s carries the internal note", m.To)
		}
	}
	replies := e.mail.to("anna@example.com")
	if len(replies) != 2 || !strings.Contains(replies[1].Text, "Odpowiedź publiczna") || !strings.Contains(replies[1].Text, "Ewa Agent") {
		t.Errorf("mails to the customer = %+v", replies)
	}

	staffView, err := e.svc.Ticket(ctx, agent, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(staffView.Messages) != 3 || !staffView.Messages[1].Internal || !staffView.Messages[1].FromStaff {
		t.Errorf("staff view = %+v", staffView.Messages)
	}
}

func TestStatusMachine(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	anna := e.mustCreateUser(t, "anna@example.com", "Anna", "", "")
	agent := e.mustCreateUser(t, "agent@example.com", "Agent", "", "agent")

	type step struct {
		who    string // "customer", "reply", "note", "set"
		status ticket.Status
		want   ticket.Status
		err    apperr.Code
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"a public reply opens a new request", []step{{who: "reply", want: ticket.StatusOpen}}},
		{"a reply may set pending", []step{{who: "reply", status: ticket.StatusPending, want: ticket.StatusPending}}},
		{"a note leaves a new request new", []step{{who: "note", want: ticket.StatusNew}}},
		{"the customer adding to a new request keeps it new", []step{{who: "customer", want: ticket.StatusNew}}},
		{"the customer answering pending reopens", []step{{who: "reply", status: ticket.StatusPending, want: ticket.StatusPending}, {who: "customer", want: ticket.StatusOpen}}},
		{"a customer reply reopens solved", []step{{who: "reply", status: ticket.StatusSolved, want: ticket.StatusSolved}, {who: "customer", want: ticket.StatusOpen}}},
		{"closed takes no customer reply", []step{{who: "set", status: ticket.StatusClosed, want: ticket.StatusClosed}, {who: "customer", err: apperr.Conflict}}},
		{"closed takes no public reply", []step{{who: "set", status: ticket.StatusClosed, want: ticket.StatusClosed}, {who: "reply", err: apperr.Conflict}}},
		{"closed takes an internal note", []step{{who: "set", status: ticket.StatusClosed, want: ticket.StatusClosed}, {who: "note", want: ticket.StatusClosed}}},
		{"closed cannot be reopened by staff", []step{{who: "set", status: ticket.StatusClosed, want: ticket.StatusClosed}, {who: "set", status: ticket.StatusOpen, err: apperr.Conflict}}},
		{"status new cannot be set", []step{{who: "set", status: ticket.StatusNew, err: apperr.Invalid}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tk := e.mustCreate(t, anna, tt.name, "treść")
			for i, s := range tt.steps {
				var err error
				switch s.who {
				case "customer":
					_, err = e.svc.ReplyAsRequester(ctx, anna, tk.ID, "od klienta")
				case "reply", "note":
					_, err = e.svc.Reply(ctx, agent, tk.ID, ticket.StaffReply{Body: "od agenta", Internal: s.who == "note", Status: s.status})
				case "set":
					_, err = e.svc.UpdateTicket(ctx, agent, tk.ID, ticket.TicketUpdate{Status: &s.status})
				}
				if s.err != "" {
					wantCode(t, err, s.err)
					continue
				}
				if err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
				got, err := e.svc.Ticket(ctx, agent, tk.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.Status != s.want {
					t.Fatalf("step %d (%s): status %s, want %s", i, s.who, got.Status, s.want)
				}
				if (got.SolvedAt != nil) != (s.want == ticket.StatusSolved || s.want == ticket.StatusClosed) {
					t.Errorf("step %d: solved_at = %v with status %s", i, got.SolvedAt, got.Status)
				}
			}
		})
	}
}

func TestStaffPermissions(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	anna := e.mustCreateUser(t, "anna@example.com", "Anna", "", "")
	agent := e.mustCreateUser(t, "agent@example.com", "Agent", "", "agent")
	editor := e.mustCreateUser(t, "editor@example.com", "Editor", "", "editor") // ticket:read only
	tk := e.mustCreate(t, anna, "Pytanie", "treść")
	open := ticket.StatusOpen

	tests := []struct {
		name string
		call func() error
		want apperr.Code
	}{
		{"customer cannot list the inbox", func() error { _, err := e.svc.FindTickets(ctx, anna, ticket.Filter{}); return err }, apperr.Forbidden},
		{"visitor cannot list the inbox", func() error { _, err := e.svc.FindTickets(ctx, policy.Anonymous, ticket.Filter{}); return err }, apperr.Unauthorized},
		{"customer cannot read a ticket as staff, not even their own", func() error { _, err := e.svc.Ticket(ctx, anna, tk.ID); return err }, apperr.Forbidden},
		{"customer cannot reply as staff", func() error {
			_, err := e.svc.Reply(ctx, anna, tk.ID, ticket.StaffReply{Body: "x"})
			return err
		}, apperr.Forbidden},
		{"without ticket:reply no reply", func() error {
			_, err := e.svc.Reply(ctx, editor, tk.ID, ticket.StaffReply{Body: "x"})
			return err
		}, apperr.Forbidden},
		{"without ticket:reply no note", func() error {
			_, err := e.svc.Reply(ctx, editor, tk.ID, ticket.StaffReply{Body: "x", Internal: true})
			return err
		}, apperr.Forbidden},
		{"without ticket:assign no status change", func() error {
			_, err := e.svc.UpdateTicket(ctx, editor, tk.ID, ticket.TicketUpdate{Status: &open})
			return err
		}, apperr.Forbidden},
		{"without ticket:assign no assignment", func() error {
			_, err := e.svc.UpdateTicket(ctx, editor, tk.ID, ticket.TicketUpdate{AssigneeID: &agent.UserID})
			return err
		}, apperr.Forbidden},
		{"without ticket:assign no bulk change", func() error {
			_, err := e.svc.BulkUpdate(ctx, editor, []int64{tk.ID}, ticket.TicketUpdate{Status: &open})
			return err
		}, apperr.Forbidden},
		{"without user:manage no account-type decision", func() error {
			_, err := e.svc.DecideAccountType(ctx, agent, tk.ID, true, "")
			return err
		}, apperr.Forbidden},
		{"editor may read", func() error { _, err := e.svc.Ticket(ctx, editor, tk.ID); return err }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantCode(t, tt.call(), tt.want) })
	}
	// Removing ticket:reply from the agent role takes effect on the next call.
	if _, err := e.d.Pool.Exec(ctx, `DELETE FROM casbin_rule WHERE v0 = 'role:agent' AND v1 = 'ticket' AND v2 = 'reply'`); err != nil {
		t.Fatal(err)
	}
	if err := e.pol.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	_, err := e.svc.Reply(ctx, agent, tk.ID, ticket.StaffReply{Body: "x"})
	wantCode(t, err, apperr.Forbidden)
	if n := e.count(t, `SELECT count(*) FROM ticket_messages`); n != 1 {
		t.Errorf("refused calls left %d messages", n)
	}
	if n := e.count(t, `SELECT count(*) FROM audit_log WHERE action LIKE 'ticket.%'`); n != 0 {
		t.Errorf("refused calls left %d audit entries", n)
	}
}

func TestStaffActionsAreAudited(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	anna := e.mustCreateUser(t, "anna@example.com", "Anna", "", "")
	agent := e.mustCreateUser(t, "agent@example.com", "Agent", "", "agent")
	admin := e.mustCreateUser(t, "admin@example.com", "Admin", "", "admin")
	tk := e.mustCreate(t, anna, "Pytanie", "treść")
	atc, err := e.svc.CreateRequest(ctx, anna, ticket.NewRequest{Kind: ticket.KindAccountTypeChange, RequestedAccountType: "partner"})
	if err != nil {
		t.Fatal(err)
	}

	if _, err := e.svc.UpdateTicket(ctx, agent, tk.ID, ticket.TicketUpdate{AssigneeID: &agent.UserID}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Reply(ctx, agent, tk.ID, ticket.StaffReply{Body: "notatka", Internal: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Reply(ctx, agent, tk.ID, ticket.StaffReply{Body: "odpowiedź", Status: ticket.StatusPending}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.UpdateTicket(ctx, agent, tk.ID, ticket.TicketUpdate{AssigneeID: ptr(int64(0))}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.DecideAccountType(ctx, admin, atc.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	// A no-op change is not an action.
	if _, err := e.svc.UpdateTicket(ctx, agent, tk.ID, ticket.TicketUpdate{Status: ptr(ticket.StatusPending)}); err != nil {
		t.Fatal(err)
	}

	entries, err := audit.Find(ctx, e.d.Bun, audit.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ Actor, Action, Object, Before, After string }
	var got []row
	for i := len(entries) - 1; i >= 0; i-- {
		en := entries[i]
		got = append(got, row{en.Actor, en.Action, en.Object, string(en.Before), string(en.After)})
	}
	obj, atcObj := "ticket:"+strconv.FormatInt(tk.ID, 10), "ticket:"+strconv.FormatInt(atc.ID, 10)
	aid := strconv.FormatInt(agent.UserID, 10)
	want := []row{
		{"agent@example.com", "ticket.update", obj, `{"status": "new"}`, `{"status": "new", "assignee_id": ` + aid + `}`},
		{"agent@example.com", "ticket.note", obj, `{"status": "new"}`, `{"status": "new", "message_id": 3}`},
		{"agent@example.com", "ticket.reply", obj, `{"status": "new"}`, `{"status": "pending", "message_id": 4}`},
		{"agent@example.com", "ticket.update", obj, `{"status": "pending", "assignee_id": ` + aid + `}`, `{"status": "pending"}`},
		{"admin@example.com", "user.account_type", "user:" + strconv.FormatInt(anna.UserID, 10), `{"account_type": null}`, `{"account_type": "partner"}`},
		{"admin@example.com", "ticket.account_type_approved", atcObj, `{"status": "new"}`, `{"status": "solved", "decision": "approved", "message_id": 5, "account_type": "partner"}`},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("audit log (-want +got):\n%s", diff)
	}
}

func TestUpdateRejectsBadValues(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	anna := e.mustCreateUser(t, "anna@example.com", "Anna", "", "")
	agent := e.mustCreateUser(t, "agent@example.com", "Agent", "", "agent")
	blocked := e.mustCreateUser(t, "gone@example.com", "Gone", "", "agent")
	e.d.Pool.Exec(ctx, `UPDATE users SET blocked_at = now() WHERE id = $1`, blocked.UserID)
	tk := e.mustCreate(t, anna, "Pytanie", "treść")

	tests := []struct {
		name string
		u    ticket.TicketUpdate
		want []string
	}{
		{"unknown status", ticket.TicketUpdate{Status: ptr(ticket.Status("done"))}, []string{"status"}},
		{"a customer as assignee", ticket.TicketUpdate{AssigneeID: &anna.UserID}, []string{"assignee_id"}},
		{"a missing user as assignee", ticket.TicketUpdate{AssigneeID: ptr(int64(99999))}, []string{"assignee_id"}},
		{"a blocked agent as assignee", ticket.TicketUpdate{AssigneeID: &blocked.UserID}, []string{"assignee_id"}},
		{"both at once", ticket.TicketUpdate{Status: ptr(ticket.Status("x")), AssigneeID: &anna.UserID}, []string{"status", "assignee_id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.UpdateTicket(ctx, agent, tk.ID, tt.u)
			wantCode(t, err, apperr.Invalid)
			if diff := cmp.Diff(tt.want, fieldsOf(err)); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
	_, err := e.svc.Reply(ctx, agent, tk.ID, ticket.StaffReply{Body: " ", Status: "bogus"})
	if diff := cmp.Diff([]string{"body", "status"}, fieldsOf(err)); diff != "" {
		t.Errorf("reply fields (-want +got):\n%s", diff)
	}
	_, err = e.svc.UpdateTicket(ctx, agent, tk.ID+100, ticket.TicketUpdate{Status: ptr(ticket.StatusOpen)})
	wantCode(t, err, apperr.NotFound)
	// A bulk change with one bad ticket changes none.
	other := e.mustCreate(t, anna, "Inne", "treść")
	_, err = e.svc.BulkUpdate(ctx, agent, []int64{other.ID, tk.ID + 100}, ticket.TicketUpdate{Status: ptr(ticket.StatusPending)})
	wantCode(t, err, apperr.NotFound)
	if n := e.count(t, `SELECT count(*) FROM tickets WHERE status <> 'new' OR assignee_id IS NOT NULL`); n != 0 {
		t.Errorf("%d tickets changed by refused updates", n)
	}
	if n := e.count(t, `SELECT count(*) FROM audit_log`); n != 0 {
		t.Errorf("%d audit entries for refused updates", n)
	}
}

func TestBulkUpdate(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	anna := e.mustCreateUser(t, "anna@example.com", "Anna", "", "")
	agent := e.mustCreateUser(t, "agent@example.com", "Agent", "", "agent")
	a, b := e.mustCreate(t, anna, "A", "a"), e.mustCreate(t, anna, "B", "b")
	n, err := e.svc.BulkUpdate(ctx, agent, []int64{a.ID, b.ID, a.ID}, ticket.TicketUpdate{AssigneeID: &agent.UserID})
	if err != nil || n != 2 {
		t.Fatalf("BulkUpdate = %d, %v", n, err)
	}
	page, err := e.svc.FindTickets(ctx, agent, ticket.Filter{Assignee: "me"})
	if err != nil || len(page.Tickets) != 2 {
		t.Fatalf("mine after bulk assignment = %+v, %v", page, err)
	}
	_, err = e.svc.BulkUpdate(ctx, agent, nil, ticket.TicketUpdate{AssigneeID: &agent.UserID})
	wantCode(t, err, apperr.Invalid)
	_, err = e.svc.BulkUpdate(ctx, agent, []int64{a.ID}, ticket.TicketUpdate{})
	wantCode(t, err, apperr.Invalid)
}

func TestAccountTypeApprovalChangesWhatTheCustomerReads(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	anna := e.mustCreateUser(t, "anna@example.com", "Anna", "", "")
	admin := e.mustCreateUser(t, "admin@example.com", "Admin", "", "admin")

	req, err := e.svc.CreateRequest(ctx, anna, ticket.NewRequest{Kind: ticket.KindAccountTypeChange, RequestedAccountType: "accountant"})
	if err != nil {
		t.Fatal(err)
	}
	if req.Subject != "Zmiana typu konta na „Księgowy”" || !strings.Contains(req.Messages[0].Body, "Księgowy") {
		t.Errorf("default subject/body = %q / %q", req.Subject, req.Messages[0].Body)
	}
	if slicesContain(e.pol.Audiences(e.subjectFromDB(t, anna.UserID)), "accountant") {
		t.Fatal("customer reads accountant content before approval")
	}

	got, err := e.svc.DecideAccountType(ctx, admin, req.ID, true, "Witamy w gronie księgowych.")
	if err != nil {
		t.Fatal(err)
	}
	if got.Decision != ticket.DecisionApproved || got.Status != ticket.StatusSolved || got.Requester.AccountType != "accountant" || got.DecidedBy == nil || got.DecidedBy.ID != admin.UserID {
		t.Errorf("decided ticket = %+v", got)
	}
	if aud := e.pol.Audiences(e.subjectFromDB(t, anna.UserID)); !slicesContain(aud, "accountant") {
		t.Errorf("after approval the customer reads %v", aud)
	}
	mine, _ := e.svc.MyRequest(ctx, anna, req.ID)
	if last := mine.Messages[len(mine.Messages)-1]; !last.FromStaff || !strings.Contains(last.Body, "Witamy w gronie księgowych.") {
		t.Errorf("customer's last message = %+v", last)
	}
	if mails := e.mail.to("anna@example.com"); len(mails) != 2 || !strings.Contains(mails[1].Text, "Księgowy") {
		t.Errorf("mails = %+v", mails)
	}
	_, err = e.svc.DecideAccountType(ctx, admin, req.ID, false, "")
	wantCode(t, err, apperr.Conflict)

	// A declined request changes nothing.
	req2, err := e.svc.CreateRequest(ctx, anna, ticket.NewRequest{Kind: ticket.KindAccountTypeChange, RequestedAccountType: "partner"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.DecideAccountType(ctx, admin, req2.ID, false, "Brak umowy partnerskiej."); err != nil {
		t.Fatal(err)
	}
	if s := e.subjectFromDB(t, anna.UserID); s.AccountType != "accountant" {
		t.Errorf("decline changed the type to %q", s.AccountType)
	}
	// Only account-type requests can be decided.
	q := e.mustCreate(t, anna, "Pytanie", "treść")
	_, err = e.svc.DecideAccountType(ctx, admin, q.ID, true, "")
	wantCode(t, err, apperr.Conflict)
}

func TestTicketsWithMessages(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	anna := e.mustCreateUser(t, "anna@example.com", "Anna", "office_client", "")
	agent := e.mustCreateUser(t, "agent@example.com", "Agent", "", "agent")
	a, b := e.mustCreate(t, anna, "A", "pytanie A"), e.mustCreate(t, anna, "B", "pytanie B")
	e.svc.Reply(ctx, agent, a.ID, ticket.StaffReply{Body: "notatka", Internal: true})
	e.svc.Reply(ctx, agent, a.ID, ticket.StaffReply{Body: "odpowiedź", Status: ticket.StatusSolved})

	got, err := e.svc.TicketsWithMessages(ctx, agent, []int64{b.ID, 12345, a.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != b.ID || got[1].ID != a.ID {
		t.Fatalf("order = %+v", got)
	}
	if got[1].Requester.AccountType != "office_client" || bodies(got[1].Messages) != "pytanie A | notatka | odpowiedź" ||
		!got[1].Messages[1].Internal || !got[1].Messages[2].FromStaff || got[1].Messages[0].FromStaff {
		t.Errorf("ticket A = %+v", got[1])
	}
	_, err = e.svc.TicketsWithMessages(ctx, anna, []int64{a.ID})
	wantCode(t, err, apperr.Forbidden)
}

func TestAgentsAreNotifiedWhenTheyAskForIt(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	anna := e.mustCreateUser(t, "anna@example.com", "Anna", "", "")
	ewa := e.mustCreateUser(t, "ewa@example.com", "Ewa", "", "agent")
	e.mustCreateUser(t, "quiet@example.com", "Quiet", "", "agent")
	if err := e.svc.SetAgentSettings(ctx, ewa, ticket.AgentSettings{NotifyNew: true}); err != nil {
		t.Fatal(err)
	}
	if st, err := e.svc.AgentSettings(ctx, ewa); err != nil || !st.NotifyNew {
		t.Fatalf("settings = %+v, %v", st, err)
	}
	tk := e.mustCreate(t, anna, "Nowe pytanie", "treść")
	mails := e.mail.to("ewa@example.com")
	if len(mails) != 1 || !strings.Contains(mails[0].Text, "/admin/tickets/"+strconv.FormatInt(tk.ID, 10)) {
		t.Errorf("agent mails = %+v", mails)
	}
	if m := e.mail.to("quiet@example.com"); len(m) != 0 {
		t.Errorf("agent without the setting got %d mails", len(m))
	}
	err := e.svc.SetAgentSettings(ctx, anna, ticket.AgentSettings{NotifyNew: true})
	wantCode(t, err, apperr.Forbidden)
}

func slicesContain(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
