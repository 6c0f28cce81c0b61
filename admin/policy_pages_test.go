package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/account/accounttest"
	"github.com/helpcenter/helpcenter/internal/app/apptest"
)

// The audience matrix round trip: preview lists what a reader gains, saving applies it
// at once (the API agrees), the audit log records it; bad or missing CSRF is refused.
func TestAudienceMatrixConsole(t *testing.T) {
	s := apptest.New(t)
	admin := accounttest.Staff(t, s, "admin")
	partner := accounttest.Customer(t, s, "partner")
	sec := edMustSection(t, s, admin, "Dla biur", "accountant")
	a := edMustArticle(t, s, admin, content.ArticleInput{SectionID: sec.ID, Title: "Tabela rabatów biur", BodyMD: "Treść."})
	if _, err := s.Content.PublishArticle(context.Background(), edSubject(admin), a.ID, nil); err != nil {
		t.Fatal(err)
	}

	page := edGet(t, s, admin.Client, "/admin/audiences")
	if page.status != 200 || !page.has(`input[name="grant.partner"][value="partner"][checked]`) || page.has(`input[name="grant.partner"][value="accountant"][checked]`) {
		t.Fatalf("matrix page = %d", page.status)
	}
	grants := url.Values{
		"grant.anonymous": {"public"}, "grant.signed_in": {"public", "signed_in"},
		"grant.accountant": {"accountant"}, "grant.office_client": {"office_client"},
		"grant.partner": {"partner", "accountant"},
	}
	preview := url.Values{"action": {"preview"}}
	for k, v := range grants {
		preview[k] = v
	}
	p := edPost(t, s, partner, "/admin/audiences", url.Values{"action": {"preview"}})
	if p.status != 404 {
		t.Fatalf("a customer posting the matrix = %d, want 404", p.status)
	}
	p = edPost(t, s, admin, "/admin/audiences", preview)
	if p.status != 200 || !strings.Contains(p.doc.Find(".preview-gained").Text(), "Tabela rabatów biur") {
		t.Fatalf("preview does not list the gained article: %d\n%s", p.status, p.text("main"))
	}
	if st, _ := partner.Do(t, mustGet(t, s.URL+"/api/v1/articles/"+strconv.FormatInt(a.ID, 10))); st.StatusCode != 404 {
		t.Fatalf("preview changed visibility: partner got %d", st.StatusCode)
	}

	noCSRF := url.Values{"action": {"save"}, "csrf_token": {"wrong"}}
	for k, v := range grants {
		noCSRF[k] = v
	}
	if p := edPost(t, s, admin, "/admin/audiences", noCSRF); p.status != 403 {
		t.Fatalf("save with a wrong CSRF token = %d, want 403", p.status)
	}
	save := url.Values{"action": {"save"}}
	for k, v := range grants {
		save[k] = v
	}
	p = edFollow(t, s, admin, edPost(t, s, admin, "/admin/audiences", save))
	if !p.has(`input[name="grant.partner"][value="accountant"][checked]`) || !strings.Contains(p.text(".flash"), "Zapisano") {
		t.Fatalf("after save: %s", p.text("main"))
	}
	if resp, body := partner.Do(t, mustGet(t, s.URL+"/api/v1/articles/"+strconv.FormatInt(a.ID, 10))); resp.StatusCode != 200 {
		t.Fatalf("partner after the grant = %d %s", resp.StatusCode, body)
	}
	audit := edGet(t, s, admin.Client, "/admin/audit?action=policy.grants")
	if !strings.Contains(audit.text("table.audit"), "policy.grants") {
		t.Fatalf("audit page lacks the change: %s", audit.text("main"))
	}
}

func TestAccountTypeAndRolesConsole(t *testing.T) {
	s := apptest.New(t)
	admin := accounttest.Staff(t, s, "admin")
	p := edPost(t, s, admin, "/admin/account-types", url.Values{"key": {"Biuro Premium"}, "label_pl": {""}, "label_en": {"Premium"}})
	if p.status != 422 || p.text("#e-key") == "" || p.doc.Find("#f-label_en").AttrOr("value", "") != "Premium" {
		t.Fatalf("invalid account type: %d key error %q", p.status, p.text("#e-key"))
	}
	p = edFollow(t, s, admin, edPost(t, s, admin, "/admin/account-types", url.Values{"key": {"premium"}, "label_pl": {"Biuro Premium"}, "label_en": {"Premium office"}}))
	if !p.has(`input[name="grant.premium"][value="premium"][checked]`) {
		t.Fatalf("new type has no row with its own audience:\n%s", p.text("main"))
	}
	// Roles: the admin row cannot lose policy:manage.
	form := url.Values{"perm.admin": {"article:edit"}, "perm.editor": {"article:edit", "article:publish"}, "perm.agent": {"ticket:read"}}
	p = edPost(t, s, admin, "/admin/roles", form)
	if p.status != 422 || !strings.Contains(p.text("main"), "policy:manage") {
		t.Fatalf("stripping admin: %d", p.status)
	}
	form = url.Values{"perm.admin": {"policy:manage", "user:manage", "user:read"}, "perm.editor": {"article:edit", "article:publish"}, "perm.agent": {"ticket:read"}, "new_role": {"moderator"}, "perm._new": {"comment:moderate"}}
	p = edFollow(t, s, admin, edPost(t, s, admin, "/admin/roles", form))
	if !p.has(`input[name="perm.moderator"][value="comment:moderate"][checked]`) {
		t.Fatalf("custom role missing:\n%s", p.text("main"))
	}
}

