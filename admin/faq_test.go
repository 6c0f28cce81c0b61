package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/account"
	"github.com/helpcenter/helpcenter/internal/account/accounttest"
	"github.com/helpcenter/helpcenter/internal/app/apptest"
	"github.com/helpcenter/helpcenter/internal/ticket"
)

// fqPage is a console answer parsed for selector checks.
type fqPage struct {
	status   int
	location string
	body     string
	doc      *goquery.Document
}

func (p fqPage) text(sel string) string { return strings.TrimSpace(p.doc.Find(sel).First().Text()) }
func (p fqPage) count(sel string) int   { return p.doc.Find(sel).Length() }

func fqParse(t *testing.T, resp *http.Response, body string) fqPage {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return fqPage{status: resp.StatusCode, location: resp.Header.Get("Location"), body: body, doc: doc}
}

// fqGet fetches a console page as the user (nil: a visitor).
func fqGet(t *testing.T, s *apptest.Server, u *accounttest.User, path string) fqPage {
	t.Helper()
	c := s.Client()
	if u != nil {
		c = u.Client
	}
	req, err := http.NewRequest(http.MethodGet, s.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, body := apptest.Do(t, c, req)
	return fqParse(t, resp, body)
}

// fqPost submits a form as a browser does, with the CSRF token in csrf_token (unless the
// values bring their own).
func fqPost(t *testing.T, s *apptest.Server, u *accounttest.User, path string, form url.Values) fqPage {
	t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf_token"]; !ok {
		form.Set("csrf_token", u.CSRF)
	}
	req, err := http.NewRequest(http.MethodPost, s.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, body := apptest.Do(t, u.Client, req)
	return fqParse(t, resp, body)
}

// fqFollow fetches the page a redirect points to (with its flash).
func fqFollow(t *testing.T, s *apptest.Server, u *accounttest.User, p fqPage) fqPage {
	t.Helper()
	if p.status != http.StatusSeeOther || p.location == "" {
		t.Fatalf("expected a redirect, got %d:\n%.2000s", p.status, p.body)
	}
	return fqGet(t, s, u, p.location)
}

// fqWorld is a help center with a public section, staff and an accountant who asked
// the same question twice (answered with personal data around the answer).
type fqWorld struct {
	s                                *apptest.Server
	editor, agent, accountant, other *accounttest.User
	tickets                          []int64
	section                          *content.Section
}

func newFQWorld(t *testing.T) *fqWorld {
	t.Helper()
	s := apptest.New(t)
	ctx := context.Background()
	w := &fqWorld{s: s, editor: accounttest.Staff(t, s, "editor"), agent: accounttest.Staff(t, s, "agent"),
		accountant: accounttest.SignIn(t, s, account.NewUser{Email: "ola.maj@biuro.example", Name: "Ola Maj", AccountType: "accountant"}),
		other:      accounttest.Customer(t, s, "office_client")}
	cat, err := s.Content.CreateCategory(ctx, w.editor.Subject(), content.CategoryInput{Name: "Obsługa programu"})
	if err != nil {
		t.Fatal(err)
	}
	if w.section, err = s.Content.CreateSection(ctx, w.editor.Subject(), content.SectionInput{CategoryID: cat.ID, Name: "Faktury", Audiences: []string{"public"}}); err != nil {
		t.Fatal(err)
	}
	answer := "Pani Olu,\n\nduplikat faktury wystawia się z widoku faktury: Więcej → Duplikat. Program oznaczy go słowem DUPLIKAT i datą.\n\nPozdrawiam,\nKarol Wiśniewski"
	for _, q := range []struct {
		who                   *accounttest.User
		subject, body, answer string
	}{
		{w.accountant, "Duplikat faktury", "Jak wystawić duplikat faktury? Ola Maj, tel. 601 100 200", answer},
		{w.accountant, "duplikat", "Gdzie jest duplikat faktury w programie?", answer},
		{w.accountant, "Duplikat faktury sprzedaży", "Jak zrobić duplikat faktury sprzedaży?", answer},
		{w.other, "Aplikacja", "Aplikacja mobilna nie wysyła zdjęć paragonów.", ""},
		{w.other, "Eksport", "Eksport do Comarch Optima zgłasza błąd kontrahenta.", ""},
	} {
		tk, err := s.Tickets.CreateRequest(ctx, q.who.Subject(), ticket.NewRequest{Subject: q.subject, Body: q.body, Channel: ticket.ChannelWeb})
		if err != nil {
			t.Fatal(err)
		}
		if q.answer != "" {
			if _, err := s.Tickets.Reply(ctx, w.agent.Subject(), tk.ID, ticket.StaffReply{Body: q.answer, Status: ticket.StatusSolved}); err != nil {
				t.Fatal(err)
			}
			w.tickets = append(w.tickets, tk.ID)
		}
	}
	return w
}

func fqID(n int64) string { return strconv.FormatInt(n, 10) }

// The ticket page's "Utwórz szkic FAQ" makes a draft and opens it in the editor.
func TestConsoleDraftFromTicketPage(t *testing.T) {
	w := newFQWorld(t)
	page := fqGet(t, w.s, w.agent, "/admin/tickets/"+fqID(w.tickets[0]))
	if page.status != http.StatusOK {
		t.Fatalf("ticket page: %d", page.status)
	}
	form := page.doc.Find(`#faq-panel form[action="/admin/faq-drafts"]`)
	if form.Length() != 1 || form.Find(`input[name=ticket_id]`).AttrOr("value", "") != fqID(w.tickets[0]) {
		t.Fatalf("no FAQ draft form for the ticket on its page:\n%.3000s", page.doc.Find("aside").Text())
	}
	p := fqPost(t, w.s, w.agent, "/admin/faq-drafts", url.Values{"ticket_id": {fqID(w.tickets[0])}, "back": {"/admin/tickets/" + fqID(w.tickets[0])}})
	if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/admin/articles/") {
		t.Fatalf("create: %d %s", p.status, p.location)
	}
	editor := fqFollow(t, w.s, w.agent, p)
	if !strings.Contains(editor.text(".flash"), "Utworzono szkic FAQ z 1 zgłoszenia") {
		t.Errorf("flash %q", editor.text(".flash"))
	}
	if got := editor.doc.Find("#f-title").AttrOr("value", ""); !strings.Contains(strings.ToLower(got), "duplikat") {
		t.Errorf("editor title %q", got)
	}
	body := editor.text("#f-body")
	if !strings.Contains(body, "Więcej → Duplikat") || strings.Contains(body, "Karol") || strings.Contains(body, "Olu") {
		t.Errorf("editor body:\n%s", body)
	}
	if editor.count(`#sources a[href="/admin/tickets/`+fqID(w.tickets[0])+`"]`) != 1 {
		t.Error("the editor does not name the source ticket")
	}
	if !editor.doc.Find(`input[name=kind][value=faq]`).Is("[checked]") {
		t.Error("the draft is not a FAQ in the editor")
	}
	// The ticket page now shows the draft it was written into.
	again := fqGet(t, w.s, w.agent, "/admin/tickets/"+fqID(w.tickets[0]))
	if again.count(`#faq-panel .faq-articles a[href="`+p.location+`"]`) != 1 {
		t.Errorf("the ticket page does not link its FAQ draft %s", p.location)
	}
}

