package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/uptrace/bun"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/account"
	"github.com/helpcenter/helpcenter/internal/account/accounttest"
	"github.com/helpcenter/helpcenter/internal/apitoken"
	"github.com/helpcenter/helpcenter/internal/app/apptest"
	"github.com/helpcenter/helpcenter/internal/corpus"
	"github.com/helpcenter/helpcenter/internal/faqdraft"
	"github.com/helpcenter/helpcenter/internal/ticket"
	"github.com/helpcenter/helpcenter/policy"
)

// fqImportSeed loads the shared help center (categories, articles, users, tickets) as
// `helpcenter import` does.
func fqImportSeed(t *testing.T, s *apptest.Server) {
	t.Helper()
	ctx := context.Background()
	err := s.DB.Bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := s.Content.Import(ctx, tx, os.DirFS(corpus.Dir(t)), policy.Subject{StaffRole: "admin", Name: "test import"}); err != nil {
			return err
		}
		users, err := os.Open(corpus.File(t, "users.jsonl"))
		if err != nil {
			return err
		}
		defer users.Close()
		if err := account.ImportUsers(ctx, tx, users, "users.jsonl"); err != nil {
			return err
		}
		tickets, err := os.Open(corpus.File(t, "tickets.jsonl"))
		if err != nil {
			return err
		}
		defer tickets.Close()
		return ticket.Import(ctx, tx, tickets, "tickets.jsonl")
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The main path of turning tickets into a FAQ, in a real browser: an agent signs in,
// looks at the recurring questions, opens a ticket of the most asked question without an
// article, creates a FAQ draft from it, edits it and submits it for review; an editor
// signs in and publishes it for accountants. An accountant's API token then reads it, a
// visitor gets 404, and the recurring question is covered by the new FAQ.
func TestBrowserTicketBecomesFAQ(t *testing.T) {
	s := apptest.New(t)
	bg := context.Background()
	fqImportSeed(t, s)
	agent := accounttest.SignIn(t, s, account.NewUser{Email: "agentka@example.com", Name: "Alicja Agentka", StaffRole: "agent"})
	editor := accounttest.SignIn(t, s, account.NewUser{Email: "redaktor@example.com", Name: "Ewa Redaktor", StaffRole: "editor"})
	if _, err := s.FAQ.Recompute(bg); err != nil {
		t.Fatal(err)
	}
	// The most asked question without an article, and one of its answered tickets.
	gaps, err := s.FAQ.Candidates(bg, agent.Subject(), faqdraft.CandidateFilter{Show: faqdraft.ShowGaps, Limit: 1})
	if err != nil || len(gaps.Candidates) == 0 {
		t.Fatalf("no gap to write a FAQ for: %v", err)
	}
	group := gaps.Candidates[0]
	ts, err := s.Tickets.TicketsWithMessages(bg, agent.Subject(), group.TicketIDs)
	if err != nil {
		t.Fatal(err)
	}
	var tk *ticket.Ticket
	for i := range ts {
		// Imported 2025 tickets that were solved may already be closed by the auto-close
		// job that runs at start; both count as answered.
		answered := ts[i].Status == ticket.StatusSolved || ts[i].Status == ticket.StatusClosed
		if answered && slices.ContainsFunc(ts[i].Messages, func(m ticket.Message) bool { return m.FromStaff && !m.Internal }) {
			tk = &ts[i]
			break
		}
	}
	if tk == nil {
		t.Fatalf("no answered ticket in the group %q", group.Question)
	}

	ctx := apptest.Browser(t)
	step := func(ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	submit := func(ctx context.Context, what, sel string) {
		t.Helper()
		if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(ctx context.Context, sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return strings.TrimSpace(s)
	}
	signIn := func(ctx context.Context, u *accounttest.User, path string) {
		t.Helper()
		step(ctx, "open "+path, chromedp.Navigate(s.URL+path))
		step(ctx, "sign in", chromedp.SendKeys(chromedp.CSS("#f-email"), u.Email), chromedp.SendKeys(chromedp.CSS("#f-password"), accounttest.Password))
		submit(ctx, "sign in", `form[action="/login"] button[type=submit]`)
		if loc, _ := chromedp.Run(ctx, chromedp.Location()); !strings.HasSuffix(loc, path) {
			t.Fatalf("after signing in at %s, want %s", loc, path)
		}
	}

	// The agent: recurring questions, then the ticket.
	signIn(ctx, agent, "/admin/faq-candidates")
	if got := text(ctx, "li.faq-group:first-child .faq-question"); got != group.Question {
		t.Errorf("first question on the page %q, want %q", got, group.Question)
	}
	apptest.Screenshot(t, ctx, "faq-candidates")
	step(ctx, "open the ticket", chromedp.Navigate(s.URL+fmt.Sprintf("/admin/tickets/%d", tk.ID)))
	if got := text(ctx, "#faq-panel .faq-recurring"); !strings.Contains(got, group.Question) {
		t.Errorf("the ticket's FAQ panel does not name its recurring question: %q", got)
	}
	apptest.Screenshot(t, ctx, "faq-ticket-panel")
	submit(ctx, "create the draft", "#btn-faq-draft")
	if got := text(ctx, ".flash-ok"); !strings.Contains(got, "Utworzono szkic FAQ") {
		t.Errorf("flash after creating the draft: %q", got)
	}
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	var id int64
	if _, err := fmt.Sscanf(loc[strings.LastIndex(loc, "/")+1:], "%d", &id); err != nil {
		t.Fatalf("draft address %s: %v", loc, err)
	}
	body, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#f-body")))
	if err != nil || strings.TrimSpace(body) == "" {
		t.Fatalf("the draft has no answer: %q %v", body, err)
	}
	if strings.Contains(body, tk.Requester.Email) || tk.Requester.Name != "" && strings.Contains(body, tk.Requester.Name) {
		t.Errorf("the requester's personal data is in the draft:\n%s", body)
	}
	if got := text(ctx, "#sources"); !strings.Contains(got, fmt.Sprintf("#%d", tk.ID)) {
		t.Errorf("the draft does not name its source ticket: %q", got)
	}
	apptest.Screenshot(t, ctx, "faq-draft-editor")

	// The agent edits the question and the answer, then asks for review.
	const title = "Jak skorygować fakturę zaliczkową?"
	step(ctx, "edit", chromedp.SetValue(chromedp.CSS("#f-title"), title),
		chromedp.SetValue(chromedp.CSS("#f-body"), body+"\n\nKorekta zmienia też rozliczenie w fakturze końcowej.\n"))
	submit(ctx, "submit for review", "#btn-submit")
	if got := text(ctx, "#article-state .badge"); got != "Do przeglądu" {
		t.Errorf("state after submitting = %q", got)
	}
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#btn-publish").length`)); n != 0 {
		t.Error("the agent is offered to publish")
	}

	// The editor publishes it for accountants.
	ectx := apptest.Browser(t)
	signIn(ectx, editor, fmt.Sprintf("/admin/articles/%d", id))
	if got, _ := chromedp.Run(ectx, chromedp.Value(chromedp.CSS("#f-title"))); got != title {
		t.Errorf("the editor sees title %q", got)
	}
	checked, err := chromedp.Run(ectx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#f-audiences input:checked")).map(e => e.value)`))
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range checked {
		if a != "accountant" {
			step(ectx, "untick "+a, chromedp.Click(chromedp.CSS(`#f-audiences input[value="`+a+`"]`)))
		}
	}
	if !slices.Contains(checked, "accountant") {
		step(ectx, "tick accountant", chromedp.Click(chromedp.CSS(`#f-audiences input[value=accountant]`)))
	}
	submit(ectx, "publish", "#btn-publish")
	if got := text(ectx, "#article-state .badge"); got != "Opublikowany" {
		t.Fatalf("state after publishing = %q (%s)", got, text(ectx, ".flash"))
	}
	if n, _ := chromedp.Run(ectx, chromedp.Evaluate[int](`document.querySelectorAll("#link-notify").length`)); n != 1 {
		t.Error("the published FAQ does not offer to tell its requesters")
	}
	apptest.Screenshot(t, ectx, "faq-published-editor")
	// Telling the requesters: the screen lists who asked and who will be told.
	step(ectx, "requesters", chromedp.Navigate(s.URL+fmt.Sprintf("/admin/articles/%d/requesters", id)))
	if got := text(ectx, "h1"); got != "Powiadom zgłaszających" {
		t.Errorf("requesters screen heading %q", got)
	}
	apptest.Screenshot(t, ectx, "faq-notify-requesters")
	step(ectx, "synonyms", chromedp.Navigate(s.URL+"/admin/synonyms"))
	apptest.Screenshot(t, ectx, "search-synonyms")

	// Readers: an accountant's token gets it, a visitor does not.
	tok, err := s.Tokens.Create(bg, accounttest.Staff(t, s, "admin").User.Subject(), apitoken.CreateInput{Name: "biuro", Audiences: []string{"accountant"}})
	if err != nil {
		t.Fatal(err)
	}
	resp, got := s.Get(t, fmt.Sprintf("/api/v1/articles/%d", id), "Authorization", "Bearer "+tok.Secret)
	if resp.StatusCode != http.StatusOK || !strings.Contains(got, title) || !strings.Contains(got, `"faq"`) {
		t.Errorf("accountant token reads %d %.300s", resp.StatusCode, got)
	}
	if resp, _ := s.Get(t, fmt.Sprintf("/api/v1/articles/%d", id)); resp.StatusCode != http.StatusNotFound {
		t.Errorf("visitor reads the accountants' FAQ: %d", resp.StatusCode)
	}
	a, err := s.Content.ManagedArticle(bg, editor.Subject(), id)
	if err != nil {
		t.Fatal(err)
	}
	if a.Kind != content.KindFAQ || !slices.Equal(a.Audiences, []string{"accountant"}) || !slices.Contains(a.SourceTicketIDs, tk.ID) {
		t.Errorf("published FAQ: kind %s audiences %v sources %v", a.Kind, a.Audiences, a.SourceTicketIDs)
	}
	// The recurring question is answered now.
	c, err := s.FAQ.Candidate(bg, agent.Subject(), group.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.CoveredBy == nil || c.CoveredBy.ID != id {
		t.Errorf("the question is covered by %+v, want the new FAQ %d", c.CoveredBy, id)
	}
}
