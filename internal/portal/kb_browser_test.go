package portal_test

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/account"
	"github.com/helpcenter/helpcenter/internal/account/accounttest"
	"github.com/helpcenter/helpcenter/internal/app/apptest"
)

// The browser tests drive the portal in headless Chromium the way a person does:
// typing, clicking, following links. They also save screenshots of the main pages
// (test-artifacts/screenshots/kb-*.png).

// browse runs browser steps and fails the test on the first error.
func browse(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// browserText reads the text of the first element matching sel.
func browserText(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.Join(strings.Fields(s), " ")
}

// location is the browser's current address, without the server's base.
func location(t *testing.T, ctx context.Context, s *apptest.Server) string {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(loc, s.URL)
}

// signInWithBrowser signs in through the portal's sign-in page.
func signInWithBrowser(t *testing.T, ctx context.Context, s *apptest.Server, email string) {
	t.Helper()
	browse(t, ctx,
		chromedp.Navigate(s.URL+"/login"),
		chromedp.SendKeys(chromedp.CSS("#f-email"), email),
		chromedp.SendKeys(chromedp.CSS("#f-password"), accounttest.Password),
	)
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`))); err != nil {
		t.Fatal(err)
	}
	if got := browserText(t, ctx, ".site-header .menu summary"); got == "" {
		t.Fatal("not signed in: no name menu in the header")
	}
}

func TestBrowserVisitorSearchesWithoutDiacritics(t *testing.T) {
	s := newKB(t)
	ctx := apptest.Browser(t)
	browse(t, ctx, chromedp.Navigate(s.URL+"/"))
	if h1 := browserText(t, ctx, "main h1"); h1 != "Jak możemy pomóc?" {
		t.Fatalf("home h1 = %q", h1)
	}
	// The visitor's header offers signing in and registering.
	if browserText(t, ctx, `.site-header a[href="/login"]`) != "Zaloguj" || browserText(t, ctx, `.site-header a[href="/register"]`) != "Zarejestruj się" {
		t.Error("visitor header lacks Zaloguj / Zarejestruj się")
	}
	apptest.Screenshot(t, ctx, "kb-home")

	browse(t, ctx, chromedp.SendKeys(chromedp.CSS("#home-q"), "usuniete dokumenty"))
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(".hero .big-search button"))); err != nil {
		t.Fatal(err)
	}
	if loc := location(t, ctx, s.Server); !strings.HasPrefix(loc, "/search?q=usuniete+dokumenty") {
		t.Fatalf("search went to %s", loc)
	}
	// "Usuwanie dokumentów" is among the first results (the visitor typed no
	// diacritics and another inflection).
	want := s.article(t, "art-103")
	titles, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.results .result h2 a')].slice(0, 3).map(a => a.textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(titles, want.Title) {
		t.Fatalf("first results %q lack %q", titles, want.Title)
	}
	marks, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('.results mark').length`))
	if err != nil || marks == 0 {
		t.Errorf("no highlighted words in the snippets (%d, %v)", marks, err)
	}
	apptest.Screenshot(t, ctx, "kb-search")

	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`.results .result h2 a[href^="/articles/`+want.Slug+`?"]`))); err != nil {
		t.Fatal(err)
	}
	if loc := location(t, ctx, s.Server); !strings.HasPrefix(loc, "/articles/"+want.Slug+"?sid=") {
		t.Errorf("result opened %s", loc)
	}
	if h1 := browserText(t, ctx, "main h1"); h1 != want.Title {
		t.Errorf("article h1 = %q, want %q", h1, want.Title)
	}
	// The search and the click are in the search log.
	var results int
	var clicked *int64
	if err := s.DB.Pool.QueryRow(context.Background(), `SELECT results, clicked_article_id FROM search_log WHERE query = 'usuniete dokumenty'`).Scan(&results, &clicked); err != nil {
		t.Fatal(err)
	}
	if results == 0 || clicked == nil {
		t.Errorf("search log: %d results, clicked %v", results, clicked)
	}
	apptest.Screenshot(t, ctx, "kb-article")

	// The table of contents jumps within the page.
	if _, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".toc a"))); err == nil {
		browse(t, ctx, chromedp.Click(chromedp.CSS(".toc a")))
		if loc := location(t, ctx, s.Server); !strings.Contains(loc, "#") {
			t.Errorf("table of contents link went to %s", loc)
		}
	}

	// Nothing found: the page offers the request form with the query as its subject.
	const nothing = "zzxqv wvkj"
	browse(t, ctx, chromedp.Navigate(s.URL+"/search?q="+url.QueryEscape(nothing)))
	if got := browserText(t, ctx, ".no-results h2"); !strings.Contains(got, nothing) {
		t.Errorf("no-results heading %q", got)
	}
	apptest.Screenshot(t, ctx, "kb-no-results")
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(".no-results .callout a.button"))); err != nil {
		t.Fatal(err)
	}
	subject, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#f-subject")))
	if err != nil || subject != nothing {
		t.Errorf("request form subject %q, %v", subject, err)
	}
}

