package faqdraft_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/account"
	"github.com/helpcenter/helpcenter/internal/account/accounttest"
	"github.com/helpcenter/helpcenter/internal/app/apptest"
	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/audit"
	"github.com/helpcenter/helpcenter/internal/faqdraft"
	"github.com/helpcenter/helpcenter/internal/mail"
	"github.com/helpcenter/helpcenter/internal/ticket"
	"github.com/helpcenter/helpcenter/policy"
)

// env is a running help center with a section for accountants and a public one, staff
// of every role and customers of two account types.
type env struct {
	s                     *apptest.Server
	admin, editor, agent  *accounttest.User
	accountant, office    *accounttest.User
	publicSec, invoiceSec *content.Section
}

func newEnv(t *testing.T) *env {
	t.Helper()
	s := apptest.New(t)
	e := &env{s: s,
		admin:  accounttest.Staff(t, s, "admin"),
		editor: accounttest.Staff(t, s, "editor"),
		agent:  accounttest.Staff(t, s, "agent"),
		accountant: accounttest.SignIn(t, s, account.NewUser{Email: "marta.kowalczyk@biuro-bilans.example", Name: "Marta Kowalczyk",
			AccountType: "accountant"}),
		office: accounttest.SignIn(t, s, account.NewUser{Email: "tomasz.nowak@firma.example", Name: "Tomasz Nowak", AccountType: "office_client"}),
	}
	ctx := context.Background()
	cat, err := s.Content.CreateCategory(ctx, e.editor.Subject(), content.CategoryInput{Name: "Obsługa programu"})
	if err != nil {
		t.Fatal(err)
	}
	if e.publicSec, err = s.Content.CreateSection(ctx, e.editor.Subject(), content.SectionInput{CategoryID: cat.ID, Name: "Konto i logowanie", Audiences: []string{"public"}}); err != nil {
		t.Fatal(err)
	}
	if e.invoiceSec, err = s.Content.CreateSection(ctx, e.editor.Subject(), content.SectionInput{CategoryID: cat.ID, Name: "Faktury sprzedaży", Audiences: []string{"public"}}); err != nil {
		t.Fatal(err)
	}
	return e
}

// ask sends a request as a customer and returns its id.
func (e *env) ask(t *testing.T, who *accounttest.User, subject, body string) int64 {
	t.Helper()
	tk, err := e.s.Tickets.CreateRequest(context.Background(), who.Subject(), ticket.NewRequest{Subject: subject, Body: body, Channel: ticket.ChannelWeb})
	if err != nil {
		t.Fatal(err)
	}
	return tk.ID
}

// reply answers a ticket as the agent (internal for a note) and solves it.
func (e *env) reply(t *testing.T, id int64, body string, internal bool) {
	t.Helper()
	r := ticket.StaffReply{Body: body, Internal: internal}
	if !internal {
		r.Status = ticket.StatusSolved
	}
	if _, err := e.s.Tickets.Reply(context.Background(), e.agent.Subject(), id, r); err != nil {
		t.Fatal(err)
	}
}

// publish creates and publishes an article as the editor.
func (e *env) publish(t *testing.T, sec *content.Section, title, body string, audiences ...string) *content.ManagedArticle {
	t.Helper()
	ctx := context.Background()
	in := content.ArticleInput{SectionID: sec.ID, Title: title, BodyMD: body}
	if len(audiences) > 0 {
		in.Audiences = audiences
	}
	a, err := e.s.Content.CreateArticle(ctx, e.editor.Subject(), in)
	if err != nil {
		t.Fatal(err)
	}
	if a, err = e.s.Content.PublishArticle(ctx, e.editor.Subject(), a.ID, nil); err != nil {
		t.Fatal(err)
	}
	return a
}