func TestUsersTokensExplainAndViewAs(t *testing.T) {
	s := apptest.New(t)
	admin := accounttest.Staff(t, s, "admin")
	agent := accounttest.Staff(t, s, "agent")
	customer := accounttest.Customer(t, s, "")
	sec := edMustSection(t, s, admin, "Księgowi", "accountant")
	a := edMustArticle(t, s, admin, content.ArticleInput{SectionID: sec.ID, Title: "Zamknięcie roku w biurze", BodyMD: "Treść."})
	if _, err := s.Content.PublishArticle(context.Background(), edSubject(admin), a.ID, nil); err != nil {
		t.Fatal(err)
	}

	list := edGet(t, s, admin.Client, "/admin/users?q="+url.QueryEscape(customer.Email))
	if !strings.Contains(list.text("table"), customer.Email) {
		t.Fatalf("user search misses the customer")
	}
	ex := edGet(t, s, admin.Client, "/admin/explain?who="+url.QueryEscape(customer.Email)+"&article="+a.Slug)
	if !ex.has(".explain-result .flash-error") {
		t.Fatalf("explain before the change: %s", ex.text("main"))
	}
	userPath := "/admin/users/" + strconv.FormatInt(customer.ID, 10)
	p := edFollow(t, s, admin, edPost(t, s, admin, userPath, url.Values{"account_type": {"accountant"}, "staff_role": {""}}))
	if p.doc.Find(`#u-at option[selected]`).AttrOr("value", "") != "accountant" {
		t.Fatalf("account type not saved: %s", p.text("main"))
	}
	ex = edGet(t, s, admin.Client, "/admin/explain?who="+url.QueryEscape(customer.Email)+"&article="+a.Slug)
	if !ex.has(".explain-result .flash-ok") || !strings.Contains(ex.text(".because"), "type:accountant") {
		t.Fatalf("explain after the change: %s", ex.text("main"))
	}
	// An agent reads users but may not change them.
	if p := edPost(t, s, agent, userPath, url.Values{"account_type": {"partner"}, "staff_role": {""}}); p.status != 403 {
		t.Fatalf("agent changing a user = %d", p.status)
	}
	// The only admin cannot block themselves; the form says so next to the field.
	self := "/admin/users/" + strconv.FormatInt(admin.ID, 10)
	if p := edPost(t, s, admin, self, url.Values{"account_type": {""}, "staff_role": {"admin"}, "blocked": {"on"}}); p.status != 422 || !p.has(".field-error") {
		t.Fatalf("self-block = %d", p.status)
	}

	// Tokens: the secret is shown once, revoking stops it.
	p = edPost(t, s, admin, "/admin/tokens", url.Values{"name": {"Witryna"}, "audiences": {"accountant"}})
	secret := p.text("code.secret")
	if p.status != 200 || !strings.HasPrefix(secret, "hc_") {
		t.Fatalf("created token page: %d %q", p.status, secret)
	}
	if again := edGet(t, s, admin.Client, "/admin/tokens"); strings.Contains(again.body, secret) {
		t.Fatal("the token list shows the secret again")
	}
	req := mustGet(t, s.URL+"/api/v1/articles/"+a.Slug)
	req.Header.Set("Authorization", "Bearer "+secret)
	if resp, _ := apptest.Do(t, s.Client(), req); resp.StatusCode != 200 {
		t.Fatalf("accountant token reading = %d", resp.StatusCode)
	}
	action := p.doc.Find(`form[action$="/revoke"]`).AttrOr("action", "")
	edFollow(t, s, admin, edPost(t, s, admin, action, nil))
	req = mustGet(t, s.URL+"/api/v1/articles/"+a.Slug)
	req.Header.Set("Authorization", "Bearer "+secret)
	if resp, _ := apptest.Do(t, s.Client(), req); resp.StatusCode != 401 {
		t.Fatalf("revoked token reading = %d", resp.StatusCode)
	}

	// View as an accountant: the portal and the API answer as an accountant would, the
	// banner says so, and stopping gives the console back.
	p = edPost(t, s, admin, "/admin/view-as", url.Values{"as": {"type:office_client"}})
	if p.status != 303 {
		t.Fatalf("start view-as = %d", p.status)
	}
	if resp, _ := admin.Do(t, mustGet(t, s.URL+"/api/v1/articles/"+a.Slug)); resp.StatusCode != 404 {
		t.Fatalf("viewing as office client, the accountant article answered %d", resp.StatusCode)
	}
	edPost(t, s, admin, "/admin/view-as", url.Values{"as": {"type:accountant"}}) // console is gone while viewing
	home := edGet(t, s, admin.Client, "/")
	if !home.has(".view-as-banner") {
		t.Fatal("no view-as banner")
	}
	if c := edGet(t, s, admin.Client, "/admin/"); c.status != 404 {
		t.Fatalf("console while viewing as a customer = %d", c.status)
	}
	stop := edPost(t, s, admin, "/view-as/stop", nil)
	if stop.status != 303 {
		t.Fatalf("stop = %d", stop.status)
	}
	if c := edGet(t, s, admin.Client, "/admin/"); c.status != 200 {
		t.Fatalf("console after stopping = %d", c.status)
	}
	// A customer cannot start it.
	if p := edPost(t, s, customer, "/admin/view-as", url.Values{"as": {"type:accountant"}}); p.status != 404 {
		t.Fatalf("customer view-as = %d", p.status)
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

// Widening or narrowing an article's audiences is one filter away in the audit log.
func TestVisibilityChangesInAuditLog(t *testing.T) {
	s := apptest.New(t)
	admin := accounttest.Staff(t, s, "admin")
	sec := edMustSection(t, s, admin, "Wszyscy", "public")
	a := edMustArticle(t, s, admin, content.ArticleInput{SectionID: sec.ID, Title: "Cennik", BodyMD: "Treść."})
	aud := []string{"accountant", "partner"}
	if _, err := s.Content.UpdateArticle(context.Background(), edSubject(admin), a.ID, content.ArticleUpdate{BaseRevisionID: a.CurrentRevisionID, Audiences: aud}); err != nil {
		t.Fatal(err)
	}
	p := edGet(t, s, admin.Client, "/admin/audit?action=article.audiences")
	rows := p.doc.Find("table.audit tbody tr")
	if rows.Length() != 1 || !strings.Contains(rows.Text(), "article:"+strconv.FormatInt(a.ID, 10)) || !strings.Contains(rows.Text(), `"partner"`) {
		t.Fatalf("visibility filter shows %d rows:\n%s", rows.Length(), rows.Text())
	}
}

// Moderators hide a comment, show it again and turn it into a request from the console;
// a customer cannot reach any of it.
func TestCommentModerationConsole(t *testing.T) {
	s := apptest.New(t)
	admin := accounttest.Staff(t, s, "admin")
	agent := accounttest.Staff(t, s, "agent")
	customer := accounttest.Customer(t, s, "")
	sec := edMustSection(t, s, admin, "Pomoc", "public")
	a := edMustArticle(t, s, admin, content.ArticleInput{SectionID: sec.ID, Title: "Eksport do Optimy", BodyMD: "Treść."})
	if _, err := s.Content.PublishArticle(context.Background(), edSubject(admin), a.ID, nil); err != nil {
		t.Fatal(err)
	}
	cm, err := s.Engagement.PostComment(context.Background(), customer.User.Subject(), a.ID, content.NewComment{Body: "Czy eksport działa też dla korekt?"})
	if err != nil {
		t.Fatal(err)
	}
	p := edGet(t, s, agent.Client, "/admin/comments")
	if p.status != 200 || !strings.Contains(p.text(".moderation"), "Czy eksport działa też dla korekt?") {
		t.Fatalf("moderation list = %d %s", p.status, p.text("main"))
	}
	id := strconv.FormatInt(cm.ID, 10)
	edFollow(t, s, agent, edPost(t, s, agent, "/admin/comments/"+id+"/hide", nil))
	if page := edGet(t, s, nil, "/articles/"+a.Slug); strings.Contains(page.body, "Czy eksport działa też dla korekt?") {
		t.Fatal("a hidden comment is still shown to readers")
	}
	edFollow(t, s, agent, edPost(t, s, agent, "/admin/comments/"+id+"/show", nil))
	r := edPost(t, s, agent, "/admin/comments/"+id+"/request", nil)
	if r.status != 303 || !strings.HasPrefix(r.location, "/admin/tickets/") {
		t.Fatalf("comment to request = %d %q", r.status, r.location)
	}
	if p := edPost(t, s, customer, "/admin/comments/"+id+"/hide", nil); p.status != 404 {
		t.Fatalf("customer moderating = %d", p.status)
	}
}
