package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/go-cmp/cmp"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/account"
	"github.com/helpcenter/helpcenter/internal/account/accounttest"
	"github.com/helpcenter/helpcenter/internal/app/apptest"
	"github.com/helpcenter/helpcenter/internal/ticket"
)

// titles lists the article titles of a list edPage in order.
func edTitles(p edPage) []string {
	var out []string
	p.doc.Find("table.articles a.article-title").Each(func(_ int, s *goquery.Selection) { out = append(out, strings.TrimSpace(s.Text())) })
	return out
}

func TestArticleListFilters(t *testing.T) {
	s := apptest.New(t)
	ctx := context.Background()
	editor := accounttest.SignIn(t, s, account.NewUser{Email: "ewa@example.com", Name: "Ewa Redaktor", StaffRole: "editor"})
	agent := accounttest.SignIn(t, s, account.NewUser{Email: "adam@example.com", Name: "Adam Agent", StaffRole: "agent"})
	invoices := edMustSection(t, s, editor, "Faktury", "public")
	accounting := edMustSection(t, s, editor, "Księgowość", "accountant")

	mk := func(author *accounttest.User, sec int64, title, kind string, audiences ...string) *content.ManagedArticle {
		return edMustArticle(t, s, author, content.ArticleInput{SectionID: sec, Title: title, BodyMD: "Treść", Kind: kind, Audiences: audiences})
	}
	draft := mk(agent, invoices.ID, "Faktura zaliczkowa", "article")
	review := mk(agent, invoices.ID, "Korekta faktury", "faq")
	if _, err := s.Content.SubmitArticle(ctx, edSubject(agent), review.ID); err != nil {
		t.Fatal(err)
	}
	published := mk(editor, accounting.ID, "Zamknięcie miesiąca", "article", "accountant")
	if _, err := s.Content.PublishArticle(ctx, edSubject(editor), published.ID, nil); err != nil {
		t.Fatal(err)
	}
	scheduled := mk(editor, accounting.ID, "Nowe stawki VAT", "faq", "accountant")
	at := time.Now().Add(48 * time.Hour)
	if _, err := s.Content.PublishArticle(ctx, edSubject(editor), scheduled.ID, &at); err != nil {
		t.Fatal(err)
	}
	archived := mk(editor, invoices.ID, "Stary cennik", "article")
	if _, err := s.Content.ArchiveArticle(ctx, edSubject(editor), archived.ID); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name, query string
		want        []string
	}{
		{"all, newest edit first", "", []string{"Stary cennik", "Nowe stawki VAT", "Zamknięcie miesiąca", "Korekta faktury", "Faktura zaliczkowa"}},
		// A scheduled article is a draft until its time comes.
		{"draft", "state=draft", []string{"Nowe stawki VAT", "Faktura zaliczkowa"}},
		{"in review", "state=in_review", []string{"Korekta faktury"}},
		{"published", "state=published", []string{"Zamknięcie miesiąca"}},
		{"archived", "state=archived", []string{"Stary cennik"}},
		{"scheduled", "state=scheduled", []string{"Nowe stawki VAT"}},
		{"section", "section=" + edID(accounting.ID), []string{"Nowe stawki VAT", "Zamknięcie miesiąca"}},
		{"faq", "kind=faq", []string{"Nowe stawki VAT", "Korekta faktury"}},
		{"audience", "audience=accountant", []string{"Nowe stawki VAT", "Zamknięcie miesiąca"}},
		{"author by id", "author=" + edID(agent.ID), []string{"Korekta faktury", "Faktura zaliczkowa"}},
		{"author me", "author=me", []string{"Stary cennik", "Nowe stawki VAT", "Zamknięcie miesiąca"}},
		{"text in title, any case", "q=FAKTUR", []string{"Korekta faktury", "Faktura zaliczkowa"}},
		{"text in slug", "q=stawki-vat", []string{"Nowe stawki VAT"}},
		{"combined", "kind=faq&state=in_review&section=" + edID(invoices.ID), []string{"Korekta faktury"}},
		{"nothing matches", "q=nie-ma-takiego", nil},
		{"unknown values are ignored", "state=bogus&kind=bogus&audience=bogus", []string{"Stary cennik", "Nowe stawki VAT", "Zamknięcie miesiąca", "Korekta faktury", "Faktura zaliczkowa"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := edGet(t, s, editor.Client, "/admin/articles?"+tt.query)
			if p.status != http.StatusOK {
				t.Fatalf("GET = %d", p.status)
			}
			if diff := cmp.Diff(tt.want, edTitles(p)); diff != "" {
				t.Errorf("titles (-want +got):\n%s", diff)
			}
			if tt.want == nil && !p.has("p.empty") {
				t.Error("no empty-list message")
			}
		})
	}

	p := edGet(t, s, editor.Client, "/admin/articles?author=me")
	if !p.has(`#af-author option[value="me"][selected]`) || !p.has(`#af-author option[value="`+edID(agent.ID)+`"]`) {
		t.Error("the author filter does not offer the staff or keep the choice")
	}
	row := p.doc.Find(`tr[data-article-id="` + edID(scheduled.ID) + `"]`)
	if !strings.Contains(row.Text(), "Ewa Redaktor") || !strings.Contains(row.Text(), "publikacja:") || row.Find(".badge-kind").Length() != 1 {
		t.Errorf("scheduled FAQ row lacks author, schedule or kind: %q", strings.Join(strings.Fields(row.Text()), " "))
	}
	if got := p.text("#article-count"); got != "3 artykuły" {
		t.Errorf("count = %q", got)
	}
	_ = draft
}

