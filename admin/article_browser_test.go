package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/account"
	"github.com/helpcenter/helpcenter/internal/account/accounttest"
	"github.com/helpcenter/helpcenter/internal/apitoken"
	"github.com/helpcenter/helpcenter/internal/app/apptest"
)

// An editor signs in, writes an article in the editor with the live preview, saves it,
// submits it for review and publishes it for accountants; an accountant's API token
// then reads it and a visitor gets 404. Along the way the test saves screenshots of the
// article list, the editor with its preview, a revision comparison and the structure.
func TestBrowserEditorPublishesForAccountants(t *testing.T) {
	s := apptest.New(t, apptest.Env("HELPCENTER_DEMO", "true"))
	ctx := apptest.Browser(t)
	bg := context.Background()
	editor := accounttest.SignIn(t, s, account.NewUser{Email: "redaktor@example.com", Name: "Ewa Redaktor", StaffRole: "editor"})
	cat, err := s.Content.CreateCategory(bg, editor.User.Subject(), content.CategoryInput{Name: "Rozliczenia"})
	if err != nil {
		t.Fatal(err)
	}
	sec, err := s.Content.CreateSection(bg, editor.User.Subject(), content.SectionInput{CategoryID: cat.ID, Name: "Zamknięcie okresu",
		Audiences: []string{"accountant", "office_client"}})
	if err != nil {
		t.Fatal(err)
	}

	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	submit := func(what, sel string) {
		t.Helper()
		if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	// typeText types into a field the way an input method does: chromedp's key events
	// cannot type every Polish letter, Input.insertText can, and fires input events.
	typeText := func(sel, s string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(chromedp.Focus(chromedp.CSS(sel)), chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, input.InsertText, input.InsertTextParams{Text: s})
			return err
		}))
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return strings.TrimSpace(s)
	}

	// Signing in from the console's address comes back to it.
	step("open the editor", chromedp.Navigate(s.URL+"/admin/articles/new?section="+fmt.Sprint(sec.ID)))
	step("sign in", chromedp.SendKeys(chromedp.CSS("#f-email"), editor.Email), chromedp.SendKeys(chromedp.CSS("#f-password"), accounttest.Password))
	submit("sign in", `form[action="/login"] button[type=submit]`)
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); !strings.Contains(loc, "/admin/articles/new") {
		t.Fatalf("after signing in at %s", loc)
	}

	// The address follows the Polish title, transliterated.
	step("title", typeText("#f-title", "Jak zamknąć miesiąc w Kasetce?"))
	slug, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#f-slug")))
	if err != nil || slug != "jak-zamknac-miesiac-w-kasetce" {
		t.Errorf("slug from the title = %q, %v", slug, err)
	}
	body := "Zamknięcie miesiąca blokuje zmiany w dokumentach z tego okresu.\n\n## Zanim zamkniesz\n\n- sprawdź **saldo** rozrachunków\n- wyślij JPK\n\n| Krok | Gdzie |\n|---|---|\n| Zamknięcie | Księgowość › Okresy |\n"
	step("body", typeText("#f-body", body))
	// The live preview is the server's rendering, the same readers will get.
	step("live preview", chromedp.WaitVisible(chromedp.CSS("#preview .article-body h2#zanim-zamkniesz")))
	if got := text("#preview .article-body strong"); got != "saldo" {
		t.Errorf("preview bold = %q", got)
	}
	if got := text("#preview .preview-title"); got != "Jak zamknąć miesiąc w Kasetce?" {
		t.Errorf("preview title = %q", got)
	}
	// A new article starts with its section's audiences; this one is for accountants only.
	step("audiences", chromedp.Click(chromedp.CSS(`#f-audiences input[value=office_client]`)))
	apptest.Screenshot(t, ctx, "admin-editor-preview")

	submit("save", "#btn-save")
	if got := text(".flash-ok"); !strings.Contains(got, "Zapisano") {
		t.Errorf("after saving: %q", got)
	}
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	var id int64
	if _, err := fmt.Sscanf(loc[strings.LastIndex(loc, "/")+1:], "%d", &id); err != nil {
		t.Fatalf("saved article address %s: %v", loc, err)
	}
	submit("submit for review", "#btn-submit")
	if got := text("#article-state .badge"); got != "Do przeglądu" {
		t.Errorf("state after submitting = %q", got)
	}
	submit("publish", "#btn-publish")
	if got := text("#article-state .badge"); got != "Opublikowany" {
		t.Errorf("state after publishing = %q", got)
	}

	// Readers: an accountant's token gets it, a visitor does not.
	tok, err := s.Tokens.Create(bg, accounttest.Staff(t, s, "admin").User.Subject(), apitoken.CreateInput{Name: "biuro", Audiences: []string{"accountant"}})
	if err != nil {
		t.Fatal(err)
	}
	resp, got := s.Get(t, fmt.Sprintf("/api/v1/articles/%d", id), "Authorization", "Bearer "+tok.Secret)
	if resp.StatusCode != http.StatusOK || !strings.Contains(got, "Jak zamknąć miesiąc w Kasetce?") || !strings.Contains(got, `"accountant"`) {
		t.Errorf("accountant token reads %d %.300s", resp.StatusCode, got)
	}
	if resp, _ := s.Get(t, fmt.Sprintf("/api/v1/articles/%d", id)); resp.StatusCode != http.StatusNotFound {
		t.Errorf("visitor reads the accountants' article: %d", resp.StatusCode)
	}
	officeTok, err := s.Tokens.Create(bg, accounttest.Staff(t, s, "admin").User.Subject(), apitoken.CreateInput{Name: "klient", Audiences: []string{"office_client"}})
	if err != nil {
		t.Fatal(err)
	}
	if resp, _ := s.Get(t, fmt.Sprintf("/api/v1/articles/%d", id), "Authorization", "Bearer "+officeTok.Secret); resp.StatusCode != http.StatusNotFound {
		t.Errorf("office client's token reads the accountants' article: %d", resp.StatusCode)
	}

	// A second revision, for the comparison.
	step("edit", chromedp.SetValue(chromedp.CSS("#f-body"), strings.Replace(body, "wyślij JPK", "wyślij JPK_V7M do urzędu", 1)+"\nGotowe: okres jest zamknięty.\n"))
	submit("save changes", "#btn-save")
	a, err := s.Content.ManagedArticle(bg, editor.User.Subject(), id)
	if err != nil {
		t.Fatal(err)
	}
	if !a.Live() || !a.HasUnpublishedChanges() {
		t.Errorf("after saving a live article: live %v, unpublished changes %v", a.Live(), a.HasUnpublishedChanges())
	}
	step("history", chromedp.Navigate(s.URL+fmt.Sprintf("/admin/articles/%d/revisions", id)))
	submit("compare", "#btn-compare")
	if got := text("tr.diff-change:not(.diff-title) ins"); got != "_V7M do urzędu" && !strings.Contains(got, "V7M") {
		t.Errorf("marked change = %q", got)
	}
	apptest.Screenshot(t, ctx, "admin-revision-diff")

	step("list", chromedp.Navigate(s.URL+"/admin/articles"))
	if got := text("table.articles tbody tr:first-child .article-title"); got != "Jak zamknąć miesiąc w Kasetce?" {
		t.Errorf("newest in the list = %q", got)
	}
	apptest.Screenshot(t, ctx, "admin-articles-list")
	step("structure", chromedp.Navigate(s.URL+"/admin/structure"))
	apptest.Screenshot(t, ctx, "admin-structure")
	step("dashboard", chromedp.Navigate(s.URL+"/admin/"))
	apptest.Screenshot(t, ctx, "admin-dashboard")
}