// The inbox's multi-select makes one draft from several tickets; mistakes come back to
// the inbox with the reason.
func TestConsoleDraftFromInbox(t *testing.T) {
	w := newFQWorld(t)
	inbox := fqGet(t, w.s, w.agent, "/admin/tickets?status=all")
	if inbox.count(`#inbox-selection button[formaction="/admin/faq-drafts"]`) != 1 {
		t.Fatal("the inbox has no FAQ draft action for the selection")
	}
	p := fqPost(t, w.s, w.agent, "/admin/faq-drafts", url.Values{"ticket_id": {fqID(w.tickets[0]), fqID(w.tickets[1])}, "back": {"/admin/tickets?status=all"}})
	editor := fqFollow(t, w.s, w.agent, p)
	if !strings.Contains(editor.text(".flash"), "z 2 zgłoszeń") || editor.count("#sources li") != 2 {
		t.Errorf("flash %q, %d sources", editor.text(".flash"), editor.count("#sources li"))
	}
	none := fqPost(t, w.s, w.agent, "/admin/faq-drafts", url.Values{"back": {"/admin/tickets?status=all"}})
	if none.status != http.StatusSeeOther || none.location != "/admin/tickets?status=all" {
		t.Fatalf("nothing selected: %d %s", none.status, none.location)
	}
	if back := fqFollow(t, w.s, w.agent, none); !strings.Contains(back.text(".flash"), "Wybierz co najmniej jedno zgłoszenie") {
		t.Errorf("flash %q", back.text(".flash"))
	}
	// A foreign "back" address is not followed.
	if p := fqPost(t, w.s, w.agent, "/admin/faq-drafts", url.Values{"back": {"https://evil.example/"}}); p.location != "/admin/tickets" {
		t.Errorf("redirected to %q", p.location)
	}
}

