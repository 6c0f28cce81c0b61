package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/helpcenter/helpcenter/internal/account"
	"github.com/helpcenter/helpcenter/internal/account/accounttest"
	"github.com/helpcenter/helpcenter/internal/app/apptest"
	"github.com/helpcenter/helpcenter/internal/audit"
	"github.com/helpcenter/helpcenter/internal/ticket"
)

// consoleGet fetches a console page as c.
func consoleGet(t *testing.T, s *apptest.Server, c *http.Client, path string) (*http.Response, *goquery.Document) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.URL+path, nil)
	resp, body := apptest.Do(t, c, req)
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return resp, doc
}

// consolePost submits a console form as u, with the session's CSRF token.
func consolePost(t *testing.T, s *apptest.Server, u *accounttest.User, path string, form url.Values) (*http.Response, *goquery.Document) {
	t.Helper()
	form.Set("csrf_token", u.CSRF)
	req, _ := http.NewRequest(http.MethodPost, s.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, body := apptest.Do(t, u.Client, req)
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
	return resp, doc
}

// rowIDs lists the ticket ids of the inbox's rows, in order.
func rowIDs(doc *goquery.Document) []string {
	var out []string
	doc.Find("table.inbox tbody tr").Each(func(_ int, r *goquery.Selection) {
		id, _ := r.Attr("data-ticket-id")
		out = append(out, id)
	})
	return out
}

func idStr(id int64) string { return strconv.FormatInt(id, 10) }

func mustRequest(t *testing.T, s *apptest.Server, u *accounttest.User, subject, body string) *ticket.Ticket {
	t.Helper()
	tk, err := s.Tickets.CreateRequest(context.Background(), u.User.Subject(), ticket.NewRequest{Subject: subject, Body: body})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func TestInboxIsForStaffOnly(t *testing.T) {
	s := apptest.New(t)
	customer := accounttest.Customer(t, s, "accountant")
	tk := mustRequest(t, s, customer, "Pytanie", "treść")
	for _, path := range []string{"/admin/tickets", "/admin/tickets/" + idStr(tk.ID)} {
		if resp, _ := consoleGet(t, s, customer.Client, path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("customer GET %s = %d, want 404", path, resp.StatusCode)
		}
		if resp, _ := consoleGet(t, s, s.Client(), path); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
			t.Errorf("visitor GET %s = %d %s, want a redirect to sign in", path, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	for _, c := range []struct{ path string }{{"/admin/tickets/bulk"}, {"/admin/tickets/" + idStr(tk.ID) + "/messages"}, {"/admin/tickets/" + idStr(tk.ID)}} {
		resp, _ := consolePost(t, s, customer, c.path, url.Values{"ticket_id": {idStr(tk.ID)}, "action": {"assign_me"}, "body": {"x"}, "status": {"solved"}})
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("customer POST %s = %d, want 404", c.path, resp.StatusCode)
		}
	}
	got, _ := s.Tickets.TicketsWithMessages(context.Background(), accounttest.Staff(t, s, "admin").User.Subject(), []int64{tk.ID})
	if len(got[0].Messages) != 1 || got[0].Status != ticket.StatusNew || got[0].Assignee != nil {
		t.Errorf("customer's attempts changed the ticket: %+v", got[0])
	}
}

func TestInboxFiltersPagesAndBulkActions(t *testing.T) {
	s := apptest.New(t)
	ctx := context.Background()
	anna := accounttest.SignIn(t, s, account.NewUser{Email: "anna@example.com", Name: "Anna Nowak"})
	agent := accounttest.Staff(t, s, "agent")
	a := mustRequest(t, s, anna, "Faktura korygująca", "Jak wystawić korektę faktury?")
	b := mustRequest(t, s, anna, "Hasło", "Nie pamiętam hasła")
	c := mustRequest(t, s, anna, "Eksport", "Eksport do Optimy")
	if _, err := s.Tickets.UpdateTicket(ctx, agent.User.Subject(), c.ID, ticket.TicketUpdate{Status: ptr(ticket.StatusSolved)}); err != nil {
		t.Fatal(err)
	}

	resp, doc := consoleGet(t, s, agent.Client, "/admin/tickets")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("inbox = %d", resp.StatusCode)
	}
	if got := strings.Join(rowIDs(doc), ","); got != idStr(b.ID)+","+idStr(a.ID) {
		t.Errorf("default inbox (unsolved, newest first) = %s", got)
	}
	if v, _ := doc.Find(`#f-status option[selected]`).Attr("value"); v != "unsolved" {
		t.Errorf("status filter shows %q", v)
	}
	row := doc.Find(`tr[data-ticket-id="` + idStr(a.ID) + `"]`)
	if !strings.Contains(row.Text(), "Anna Nowak") || !strings.Contains(row.Find(".preview").Text(), "Jak wystawić") || strings.TrimSpace(row.Find(".badge").Text()) != "Nowe" {
		t.Errorf("row = %q", row.Text())
	}
	for query, want := range map[string]string{
		"?status=all&sort=oldest":          idStr(a.ID) + "," + idStr(b.ID) + "," + idStr(c.ID),
		"?status=solved":                   idStr(c.ID),
		"?status=all&q=korekta":            idStr(a.ID),
		"?status=all&q=anna%40example.com": idStr(c.ID) + "," + idStr(b.ID) + "," + idStr(a.ID),
		"?kind=account_type_change":        "",
	} {
		_, doc := consoleGet(t, s, agent.Client, "/admin/tickets"+query)
		if got := strings.Join(rowIDs(doc), ","); got != want {
			t.Errorf("inbox%s = %q, want %q", query, got, want)
		}
	}
	// The inbox pages by 50; a cursor from a one-ticket page opens the rest.
	page, err := s.Tickets.FindTickets(ctx, agent.User.Subject(), ticket.Filter{Status: "all", Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, doc = consoleGet(t, s, agent.Client, "/admin/tickets?status=all&cursor="+url.QueryEscape(page.NextCursor))
	if got := strings.Join(rowIDs(doc), ","); got != idStr(b.ID)+","+idStr(a.ID) || doc.Find(`.pager a`).Length() != 1 {
		t.Errorf("second page = %s, pager links %d", got, doc.Find(`.pager a`).Length())
	}
	if resp, _ := consoleGet(t, s, agent.Client, "/admin/tickets?cursor=garbage"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("mangled cursor = %d, want a redirect to the first page", resp.StatusCode)
	}

	// The selection form: checkboxes for every row, a slot for other features' actions.
	form := doc.Find(`form#inbox-selection[method=post][action="/admin/tickets/bulk"]`)
	if form.Find(`input[type=checkbox][name=ticket_id]`).Length() != 2 || form.Find(`input[name=csrf_token]`).Length() != 1 {
		t.Fatalf("selection form: %q", form.Text())
	}
	resp, _ = consolePost(t, s, agent, "/admin/tickets/bulk", url.Values{"ticket_id": {idStr(a.ID), idStr(b.ID)}, "action": {"assign_me"}, "back": {"/admin/tickets?status=all"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/tickets?status=all" {
		t.Fatalf("bulk assign = %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, doc = consoleGet(t, s, agent.Client, "/admin/tickets?assignee=me")
	if got := strings.Join(rowIDs(doc), ","); got != idStr(b.ID)+","+idStr(a.ID) || !strings.Contains(doc.Find(".flash-ok").Text(), "2 zgłoszenia") {
		t.Errorf("mine after bulk = %s, flash %q", got, doc.Find(".flash-ok").Text())
	}
	resp, _ = consolePost(t, s, agent, "/admin/tickets/bulk", url.Values{"ticket_id": {idStr(a.ID)}, "action": {"status"}, "status": {"pending"}, "back": {"https://evil.example/"}})
	if resp.Header.Get("Location") != "/admin/tickets" {
		t.Errorf("bulk status redirect = %s (a foreign back address must be ignored)", resp.Header.Get("Location"))
	}
	// One entry per changed ticket: solving c, assigning a and b, a's status.
	if entries, _ := audit.Find(ctx, s.DB.Bun, audit.Filter{Action: "ticket.update"}); len(entries) != 4 {
		t.Errorf("audit entries of ticket changes = %d, want 4", len(entries))
	}

	// The notification setting.
	resp, _ = consolePost(t, s, agent, "/admin/tickets/settings", url.Values{"notify_new": {"on"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("settings = %d", resp.StatusCode)
	}
	if st, _ := s.Tickets.AgentSettings(ctx, agent.User.Subject()); !st.NotifyNew {
		t.Error("the notification setting was not saved")
	}
}

func TestTicketPage(t *testing.T) {
	s := apptest.New(t)
	ctx := context.Background()
	anna := accounttest.SignIn(t, s, account.NewUser{Email: "anna@example.com", Name: "Anna Nowak", AccountType: "office_client"})
	agent := accounttest.SignIn(t, s, account.NewUser{Email: "ewa@example.com", Name: "Ewa Agentka", StaffRole: "agent"})
	editor := accounttest.Staff(t, s, "editor")
	older := mustRequest(t, s, anna, "Starsze pytanie", "x")
	tk := mustRequest(t, s, anna, "Usunięte dokumenty", "Jak przywrócić usunięty skan?")
	path := "/admin/tickets/" + idStr(tk.ID)

	resp, doc := consoleGet(t, s, agent.Client, path)
	if resp.StatusCode != http.StatusOK || !strings.Contains(doc.Find("main h1").Text(), "Usunięte dokumenty") {
		t.Fatalf("ticket page = %d %q", resp.StatusCode, doc.Find("main h1").Text())
	}
	if doc.Find(`.requester a[href="/admin/tickets/`+idStr(older.ID)+`"]`).Length() != 1 || !strings.Contains(doc.Find(".requester").Text(), "Klient Biura") {
		t.Errorf("requester panel = %q", doc.Find(".requester").Text())
	}

	// An internal note, then a public reply that sets pending.
	resp, _ = consolePost(t, s, agent, path+"/messages", url.Values{"body": {"Sprawdzić kosz w bazie"}, "visibility": {"internal"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("note = %d", resp.StatusCode)
	}
	resp, _ = consolePost(t, s, agent, path+"/messages", url.Values{"body": {"Przywrócę je, proszę o nazwę firmy."}, "visibility": {"public"}, "status": {"pending"}})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), path+"#m") {
		t.Fatalf("reply = %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, doc = consoleGet(t, s, agent.Client, path)
	if n := doc.Find(".conversation .message").Length(); n != 3 {
		t.Errorf("conversation has %d messages, want 3", n)
	}
	note := doc.Find(".message-internal")
	if note.Length() != 1 || note.Find(".message-body").Text() != "Sprawdzić kosz w bazie" || note.Find(".badge.internal").Length() != 1 {
		t.Errorf("internal note = %q", note.Text())
	}
	if strings.TrimSpace(doc.Find(".ticket-meta .badge").Text()) != "Oczekuje na klienta" {
		t.Errorf("status = %q", doc.Find(".ticket-meta .badge").Text())
	}
	mine, _ := s.Tickets.MyRequest(ctx, anna.User.Subject(), tk.ID)
	if len(mine.Messages) != 2 || strings.Contains(mine.Messages[1].Body, "kosz w bazie") {
		t.Errorf("customer sees %d messages: %+v", len(mine.Messages), mine.Messages)
	}

	// An empty reply comes back with the input kept and the error shown.
	resp, doc = consolePost(t, s, agent, path+"/messages", url.Values{"body": {"  "}, "visibility": {"internal"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || doc.Find("form#reply #reply-body-error").Text() != "Wpisz treść wiadomości." {
		t.Errorf("empty reply = %d, message %q", resp.StatusCode, doc.Find("#reply-body-error").Text())
	}
	if _, ok := doc.Find(`input[name=visibility][value=internal]`).Attr("checked"); !ok {
		t.Error("the note choice was not kept")
	}

	// Status and assignee.
	resp, _ = consolePost(t, s, agent, path, url.Values{"status": {"solved"}, "assignee_id": {idStr(agent.ID)}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("update = %d", resp.StatusCode)
	}
	_, doc = consoleGet(t, s, agent.Client, path)
	if v, _ := doc.Find(`#update-assignee option[selected]`).Attr("value"); v != idStr(agent.ID) {
		t.Errorf("assignee select = %q", v)
	}
	resp, doc = consolePost(t, s, agent, path, url.Values{"status": {"bogus"}, "assignee_id": {idStr(anna.ID)}})
	if resp.StatusCode != http.StatusUnprocessableEntity || doc.Find("#update-status-error").Text() == "" || doc.Find("#update-assignee_id-error").Text() == "" {
		t.Errorf("bad update = %d: %q", resp.StatusCode, doc.Find(".ticket-side").Text())
	}

	// An editor reads but has no reply box and cannot post one.
	_, doc = consoleGet(t, s, editor.Client, path)
	if doc.Find("form#reply").Length() != 0 || doc.Find(`form[action="`+path+`"]`).Length() != 0 {
		t.Error("an editor is offered the reply or update form")
	}
	if resp, _ := consolePost(t, s, editor, path+"/messages", url.Values{"body": {"x"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("editor reply = %d, want 403", resp.StatusCode)
	}

	entries, err := audit.Find(ctx, s.DB.Bun, audit.Filter{Object: "ticket:" + idStr(tk.ID)})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.Action+" by "+e.Actor)
	}
	if strings.Join(actions, "; ") != "ticket.update by ewa@example.com; ticket.reply by ewa@example.com; ticket.note by ewa@example.com" {
		t.Errorf("audit = %v", actions)
	}
}

func TestAccountTypeDecisionInConsole(t *testing.T) {
	s := apptest.New(t)
	ctx := context.Background()
	anna := accounttest.Customer(t, s, "")
	agent := accounttest.Staff(t, s, "agent")
	admin := accounttest.Staff(t, s, "admin")
	tk, err := s.Tickets.CreateRequest(ctx, anna.User.Subject(), ticket.NewRequest{Kind: ticket.KindAccountTypeChange, RequestedAccountType: "accountant"})
	if err != nil {
		t.Fatal(err)
	}
	path := "/admin/tickets/" + idStr(tk.ID)
	_, doc := consoleGet(t, s, agent.Client, path)
	if doc.Find(`.account-type-change button[name=decision]`).Length() != 0 || !strings.Contains(doc.Find(".account-type-change").Text(), "Księgowy") {
		t.Errorf("agent's panel: %q", doc.Find(".account-type-change").Text())
	}
	if resp, _ := consolePost(t, s, agent, path+"/decision", url.Values{"decision": {"approved"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("agent decision = %d, want 403", resp.StatusCode)
	}
	_, doc = consoleGet(t, s, admin.Client, path)
	if doc.Find(`.account-type-change button[name=decision][value=approved]`).Length() != 1 {
		t.Fatalf("admin has no approve button: %q", doc.Find(".account-type-change").Text())
	}
	resp, _ := consolePost(t, s, admin, path+"/decision", url.Values{"decision": {"approved"}, "note": {"Witamy!"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve = %d", resp.StatusCode)
	}
	u, err := s.Accounts.UserByEmail(ctx, anna.Email)
	if err != nil || u.AccountType != "accountant" {
		t.Fatalf("account type after approval = %q, %v", u.AccountType, err)
	}
	_, doc = consoleGet(t, s, admin.Client, path)
	if !strings.Contains(doc.Find(".decision").Text(), "Zatwierdzone") || doc.Find(`button[name=decision]`).Length() != 0 {
		t.Errorf("decided panel: %q", doc.Find(".account-type-change").Text())
	}
	resp, doc = consolePost(t, s, admin, path+"/decision", url.Values{"decision": {"declined"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(doc.Find(".account-type-change .flash-error").Text(), "już zdecydowano") {
		t.Errorf("second decision = %d %q", resp.StatusCode, doc.Find(".account-type-change").Text())
	}
}

func ptr[T any](v T) *T { return &v }
