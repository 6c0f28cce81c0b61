package portal_test

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
	"github.com/helpcenter/helpcenter/internal/ticket"
	"github.com/helpcenter/helpcenter/policy"
)

// postForm submits a form as a signed-in user (with the session's CSRF token) or, with
// u nil, as a visitor.
func postForm(t *testing.T, s *apptest.Server, u *accounttest.User, path string, form url.Values) (*http.Response, *goquery.Document) {
	t.Helper()
	c := s.Client()
	if u != nil {
		c = u.Client
		form.Set("csrf_token", u.CSRF)
	}
	return submit(t, s, c, path, form)
}

func requestIDFrom(t *testing.T, location string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(strings.TrimPrefix(location, "/requests/"), 10, 64)
	if err != nil {
		t.Fatalf("redirect to %q is not a request page", location)
	}
	return id
}

func TestRequestPagesForSignedInCustomer(t *testing.T) {
	s := apptest.New(t)
	anna := accounttest.SignIn(t, s, account.NewUser{Email: "anna@example.com", Name: "Anna Nowak"})

	resp, doc := page(t, s, anna.Client, "/requests/new?subject=Faktura+korygująca")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /requests/new = %d", resp.StatusCode)
	}
	form := doc.Find(`form[action="/requests/new"][method=post]`)
	for _, sel := range []string{`input[type=hidden][name=csrf_token]`, `input#f-subject[name=subject][value="Faktura korygująca"]`,
		`textarea#f-body[name=body]`, `label[for=f-subject]`, `label[for=f-body]`, `button[type=submit]`} {
		if form.Find(sel).Length() != 1 {
			t.Errorf("the form lacks %s", sel)
		}
	}
	if form.Find(`input[name=email]`).Length() != 0 {
		t.Error("a signed-in customer is asked for an e-mail address")
	}
	if h := doc.Find("main h1").Text(); h != "Wyślij zlecenie" {
		t.Errorf("heading = %q", h)
	}

	// Bad input comes back with the input kept and the message next to the field.
	resp, doc = postForm(t, s, anna, "/requests/new", url.Values{"subject": {"  "}, "body": {"Opis zostaje"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || fieldError(doc, "subject") != "Podaj temat." ||
		strings.TrimSpace(doc.Find("#f-body").Text()) != "Opis zostaje" {
		t.Fatalf("invalid form = %d, subject error %q", resp.StatusCode, fieldError(doc, "subject"))
	}

	resp, _ = postForm(t, s, anna, "/requests/new", url.Values{"subject": {"Jak wystawić korektę?"}, "body": {"Dzień dobry,\nnie wiem jak."}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /requests/new = %d", resp.StatusCode)
	}
	id := requestIDFrom(t, resp.Header.Get("Location"))

	resp, doc = page(t, s, anna.Client, "/requests/"+strconv.FormatInt(id, 10))
	if resp.StatusCode != http.StatusOK || doc.Find("main h1").Text() != "Jak wystawić korektę?" {
		t.Fatalf("request page = %d %q", resp.StatusCode, doc.Find("main h1").Text())
	}
	if got := doc.Find(".flash-ok").Text(); !strings.Contains(got, "nr "+strconv.FormatInt(id, 10)) {
		t.Errorf("flash after sending = %q", got)
	}
	if body := doc.Find(".conversation .message-mine .message-body").Text(); body != "Dzień dobry,\nnie wiem jak." {
		t.Errorf("first message = %q", body)
	}

	_, doc = page(t, s, anna.Client, "/requests")
	row := doc.Find(`table.requests tr[data-request-id="` + strconv.FormatInt(id, 10) + `"]`)
	if row.Length() != 1 || row.Find("a").Text() != "Jak wystawić korektę?" || strings.TrimSpace(row.Find(".badge").Text()) != "Przyjęte" {
		t.Fatalf("My activities row = %q", row.Text())
	}

	// Staff solves it with a public answer and an internal note; the customer sees the
	// answer only, replies, and the request is open again.
	agent := accounttest.Staff(t, s, "agent")
	ctx := context.Background()
	if _, err := s.Tickets.Reply(ctx, subjectOf(agent), id, ticket.StaffReply{Body: "NOTATKA: klient VIP", Internal: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Tickets.Reply(ctx, subjectOf(agent), id, ticket.StaffReply{Body: "Proszę użyć przycisku Koryguj.", Status: ticket.StatusSolved}); err != nil {
		t.Fatal(err)
	}
	_, doc = page(t, s, anna.Client, "/requests/"+strconv.FormatInt(id, 10))
	if strings.Contains(doc.Text(), "NOTATKA") {
		t.Fatal("the internal note is on the customer's page")
	}
	staff := doc.Find(".conversation .message-staff")
	if staff.Length() != 1 || staff.Find(".message-body").Text() != "Proszę użyć przycisku Koryguj." || !strings.Contains(staff.Text(), "Zespół wsparcia") {
		t.Errorf("staff messages = %d %q", staff.Length(), staff.Text())
	}
	if strings.TrimSpace(doc.Find(".request-meta .badge").Text()) != "Rozwiązane" || doc.Find("form.reply").Length() != 1 {
		t.Errorf("solved request: badge %q, reply form %d", doc.Find(".request-meta .badge").Text(), doc.Find("form.reply").Length())
	}
	resp, _ = postForm(t, s, anna, "/requests/"+strconv.FormatInt(id, 10)+"/messages", url.Values{"body": {"Nadal nie działa."}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reply = %d", resp.StatusCode)
	}
	_, doc = page(t, s, anna.Client, "/requests/"+strconv.FormatInt(id, 10))
	if strings.TrimSpace(doc.Find(".request-meta .badge").Text()) != "W realizacji" || doc.Find(".message-mine").Length() != 2 {
		t.Errorf("after the reply: %q, %d own messages", doc.Find(".request-meta .badge").Text(), doc.Find(".message-mine").Length())
	}
	resp, doc = postForm(t, s, anna, "/requests/"+strconv.FormatInt(id, 10)+"/messages", url.Values{"body": {""}})
	if resp.StatusCode != http.StatusUnprocessableEntity || fieldError(doc, "body") == "" {
		t.Errorf("empty reply = %d %q", resp.StatusCode, fieldError(doc, "body"))
	}

	// Without the CSRF token nothing is sent.
	resp, _ = submit(t, s, anna.Client, "/requests/new", url.Values{"subject": {"x"}, "body": {"y"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("POST without CSRF token = %d, want 403", resp.StatusCode)
	}
}

func TestAnotherCustomersRequestPageIsNotFound(t *testing.T) {
	s := apptest.New(t)
	anna := accounttest.Customer(t, s, "")
	bob := accounttest.Customer(t, s, "")
	tk, err := s.Tickets.CreateRequest(context.Background(), subjectOf(anna), ticket.NewRequest{Subject: "Sprawa Anny", Body: "Tajne dane Anny"})
	if err != nil {
		t.Fatal(err)
	}
	path := "/requests/" + strconv.FormatInt(tk.ID, 10)
	for _, p := range []string{path, "/requests/999999"} {
		resp, doc := page(t, s, bob.Client, p)
		if resp.StatusCode != http.StatusNotFound || strings.Contains(doc.Text(), "Tajne") || strings.Contains(doc.Text(), "Sprawa Anny") {
			t.Errorf("Bob GET %s = %d", p, resp.StatusCode)
		}
	}
	resp, _ := postForm(t, s, bob, path+"/messages", url.Values{"body": {"wtrącam się"}})
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("Bob's reply = %d, want 404", resp.StatusCode)
	}
	_, doc := page(t, s, bob.Client, "/requests")
	if doc.Find("table.requests").Length() != 0 || doc.Find(".empty").Length() != 1 {
		t.Errorf("Bob's list is not empty: %q", doc.Find("main").Text())
	}
	// Visitors are asked to sign in first.
	for _, p := range []string{"/requests", path} {
		resp, _ := page(t, s, s.Client(), p)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login?next="+url.QueryEscape(p) {
			t.Errorf("visitor GET %s = %d %s", p, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
}

func TestVisitorRequestCreatesContact(t *testing.T) {
	s := apptest.New(t)
	resp, doc := page(t, s, s.Client(), "/requests/new")
	for _, sel := range []string{`input#f-email[name=email][type=email]`, `input#f-name[name=name]`, `.request-form a[href="/login?next=%2Frequests%2Fnew"]`} {
		if doc.Find(sel).Length() != 1 {
			t.Errorf("visitor form lacks %s (status %d)", sel, resp.StatusCode)
		}
	}
	resp, doc = postForm(t, s, nil, "/requests/new", url.Values{"subject": {"Oferta"}, "body": {"Ile kosztuje?"}, "email": {"zly-adres"}, "name": {"Jan"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || fieldError(doc, "email") != "To nie jest poprawny adres e-mail." {
		t.Fatalf("bad address = %d %q", resp.StatusCode, fieldError(doc, "email"))
	}
	if v, _ := doc.Find("#f-name").Attr("value"); v != "Jan" {
		t.Errorf("name not kept: %q", v)
	}
	c := s.Client()
	resp, _ = submit(t, s, c, "/requests/new", url.Values{"subject": {"Oferta"}, "body": {"Ile kosztuje?"}, "email": {"jan@example.com"}, "name": {"Jan Kowalski"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/requests/sent" {
		t.Fatalf("visitor POST = %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, doc = page(t, s, c, "/requests/sent")
	if !strings.Contains(doc.Find(".flash-ok").Text(), "Wysłaliśmy zlecenie nr") || doc.Find(`a[href="/password"]`).Length() != 1 {
		t.Errorf("thank-you page: %q", doc.Find("main").Text())
	}
	u, err := s.Accounts.UserByEmail(context.Background(), "jan@example.com")
	if err != nil || u.Name != "Jan Kowalski" || u.Source != account.SourceSupportEmail {
		t.Fatalf("contact = %+v, %v", u, err)
	}
}

func TestAccountTypeChangeForm(t *testing.T) {
	s := apptest.New(t)
	anna := accounttest.Customer(t, s, "partner")
	_, doc := page(t, s, anna.Client, "/requests")
	if doc.Find(`a[href="/requests/new?kind=account_type_change"]`).Length() == 0 {
		t.Error("My activities does not offer the account-type change")
	}
	_, doc = page(t, s, anna.Client, "/requests/new?kind=account_type_change")
	sel := doc.Find(`select#f-requested_account_type[name=requested_account_type]`)
	var offered []string
	sel.Find("option").Each(func(_ int, o *goquery.Selection) {
		if v, _ := o.Attr("value"); v != "" {
			offered = append(offered, v)
		}
	})
	if strings.Join(offered, ",") != "accountant,office_client" || doc.Find(`input[type=hidden][name=kind][value=account_type_change]`).Length() != 1 {
		t.Fatalf("offered types %v", offered)
	}
	resp, doc := postForm(t, s, anna, "/requests/new", url.Values{"kind": {"account_type_change"}, "requested_account_type": {""}})
	if resp.StatusCode != http.StatusUnprocessableEntity || fieldError(doc, "requested_account_type") == "" {
		t.Fatalf("no type chosen = %d", resp.StatusCode)
	}
	resp, _ = postForm(t, s, anna, "/requests/new", url.Values{"kind": {"account_type_change"}, "requested_account_type": {"accountant"}, "body": {"Pracuję w biurze Bilans."}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST = %d", resp.StatusCode)
	}
	_, doc = page(t, s, anna.Client, resp.Header.Get("Location"))
	if h := doc.Find("main h1").Text(); h != "Zmiana typu konta na „Księgowy”" || !strings.Contains(doc.Find(".notice").Text(), "Księgowy") {
		t.Errorf("request page: %q / %q", h, doc.Find(".notice").Text())
	}
}

func subjectOf(u *accounttest.User) policy.Subject { return u.User.Subject() }