// Who may do what: customers never reach the console, a form without its CSRF token is
// refused, and the inbox action is hidden from staff who may not write articles.
func TestConsoleFAQAccess(t *testing.T) {
	w := newFQWorld(t)
	for _, path := range []string{"/admin/faq-candidates", "/admin/synonyms", "/admin/search-insights"} {
		if p := fqGet(t, w.s, w.accountant, path); p.status != http.StatusNotFound {
			t.Errorf("customer GET %s: %d, want 404", path, p.status)
		}
		if p := fqGet(t, w.s, nil, path); p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/login") {
			t.Errorf("visitor GET %s: %d %s, want the sign-in page", path, p.status, p.location)
		}
	}
	if p := fqPost(t, w.s, w.accountant, "/admin/faq-drafts", url.Values{"ticket_id": {fqID(w.tickets[0])}}); p.status != http.StatusNotFound {
		t.Errorf("customer creates a draft: %d, want 404", p.status)
	}
	if p := fqPost(t, w.s, w.agent, "/admin/faq-drafts", url.Values{"ticket_id": {fqID(w.tickets[0])}, "csrf_token": {"forged"}}); p.status != http.StatusForbidden {
		t.Errorf("forged CSRF token: %d, want 403", p.status)
	}
	page, err := w.s.Content.ListArticles(context.Background(), w.editor.Subject(), content.ManagedFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 0 {
		t.Errorf("%d articles after refused forms", page.Total)
	}
	// A staff role without article:edit sees neither the panel nor the action.
	admin := accounttest.Staff(t, w.s, "admin")
	if err := w.s.Policy.PutRoles(context.Background(), admin.Subject(), map[string][]string{
		"admin": {"article:edit", "article:publish", "structure:manage", "comment:moderate", "ticket:read", "ticket:reply", "ticket:assign",
			"user:read", "user:manage", "policy:manage", "token:manage", "audit:read", "mail:read"},
		"editor": {"article:edit", "article:publish", "structure:manage", "comment:moderate", "ticket:read", "user:read", "audit:read"},
		"agent":  {"ticket:read", "ticket:reply", "ticket:assign", "user:read"},
	}); err != nil {
		t.Fatal(err)
	}
	if p := fqGet(t, w.s, w.agent, "/admin/tickets/"+fqID(w.tickets[0])); p.count("#faq-panel") != 0 {
		t.Error("an agent who may not write articles sees the FAQ panel")
	}
	if p := fqGet(t, w.s, w.agent, "/admin/tickets?status=all"); p.count(`button[formaction="/admin/faq-drafts"]`) != 0 {
		t.Error("an agent who may not write articles sees the FAQ action")
	}
	if p := fqPost(t, w.s, w.agent, "/admin/faq-drafts", url.Values{"ticket_id": {fqID(w.tickets[0])}}); p.status != http.StatusForbidden {
		t.Errorf("the server still refuses: %d, want 403", p.status)
	}
}

