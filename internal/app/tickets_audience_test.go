package app_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/account/accounttest"
	"github.com/helpcenter/helpcenter/internal/app/apptest"
)

// TestApprovedAccountTypeChangesWhatTheCustomerReads: an article for accountants is
// hidden from a customer until an administrator approves their account-type request in
// the console; from the next request on the customer reads it.
func TestApprovedAccountTypeChangesWhatTheCustomerReads(t *testing.T) {
	s := apptest.New(t)
	ctx := context.Background()
	admin := accounttest.Staff(t, s, "admin")
	anna := accounttest.Customer(t, s, "")

	cat, err := s.Content.CreateCategory(ctx, admin.User.Subject(), content.CategoryInput{Name: "Dla biur"})
	if err != nil {
		t.Fatal(err)
	}
	sec, err := s.Content.CreateSection(ctx, admin.User.Subject(), content.SectionInput{CategoryID: cat.ID, Name: "Procedury biura", Audiences: []string{"accountant"}})
	if err != nil {
		t.Fatal(err)
	}
	art, err := s.Content.CreateArticle(ctx, admin.User.Subject(), content.ArticleInput{SectionID: sec.ID, Title: "Zamknięcie miesiąca w biurze", BodyMD: "Procedura ZAMKNIECIE-BIURO-7."})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Content.PublishArticle(ctx, admin.User.Subject(), art.ID, nil); err != nil {
		t.Fatal(err)
	}
	articlePath := "/api/v1/articles/" + strconv.FormatInt(art.ID, 10)
	if resp, _ := anna.Do(t, mustGet(t, s.URL+articlePath)); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("before approval the customer reads the accountants' article: %d", resp.StatusCode)
	}

	resp, body := anna.Do(t, apptest.JSONRequest(t, http.MethodPost, s.URL+"/api/v1/requests", `{"kind": "account_type_change", "requested_account_type": "accountant", "body": "Pracuję w biurze rachunkowym."}`))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("request = %d %s", resp.StatusCode, body)
	}
	var created struct {
		ID int64 `json:"id"`
	}
	json.Unmarshal([]byte(body), &created)
	if resp := form(t, s, admin, "/admin/tickets/"+strconv.FormatInt(created.ID, 10)+"/decision", url.Values{"decision": {"approved"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve = %d", resp.StatusCode)
	}

	resp, body = anna.Do(t, mustGet(t, s.URL+articlePath))
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "ZAMKNIECIE-BIURO-7") {
		t.Errorf("after approval GET %s = %d", articlePath, resp.StatusCode)
	}
	resp, body = anna.Do(t, mustGet(t, s.URL+"/api/v1/me"))
	if !strings.Contains(body, `"account_type":"accountant"`) {
		t.Errorf("/me after approval: %s", body)
	}
}