func TestArticleListPages(t *testing.T) {
	s := apptest.New(t)
	editor := accounttest.Staff(t, s, "editor")
	sec := edMustSection(t, s, editor, "Konto", "public")
	for i := 1; i <= 30; i++ {
		edMustArticle(t, s, editor, content.ArticleInput{SectionID: sec.ID, Title: fmt.Sprintf("Artykuł %02d", i), BodyMD: "x"})
	}
	p := edGet(t, s, editor.Client, "/admin/articles?section="+edID(sec.ID))
	first := edTitles(p)
	if len(first) != 25 || first[0] != "Artykuł 30" {
		t.Fatalf("first page: %d rows starting %q", len(first), first[0])
	}
	if got := p.text("#article-count"); got != "30 artykułów" {
		t.Errorf("count = %q", got)
	}
	next := p.doc.Find(`.pager a[rel=next]`).AttrOr("href", "")
	if !strings.Contains(next, "section="+edID(sec.ID)) || !strings.Contains(next, "cursor=") {
		t.Fatalf("next link %q does not keep the filter", next)
	}
	p = edGet(t, s, editor.Client, next)
	second := edTitles(p)
	if diff := cmp.Diff([]string{"Artykuł 05", "Artykuł 04", "Artykuł 03", "Artykuł 02", "Artykuł 01"}, second); diff != "" {
		t.Errorf("second edPage (-want +got):\n%s", diff)
	}
	if p.has(`.pager a[rel=next]`) || !p.has(`.pager a[href="/admin/articles?section=`+edID(sec.ID)+`"]`) {
		t.Error("last page: want no next link and a link back to the first page")
	}
	for _, title := range second {
		if slices.Contains(first, title) {
			t.Errorf("%q on both pages", title)
		}
	}
	if p := edGet(t, s, editor.Client, "/admin/articles?cursor=garbage"); p.status != http.StatusBadRequest {
		t.Errorf("bad cursor = %d, want 400", p.status)
	}
}

