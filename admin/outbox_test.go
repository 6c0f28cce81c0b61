package admin_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/helpcenter/helpcenter/internal/account"
	"github.com/helpcenter/helpcenter/internal/account/accounttest"
	"github.com/helpcenter/helpcenter/internal/app/apptest"
)

func TestOutbox(t *testing.T) {
	s := apptest.New(t) // no SMTP_URL: mail stays in the outbox
	if err := s.Accounts.RequestPasswordLink(context.Background(), account.LinkRequest{Email: "admin-test@example.com", ClientIP: "192.0.2.1"}); err != nil {
		t.Fatal(err)
	}
	admin := accounttest.SignIn(t, s, account.NewUser{Email: "admin-test@example.com", StaffRole: "admin"})
	editor := accounttest.Staff(t, s, "editor")
	customer := accounttest.Customer(t, s, "accountant")

	t.Run("who may read it", func(t *testing.T) {
		for name, tc := range map[string]struct {
			c    *http.Client
			want int
		}{
			"visitor": {s.Client(), http.StatusSeeOther}, "customer": {customer.Client, http.StatusNotFound},
			"editor": {editor.Client, http.StatusForbidden}, "admin": {admin.Client, http.StatusOK},
		} {
			req, _ := http.NewRequest(http.MethodGet, s.URL+"/admin/outbox", nil)
			if resp, _ := apptest.Do(t, tc.c, req); resp.StatusCode != tc.want {
				t.Errorf("%s: GET /admin/outbox = %d, want %d", name, resp.StatusCode, tc.want)
			}
		}
	})

	// A password link for the admin's own address was requested before they existed:
	// nothing was sent. Ask again now that the address is known.
	if err := s.Accounts.RequestPasswordLink(context.Background(), account.LinkRequest{Email: "admin-test@example.com", ClientIP: "192.0.2.1"}); err != nil {
		t.Fatal(err)
	}
	var doc *goquery.Document
	deadline := time.Now().Add(20 * time.Second)
	for {
		req, _ := http.NewRequest(http.MethodGet, s.URL+"/admin/outbox", nil)
		_, body := apptest.Do(t, admin.Client, req)
		doc, _ = goquery.NewDocumentFromReader(strings.NewReader(body))
		if strings.Contains(doc.Find("table.outbox .status").Text(), "w skrzynce nadawczej") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no mail in the outbox:\n%s", doc.Find("main").Text())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.Contains(doc.Find(".flash-ok").Text(), "SMTP_URL") {
		t.Error("the page does not say why mail stays here")
	}
	if doc.Find(`.console-nav a[href="/admin/outbox"][aria-current=page]`).Length() != 1 {
		t.Error("the console navigation does not mark the outbox")
	}
	row := doc.Find("table.outbox tbody tr").First()
	if !strings.Contains(row.Text(), "admin-test@example.com") {
		t.Fatalf("first row %q", row.Text())
	}
	href, _ := row.Find("a").Attr("href")
	req, _ := http.NewRequest(http.MethodGet, s.URL+href, nil)
	resp, body := apptest.Do(t, admin.Client, req)
	doc, _ = goquery.NewDocumentFromReader(strings.NewReader(body))
	if resp.StatusCode != http.StatusOK || !strings.Contains(doc.Find("pre.mail-body").Text(), "/password/set?token=") {
		t.Fatalf("mail page = %d:\n%s", resp.StatusCode, doc.Find("main").Text())
	}
	if resp.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Error("a page with a one-time link may leak it in Referer")
	}
	req, _ = http.NewRequest(http.MethodGet, s.URL+"/admin/outbox/999999", nil)
	if resp, _ := apptest.Do(t, admin.Client, req); resp.StatusCode != http.StatusNotFound {
		t.Errorf("missing mail = %d", resp.StatusCode)
	}
}