// correctionTickets are two accountants' tickets asking how to correct an advance
// invoice, answered by staff with personal data around the answer, plus an internal note.
func (e *env) correctionTickets(t *testing.T) []int64 {
	t.Helper()
	a := e.ask(t, e.accountant, "Korekta faktury zaliczkowej",
		"Dzień dobry,\njak wystawić korektę faktury zaliczkowej, jeśli klient zapłacił mniej? NIP firmy 526-104-08-28, tel. 601 234 567.\n\nPozdrawiam\nMarta Kowalczyk\nBiuro Rachunkowe Bilans sp. z o.o.")
	e.reply(t, a, "Tajna notatka: klientka prosiła o rabat, konto PL61 1090 1014 0000 0712 1981 2874.", true)
	e.reply(t, a, "Pani Marto,\n\nkorektę faktury zaliczkowej wystawia się z poziomu faktury zaliczkowej: w menu Faktury wybierz fakturę, kliknij Więcej → Wystaw korektę i wpisz kwotę, którą klient faktycznie zapłacił. Program sam przeliczy VAT i rozliczenie w fakturze końcowej.\n\nW razie pytań proszę dzwonić: +48 600 100 200.\n\nPozdrawiam,\nAnna Zielińska\nZespół wsparcia DokuBiuro", false)
	b := e.ask(t, e.accountant, "korekta zaliczki",
		"Jak zrobić fakturę korygującą do zaliczki? Klient wpłacił za dużo. Mój e-mail: marta.kowalczyk@biuro-bilans.example")
	e.reply(t, b, "Pani Marto,\n\nkorektę zaliczki robi się w menu Faktury: otwórz fakturę zaliczkową, wybierz Więcej → Wystaw korektę i podaj właściwą kwotę wpłaty. Program przeliczy VAT, a różnica trafi do faktury końcowej.\n\nPozdrawiam,\nAnna Zielińska", false)
	return []int64{a, b}
}

func TestCreateDraftFromTickets(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	// A published article about sales invoices makes its section the suggestion.
	e.publish(t, e.invoiceSec, "Jak wystawić fakturę zaliczkową i jej korektę?", "Fakturę zaliczkową wystawisz w menu Faktury. Korektę faktury zaliczkowej też.")
	ids := e.correctionTickets(t)

	a, err := e.s.FAQ.CreateDraft(ctx, e.agent.Subject(), ids)
	if err != nil {
		t.Fatal(err)
	}
	if a.Kind != content.KindFAQ || a.State != content.StateDraft || a.Live() {
		t.Errorf("kind %q state %q live %v, want a FAQ draft", a.Kind, a.State, a.Live())
	}
	if diff := cmp.Diff(ids, a.SourceTicketIDs); diff != "" {
		t.Errorf("source tickets (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"accountant"}, a.Audiences); diff != "" {
		t.Errorf("audiences suggested from two accountants (-want +got):\n%s", diff)
	}
	if a.SectionID != e.invoiceSec.ID {
		t.Errorf("section %d, want %d (the one with the similar published article)", a.SectionID, e.invoiceSec.ID)
	}
	if !strings.HasSuffix(a.Title, "?") || !strings.Contains(strings.ToLower(a.Title), "korekt") {
		t.Errorf("title %q: want the question about the correction", a.Title)
	}
	if !strings.Contains(a.BodyMD, "Wystaw korektę") {
		t.Errorf("body lacks the staff answer:\n%s", a.BodyMD)
	}
	for _, personal := range []string{"Marta", "Marto", "Kowalczyk", "Anna", "Zielińska", "Bilans", "526-104-08-28", "601 234 567",
		"600 100 200", "biuro-bilans.example", "PL61", "Tajna notatka", "rabat"} {
		if strings.Contains(a.Title+"\n"+a.BodyMD+"\n"+strings.Join(a.Tags, " "), personal) {
			t.Errorf("%q survived into the draft:\n%s\n%s\n%v", personal, a.Title, a.BodyMD, a.Tags)
		}
	}
	entries, err := audit.Find(ctx, e.s.DB.Bun, audit.Filter{Action: "faq_draft.create"})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].ActorID == nil || *entries[0].ActorID != e.agent.ID {
		t.Errorf("audit entries %+v, want one by the agent", entries)
	}

	// Agents draft, only editors publish.
	if _, err := e.s.Content.PublishArticle(ctx, e.agent.Subject(), a.ID, nil); apperr.CodeOf(err) != apperr.Forbidden {
		t.Errorf("agent publishes: %v, want forbidden", err)
	}
	if _, err := e.s.Content.PublishArticle(ctx, e.editor.Subject(), a.ID, nil); err != nil {
		t.Errorf("editor publishes: %v", err)
	}
}