func TestRevisionsDiffAndRestore(t *testing.T) {
	s := apptest.New(t)
	editor := accounttest.SignIn(t, s, account.NewUser{Email: "ewa@example.com", Name: "Ewa Redaktor", StaffRole: "editor"})
	sec := edMustSection(t, s, editor, "Konto", "public")
	a := edMustArticle(t, s, editor, content.ArticleInput{SectionID: sec.ID, Title: "Hasło", BodyMD: "Wejdź w Ustawienia.\nKliknij Zmień hasło.\nGotowe."})
	save := func(cur *content.ManagedArticle, title, body string) *content.ManagedArticle {
		f := edForm(cur, "save")
		f.Set("title", title)
		f.Set("body_md", body)
		edFollow(t, s, editor, edPost(t, s, editor, edPath(cur, ""), f))
		return edManaged(t, s, editor, cur.ID)
	}
	v2 := save(a, "Hasło", "Wejdź w Ustawienia konta.\nKliknij Zmień hasło.\nGotowe.")
	v3 := save(v2, "Jak zmienić hasło", "Wejdź w Ustawienia konta.\nKliknij Zmień hasło.\nPotwierdź e-mailem.\nGotowe.")

	p := edGet(t, s, editor.Client, edPath(a, "/revisions"))
	if n := p.doc.Find("table.revisions tbody tr").Length(); n != 3 {
		t.Fatalf("revisions listed = %d", n)
	}
	if !p.has(`input[name=from][value="`+edID(v2.CurrentRevisionID)+`"][checked]`) || !p.has(`input[name=to][value="`+edID(v3.CurrentRevisionID)+`"][checked]`) {
		t.Error("the comparison does not preselect the last two revisions")
	}
	if !strings.Contains(p.text("table.revisions tbody tr"), "Ewa Redaktor") {
		t.Error("revision author not shown")
	}

	// Revision 1 against 3: a changed word, an added line, a changed title.
	p = edGet(t, s, editor.Client, edPath(a, "/diff?from="+edID(a.CurrentRevisionID)+"&to="+edID(v3.CurrentRevisionID)))
	if p.status != http.StatusOK {
		t.Fatalf("diff = %d", p.status)
	}
	if got := p.text("tr.diff-change:not(.diff-title) ins"); got != " konta" && got != "konta" {
		t.Errorf("changed word marked as %q", got)
	}
	if got := p.text("tr.diff-insert td.diff-line"); got != "Potwierdź e-mailem." {
		t.Errorf("added line = %q", got)
	}
	if p.text("tr.diff-title del") != "Hasło" || p.text("tr.diff-title ins") != "Jak zmienić hasło" {
		t.Error("title change not shown")
	}
	if got := strings.Join(strings.Fields(p.text("#diff-summary")), " "); !strings.HasPrefix(got, "+2 −1") {
		t.Errorf("summary = %q", got)
	}
	if p := edGet(t, s, editor.Client, edPath(a, "/diff?from=999999")); p.status != http.StatusNotFound {
		t.Errorf("unknown revision = %d, want 404", p.status)
	}

	// Restoring revision 1 saves it as revision 4; nothing is lost.
	p = edPost(t, s, editor, edPath(a, "/revisions/"+edID(a.CurrentRevisionID)+"/restore"), map[string][]string{"base_revision_id": {edID(v3.CurrentRevisionID)}})
	p = edFollow(t, s, editor, p)
	if !strings.Contains(p.text(".flash-ok"), "wersję 1") {
		t.Errorf("flash = %q", p.text(".flash"))
	}
	got := edManaged(t, s, editor, a.ID)
	if got.BodyMD != a.BodyMD || got.Title != "Hasło" {
		t.Errorf("after restore: %q %q", got.Title, got.BodyMD)
	}
	revs, _ := s.Content.Revisions(context.Background(), edSubject(editor), a.ID)
	if len(revs) != 4 {
		t.Errorf("revisions after restore = %d, want 4", len(revs))
	}
	// A restore from a stale edPage is refused with a message, not applied.
	p = edPost(t, s, editor, edPath(a, "/revisions/"+edID(v2.CurrentRevisionID)+"/restore"), map[string][]string{"base_revision_id": {edID(v3.CurrentRevisionID)}})
	if p = edFollow(t, s, editor, p); !p.has(".flash-error") {
		t.Error("stale restore not reported")
	}
	if edManaged(t, s, editor, a.ID).CurrentRevisionID != got.CurrentRevisionID {
		t.Error("stale restore was applied")
	}
}

