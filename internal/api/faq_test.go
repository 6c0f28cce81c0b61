package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/account"
	"github.com/helpcenter/helpcenter/internal/account/accounttest"
	"github.com/helpcenter/helpcenter/internal/api/apitest"
	"github.com/helpcenter/helpcenter/internal/apitoken"
	"github.com/helpcenter/helpcenter/internal/app/apptest"
	"github.com/helpcenter/helpcenter/internal/ticket"
)

// faqCaller calls the API as one caller (a signed-in user with the CSRF header, a bearer
// token, or nobody) and checks every exchange against the OpenAPI document.
type faqCaller struct {
	s      *apptest.Server
	v      *apitest.Validator
	client *http.Client
	header map[string]string
}

func faqSession(t *testing.T, s *apptest.Server, u *accounttest.User) *faqCaller {
	return &faqCaller{s: s, v: apitest.NewValidator(t), client: u.Client, header: map[string]string{"X-CSRF-Token": u.CSRF}}
}

func faqToken(t *testing.T, s *apptest.Server, secret string) *faqCaller {
	return &faqCaller{s: s, v: apitest.NewValidator(t), client: s.Client(), header: map[string]string{"Authorization": "Bearer " + secret}}
}

func faqAnonymous(t *testing.T, s *apptest.Server) *faqCaller {
	return &faqCaller{s: s, v: apitest.NewValidator(t), client: s.Client()}
}

func (c *faqCaller) call(t *testing.T, method, path, body string) (*http.Response, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, c.s.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	return c.v.Do(t, c.client, req)
}

// must calls and insists on a status, decoding the answer into out (when not nil).
func (c *faqCaller) must(t *testing.T, want int, method, path, body string, out any) *http.Response {
	t.Helper()
	resp, text := c.call(t, method, path, body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s = %d, want %d: %s", method, path, resp.StatusCode, want, text)
	}
	if out != nil {
		if err := json.Unmarshal([]byte(text), out); err != nil {
			t.Fatalf("decode %s: %v", text, err)
		}
	}
	return resp
}

// problemFields are the fields a 400 problem names.
func faqProblemFields(t *testing.T, text string) []string {
	t.Helper()
	var p struct {
		Errors []struct {
			Field string `json:"field"`
		} `json:"errors"`
	}
	if err := json.Unmarshal([]byte(text), &p); err != nil {
		t.Fatalf("decode problem %s: %v", text, err)
	}
	var out []string
	for _, e := range p.Errors {
		out = append(out, e.Field)
	}
	return out
}

// faqWorld is a help center with a section, an accountant with two answered questions
// about the same thing, and staff.
type faqWorld struct {
	s                     *apptest.Server
	admin, editor, agent  *accounttest.User
	accountant, office    *accounttest.User
	tickets               []int64
	sectionID, officeTick int64
}

func newFAQWorld(t *testing.T) *faqWorld {
	t.Helper()
	s := apptest.New(t)
	ctx := context.Background()
	w := &faqWorld{s: s, admin: accounttest.Staff(t, s, "admin"), editor: accounttest.Staff(t, s, "editor"), agent: accounttest.Staff(t, s, "agent"),
		accountant: accounttest.SignIn(t, s, account.NewUser{Email: "ewa.lis@biuro.example", Name: "Ewa Lis", AccountType: "accountant"}),
		office:     accounttest.SignIn(t, s, account.NewUser{Email: "jan.bak@firma.example", Name: "Jan Bąk", AccountType: "office_client"})}
	cat, err := s.Content.CreateCategory(ctx, w.editor.Subject(), content.CategoryInput{Name: "Program"})
	if err != nil {
		t.Fatal(err)
	}
	sec, err := s.Content.CreateSection(ctx, w.editor.Subject(), content.SectionInput{CategoryID: cat.ID, Name: "Faktury", Audiences: []string{"public"}})
	if err != nil {
		t.Fatal(err)
	}
	w.sectionID = sec.ID
	ask := func(who *accounttest.User, subject, body, answer string) int64 {
		tk, err := s.Tickets.CreateRequest(ctx, who.Subject(), ticket.NewRequest{Subject: subject, Body: body, Channel: ticket.ChannelWeb})
		if err != nil {
			t.Fatal(err)
		}
		if answer != "" {
			if _, err := s.Tickets.Reply(ctx, w.agent.Subject(), tk.ID, ticket.StaffReply{Body: answer, Status: ticket.StatusSolved}); err != nil {
				t.Fatal(err)
			}
		}
		return tk.ID
	}
	answer := "Pani Ewo,\n\nduplikat faktury wystawia się z widoku faktury: Więcej → Duplikat. Program doda datę wystawienia duplikatu i oznaczenie „DUPLIKAT”.\n\nPozdrawiam,\nKarol Wiśniewski, tel. 500 600 700"
	w.tickets = []int64{
		ask(w.accountant, "Duplikat faktury", "Jak wystawić duplikat faktury? Klient zgubił oryginał. Ewa Lis, NIP 7740001454", answer),
		ask(w.accountant, "duplikat", "Gdzie w programie jest duplikat faktury?", answer),
	}
	w.officeTick = ask(w.office, "Hasło", "Jak zmienić hasło do konta?", "")
	ask(w.office, "Aplikacja", "Aplikacja mobilna nie wysyła zdjęć paragonów.", "")
	ask(w.accountant, "Eksport", "Eksport do Comarch Optima zgłasza błąd kontrahenta.", "")
	ask(w.accountant, "Duplikat faktury sprzedaży", "Jak zrobić duplikat faktury sprzedaży dla klienta?", answer)
	return w
}

