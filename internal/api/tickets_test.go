package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/gofiber/fiber/v2"
	"github.com/google/go-cmp/cmp"
	"github.com/uptrace/bun"

	"github.com/helpcenter/helpcenter/internal/api"
	"github.com/helpcenter/helpcenter/internal/db"
	"github.com/helpcenter/helpcenter/internal/db/dbtest"
	"github.com/helpcenter/helpcenter/internal/ticket"
	"github.com/helpcenter/helpcenter/internal/web"
	"github.com/helpcenter/helpcenter/policy"
)

// ticketAPI is the JSON API with the ticket service over real HTTP on a fresh database.
// Callers prove who they are with X-Test-User (a user id, loaded like a session would)
// or X-Test-Token ("<id>:<staff role>"); the product's own authenticators are tested
// with the accounts feature.
type ticketAPI struct {
	url  string
	d    *db.DB
	pol  *policy.Enforcer
	mail *sentMail
}

type sentMail struct {
	mu   sync.Mutex
	list []ticket.Mail
}

func (m *sentMail) Enqueue(_ context.Context, _ bun.Tx, x ticket.Mail) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.list = append(m.list, x)
	return nil
}

func (m *sentMail) all() []ticket.Mail {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]ticket.Mail(nil), m.list...)
}

func newTicketAPI(t *testing.T) *ticketAPI {
	t.Helper()
	d := dbtest.New(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	pol, err := policy.New(context.Background(), d, log)
	if err != nil {
		t.Fatal(err)
	}
	mail := &sentMail{}
	svc := ticket.New(d.Bun, pol, ticket.Options{Mailer: mail})
	f := fiber.New(fiber.Config{UnescapePath: true, DisableStartupMessage: true, ErrorHandler: web.ErrorHandler(log, nil)})
	f.Use(web.Authenticate(testSubject(d)))
	api.Mount(f, api.Deps{Policy: pol, Tickets: svc})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go f.Listener(ln)
	t.Cleanup(func() { _ = f.Shutdown() })
	return &ticketAPI{url: "http://" + ln.Addr().String(), d: d, pol: pol, mail: mail}
}

func testSubject(d *db.DB) web.Authenticator {
	return func(c *fiber.Ctx) (policy.Subject, bool, error) {
		if tok := c.Get("X-Test-Token"); tok != "" {
			id, role, _ := strings.Cut(tok, ":")
			n, _ := strconv.ParseInt(id, 10, 64)
			return policy.Subject{TokenID: n, StaffRole: role}, true, nil
		}
		v := c.Get("X-Test-User")
		if v == "" {
			return policy.Subject{}, false, nil
		}
		id, _ := strconv.ParseInt(v, 10, 64)
		s := policy.Subject{UserID: id}
		var at, role *string
		err := d.Pool.QueryRow(c.UserContext(), `SELECT email, name, account_type, staff_role FROM users WHERE id = $1`, id).Scan(&s.Email, &s.Name, &at, &role)
		if err != nil {
			return s, false, err
		}
		if at != nil {
			s.AccountType = *at
		}
		if role != nil {
			s.StaffRole = *role
		}
		return s, true, nil
	}
}

func (a *ticketAPI) user(t *testing.T, email, accountType, staffRole string) string {
	t.Helper()
	var id int64
	if err := a.d.Pool.QueryRow(context.Background(), `INSERT INTO users (email, name, account_type, staff_role)
		VALUES ($1, $4, NULLIF($2, ''), NULLIF($3, '')) RETURNING id`, email, accountType, staffRole, email).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return strconv.FormatInt(id, 10)
}

// call sends a request as who ("" anonymous, a user id, or "token:<id>:<role>"), checks
// the answer against the OpenAPI document and returns status and body.
func (a *ticketAPI) call(t *testing.T, who, method, path, body string) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, a.url+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	switch {
	case strings.HasPrefix(who, "token:"):
		req.Header.Set("X-Test-Token", strings.TrimPrefix(who, "token:"))
	case who != "":
		req.Header.Set("X-Test-User", who)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	checkOpenAPI(t, method, path, body, resp, b)
	return resp.StatusCode, string(b)
}

var (
	openapiOnce   sync.Once
	openapiRouter routers.Router
	openapiErr    error
)

// checkOpenAPI validates a response of a documented route against the OpenAPI document.
func checkOpenAPI(t *testing.T, method, path, body string, resp *http.Response, b []byte) {
	t.Helper()
	openapiOnce.Do(func() {
		raw, err := api.OpenAPIDocument()
		if err != nil {
			openapiErr = err
			return
		}
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(raw)
		if err != nil {
			openapiErr = err
			return
		}
		doc.Servers = openapi3.Servers{{URL: "http://example.com"}}
		openapiRouter, openapiErr = legacy.NewRouter(doc)
	})
	if openapiErr != nil {
		t.Fatalf("OpenAPI document: %v", openapiErr)
	}
	req, _ := http.NewRequest(method, "http://example.com"+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	route, params, err := openapiRouter.FindRoute(req)
	if err != nil {
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s %s is not documented: %v", method, path, err)
		}
		return
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 resp.StatusCode,
		Header:                 resp.Header,
		Body:                   io.NopCloser(bytes.NewReader(b)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Errorf("%s %s answer %d does not match the OpenAPI document: %v\n%s", method, path, resp.StatusCode, err, b)
	}
}

func decode[T any](t *testing.T, body string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("decode %q: %v", body, err)
	}
	return v
}

type apiRequest struct {
	ID       int64  `json:"id"`
	Subject  string `json:"subject"`
	Status   string `json:"status"`
	Channel  string `json:"channel"`
	Messages []struct {
		Body       string `json:"body"`
		FromStaff  bool   `json:"from_staff"`
		AuthorName string `json:"author_name"`
	} `json:"messages"`
}

type apiProblem struct {
	Status int `json:"status"`
	Errors []struct {
		Field string `json:"field"`
	} `json:"errors"`
}

func (p apiProblem) fields() []string {
	var out []string
	for _, e := range p.Errors {
		out = append(out, e.Field)
	}
	return out
}

func TestRequestsAPI(t *testing.T) {
	a := newTicketAPI(t)
	anna := a.user(t, "anna@example.com", "", "")
	bob := a.user(t, "bob@example.com", "", "")
	agent := a.user(t, "agent@example.com", "", "agent")

	st, body := a.call(t, anna, "POST", "/api/v1/requests", `{"subject": "Jak dodać użytkownika?", "body": "Nie widzę opcji."}`)
	if st != 201 {
		t.Fatalf("POST /requests = %d %s", st, body)
	}
	created := decode[apiRequest](t, body)
	if created.Channel != "api" || created.Status != "new" || len(created.Messages) != 1 {
		t.Errorf("created = %+v", created)
	}
	path := "/api/v1/requests/" + strconv.FormatInt(created.ID, 10)

	st, body = a.call(t, anna, "GET", "/api/v1/requests", "")
	list := decode[struct {
		Data       []apiRequest `json:"data"`
		NextCursor *string      `json:"next_cursor"`
	}](t, body)
	if st != 200 || len(list.Data) != 1 || list.Data[0].ID != created.ID || list.NextCursor != nil {
		t.Errorf("My activities = %d %s", st, body)
	}

	// The agent answers publicly and writes a note; the customer sees the answer only.
	a.call(t, agent, "POST", "/api/v1/admin/tickets/"+strconv.FormatInt(created.ID, 10)+"/messages", `{"body": "TAJNA notatka", "internal": true}`)
	st, body = a.call(t, agent, "POST", "/api/v1/admin/tickets/"+strconv.FormatInt(created.ID, 10)+"/messages", `{"body": "Ustawienia → Użytkownicy.", "status": "solved"}`)
	if st != 201 {
		t.Fatalf("staff reply = %d %s", st, body)
	}
	st, body = a.call(t, anna, "GET", path, "")
	if st != 200 || strings.Contains(body, "TAJNA") {
		t.Fatalf("GET own request = %d %s", st, body)
	}
	got := decode[apiRequest](t, body)
	if got.Status != "solved" || len(got.Messages) != 2 || !got.Messages[1].FromStaff || got.Messages[1].AuthorName != "agent@example.com" {
		t.Errorf("own request = %+v", got)
	}
	st, body = a.call(t, anna, "GET", "/api/v1/requests", "")
	if strings.Contains(body, "TAJNA") {
		t.Errorf("list leaks the note: %s", body)
	}

	// Replying reopens the solved request.
	st, body = a.call(t, anna, "POST", path+"/messages", `{"body": "Nadal nie widzę."}`)
	if st != 201 {
		t.Fatalf("reply = %d %s", st, body)
	}
	_, body = a.call(t, anna, "GET", path, "")
	if s := decode[apiRequest](t, body).Status; s != "open" {
		t.Errorf("after the customer's reply the status is %s, want open", s)
	}

	// Another customer: 404 for the request and the reply, nothing for the list.
	for _, c := range []struct{ method, path, body string }{
		{"GET", path, ""},
		{"POST", path + "/messages", `{"body": "hej"}`},
		{"GET", "/api/v1/requests/999999", ""},
	} {
		st, body := a.call(t, bob, c.method, c.path, c.body)
		if st != 404 || strings.Contains(body, "Nie widzę") {
			t.Errorf("Bob %s %s = %d %s", c.method, c.path, st, body)
		}
	}
	if _, body := a.call(t, bob, "GET", "/api/v1/requests", ""); !strings.Contains(body, `"data":[]`) {
		t.Errorf("Bob's list = %s", body)
	}
	if st, _ := a.call(t, "", "GET", "/api/v1/requests", ""); st != 401 {
		t.Errorf("anonymous list = %d, want 401", st)
	}
	for _, m := range a.mail.all() {
		if strings.Contains(m.Text, "TAJNA") {
			t.Errorf("mail to %s carries the internal note", m.To)
		}
	}
}

func TestAnonymousRequestThroughAPI(t *testing.T) {
	a := newTicketAPI(t)
	st, body := a.call(t, "", "POST", "/api/v1/requests", `{"subject": "Oferta", "body": "Ile kosztuje?", "email": "nowy@example.com", "name": "Nowy Klient"}`)
	if st != 201 {
		t.Fatalf("anonymous POST = %d %s", st, body)
	}
	var source string
	a.d.Pool.QueryRow(context.Background(), `SELECT source FROM users WHERE email = 'nowy@example.com'`).Scan(&source)
	if source != "support_email" {
		t.Errorf("contact source = %q", source)
	}
	// A token of a frontend sends requests for visitors the same way.
	st, body = a.call(t, "token:7:", "POST", "/api/v1/requests", `{"subject": "Z formularza", "body": "treść", "email": "gosc@example.com", "name": "Gość"}`)
	if st != 201 {
		t.Fatalf("token POST = %d %s", st, body)
	}
}

func TestRequestsAPIRejectsBadInput(t *testing.T) {
	a := newTicketAPI(t)
	anna := a.user(t, "anna@example.com", "partner", "")
	tests := []struct {
		name, who, body string
		want            []string
	}{
		{"empty", anna, `{"subject": "", "body": ""}`, []string{"subject", "body"}},
		{"too long", anna, fmt.Sprintf(`{"subject": %q, "body": "x"}`, strings.Repeat("a", 201)), []string{"subject"}},
		{"visitor without address", "", `{"subject": "x", "body": "y"}`, []string{"email", "name"}},
		{"bad address", "", `{"subject": "x", "body": "y", "email": "not-an-address", "name": "N"}`, []string{"email"}},
		{"unknown field", anna, `{"subject": "x", "body": "y", "priority": "high"}`, []string{"priority"}},
		{"wrong type", anna, `{"subject": 5, "body": "y"}`, []string{"subject"}},
		{"unknown account type", anna, `{"kind": "account_type_change", "requested_account_type": "gold"}`, []string{"requested_account_type"}},
		{"current account type", anna, `{"kind": "account_type_change", "requested_account_type": "partner"}`, []string{"requested_account_type"}},
		{"unknown kind", anna, `{"subject": "x", "body": "y", "kind": "complaint"}`, []string{"kind"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, body := a.call(t, tt.who, "POST", "/api/v1/requests", tt.body)
			if st != 400 {
				t.Fatalf("status %d %s", st, body)
			}
			if diff := cmp.Diff(tt.want, decode[apiProblem](t, body).fields()); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
	var n int
	a.d.Pool.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM tickets) + (SELECT count(*) FROM users)`).Scan(&n)
	if n != 1 {
		t.Errorf("bad requests saved rows (tickets + users = %d, want 1)", n)
	}
}

func TestManagementAPI(t *testing.T) {
	a := newTicketAPI(t)
	anna := a.user(t, "anna@example.com", "", "")
	agent := a.user(t, "agent@example.com", "", "agent")
	editor := a.user(t, "editor@example.com", "", "editor")
	admin := a.user(t, "admin@example.com", "", "admin")
	_, body := a.call(t, anna, "POST", "/api/v1/requests", `{"subject": "Faktura korygująca", "body": "Jak ją wystawić?"}`)
	id := strconv.FormatInt(decode[apiRequest](t, body).ID, 10)
	_, body = a.call(t, anna, "POST", "/api/v1/requests", `{"kind": "account_type_change", "requested_account_type": "accountant"}`)
	atc := strconv.FormatInt(decode[apiRequest](t, body).ID, 10)

	// Not staff: the management API does not exist. Staff without the permission: 403.
	for _, who := range []string{"", anna, "token:3:"} {
		for _, c := range []struct{ method, path, body string }{
			{"GET", "/api/v1/admin/tickets", ""},
			{"GET", "/api/v1/admin/tickets/" + id, ""},
			{"PATCH", "/api/v1/admin/tickets/" + id, `{"status": "open"}`},
			{"POST", "/api/v1/admin/tickets/" + id + "/messages", `{"body": "x"}`},
		} {
			if st, body := a.call(t, who, c.method, c.path, c.body); st != 404 || strings.Contains(body, "Faktura") {
				t.Errorf("%q %s %s = %d %s", who, c.method, c.path, st, body)
			}
		}
	}
	if st, _ := a.call(t, editor, "POST", "/api/v1/admin/tickets/"+id+"/messages", `{"body": "x"}`); st != 403 {
		t.Errorf("editor reply = %d, want 403", st)
	}
	if st, _ := a.call(t, editor, "PATCH", "/api/v1/admin/tickets/"+id, `{"status": "open"}`); st != 403 {
		t.Errorf("editor patch = %d, want 403", st)
	}
	if st, _ := a.call(t, agent, "POST", "/api/v1/admin/tickets/"+atc+"/decision", `{"decision": "approved"}`); st != 403 {
		t.Errorf("agent decision = %d, want 403", st)
	}

	st, body := a.call(t, agent, "GET", "/api/v1/admin/tickets?status=new&q=faktury", "")
	if st != 200 || !strings.Contains(body, "Faktura korygująca") || strings.Contains(body, "Zmiana typu") {
		t.Fatalf("inbox search = %d %s", st, body)
	}
	st, body = a.call(t, agent, "PATCH", "/api/v1/admin/tickets/"+id, `{"assignee_id": `+agent+`, "status": "pending"}`)
	if st != 200 || !strings.Contains(body, `"status":"pending"`) || !strings.Contains(body, `"assignee":{"id":`+agent) {
		t.Fatalf("patch = %d %s", st, body)
	}
	st, body = a.call(t, agent, "GET", "/api/v1/admin/tickets?assignee=me", "")
	if st != 200 || strings.Count(body, `"subject"`) != 1 {
		t.Errorf("mine = %d %s", st, body)
	}
	st, body = a.call(t, agent, "PATCH", "/api/v1/admin/tickets/"+id, `{"assignee_id": null}`)
	if st != 200 || !strings.Contains(body, `"assignee":null`) {
		t.Errorf("unassign = %d %s", st, body)
	}
	st, body = a.call(t, agent, "POST", "/api/v1/admin/tickets/"+id+"/messages", `{"body": "Notatka", "internal": true}`)
	if st != 201 || !strings.Contains(body, `"internal":true`) {
		t.Errorf("note = %d %s", st, body)
	}
	st, body = a.call(t, agent, "GET", "/api/v1/admin/tickets/"+id, "")
	if st != 200 || !strings.Contains(body, "Notatka") || !strings.Contains(body, `"email":"anna@example.com"`) {
		t.Errorf("ticket = %d %s", st, body)
	}
	// A staff token works the inbox too.
	if st, body := a.call(t, "token:9:agent", "GET", "/api/v1/admin/tickets?status=all&sort=oldest&limit=1", ""); st != 200 || !strings.Contains(body, `"next_cursor":"`) {
		t.Errorf("token inbox = %d %s", st, body)
	}
	if st, body := a.call(t, agent, "GET", "/api/v1/admin/tickets/assignees", ""); st != 200 || !strings.Contains(body, "agent@example.com") || strings.Contains(body, "anna@") {
		t.Errorf("assignees = %d %s", st, body)
	}

	bad := []struct{ name, method, path, body string }{
		{"status", "PATCH", "/api/v1/admin/tickets/" + id, `{"status": "finished"}`},
		{"assignee_id", "PATCH", "/api/v1/admin/tickets/" + id, `{"assignee_id": ` + anna + `}`},
		{"assignee_id", "PATCH", "/api/v1/admin/tickets/" + id, `{"assignee_id": "x"}`},
		{"status", "PATCH", "/api/v1/admin/tickets/" + id, `{}`},
		{"status", "GET", "/api/v1/admin/tickets?status=finished", ""},
		{"assignee", "GET", "/api/v1/admin/tickets?assignee=nobody", ""},
		{"body", "POST", "/api/v1/admin/tickets/" + id + "/messages", `{"body": "  "}`},
		{"decision", "POST", "/api/v1/admin/tickets/" + atc + "/decision", `{"decision": "maybe"}`},
	}
	for _, b := range bad {
		st, body := a.call(t, admin, b.method, b.path, b.body)
		if st != 400 || !slicesEqual(decode[apiProblem](t, body).fields(), []string{b.name}) {
			t.Errorf("%s %s %s = %d %s", b.method, b.path, b.body, st, body)
		}
	}

	st, body = a.call(t, admin, "POST", "/api/v1/admin/tickets/"+atc+"/decision", `{"decision": "approved", "note": "Gotowe."}`)
	if st != 200 || !strings.Contains(body, `"decision":"approved"`) || !strings.Contains(body, `"account_type":"accountant"`) {
		t.Fatalf("approve = %d %s", st, body)
	}
	if st, _ := a.call(t, admin, "POST", "/api/v1/admin/tickets/"+atc+"/decision", `{"decision": "declined"}`); st != 409 {
		t.Errorf("second decision = %d, want 409", st)
	}
	var accountType string
	a.d.Pool.QueryRow(context.Background(), `SELECT account_type FROM users WHERE id = $1`, anna).Scan(&accountType)
	if accountType != "accountant" {
		t.Errorf("account type after approval = %q", accountType)
	}
}

func slicesEqual(a, b []string) bool { return cmp.Equal(a, b) }