func TestCreateDraftRefusals(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ids := e.correctionTickets(t)
	other := e.ask(t, e.office, "Pytanie", "Jak zmienić hasło?")
	tests := []struct {
		name  string
		who   policy.Subject
		ids   []int64
		code  apperr.Code
		field string
	}{
		{"anonymous", policy.Subject{}, ids, apperr.Unauthorized, ""},
		{"customer", e.accountant.Subject(), ids, apperr.Forbidden, ""},
		{"customer asking for someone else's ticket", e.accountant.Subject(), []int64{other}, apperr.Forbidden, ""},
		{"no tickets", e.agent.Subject(), nil, apperr.Invalid, "ticket_ids"},
		{"unknown ticket", e.agent.Subject(), []int64{ids[0], 999999}, apperr.Invalid, "ticket_ids"},
		{"negative id", e.agent.Subject(), []int64{-1}, apperr.Invalid, "ticket_ids"},
		{"too many", e.agent.Subject(), manyIDs(faqdraft.MaxDraftTickets + 1), apperr.Invalid, "ticket_ids"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := e.s.FAQ.CreateDraft(ctx, tc.who, tc.ids)
			if a != nil || apperr.CodeOf(err) != tc.code {
				t.Fatalf("got %v, %v; want %s", a, err, tc.code)
			}
			if tc.field != "" {
				ae := apperr.As(err)
				if len(ae.Fields) == 0 || ae.Fields[0].Field != tc.field {
					t.Errorf("fields %+v, want %s", ae.Fields, tc.field)
				}
			}
		})
	}
	page, err := e.s.Content.ListArticles(ctx, e.editor.Subject(), content.ManagedFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 0 {
		t.Errorf("%d articles after refused drafts, want none", page.Total)
	}
}

func manyIDs(n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = int64(i + 1)
	}
	return out
}

// A question asked by people without an account type goes to a public section, and the
// draft's links to this help center's articles become relative.
func TestCreateDraftPublicQuestion(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	guide := e.publish(t, e.publicSec, "Nie pamiętam hasła – jak je zresetować?", "Kliknij „Nie pamiętam hasła” na stronie logowania.")
	visitor := accounttest.Customer(t, e.s, "")
	id := e.ask(t, visitor, "Reset hasła", "Zapomniałem hasła do konta, jak je zresetować?")
	e.reply(t, id, "Dzień dobry,\n\nhasło zresetuje Pan, klikając „Nie pamiętam hasła” na stronie logowania i podając adres e-mail konta. Link ważny jest przez godzinę.\n\nInstrukcja: https://pomoc.dokubiuro.example/articles/"+guide.Slug+"\n\nPozdrawiam\nZespół wsparcia", false)
	a, err := e.s.FAQ.CreateDraft(ctx, e.agent.Subject(), []int64{id})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"public"}, a.Audiences); diff != "" {
		t.Errorf("audiences (-want +got):\n%s", diff)
	}
	if a.SectionID != e.publicSec.ID {
		t.Errorf("section %d, want the public one %d", a.SectionID, e.publicSec.ID)
	}
	if !strings.Contains(a.BodyMD, "(/articles/"+guide.Slug+")") || strings.Contains(a.BodyMD, "pomoc.dokubiuro.example") {
		t.Errorf("the link to the help center's own article should be relative:\n%s", a.BodyMD)
	}
}

// mails lists the e-mails stored for an address.
func mails(t *testing.T, e *env, to string) []mail.Mail {
	t.Helper()
	ms, err := e.s.Mail.FindMails(context.Background(), e.admin.Subject(), mail.Filter{To: to})
	if err != nil {
		t.Fatal(err)
	}
	var out []mail.Mail
	for _, m := range ms {
		if m.Template == "faq.published" {
			out = append(out, m)
		}
	}
	return out
}