// The recurring questions page lists the groups with their sample tickets, and one click
// makes a draft from a whole group.
func TestConsoleCandidatesPage(t *testing.T) {
	w := newFQWorld(t)
	empty := fqGet(t, w.s, w.agent, "/admin/faq-candidates")
	// The button is disabled while the start-up recomputation is on its way.
	if empty.status != http.StatusOK || empty.count(`form[action="/admin/faq-candidates/recompute"] button`) != 1 {
		t.Fatalf("before any groups: %d", empty.status)
	}
	if _, err := w.s.FAQ.Recompute(context.Background()); err != nil {
		t.Fatal(err)
	}
	page := fqGet(t, w.s, w.agent, "/admin/faq-candidates")
	groups := page.doc.Find("li.faq-group")
	if groups.Length() != 1 {
		t.Fatalf("%d groups on the page, want the duplicate question:\n%.3000s", groups.Length(), page.text(".console-main"))
	}
	g := groups.First()
	if !strings.Contains(g.Find(".faq-count").Text(), "3 zgłoszenia") || !g.HasClass("faq-gap") || g.Find(".faq-samples li").Length() != 3 {
		t.Errorf("group: %q gap=%v samples=%d", g.Find(".faq-count").Text(), g.HasClass("faq-gap"), g.Find(".faq-samples li").Length())
	}
	if page.count(`.console-nav a[aria-current=page][href="/admin/faq-candidates"]`) != 1 {
		t.Error("the navigation does not mark the screen")
	}
	action, _ := g.Find("form").Attr("action")
	p := fqPost(t, w.s, w.agent, action, nil)
	editor := fqFollow(t, w.s, w.agent, p)
	if editor.count("#sources li") != 3 {
		t.Errorf("draft from the group has %d sources", editor.count("#sources li"))
	}
	after := fqGet(t, w.s, w.agent, "/admin/faq-candidates")
	if after.count(`li.faq-group .faq-draft a[href="`+p.location+`"]`) != 1 {
		t.Error("the group does not show its draft")
	}
	if p := fqPost(t, w.s, w.agent, "/admin/faq-candidates/recompute", nil); p.status != http.StatusSeeOther {
		t.Errorf("recompute: %d", p.status)
	}
	if p := fqGet(t, w.s, w.agent, "/admin/faq-candidates?cursor=bad"); p.status != http.StatusSeeOther {
		t.Errorf("a bad cursor: %d, want a redirect to the first page", p.status)
	}
}