func TestBrowserAccountantSeesTheirSection(t *testing.T) {
	s := newKB(t)
	ctx := context.Background()
	admin := accounttest.Staff(t, s.Server, "admin")
	cats, err := s.Content.AllCategories(ctx, admin.Subject())
	if err != nil {
		t.Fatal(err)
	}
	sec, err := s.Content.CreateSection(ctx, admin.Subject(), content.SectionInput{CategoryID: cats[1].ID, Name: "Dla biur rachunkowych",
		Slug: "dla-biur-rachunkowych", Description: "Procedury i porady tylko dla biur.", Audiences: []string{"accountant"}})
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.Content.CreateArticle(ctx, admin.Subject(), content.ArticleInput{SectionID: sec.ID, Title: "Zamykanie miesiąca w biurze krok po kroku",
		BodyMD: "## Przed zamknięciem\n\nSprawdź dokumenty klientów.\n\n## Po zamknięciu\n\nZablokuj okres."})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Content.PublishArticle(ctx, admin.Subject(), a.ID, nil); err != nil {
		t.Fatal(err)
	}
	accountant := accounttest.SignIn(t, s.Server, account.NewUser{Email: "ksiegowa@biuro-bilans.example", Name: "Anna Księgowa", AccountType: "accountant"})

	visitor := apptest.Browser(t)
	browse(t, visitor, chromedp.Navigate(s.URL+"/"))
	has, err := chromedp.Run(visitor, chromedp.Evaluate[bool](`!!document.querySelector('a[href="/sections/dla-biur-rachunkowych"]')`))
	if err != nil || has {
		t.Fatalf("a visitor sees the accountants' section (%v, %v)", has, err)
	}
	resp, err := chromedp.RunResponse(visitor, chromedp.Navigate(s.URL+"/sections/dla-biur-rachunkowych"))
	if err != nil || resp.Status != 404 {
		t.Fatalf("a visitor opens the accountants' section: %v, %v", resp, err)
	}

	ctxA := apptest.Browser(t)
	signInWithBrowser(t, ctxA, s.Server, accountant.Email)
	browse(t, ctxA, chromedp.Navigate(s.URL+"/"))
	if name := browserText(t, ctxA, ".site-header .menu summary"); name != "Anna Księgowa" {
		t.Errorf("header name %q", name)
	}
	// The name menu has "Moje działania" and "Wyloguj".
	browse(t, ctxA, chromedp.Click(chromedp.CSS(".site-header .menu summary")))
	if got := browserText(t, ctxA, `.site-header .menu a[href="/requests"]`); got != "Moje działania" {
		t.Errorf("menu link %q", got)
	}
	if got := browserText(t, ctxA, `.site-header .menu form[action="/logout"] button`); got != "Wyloguj" {
		t.Errorf("menu button %q", got)
	}
	browse(t, ctxA, chromedp.Click(chromedp.CSS(`a[href="/sections/dla-biur-rachunkowych"]`)), chromedp.WaitVisible(chromedp.CSS(".article-list")))
	if h1 := browserText(t, ctxA, "main h1"); h1 != "Dla biur rachunkowych" {
		t.Errorf("section h1 %q", h1)
	}
	browse(t, ctxA, chromedp.Click(chromedp.CSS(".article-list a")), chromedp.WaitVisible(chromedp.CSS(".article-body")))
	if h1 := browserText(t, ctxA, "main h1"); h1 != "Zamykanie miesiąca w biurze krok po kroku" {
		t.Errorf("article h1 %q", h1)
	}
	// Accountant-only pages are kept out of search engines.
	noindex, err := chromedp.Run(ctxA, chromedp.Evaluate[bool](`!!document.querySelector('meta[name=robots][content=noindex]')`))
	if err != nil || !noindex {
		t.Errorf("restricted article without noindex (%v)", err)
	}
	browse(t, ctxA, chromedp.Navigate(s.URL+"/categories/"+cats[1].Slug))
	apptest.Screenshot(t, ctxA, "kb-category")
}

