package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/account/accounttest"
	"github.com/helpcenter/helpcenter/internal/app/apptest"
	"github.com/helpcenter/helpcenter/internal/db/dbtest"
)

// Issue "roles and audiences": an admin adds the account type "Biuro Premium" on one
// instance, grants it an audience and assigns it to a user; on the other instance that
// user at once reads exactly the right articles through the API and the portal, and a
// revoked grant disappears there as fast.
func TestPolicyChangesReachEveryInstance(t *testing.T) {
	url := dbtest.NewURL(t)
	one := apptest.NewOnDatabase(t, url)
	two := apptest.NewOnDatabase(t, url)
	ctx := context.Background()

	admin := accounttest.Staff(t, one, "admin")
	adminSubject := admin.User.Subject()
	cat, err := one.Content.CreateCategory(ctx, adminSubject, content.CategoryInput{Name: "Oferta"})
	if err != nil {
		t.Fatal(err)
	}
	publish := func(section, title string, audiences ...string) string {
		sec, err := one.Content.CreateSection(ctx, adminSubject, content.SectionInput{CategoryID: cat.ID, Name: section, Audiences: audiences})
		if err != nil {
			t.Fatal(err)
		}
		a, err := one.Content.CreateArticle(ctx, adminSubject, content.ArticleInput{SectionID: sec.ID, Title: title, BodyMD: "Treść: " + title})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := one.Content.PublishArticle(ctx, adminSubject, a.ID, nil); err != nil {
			t.Fatal(err)
		}
		return a.Slug
	}
	partnerSlug := publish("Dla partnerów", "Cennik partnerski", "partner")
	accountantSlug := publish("Dla biur", "Procedura zamknięcia roku", "accountant")

	// The user signs in on instance two.
	customer := accounttest.Customer(t, two, "")

	call := func(method, path, body string) {
		t.Helper()
		req, _ := http.NewRequest(method, one.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if resp, text := admin.Do(t, req); resp.StatusCode >= 300 {
			t.Fatalf("%s %s = %d %s", method, path, resp.StatusCode, text)
		}
	}
	call("POST", "/api/v1/admin/account-types", `{"key": "biuro_premium", "label_pl": "Biuro Premium", "label_en": "Premium office"}`)
	call("PUT", "/api/v1/admin/audiences", `{"grants": {"biuro_premium": ["biuro_premium", "partner"]}}`)
	call("PATCH", fmt.Sprintf("/api/v1/admin/users/%d", customer.ID), `{"account_type": "biuro_premium"}`)

	status := func(slug string) int {
		req, _ := http.NewRequest("GET", two.URL+"/api/v1/articles/"+slug, nil)
		resp, _ := customer.Do(t, req)
		return resp.StatusCode
	}
	waitFor(t, time.Second, func() bool { return status(partnerSlug) == 200 })
	if st := status(accountantSlug); st != 404 {
		t.Fatalf("premium user reads the accountant article: %d", st)
	}
	// The portal on instance two agrees: the partner article's page opens.
	req, _ := http.NewRequest("GET", two.URL+"/articles/"+partnerSlug, nil)
	resp, body := customer.Do(t, req)
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
	if resp.StatusCode != 200 || !strings.Contains(doc.Find("h1").Text(), "Cennik partnerski") {
		t.Fatalf("portal on instance two = %d %q", resp.StatusCode, doc.Find("h1").Text())
	}
	// And /me there shows the new type.
	req, _ = http.NewRequest("GET", two.URL+"/api/v1/me", nil)
	_, body = customer.Do(t, req)
	var me struct {
		AccountType string `json:"account_type"`
	}
	_ = json.Unmarshal([]byte(body), &me)
	if me.AccountType != "biuro_premium" {
		t.Fatalf("me = %s", body)
	}

	// Revoking the grant on instance one hides the article on instance two within a second.
	call("PUT", "/api/v1/admin/audiences", `{"grants": {"biuro_premium": ["biuro_premium"]}}`)
	waitFor(t, time.Second, func() bool { return status(partnerSlug) == 404 })
}

func waitFor(t *testing.T, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("not within %s", d)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