// A FAQ written from tickets lists them, read-only, with links to the inbox.
func TestEditorShowsSourceTickets(t *testing.T) {
	s := apptest.New(t)
	ctx := context.Background()
	editor := accounttest.Staff(t, s, "editor")
	customer := accounttest.Customer(t, s, "accountant")
	var ids []int64
	for _, subj := range []string{"Jak dodać drugi NIP?", "Drugi NIP w koncie"} {
		tk, err := s.Tickets.CreateRequest(ctx, edSubject(customer), ticket.NewRequest{Subject: subj, Body: "Pytanie o NIP."})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, tk.ID)
	}
	sec := edMustSection(t, s, editor, "Konto", "public")
	faq := edMustArticle(t, s, editor, content.ArticleInput{SectionID: sec.ID, Title: "Drugi NIP", BodyMD: "Odpowiedź.", Kind: content.KindFAQ, SourceTicketIDs: ids})
	p := edGet(t, s, editor.Client, edPath(faq, ""))
	var links []string
	p.doc.Find("#sources a").Each(func(_ int, a *goquery.Selection) { links = append(links, a.AttrOr("href", "")) })
	if diff := cmp.Diff([]string{"/admin/tickets/" + edID(ids[0]), "/admin/tickets/" + edID(ids[1])}, links); diff != "" {
		t.Errorf("source links (-want +got):\n%s", diff)
	}
	if !strings.Contains(p.text("#sources"), "Jak dodać drugi NIP?") {
		t.Errorf("source subjects not shown: %q", p.text("#sources"))
	}
	if p.has("#sources input, #sources button") {
		t.Error("the source list is editable")
	}
	plain := edMustArticle(t, s, editor, content.ArticleInput{SectionID: sec.ID, Title: "Bez źródeł", BodyMD: "x"})
	if edGet(t, s, editor.Client, edPath(plain, "")).has("#sources") {
		t.Error("an article without sources shows the sources panel")
	}
	if p := edGet(t, s, editor.Client, "/admin/articles"); !strings.Contains(p.text(`tr[data-article-id="`+edID(faq.ID)+`"]`), "ze zgłoszeń: 2") {
		t.Error("the list does not mark the FAQ's sources")
	}
}

func TestDashboard(t *testing.T) {
	s := apptest.New(t)
	ctx := context.Background()
	editor := accounttest.Staff(t, s, "editor")
	agent := accounttest.Staff(t, s, "agent")
	customer := accounttest.Customer(t, s, "")
	for i := 0; i < 3; i++ {
		if _, err := s.Tickets.CreateRequest(ctx, edSubject(customer), ticket.NewRequest{Subject: fmt.Sprintf("Pytanie %d", i), Body: "Treść pytania."}); err != nil {
			t.Fatal(err)
		}
	}
	sec := edMustSection(t, s, editor, "Konto", "public")
	review := edMustArticle(t, s, agent, content.ArticleInput{SectionID: sec.ID, Title: "Szkic do przeglądu", BodyMD: "x"})
	if _, err := s.Content.SubmitArticle(ctx, edSubject(agent), review.ID); err != nil {
		t.Fatal(err)
	}
	edMustArticle(t, s, agent, content.ArticleInput{SectionID: sec.ID, Title: "Mój szkic", BodyMD: "x"})
	planned := edMustArticle(t, s, editor, content.ArticleInput{SectionID: sec.ID, Title: "Zaplanowany", BodyMD: "x"})
	at := time.Now().Add(time.Hour)
	if _, err := s.Content.PublishArticle(ctx, edSubject(editor), planned.ID, &at); err != nil {
		t.Fatal(err)
	}

	p := edGet(t, s, agent.Client, "/admin/")
	for sel, want := range map[string]string{
		"#stat-new-tickets .stat-number": "3", "#stat-in-review .stat-number": "1",
		"#stat-scheduled .stat-number": "1", "#stat-my-drafts .stat-number": "1",
	} {
		if got := p.text(sel); got != want {
			t.Errorf("%s = %q, want %s", sel, got, want)
		}
	}
	if !strings.Contains(p.text("#dash-review"), "Szkic do przeglądu") || !strings.Contains(p.text("#dash-scheduled"), "Zaplanowany") || !strings.Contains(p.text("#dash-drafts"), "Mój szkic") {
		t.Error("dashboard lists lack the waiting articles")
	}
	// The editor's own draft is the scheduled one; the review queue reads as theirs to decide.
	p = edGet(t, s, editor.Client, "/admin/")
	if p.text("#stat-my-drafts .stat-number") != "1" || !strings.Contains(p.text("#dash-review"), "decyzję") {
		t.Errorf("editor dashboard: drafts %q, review hint %q", p.text("#stat-my-drafts .stat-number"), p.text("#dash-review p"))
	}
}