func idsJSON(ids ...int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return `{"ticket_ids": [` + strings.Join(parts, ", ") + `]}`
}

func TestFAQDraftAPI(t *testing.T) {
	w := newFAQWorld(t)
	agent := faqSession(t, w.s, w.agent)

	var draft map[string]any
	resp := agent.must(t, http.StatusCreated, "POST", "/api/v1/admin/faq-drafts", idsJSON(w.tickets...), &draft)
	id := int64(draft["id"].(float64))
	if loc := resp.Header.Get("Location"); loc != "/api/v1/admin/articles/"+strconv.FormatInt(id, 10) {
		t.Errorf("Location %q", loc)
	}
	// The answer is the article exactly as the article endpoint gives it.
	var same map[string]any
	agent.must(t, http.StatusOK, "GET", "/api/v1/admin/articles/"+strconv.FormatInt(id, 10), "", &same)
	if diff := cmp.Diff(same, draft); diff != "" {
		t.Errorf("draft differs from GET /admin/articles/{id} (-get +post):\n%s", diff)
	}
	if draft["kind"] != "faq" || draft["state"] != "draft" {
		t.Errorf("kind %v state %v", draft["kind"], draft["state"])
	}
	if diff := cmp.Diff([]any{"accountant"}, draft["audiences"]); diff != "" {
		t.Errorf("audiences (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]any{float64(w.tickets[0]), float64(w.tickets[1])}, draft["source_ticket_ids"]); diff != "" {
		t.Errorf("source_ticket_ids (-want +got):\n%s", diff)
	}
	text := draft["title"].(string) + "\n" + draft["body_md"].(string)
	if !strings.Contains(text, "Więcej → Duplikat") {
		t.Errorf("the answer is missing:\n%s", text)
	}
	for _, personal := range []string{"Ewa", "Ewo", "Lis", "7740001454", "Karol", "Wiśniewski", "500 600 700"} {
		if strings.Contains(text, personal) {
			t.Errorf("%q survived into the draft:\n%s", personal, text)
		}
	}

	// A staff token creates drafts without a session (and without CSRF).
	tok, err := w.s.Tokens.Create(context.Background(), w.admin.Subject(), apitoken.CreateInput{Name: "automat", StaffRole: "agent"})
	if err != nil {
		t.Fatal(err)
	}
	faqToken(t, w.s, tok.Secret).must(t, http.StatusCreated, "POST", "/api/v1/admin/faq-drafts", idsJSON(w.tickets[0]), nil)
}

func TestFAQDraftAPIRefusals(t *testing.T) {
	w := newFAQWorld(t)
	agent := faqSession(t, w.s, w.agent)
	tests := []struct {
		name   string
		body   string
		fields []string
	}{
		{"empty list", `{"ticket_ids": []}`, []string{"ticket_ids"}},
		{"missing list", `{}`, []string{"ticket_ids"}},
		{"unknown ticket", idsJSON(w.tickets[0], 987654), []string{"ticket_ids"}},
		{"not a number", `{"ticket_ids": ["7"]}`, []string{"ticket_ids"}},
		{"unknown field", `{"ids": [1]}`, []string{"ids"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, text := agent.call(t, "POST", "/api/v1/admin/faq-drafts", tc.body)
			if resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("status %d, want 400: %s", resp.StatusCode, text)
			}
			if diff := cmp.Diff(tc.fields, faqProblemFields(t, text)); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
	// Without a staff role the route does not exist; a readers' token neither.
	tok, err := w.s.Tokens.Create(context.Background(), w.admin.Subject(), apitoken.CreateInput{Name: "frontend", Audiences: []string{"accountant"}})
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*faqCaller{
		"anonymous": faqAnonymous(t, w.s), "customer": faqSession(t, w.s, w.accountant), "reader token": faqToken(t, w.s, tok.Secret),
	} {
		if resp, text := c.call(t, "POST", "/api/v1/admin/faq-drafts", idsJSON(w.tickets...)); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404: %s", name, resp.StatusCode, text)
		}
	}
	// A session without the CSRF header is refused before anything is created.
	req, _ := http.NewRequest("POST", w.s.URL+"/api/v1/admin/faq-drafts", strings.NewReader(idsJSON(w.tickets...)))
	req.Header.Set("Content-Type", "application/json")
	if resp, _ := apptest.Do(t, w.agent.Client, req); resp.StatusCode != http.StatusForbidden {
		t.Errorf("without CSRF: %d, want 403", resp.StatusCode)
	}
	page, err := w.s.Content.ListArticles(context.Background(), w.editor.Subject(), content.ManagedFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 0 {
		t.Errorf("%d articles after refused calls", page.Total)
	}
}

type candidateList struct {
	Data []struct {
		ID        int64   `json:"id"`
		Question  string  `json:"question"`
		TicketIDs []int64 `json:"ticket_ids"`
		Count     int     `json:"count"`
		CoveredBy *struct {
			ArticleID int64  `json:"article_id"`
			How       string `json:"how"`
		} `json:"covered_by"`
	} `json:"data"`
	NextCursor *string `json:"next_cursor"`
	Groups     int     `json:"groups"`
	Gaps       int     `json:"gaps"`
}

func TestFAQCandidatesAPI(t *testing.T) {
	w := newFAQWorld(t)
	ctx := context.Background()
	agent := faqSession(t, w.s, w.agent)
	if _, err := w.s.FAQ.Recompute(ctx); err != nil {
		t.Fatal(err)
	}
	var list candidateList
	agent.must(t, http.StatusOK, "GET", "/api/v1/admin/faq-candidates", "", &list)
	if len(list.Data) != 1 || list.Data[0].Count != 3 || list.Data[0].CoveredBy != nil || list.Gaps != 1 {
		t.Fatalf("candidates %+v, want the duplicate question as one gap of three", list)
	}
	group := list.Data[0]

	// A draft from the whole group, then published: the group is covered by it.
	var draft struct {
		ID              int64   `json:"id"`
		SourceTicketIDs []int64 `json:"source_ticket_ids"`
		GroupTickets    int     `json:"group_ticket_count"`
	}
	agent.must(t, http.StatusCreated, "POST", "/api/v1/admin/faq-candidates/"+strconv.FormatInt(group.ID, 10)+"/draft", "", &draft)
	if len(draft.SourceTicketIDs) != 3 || draft.GroupTickets != 3 {
		t.Errorf("draft from the group: %+v", draft)
	}
	editor := faqSession(t, w.s, w.editor)
	editor.must(t, http.StatusOK, "POST", "/api/v1/admin/articles/"+strconv.FormatInt(draft.ID, 10)+"/publish", "", nil)
	agent.must(t, http.StatusOK, "GET", "/api/v1/admin/faq-candidates?limit=1", "", &list)
	if len(list.Data) != 1 || list.Data[0].CoveredBy == nil || list.Data[0].CoveredBy.ArticleID != draft.ID || list.Data[0].CoveredBy.How != "source" {
		t.Errorf("after publishing: %+v", list.Data)
	}
	agent.must(t, http.StatusOK, "GET", "/api/v1/admin/faq-candidates/"+strconv.FormatInt(group.ID, 10), "", nil)
	var queued struct {
		Queued bool `json:"queued"`
	}
	agent.must(t, http.StatusAccepted, "POST", "/api/v1/admin/faq-candidates/recompute", "", &queued)

	for _, bad := range []string{"?show=everything", "?limit=500", "?cursor=nonsense"} {
		if resp, text := agent.call(t, "GET", "/api/v1/admin/faq-candidates"+bad, ""); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400: %s", bad, resp.StatusCode, text)
		}
	}
	if resp, _ := faqSession(t, w.s, w.accountant).call(t, "GET", "/api/v1/admin/faq-candidates", ""); resp.StatusCode != http.StatusNotFound {
		t.Errorf("customer: %d, want 404", resp.StatusCode)
	}
}

func TestFAQCandidatesAPIPages(t *testing.T) {
	w := newFAQWorld(t)
	ctx := context.Background()
	// A second recurring question, so there are two groups to page through.
	for _, body := range []string{"Jak zmienić hasło do konta w programie?", "Chcę zmienić hasło, jak to zrobić?"} {
		if _, err := w.s.Tickets.CreateRequest(ctx, w.office.Subject(), ticket.NewRequest{Subject: "Zmiana hasła", Body: body, Channel: ticket.ChannelWeb}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.s.FAQ.Recompute(ctx); err != nil {
		t.Fatal(err)
	}
	agent := faqSession(t, w.s, w.agent)
	var seen []int64
	path := "/api/v1/admin/faq-candidates?limit=1"
	for range 5 {
		var page candidateList
		agent.must(t, http.StatusOK, "GET", path, "", &page)
		for _, g := range page.Data {
			seen = append(seen, g.ID)
		}
		if page.NextCursor == nil {
			break
		}
		path = "/api/v1/admin/faq-candidates?limit=1&cursor=" + url.QueryEscape(*page.NextCursor)
	}
	if len(seen) != 2 || seen[0] == seen[1] {
		t.Errorf("pages gave groups %v, want two different ones", seen)
	}
}

func TestNotifyRequestersAPI(t *testing.T) {
	w := newFAQWorld(t)
	ctx := context.Background()
	agent, editor := faqSession(t, w.s, w.agent), faqSession(t, w.s, w.editor)
	var draft struct {
		ID                int64 `json:"id"`
		CurrentRevisionID int64 `json:"current_revision_id"`
	}
	// The accountant's two tickets and the office client's one.
	agent.must(t, http.StatusCreated, "POST", "/api/v1/admin/faq-drafts", idsJSON(w.tickets[0], w.tickets[1], w.officeTick), &draft)
	path := "/api/v1/admin/articles/" + strconv.FormatInt(draft.ID, 10)
	if resp, text := editor.call(t, "POST", path+"/notify-requesters", ""); resp.StatusCode != http.StatusConflict {
		t.Errorf("before publishing: %d, want 409: %s", resp.StatusCode, text)
	}
	editor.must(t, http.StatusOK, "PATCH", path, `{"base_revision_id": `+strconv.FormatInt(draft.CurrentRevisionID, 10)+`, "audiences": ["accountant"]}`, nil)
	editor.must(t, http.StatusOK, "POST", path+"/publish", "", nil)
	if resp, _ := agent.call(t, "POST", path+"/notify-requesters", ""); resp.StatusCode != http.StatusForbidden {
		t.Errorf("agent notifies: %d, want 403", resp.StatusCode)
	}
	var res struct {
		Sent       int `json:"sent"`
		Recipients []struct {
			Email  string `json:"email"`
			Status string `json:"status"`
		} `json:"recipients"`
	}
	editor.must(t, http.StatusOK, "POST", path+"/notify-requesters", "", &res)
	got := map[string]string{}
	for _, r := range res.Recipients {
		got[r.Email] = r.Status
	}
	if diff := cmp.Diff(map[string]string{w.accountant.Email: "notified", w.office.Email: "cannot_read"}, got); diff != "" || res.Sent != 1 {
		t.Errorf("sent %d; recipients (-want +got):\n%s", res.Sent, diff)
	}
	agent.must(t, http.StatusOK, "GET", path+"/requesters", "", nil)
	editor.must(t, http.StatusOK, "POST", path+"/notify-requesters", "", &res)
	if res.Sent != 0 {
		t.Errorf("second call sent %d", res.Sent)
	}
	if n := faqMails(t, w, w.office.Email); n != 0 {
		t.Errorf("the office client, who may not read the FAQ, got %d e-mails", n)
	}
	if n := faqMails(t, w, w.accountant.Email); n != 1 {
		t.Errorf("the accountant got %d e-mails, want 1", n)
	}
	_ = ctx
}

func faqMails(t *testing.T, w *faqWorld, to string) int {
	t.Helper()
	var n int
	if err := w.s.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM mails WHERE lower(to_address) = lower($1) AND template = 'faq.published'`, to).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Staff edit the synonyms through the API and readers' searches follow at once.
func TestSearchSynonymsAPI(t *testing.T) {
	w := newFAQWorld(t)
	ctx := context.Background()
	a, err := w.s.Content.CreateArticle(ctx, w.editor.Subject(), content.ArticleInput{SectionID: w.sectionID, Title: "Pełnomocnictwo do urzędu skarbowego",
		BodyMD: "Pełnomocnictwo UPL-1 składa się przez e-Urząd Skarbowy."})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.Content.PublishArticle(ctx, w.editor.Subject(), a.ID, nil); err != nil {
		t.Fatal(err)
	}
	reader := faqAnonymous(t, w.s)
	total := func() int {
		t.Helper()
		var r struct {
			Total int `json:"total"`
		}
		reader.must(t, http.StatusOK, "GET", "/api/v1/search?q="+url.QueryEscape("upoważnienie "), "", &r)
		return r.Total
	}
	if n := total(); n != 0 {
		t.Fatalf("before the synonym: %d results", n)
	}
	editor := faqSession(t, w.s, w.editor)
	var got struct {
		Groups [][]string `json:"groups"`
	}
	editor.must(t, http.StatusOK, "PUT", "/api/v1/admin/search-synonyms", `{"groups": [["pełnomocnictwo", "upoważnienie"]]}`, &got)
	if diff := cmp.Diff([][]string{{"pełnomocnictwo", "upoważnienie"}}, got.Groups); diff != "" {
		t.Errorf("saved (-want +got):\n%s", diff)
	}
	if n := total(); n != 1 {
		t.Errorf("after the synonym: %d results, want the article", n)
	}
	faqSession(t, w.s, w.agent).must(t, http.StatusOK, "GET", "/api/v1/admin/search-synonyms", "", &got)
	if resp, _ := faqSession(t, w.s, w.agent).call(t, "PUT", "/api/v1/admin/search-synonyms", `{"groups": []}`); resp.StatusCode != http.StatusForbidden {
		t.Errorf("agent changes synonyms: %d, want 403", resp.StatusCode)
	}
	resp, text := editor.call(t, "PUT", "/api/v1/admin/search-synonyms", `{"groups": [["jedno"]]}`)
	if resp.StatusCode != http.StatusBadRequest || !cmp.Equal(faqProblemFields(t, text), []string{"groups"}) {
		t.Errorf("a group of one: %d %s", resp.StatusCode, text)
	}
	editor.must(t, http.StatusOK, "PUT", "/api/v1/admin/search-synonyms", `{"groups": []}`, nil)
	if n := total(); n != 0 {
		t.Errorf("after removing the synonym: %d results", n)
	}
}

// Every FAQ route is in the OpenAPI document.
func TestFAQAPIDocumented(t *testing.T) {
	s := apptest.New(t)
	v := apitest.NewValidator(t)
	for _, prefix := range []string{"/api/v1/admin/faq-drafts", "/api/v1/admin/faq-candidates", "/api/v1/admin/search-synonyms", "/api/v1/admin/articles/"} {
		if missing := v.Undocumented(s, prefix); len(missing) > 0 {
			t.Errorf("undocumented routes: %v", missing)
		}
	}
}

// A synonym saved on one instance reaches the search of another instance of the same
// help center (a PostgreSQL notification makes it reload the list).
func TestSearchSynonymsReachEveryInstance(t *testing.T) {
	w := newFAQWorld(t)
	ctx := context.Background()
	other := apptest.NewOnDatabase(t, w.s.Config.DatabaseURL)
	a, err := w.s.Content.CreateArticle(ctx, w.editor.Subject(), content.ArticleInput{SectionID: w.sectionID, Title: "Pełnomocnictwo do urzędu skarbowego",
		BodyMD: "Pełnomocnictwo UPL-1 składa się przez e-Urząd Skarbowy."})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.Content.PublishArticle(ctx, w.editor.Subject(), a.ID, nil); err != nil {
		t.Fatal(err)
	}
	total := func() int {
		t.Helper()
		var r struct {
			Total int `json:"total"`
		}
		faqAnonymous(t, other).must(t, http.StatusOK, "GET", "/api/v1/search?q="+url.QueryEscape("upoważnienie "), "", &r)
		return r.Total
	}
	if n := total(); n != 0 {
		t.Fatalf("before the synonym: %d results on the other instance", n)
	}
	faqSession(t, w.s, w.editor).must(t, http.StatusOK, "PUT", "/api/v1/admin/search-synonyms", `{"groups": [["pełnomocnictwo", "upoważnienie"]]}`, nil)
	deadline := time.Now().Add(5 * time.Second)
	for total() != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the other instance does not use the new synonym after 5 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