func TestBrowserRequestFormSuggestsArticles(t *testing.T) {
	s := newKB(t)
	customer := accounttest.SignIn(t, s.Server, account.NewUser{Email: "marta@firma.example", Name: "Marta Nowak", AccountType: "office_client"})
	ctx := apptest.Browser(t)
	signInWithBrowser(t, ctx, s.Server, customer.Email)
	browse(t, ctx,
		chromedp.Navigate(s.URL+"/requests/new"),
		chromedp.SendKeys(chromedp.CSS("#f-subject"), "jak odzyskac usuniete dokumenty"),
		chromedp.WaitVisible(chromedp.CSS(".suggestions li a")),
	)
	want := s.article(t, "art-103")
	titles, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.suggestions li a')].map(a => a.textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, ti := range titles {
		found = found || ti == want.Title
	}
	if !found {
		t.Fatalf("suggestions %q lack %q", titles, want.Title)
	}
	apptest.Screenshot(t, ctx, "kb-request-suggestions")

	sel := `.suggestions a[href^="/articles/` + want.Slug + `?"]`
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		t.Fatal(err)
	}
	if h1 := browserText(t, ctx, "main h1"); h1 != want.Title {
		t.Errorf("opened %q", h1)
	}
	if got := browserText(t, ctx, ".notice a"); got == "" {
		t.Error("the article does not offer the way back to the request form")
	}
	var opens int
	if err := s.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM suggestion_opens WHERE user_id = $1 AND request_sent_at IS NULL`, customer.ID).Scan(&opens); err != nil || opens != 1 {
		t.Fatalf("suggestion opens %d, %v", opens, err)
	}

	// The customer still sends the request: the open no longer counts as deflected.
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(".notice a"))); err != nil {
		t.Fatal(err)
	}
	browse(t, ctx, chromedp.SetValue(chromedp.CSS("#f-body"), "Usunąłem fakturę z zeszłego miesiąca i nie ma jej w koszu."))
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form[action="/requests/new"] button[type=submit]`))); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		var sent int
		if err := s.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM suggestion_opens WHERE user_id = $1 AND request_sent_at IS NOT NULL`, customer.ID).Scan(&sent); err != nil {
			t.Fatal(err)
		}
		if sent == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("request after the suggestion not recorded (page %s)", location(t, ctx, s.Server))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestBrowserCommentAnsweredByStaff(t *testing.T) {
	s := newKB(t)
	customer := accounttest.SignIn(t, s.Server, account.NewUser{Email: "tomasz@firma.example", Name: "Tomasz Wiśniewski"})
	agent := accounttest.SignIn(t, s.Server, account.NewUser{Email: "ewa@dokubiuro.example", Name: "Ewa z DokuBiuro", StaffRole: "agent"})
	art := s.article(t, "art-103")

	ctx := apptest.Browser(t)
	signInWithBrowser(t, ctx, s.Server, customer.Email)
	browse(t, ctx,
		chromedp.Navigate(s.URL+"/articles/"+art.Slug),
		// SetValue: the browser's key events cannot type every Polish letter.
		chromedp.SetValue(chromedp.CSS("#comment-body"), "Czy usunięte dokumenty można odzyskać po 30 dniach?"),
	)
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`.comments > form.comment-form button[type=submit]`))); err != nil {
		t.Fatal(err)
	}
	if got := browserText(t, ctx, ".comment-list .comment .comment-body"); got != "Czy usunięte dokumenty można odzyskać po 30 dniach?" {
		t.Fatalf("posted comment reads %q", got)
	}
	id, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('.comment-list .comment').id`))
	if err != nil {
		t.Fatal(err)
	}

	// The agent answers through the same page, with their session.
	resp, _ := kbPost(t, s.Server, agent.Client, "/articles/"+art.Slug+"/comments", url.Values{
		"csrf_token": {agent.CSRF}, "parent_id": {strings.TrimPrefix(id, "comment-")},
		"body": {"Nie, po 30 dniach kosz jest opróżniany na stałe. Warto wcześniej wyeksportować archiwum."},
	})
	if resp.StatusCode != 303 {
		t.Fatalf("agent reply: %d", resp.StatusCode)
	}

	browse(t, ctx, chromedp.Reload())
	if got := browserText(t, ctx, ".comment-list .replies .comment.from-staff .badge.staff"); got != "Zespół wsparcia" {
		t.Errorf("staff mark %q", got)
	}
	if got := browserText(t, ctx, ".comment-list .replies .comment.from-staff .author"); got != "Ewa z DokuBiuro" {
		t.Errorf("reply author %q", got)
	}
	if got := browserText(t, ctx, ".comments h2 .count"); got != "2" {
		t.Errorf("comment count %q", got)
	}
	// Voting from the browser.
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`.vote-form button[value=yes]`))); err != nil {
		t.Fatal(err)
	}
	if pressed := browserText(t, ctx, `.vote-form button[aria-pressed=true]`); pressed != "Tak" {
		t.Errorf("pressed vote button %q", pressed)
	}
	browse(t, ctx, chromedp.Evaluate[chromedp.Void](`document.getElementById('comments').scrollIntoView()`))
	apptest.Screenshot(t, ctx, "kb-article-comments")

	// Mobile width: the page stays readable, nothing overflows sideways.
	browse(t, ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(s.URL+"/articles/"+art.Slug))
	overflow, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
	if err != nil || overflow {
		t.Errorf("article overflows a phone screen (%v)", err)
	}
	apptest.Screenshot(t, ctx, "kb-article-mobile")
	browse(t, ctx, chromedp.Navigate(s.URL+"/"))
	apptest.Screenshot(t, ctx, "kb-home-mobile")
}