// Telling the requesters from the article page: only the editor sends, and only to those
// who may read the published FAQ.
func TestConsoleNotifyRequesters(t *testing.T) {
	w := newFQWorld(t)
	ctx := context.Background()
	otherTicket, err := w.s.Tickets.CreateRequest(ctx, w.other.Subject(), ticket.NewRequest{Subject: "Duplikat", Body: "Jak wystawić duplikat faktury?", Channel: ticket.ChannelWeb})
	if err != nil {
		t.Fatal(err)
	}
	a, err := w.s.FAQ.CreateDraft(ctx, w.agent.Subject(), []int64{w.tickets[0], otherTicket.ID})
	if err != nil {
		t.Fatal(err)
	}
	path := "/admin/articles/" + fqID(a.ID)
	if p := fqGet(t, w.s, w.editor, path); p.count("#link-notify") != 0 {
		t.Error("the editor offers to notify before publishing")
	}
	if a, err = w.s.Content.UpdateArticle(ctx, w.editor.Subject(), a.ID, content.ArticleUpdate{BaseRevisionID: a.CurrentRevisionID, Audiences: []string{"accountant"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.Content.PublishArticle(ctx, w.editor.Subject(), a.ID, nil); err != nil {
		t.Fatal(err)
	}
	edit := fqGet(t, w.s, w.editor, path)
	if edit.doc.Find("#link-notify").AttrOr("href", "") != path+"/requesters" {
		t.Fatal("the editor of the published FAQ has no link to notify the requesters")
	}
	plan := fqGet(t, w.s, w.editor, path+"/requesters")
	if plan.count(`tr[data-status=will_notify]`) != 1 || plan.count(`tr[data-status=cannot_read]`) != 1 || plan.count("#btn-notify") != 1 {
		t.Fatalf("plan:\n%.3000s", plan.text(".console-main"))
	}
	if p := fqGet(t, w.s, w.agent, path+"/requesters"); p.count("#btn-notify") != 0 {
		t.Error("the agent is offered to send")
	}
	if p := fqPost(t, w.s, w.agent, path+"/requesters", nil); p.status != http.StatusForbidden {
		t.Errorf("agent sends: %d, want 403", p.status)
	}
	sent := fqFollow(t, w.s, w.editor, fqPost(t, w.s, w.editor, path+"/requesters", nil))
	if !strings.Contains(sent.text(".flash"), "Wysłano 1 powiadomienie") || sent.count(`tr[data-status=notified]`) != 1 || sent.count("#btn-notify") != 0 {
		t.Errorf("after sending: flash %q\n%.2000s", sent.text(".flash"), sent.text(".console-main"))
	}
}

// Synonyms: saved from the console (an invalid list comes back as typed), used by search.
func TestConsoleSynonyms(t *testing.T) {
	w := newFQWorld(t)
	ctx := context.Background()
	a, err := w.s.Content.CreateArticle(ctx, w.editor.Subject(), content.ArticleInput{SectionID: w.section.ID, Title: "Pełnomocnictwo do urzędu", BodyMD: "Pełnomocnictwo składa się w e-Urzędzie."})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.Content.PublishArticle(ctx, w.editor.Subject(), a.ID, nil); err != nil {
		t.Fatal(err)
	}
	page := fqGet(t, w.s, w.editor, "/admin/synonyms")
	if page.count("#f-synonyms") != 1 || page.count(".synonyms-builtin li") == 0 {
		t.Fatalf("synonyms page:\n%.2000s", page.text(".console-main"))
	}
	bad := fqPost(t, w.s, w.editor, "/admin/synonyms", url.Values{"synonyms": {"pełnomocnictwo, upoważnienie\nsamotne słowo"}})
	if bad.status != http.StatusUnprocessableEntity || !strings.Contains(bad.text("#e-synonyms"), "Wiersz 2") || !strings.Contains(bad.text("#f-synonyms"), "samotne słowo") {
		t.Errorf("invalid list: %d %q", bad.status, bad.text("#e-synonyms"))
	}
	ok := fqPost(t, w.s, w.editor, "/admin/synonyms", url.Values{"synonyms": {"pełnomocnictwo, upoważnienie\n"}})
	if shown := fqFollow(t, w.s, w.editor, ok); !strings.Contains(shown.text(".flash"), "Zapisano synonimy") || !strings.Contains(shown.text("#f-synonyms"), "pełnomocnictwo, upoważnienie") {
		t.Errorf("after saving: %q", shown.text(".flash"))
	}
	res, err := w.s.Content.Search(ctx, w.accountant.Subject(), content.SearchQuery{Text: "upoważnienie"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 || res.Hits[0].ID != a.ID {
		t.Errorf("search for the synonym: %+v", res.Hits)
	}
	// Agents read the list but do not change it.
	if p := fqGet(t, w.s, w.agent, "/admin/synonyms"); p.count("#f-synonyms") != 0 || !strings.Contains(p.text(".synonym-groups"), "upoważnienie") {
		t.Error("the agent gets the form, or not the list")
	}
	if p := fqPost(t, w.s, w.agent, "/admin/synonyms", url.Values{"synonyms": {""}}); p.status != http.StatusForbidden {
		t.Errorf("agent saves: %d, want 403", p.status)
	}
}

// The search figures: readers' searches show up with their counts and click-through.
func TestConsoleSearchInsights(t *testing.T) {
	w := newFQWorld(t)
	for _, q := range []string{"duplikat faktury", "duplikat faktury", "zupełnie nieznane słowo"} {
		req, _ := http.NewRequest(http.MethodGet, w.s.URL+"/search?q="+url.QueryEscape(q), nil)
		if resp, _ := apptest.Do(t, w.s.Client(), req); resp.StatusCode != http.StatusOK {
			t.Fatalf("portal search: %d", resp.StatusCode)
		}
	}
	page := fqGet(t, w.s, w.editor, "/admin/search-insights")
	if page.status != http.StatusOK {
		t.Fatalf("insights: %d", page.status)
	}
	if got := page.text("#stat-searches .stat-number"); got != "3" {
		t.Errorf("searches %q, want 3", got)
	}
	if !strings.Contains(page.text("#no-results"), "zupełnie nieznane słowo") || !strings.Contains(page.text("#top-queries"), "duplikat faktury") {
		t.Errorf("query lists:\n%s\n%s", page.text("#top-queries"), page.text("#no-results"))
	}
	if page.count(`.console-nav a[aria-current=page][href="/admin/search-insights"]`) != 1 {
		t.Error("the navigation does not mark the screen")
	}
}