func TestNotifyRequestersOnlyWhoMayRead(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ids := e.correctionTickets(t)
	officeTicket := e.ask(t, e.office, "Korekta zaliczki", "Jak skorygować fakturę zaliczkową?")
	e.reply(t, officeTicket, "Dzień dobry,\n\nkorektę faktury zaliczkowej wystawi biuro rachunkowe w menu Faktury → Więcej → Wystaw korektę.\n\nPozdrawiam", false)
	a, err := e.s.FAQ.CreateDraft(ctx, e.agent.Subject(), append(ids, officeTicket))
	if err != nil {
		t.Fatal(err)
	}
	// Published for accountants only: the office client would get "not found".
	acc := []string{"accountant"}
	if a, err = e.s.Content.UpdateArticle(ctx, e.editor.Subject(), a.ID, content.ArticleUpdate{BaseRevisionID: a.CurrentRevisionID, Audiences: acc}); err != nil {
		t.Fatal(err)
	}

	if _, err := e.s.FAQ.NotifyRequesters(ctx, e.editor.Subject(), a.ID); apperr.CodeOf(err) != apperr.Conflict {
		t.Errorf("notify before publishing: %v, want conflict", err)
	}
	if _, err := e.s.Content.PublishArticle(ctx, e.editor.Subject(), a.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.FAQ.NotifyRequesters(ctx, e.agent.Subject(), a.ID); apperr.CodeOf(err) != apperr.Forbidden {
		t.Errorf("agent notifies: %v, want forbidden (publishing is the editor's)", err)
	}

	plan, err := e.s.FAQ.RequesterNotice(ctx, e.agent.Subject(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range plan.Recipients {
		got[r.Email] = r.Status
	}
	want := map[string]string{e.accountant.Email: faqdraft.RecipientWillNotify, e.office.Email: faqdraft.RecipientCannotRead}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("plan (-want +got):\n%s", diff)
	}

	res, err := e.s.FAQ.NotifyRequesters(ctx, e.editor.Subject(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if res.Sent != 1 {
		t.Errorf("sent %d, want 1 (the accountant, once for both tickets)", res.Sent)
	}
	if ms := mails(t, e, e.office.Email); len(ms) != 0 {
		t.Errorf("the office client, who cannot read the article, got %d e-mails: %q", len(ms), ms[0].Text)
	}
	ms := mails(t, e, e.accountant.Email)
	if len(ms) != 1 {
		t.Fatalf("the accountant got %d e-mails, want 1", len(ms))
	}
	link := e.s.URL + "/articles/" + a.Slug
	if !strings.Contains(ms[0].Text, link) || !strings.Contains(ms[0].Text, "#"+itoa(ids[0])) || !strings.Contains(ms[0].Text, "po zalogowaniu") {
		t.Errorf("e-mail text lacks the link, the tickets or the sign-in note:\n%s", ms[0].Text)
	}

	// Once per requester: a second click sends nothing.
	res, err = e.s.FAQ.NotifyRequesters(ctx, e.editor.Subject(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if res.Sent != 0 || len(mails(t, e, e.accountant.Email)) != 1 {
		t.Errorf("second notification sent %d", res.Sent)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// A group that a published FAQ was written from is covered by it; a draft from a group
// is shown on the group until it is published.
func TestCandidatesCoveredBySource(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var ids []int64
	for i, body := range []string{
		"Jak wystawić korektę faktury zaliczkowej?",
		"Jak zrobić korektę faktury zaliczkowej, bo klient zapłacił mniej?",
		"Proszę o pomoc: korekta faktury zaliczkowej, jak ją wystawić?",
	} {
		ids = append(ids, e.ask(t, e.accountant, "Korekta faktury zaliczkowej "+itoa(int64(i+1)), body))
	}
	e.ask(t, e.office, "Aplikacja mobilna", "Aplikacja mobilna nie wysyła zdjęć paragonów, co zrobić?")
	if _, err := e.s.FAQ.Recompute(ctx); err != nil {
		t.Fatal(err)
	}
	page, err := e.s.FAQ.Candidates(ctx, e.agent.Subject(), faqdraft.CandidateFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Candidates) != 1 || page.Candidates[0].Count != 3 || page.Candidates[0].Covered() {
		t.Fatalf("candidates %+v, want one uncovered group of three", page.Candidates)
	}
	g := page.Candidates[0]
	slices.Sort(g.TicketIDs)
	if diff := cmp.Diff(ids, g.TicketIDs); diff != "" {
		t.Errorf("group tickets (-want +got):\n%s", diff)
	}

	res, err := e.s.FAQ.DraftFromCandidate(ctx, e.agent.Subject(), g.ID)
	if err != nil {
		t.Fatal(err)
	}
	c, err := e.s.FAQ.Candidate(ctx, e.agent.Subject(), g.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Draft == nil || c.Draft.ID != res.Article.ID || c.Covered() {
		t.Errorf("after the draft: draft %+v covered %v", c.Draft, c.CoveredBy)
	}
	if _, err := e.s.Content.PublishArticle(ctx, e.editor.Subject(), res.Article.ID, nil); err != nil {
		t.Fatal(err)
	}
	if c, err = e.s.FAQ.Candidate(ctx, e.agent.Subject(), g.ID); err != nil {
		t.Fatal(err)
	}
	if c.CoveredBy == nil || c.CoveredBy.ID != res.Article.ID || c.CoveredBy.How != faqdraft.CoveredBySource {
		t.Errorf("published draft: covered by %+v", c.CoveredBy)
	}
	// The next run agrees, and orders the covered group after the gaps.
	if _, err := e.s.FAQ.Recompute(ctx); err != nil {
		t.Fatal(err)
	}
	gaps, err := e.s.FAQ.Candidates(ctx, e.agent.Subject(), faqdraft.CandidateFilter{Show: faqdraft.ShowGaps})
	if err != nil {
		t.Fatal(err)
	}
	if len(gaps.Candidates) != 0 || gaps.Gaps != 0 || gaps.Groups != 1 {
		t.Errorf("gaps %+v (%d of %d), want none", gaps.Candidates, gaps.Gaps, gaps.Groups)
	}
	// The question keeps its id across recomputations.
	if c, err = e.s.FAQ.Candidate(ctx, e.agent.Subject(), g.ID); err != nil || c.Count != 3 {
		t.Errorf("the group after the next run: %+v, %v", c, err)
	}
	if _, err := e.s.FAQ.Candidates(ctx, e.accountant.Subject(), faqdraft.CandidateFilter{}); apperr.CodeOf(err) != apperr.Forbidden {
		t.Errorf("customer lists candidates: %v, want forbidden", err)
	}
}

// New tickets join their group between two full runs.
func TestPlaceNewTickets(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, body := range []string{"Jak wystawić korektę faktury zaliczkowej?", "Jak zrobić korektę faktury zaliczkowej dla klienta?"} {
		e.ask(t, e.accountant, "Korekta faktury zaliczkowej", body)
	}
	// Other questions: term weights need more than one kind of ticket.
	e.ask(t, e.office, "Aplikacja mobilna", "Aplikacja mobilna nie wysyła zdjęć paragonów, co zrobić?")
	e.ask(t, e.office, "Eksport do Optimy", "Eksport do Comarch Optima zgłasza błąd kontrahenta.")
	if _, err := e.s.FAQ.Recompute(ctx); err != nil {
		t.Fatal(err)
	}
	late := e.ask(t, e.accountant, "korekta zaliczkowej", "Korekta faktury zaliczkowej – jak ją wystawić w programie?")
	res, err := e.s.FAQ.PlaceNew(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.New != 1 || !res.Recomputed {
		t.Errorf("place: %+v, want one new ticket (a small corpus is recomputed)", res)
	}
	c, err := e.s.FAQ.CandidateOfTicket(ctx, e.agent.Subject(), late)
	if err != nil {
		t.Fatal(err)
	}
	if c == nil || c.Count != 3 {
		all, _ := e.s.FAQ.Candidates(ctx, e.agent.Subject(), faqdraft.CandidateFilter{})
		t.Fatalf("the late ticket's group: %+v; all %+v", c, all)
	}
}
