package app_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/helpcenter/helpcenter/internal/account"
	"github.com/helpcenter/helpcenter/internal/account/accounttest"
	"github.com/helpcenter/helpcenter/internal/app/apptest"
	"github.com/helpcenter/helpcenter/internal/mail/mailtest"
)

// form posts an HTML form as a signed-in user, with the session's CSRF token.
func form(t *testing.T, s *apptest.Server, u *accounttest.User, path string, v url.Values) *http.Response {
	t.Helper()
	v.Set("csrf_token", u.CSRF)
	req, _ := http.NewRequest(http.MethodPost, s.URL+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, _ := apptest.Do(t, u.Client, req)
	return resp
}

func htmlPage(t *testing.T, s *apptest.Server, c *http.Client, path string) (*http.Response, *goquery.Document) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.URL+path, nil)
	resp, body := apptest.Do(t, c, req)
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return resp, doc
}

// TestRequestDoneWhen walks issue 5's "done when": a signed-in customer sends requests in
// the portal and through the API and finds them in "Moje działania"; an agent answers
// from the inbox (and writes an internal note); the answer arrives by e-mail over SMTP
// and shows in the portal, the note nowhere; a visitor's request creates a contact who
// can then get a password.
func TestRequestDoneWhen(t *testing.T) {
	smtp := mailtest.NewServer(t)
	s := apptest.New(t, apptest.Env("SMTP_URL", smtp.URL()))
	anna := accounttest.SignIn(t, s, account.NewUser{Email: "anna@example.com", Name: "Anna Nowak"})
	agent := accounttest.SignIn(t, s, account.NewUser{Email: "ewa@example.com", Name: "Ewa Konsultantka", StaffRole: "agent"})

	// The portal form.
	resp := form(t, s, anna, "/requests/new", url.Values{"subject": {"Import wyciągu z banku"}, "body": {"Wyciąg z mBanku się nie wczytuje."}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("portal request = %d", resp.StatusCode)
	}
	portalID := strings.TrimPrefix(resp.Header.Get("Location"), "/requests/")
	confirmation := smtp.WaitFor(t, "anna@example.com", 10*time.Second)
	if !strings.Contains(confirmation.Subject, "[#"+portalID+"]") || confirmation.Link("/requests/"+portalID) == "" {
		t.Errorf("confirmation %q lacks the request link:\n%s", confirmation.Subject, confirmation.Text)
	}

	// The API, with the session cookie and its CSRF token.
	req := apptest.JSONRequest(t, http.MethodPost, s.URL+"/api/v1/requests", `{"subject": "Eksport do Symfonii", "body": "Jak wyeksportować faktury?"}`)
	resp, body := anna.Do(t, req)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("API request = %d %s", resp.StatusCode, body)
	}
	var created struct {
		ID int64 `json:"id"`
	}
	json.Unmarshal([]byte(body), &created)

	// Both in "Moje działania", newest first, in the portal and in the API.
	_, doc := htmlPage(t, s, anna.Client, "/requests")
	var rows []string
	doc.Find("table.requests tbody tr").Each(func(_ int, r *goquery.Selection) {
		id, _ := r.Attr("data-request-id")
		rows = append(rows, id)
	})
	if strings.Join(rows, ",") != strconv.FormatInt(created.ID, 10)+","+portalID {
		t.Errorf("My activities = %v", rows)
	}
	resp, body = anna.Do(t, mustGet(t, s.URL+"/api/v1/requests"))
	if resp.StatusCode != http.StatusOK || strings.Count(body, `"subject"`) != 2 {
		t.Errorf("GET /api/v1/requests = %d %s", resp.StatusCode, body)
	}

	// The agent finds it in the inbox and answers; the note stays inside.
	_, doc = htmlPage(t, s, agent.Client, "/admin/tickets?q=wyciąg")
	if doc.Find(`tr[data-ticket-id="`+portalID+`"]`).Length() != 1 {
		t.Fatalf("the inbox search does not find the request: %q", doc.Find("main").Text())
	}
	if resp := form(t, s, agent, "/admin/tickets/"+portalID+"/messages", url.Values{"body": {"NOTATKA: bank zmienił format MT940"}, "visibility": {"internal"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("note = %d", resp.StatusCode)
	}
	if resp := form(t, s, agent, "/admin/tickets/"+portalID+"/messages", url.Values{"body": {"Proszę pobrać wyciąg w formacie MT940."}, "visibility": {"public"}, "status": {"solved"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reply = %d", resp.StatusCode)
	}
	reply := waitForMail(t, smtp, "anna@example.com", "Proszę pobrać wyciąg")
	if !strings.Contains(reply.Subject, "[#"+portalID+"]") || !strings.Contains(reply.Text, "Ewa Konsultantka") || reply.Link("/requests/"+portalID) == "" {
		t.Errorf("reply mail %q:\n%s", reply.Subject, reply.Text)
	}

	// The customer reads the answer in the portal.
	_, doc = htmlPage(t, s, anna.Client, "/requests/"+portalID)
	if doc.Find(".message-staff .message-body").Text() != "Proszę pobrać wyciąg w formacie MT940." || strings.TrimSpace(doc.Find(".request-meta .badge").Text()) != "Rozwiązane" {
		t.Errorf("request page: %q", doc.Find(".conversation").Text())
	}

	// A visitor's request: a contact, a confirmation, and a password link on request.
	visitor := s.Client()
	v := url.Values{"subject": {"Cennik"}, "body": {"Ile kosztuje pakiet dla biura?"}, "email": {"jan@example.com"}, "name": {"Jan Kowalski"}}
	req, _ = http.NewRequest(http.MethodPost, s.URL+"/requests/new", strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if resp, _ := apptest.Do(t, visitor, req); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("visitor request = %d", resp.StatusCode)
	}
	u, err := s.Accounts.UserByEmail(context.Background(), "jan@example.com")
	if err != nil || !u.IsContact() || u.Source != account.SourceSupportEmail {
		t.Fatalf("contact = %+v, %v", u, err)
	}
	visitorMail := smtp.WaitFor(t, "jan@example.com", 10*time.Second)
	if visitorMail.Link("/password") == "" || strings.Contains(visitorMail.Text, "Ile kosztuje") {
		t.Errorf("visitor confirmation:\n%s", visitorMail.Text)
	}
	resp, _ = apptest.Do(t, s.Client(), apptest.JSONRequest(t, http.MethodPost, s.URL+"/api/v1/auth/password-link", `{"email": "jan@example.com"}`))
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("password link = %d", resp.StatusCode)
	}
	if link := waitForMail(t, smtp, "jan@example.com", "/password/set").Link("/password/set"); link == "" {
		t.Error("the contact got no password link")
	}

	for _, m := range smtp.Messages() {
		if strings.Contains(m.Text, "NOTATKA") || strings.Contains(m.HTML, "NOTATKA") {
			t.Errorf("mail to %v carries the internal note", m.To)
		}
	}
}

func mustGet(t *testing.T, u string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// waitForMail waits for a mail to addr whose text contains substr.
func waitForMail(t *testing.T, smtp *mailtest.Server, addr, substr string) mailtest.Message {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		for _, m := range smtp.Messages() {
			for _, to := range m.To {
				if strings.Contains(to, addr) && strings.Contains(m.Text, substr) {
					return m
				}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no mail to %s containing %q", addr, substr)
	return mailtest.Message{}
}
