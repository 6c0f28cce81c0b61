package portal_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/go-cmp/cmp"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/content/contenttest"
	"github.com/helpcenter/helpcenter/internal/account"
	"github.com/helpcenter/helpcenter/internal/account/accounttest"
	"github.com/helpcenter/helpcenter/policy"
)

// crawl follows every knowledge-base link from the start page (categories, sections
// with their pages, articles) and returns each page's path and body.
func crawl(t *testing.T, s *kbServer, c *http.Client) map[string]string {
	t.Helper()
	pages := map[string]string{}
	queue := []string{"/"}
	for len(queue) > 0 {
		path := queue[0]
		queue = queue[1:]
		if _, seen := pages[path]; seen {
			continue
		}
		resp, doc, body := kbFetch(t, s.Server, c, path)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s = %d", path, resp.StatusCode)
		}
		pages[path] = body
		doc.Find("main a[href]").Each(func(_ int, a *goquery.Selection) {
			href, _ := a.Attr("href")
			u, err := url.Parse(href)
			if err != nil || u.Host != "" {
				return
			}
			p := u.Path
			if u.Path == "/sections/"+strings.TrimPrefix(u.Path, "/sections/") && u.Query().Get("cursor") != "" {
				p += "?cursor=" + url.QueryEscape(u.Query().Get("cursor"))
			}
			for _, prefix := range []string{"/categories/", "/sections/", "/articles/"} {
				if strings.HasPrefix(p, prefix) {
					if _, seen := pages[p]; !seen {
						queue = append(queue, p)
					}
				}
			}
		})
	}
	return pages
}

// uiWords are the words of the portal's own texts (both languages): they are the same
// for every reader, so they prove nothing about what a reader was shown.
var uiWords = func() map[string]bool {
	words := map[string]bool{}
	for _, lang := range []string{"pl", "en"} {
		b, err := os.ReadFile(filepath.Join("..", "ui", "locales", lang+".json"))
		if err != nil {
			panic(err)
		}
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			panic(err)
		}
		for _, v := range m {
			for _, w := range contenttest.Words(v) {
				words[w] = true
			}
		}
	}
	// Month names of the dates shown next to articles.
	for _, w := range contenttest.Words("stycznia lutego marca kwietnia czerwca sierpnia września października listopada grudnia " +
		"January February March April June July August September October November December") {
		words[w] = true
	}
	return words
}()

// leaks looks for restricted titles, slugs and words in what a reader of allowed got.
// echoes are what the reader sent (a query, a path): the page may repeat them.
func leaks(t *testing.T, s *kbServer, allowed []string, where, body string, echoes ...string) {
	t.Helper()
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
	served := body
	if doc != nil {
		served += "\n" + doc.Text()
	}
	for _, e := range echoes {
		for _, form := range []string{e, html.EscapeString(e), url.QueryEscape(e), url.PathEscape(e), strings.ReplaceAll(url.QueryEscape(e), "/", "%2F")} {
			served = strings.ReplaceAll(served, form, " ")
		}
	}
	var kept []string
	for _, w := range strings.FieldsFunc(served, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '/' }) {
		if !uiWords[strings.ToLower(w)] {
			kept = append(kept, w)
		}
	}
	for _, l := range s.corpus.FindLeaks(allowed, strings.Join(kept, " ")+"\n"+served) {
		if l.What != "title" && !strings.HasPrefix(l.What, "slug") && uiWords[l.What] {
			continue
		}
		t.Errorf("%s leaks article %s (%s)", where, l.ArticleID, l.What)
	}
}

// TestNothingRestrictedReachesVisitors crawls the whole portal as a visitor and as an
// accountant, searches for every article's title, reads the sitemap and the feed, and
// asks for every article directly: nothing a reader may not see may appear anywhere.
func TestNothingRestrictedReachesVisitors(t *testing.T) {
	s := newKB(t)
	accountant := accounttest.SignIn(t, s.Server, account.NewUser{AccountType: "accountant"})
	for _, reader := range []struct {
		name   string
		client *http.Client
		subj   policy.Subject
	}{
		{"visitor", s.Client(), policy.Anonymous},
		{"accountant", accountant.Client, accountant.Subject()},
	} {
		t.Run(reader.name, func(t *testing.T) {
			allowed := s.Policy.Audiences(reader.subj)
			visible, hidden := s.corpus.Split(allowed)
			pages := crawl(t, s, reader.client)
			for path, body := range pages {
				leaks(t, s, allowed, path, body)
			}
			// Every visible article is reachable by browsing; none of the others is.
			for _, a := range visible {
				if _, ok := pages["/articles/"+a.Slug]; !ok {
					t.Errorf("visible article %s (%s) cannot be reached by browsing", a.ID, a.Slug)
				}
			}
			for _, a := range hidden {
				resp, _, body := kbFetch(t, s.Server, reader.client, "/articles/"+a.Slug)
				if resp.StatusCode != http.StatusNotFound {
					t.Errorf("hidden article %s answers %d", a.Slug, resp.StatusCode)
				}
				leaks(t, s, allowed, "404 of "+a.Slug, body, "/articles/"+a.Slug)
				// Searching for its very title finds nothing of it.
				_, _, body = kbFetch(t, s.Server, reader.client, "/search?q="+url.QueryEscape(a.Title))
				leaks(t, s, allowed, "search for "+a.ID, body, a.Title)
			}
			for _, path := range []string{"/sitemap.xml", "/feed.atom"} {
				// The sitemap and the feed are public whoever asks.
				_, _, body := kbFetch(t, s.Server, reader.client, path)
				leaks(t, s, s.Policy.Audiences(policy.Anonymous), path, body)
			}
			for _, q := range []string{"dokumenty", "procedura", "prowizja partnerska", "konektor", "raport"} {
				for _, extra := range []string{"", "&kind=faq", "&page=2"} {
					path := "/search?q=" + url.QueryEscape(q) + extra
					_, _, body := kbFetch(t, s.Server, reader.client, path)
					leaks(t, s, allowed, path, body, q)
				}
			}
		})
	}
}

func TestArticlePage(t *testing.T) {
	s := newKB(t)
	c := s.Client()
	art := s.article(t, "art-103")
	resp, doc, _ := kbFetch(t, s.Server, c, "/articles/"+art.Slug)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	canonical := s.URL + "/articles/" + art.Slug
	for sel, want := range map[string]string{
		`link[rel=canonical]`:            canonical,
		`meta[property="og:url"]`:        canonical,
		`meta[property="og:title"]`:      art.Title,
		`meta[property="og:type"]`:       "website",
		`html`:                           "pl",
		`.breadcrumbs li:nth-child(2) a`: "/categories/obsluga-programu",
	} {
		attr := "content"
		switch {
		case strings.HasPrefix(sel, "link"):
			attr = "href"
		case sel == "html":
			attr = "lang"
		case strings.Contains(sel, " a"):
			attr = "href"
		}
		if got, _ := doc.Find(sel).Attr(attr); got != want {
			t.Errorf("%s[%s] = %q, want %q", sel, attr, got, want)
		}
	}
	if desc, _ := doc.Find(`meta[name=description]`).Attr("content"); len(desc) < 50 || strings.Contains(desc, "<") {
		t.Errorf("description %q", desc)
	}
	if doc.Find(`meta[name=robots]`).Length() != 0 {
		t.Error("a public article is marked noindex")
	}
	// Landmarks and the way past the header.
	for _, sel := range []string{`a.skip[href="#main"]`, `header.site-header`, `main#main`, `footer.site-footer`, `form[role=search] label[for=q]`,
		`nav.breadcrumbs[aria-label]`, `nav.toc[aria-labelledby]`, `article[aria-labelledby=article-title] h1#article-title`,
		`time[datetime]`, `section#helpful`, `section#comments`} {
		if doc.Find(sel).Length() == 0 {
			t.Errorf("no %s", sel)
		}
	}
	if got := kbText(doc, "h1"); got != art.Title {
		t.Errorf("h1 %q", got)
	}
	if got := kbText(doc, "title"); got != art.Title+" · Centrum pomocy" {
		t.Errorf("title %q", got)
	}
	if got := doc.Find(".breadcrumbs li").Last().Find("a[aria-current=page]").Text(); got != art.Title {
		t.Errorf("last breadcrumb %q", got)
	}
	// The table of contents lists the headings and jumps to them.
	var toc []string
	doc.Find(".toc a").Each(func(_ int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		if doc.Find(".article-body "+href).Length() != 1 {
			t.Errorf("table of contents link %s has no target", href)
		}
		toc = append(toc, a.Text())
	})
	var headings []string
	doc.Find(".article-body h2").Each(func(_ int, h *goquery.Selection) { headings = append(headings, h.Text()) })
	if diff := cmp.Diff(headings, toc); diff != "" || len(toc) < 2 {
		t.Errorf("table of contents (-headings +toc):\n%s", diff)
	}
	// Related articles: visible ones only, never the article itself.
	related := doc.Find(".related a")
	if related.Length() == 0 {
		t.Error("no related articles")
	}
	related.Each(func(_ int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		slug := strings.TrimPrefix(href, "/articles/")
		for _, r := range s.corpus.Articles {
			if r.Slug == slug && (!s.corpus.Visible([]string{"public"}, r) || r.ID == art.ID) {
				t.Errorf("related %s is not for visitors or is the article itself", slug)
			}
		}
	})
	if doc.Find(`form.vote-form[method=post][action="/articles/`+art.Slug+`/votes"] button[name=helpful]`).Length() != 2 {
		t.Error("no vote form with two answers")
	}
	if href, _ := doc.Find(".signin-to-comment a").Attr("href"); href != "/login?next=%2Farticles%2F"+art.Slug {
		t.Errorf("visitors are asked to sign in at %q", href)
	}
	if doc.Find("textarea[name=body]").Length() != 0 {
		t.Error("a visitor gets the comment form")
	}

	// English: the frame and the labels follow the language switch; dates too.
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/articles/"+art.Slug, nil)
	req.AddCookie(&http.Cookie{Name: "lang", Value: "en"})
	en := s.Client()
	r, err := en.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	endoc, _ := goquery.NewDocumentFromReader(r.Body)
	r.Body.Close()
	if got := kbText(endoc, "#helpful-title"); got != "Was this article helpful?" {
		t.Errorf("English vote question %q", got)
	}
	if got := kbText(endoc, ".article-head time"); !strings.Contains(got, "2025") || strings.Contains(got, "maja") {
		t.Errorf("English date %q", got)
	}
}

func TestFormerSlugsRedirect(t *testing.T) {
	s := newKB(t)
	ctx := context.Background()
	admin := accounttest.Staff(t, s.Server, "admin")
	// An article that another public article links to, by its slug.
	var art content.ArticleRecord
	var linking string
	for _, a := range s.corpus.Articles {
		if !s.corpus.Visible([]string{"public"}, a) {
			continue
		}
		for _, b := range s.corpus.Articles {
			if b.ID != a.ID && s.corpus.Visible([]string{"public"}, b) && strings.Contains(b.BodyMD, "](/articles/"+a.Slug+")") {
				art, linking = a, b.Slug
			}
		}
	}
	if linking == "" {
		t.Fatal("no public article links to another in the corpus")
	}
	var id, rev int64
	if err := s.DB.Pool.QueryRow(ctx, `SELECT id, current_revision_id FROM articles WHERE slug = $1`, art.Slug).Scan(&id, &rev); err != nil {
		t.Fatal(err)
	}
	newSlug := art.Slug + "-nowy-adres"
	if _, err := s.Content.UpdateArticle(ctx, admin.Subject(), id, content.ArticleUpdate{BaseRevisionID: rev, Slug: &newSlug}); err != nil {
		t.Fatal(err)
	}
	c := s.Client()
	for _, tt := range []struct{ path, location string }{
		{"/articles/" + art.Slug, "/articles/" + newSlug},
		{"/articles/" + art.Slug + "?sid=5", "/articles/" + newSlug + "?sid=5"},
		{"/articles/" + strconv.FormatInt(id, 10), "/articles/" + newSlug},
	} {
		resp, _, _ := kbFetch(t, s.Server, c, tt.path)
		if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != tt.location {
			t.Errorf("GET %s = %d to %q, want 301 to %q", tt.path, resp.StatusCode, resp.Header.Get("Location"), tt.location)
		}
	}
	// The link written with the old slug inside the other article keeps working.
	_, doc, _ := kbFetch(t, s.Server, c, "/articles/"+linking)
	href, ok := doc.Find(`.article-body a[href="/articles/` + art.Slug + `"]`).Attr("href")
	if !ok {
		t.Fatalf("%s no longer links to %s", linking, art.Slug)
	}
	resp, _, _ := kbFetch(t, s.Server, c, href)
	if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/articles/"+newSlug {
		t.Errorf("the old link answers %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, doc, _ = kbFetch(t, s.Server, c, "/articles/"+newSlug)
	if resp.StatusCode != http.StatusOK || kbText(doc, "h1") != art.Title {
		t.Errorf("the new slug answers %d", resp.StatusCode)
	}
	if href, _ := doc.Find("link[rel=canonical]").Attr("href"); href != s.URL+"/articles/"+newSlug {
		t.Errorf("canonical %q", href)
	}
}

func TestSearchPage(t *testing.T) {
	s := newKB(t)
	c := s.Client()
	ctx := context.Background()

	resp, doc, _ := kbFetch(t, s.Server, c, "/search?q="+url.QueryEscape("usuniete dokumenty"))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if doc.Find(`meta[name=robots][content=noindex]`).Length() != 1 {
		t.Error("search results are not noindex")
	}
	if v, _ := doc.Find("#q").Attr("value"); v != "usuniete dokumenty" {
		t.Errorf("header search box holds %q", v)
	}
	count := kbText(doc, ".result-count")
	results := doc.Find(".results .result")
	if results.Length() != 10 || !strings.HasPrefix(count, "Znaleziono ") {
		t.Fatalf("%d results, count %q", results.Length(), count)
	}
	if doc.Find(".results .snippet mark").Length() == 0 {
		t.Error("no highlighted words")
	}
	if doc.Find(".results .snippet script, .results .snippet img").Length() != 0 {
		t.Error("markup other than <mark> in snippets")
	}
	var sid string
	results.Find("h2 a").Each(func(i int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		u, _ := url.Parse(href)
		if i == 0 {
			sid = u.Query().Get("sid")
		}
		if !strings.HasPrefix(u.Path, "/articles/") || u.Query().Get("sid") != sid || sid == "" {
			t.Errorf("result link %s", href)
		}
	})
	// Pages: the second one continues the numbering and is marked current.
	total, _ := strconv.Atoi(strings.Fields(count)[1])
	if total > 10 {
		_, p2, _ := kbFetch(t, s.Server, c, "/search?q="+url.QueryEscape("usuniete dokumenty")+"&page=2")
		if start, _ := p2.Find("ol.results").Attr("start"); start != "11" {
			t.Errorf("page 2 starts at %q", start)
		}
		if kbText(p2, `.pager a[aria-current=page]`) != "2" || p2.Find(`.pager a[rel=prev]`).Length() != 1 {
			t.Error("page 2 is not marked in the pager")
		}
	}
	// Filters by kind and category are links that keep the query.
	_, faq, _ := kbFetch(t, s.Server, c, "/search?q="+url.QueryEscape("faktura")+"&kind=faq")
	if faq.Find(".results .result").Length() == 0 {
		t.Fatal("no FAQ results")
	}
	faq.Find(".results .result").Each(func(_ int, r *goquery.Selection) {
		if r.Find(".badge").Text() != "FAQ" {
			t.Errorf("kind=faq lists %q", r.Find("h2").Text())
		}
	})
	if kbText(faq, `.facets a.current[aria-current]`) != "Pytania (FAQ)" {
		t.Error("the FAQ filter is not marked current")
	}
	_, cat, _ := kbFetch(t, s.Server, c, "/search?q=dokument&category=integracje")
	cat.Find(".results .result .meta").Each(func(_ int, m *goquery.Selection) {
		if !strings.Contains(m.Text(), "Integracje") {
			t.Errorf("category filter lets through %q", m.Text())
		}
	})
	// A category the visitor may not see, or a bad kind, is simply ignored.
	if resp, _, _ := kbFetch(t, s.Server, c, "/search?q=dokument&category=nie-ma&kind=x"); resp.StatusCode != http.StatusOK {
		t.Errorf("bad filters answer %d", resp.StatusCode)
	}

	// Nothing found: the request form with the query as subject.
	const nothing = "zzxqv wvkj"
	_, none, _ := kbFetch(t, s.Server, c, "/search?q="+url.QueryEscape(nothing))
	href, _ := none.Find(".no-results a.button").Attr("href")
	if href != "/requests/new?subject="+url.QueryEscape(nothing) {
		t.Errorf("no-results offers %q", href)
	}
	// Too long a query is told, not failed.
	resp, long, _ := kbFetch(t, s.Server, c, "/search?q="+strings.Repeat("a", 300))
	if resp.StatusCode != http.StatusUnprocessableEntity || long.Find(`.flash-error[role=alert]`).Length() != 1 {
		t.Errorf("long query: %d", resp.StatusCode)
	}
	// An empty query asks for one and logs nothing.
	if _, empty, _ := kbFetch(t, s.Server, c, "/search?q=+"); empty.Find(".results, .no-results").Length() != 0 {
		t.Error("an empty query searched")
	}

	// Every first page was logged with its count; opening a result counts as a click.
	rows, err := s.DB.Pool.Query(ctx, `SELECT query, results FROM search_log ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var logged []string
	for rows.Next() {
		var q string
		var n int
		if err := rows.Scan(&q, &n); err != nil {
			t.Fatal(err)
		}
		logged = append(logged, q+"="+strconv.FormatBool(n > 0))
	}
	want := []string{"usuniete dokumenty=true", "faktura=true", "dokument=true", "dokument=true", nothing + "=false"}
	if diff := cmp.Diff(want, logged); diff != "" {
		t.Errorf("search log (-want +got):\n%s", diff)
	}
	first, _ := results.First().Find("h2 a").Attr("href")
	kbFetch(t, s.Server, c, first)
	var clicked *int64
	if err := s.DB.Pool.QueryRow(ctx, `SELECT clicked_article_id FROM search_log WHERE id = $1`, sid).Scan(&clicked); err != nil || clicked == nil {
		t.Errorf("click not recorded: %v", err)
	}
}

func TestCommentsVotesAndModerationInThePortal(t *testing.T) {
	s := newKB(t)
	ctx := context.Background()
	art := s.article(t, "art-103")
	path := "/articles/" + art.Slug
	customer := accounttest.SignIn(t, s.Server, account.NewUser{Name: "Jan Klient"})
	agent := accounttest.SignIn(t, s.Server, account.NewUser{Name: "Ewa Wsparcie", StaffRole: "agent"})

	// A visitor votes once per browser and may change the vote.
	visitor := s.Client()
	resp, _ := kbPost(t, s.Server, visitor, path+"/votes", url.Values{"helpful": {"no"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != path+"#helpful" {
		t.Fatalf("visitor vote: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	kbPost(t, s.Server, visitor, path+"/votes", url.Values{"helpful": {"yes"}})
	_, doc, _ := kbFetch(t, s.Server, visitor, path)
	if kbText(doc, `.vote-form button[aria-pressed=true]`) != "Tak" || kbText(doc, ".helpful .vote-thanks") == "" {
		t.Error("the visitor's vote is not shown")
	}
	if got := kbText(doc, ".helpful .muted"); got != "1 z 1 osób uznało ten artykuł za pomocny." {
		t.Errorf("tally %q", got)
	}
	if resp, _ := kbPost(t, s.Server, visitor, path+"/votes", url.Values{"helpful": {"maybe"}}); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a strange vote answers %d", resp.StatusCode)
	}

	// A visitor who tries to comment is sent to sign in.
	resp, _ = kbPost(t, s.Server, visitor, path+"/comments", url.Values{"body": {"Pytanie"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login?next="+url.QueryEscape(path) {
		t.Errorf("visitor comment: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// Without the session's CSRF token a signed-in form post is refused.
	if resp, _ := kbPost(t, s.Server, customer.Client, path+"/comments", url.Values{"body": {"Pytanie"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("comment without CSRF: %d", resp.StatusCode)
	}
	// Invalid input re-renders the article with the text kept and the message beside it.
	resp, doc = kbPost(t, s.Server, customer.Client, path+"/comments", url.Values{"csrf_token": {customer.CSRF}, "body": {"?"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("short comment: %d", resp.StatusCode)
	}
	if kbText(doc, "#comment-body") != "?" || !strings.Contains(kbText(doc, ".comment-form .field-error"), "co najmniej") ||
		doc.Find(`#comment-body[aria-invalid=true]`).Length() != 1 {
		t.Error("the form does not keep the text and say what is wrong")
	}
	resp, _ = kbPost(t, s.Server, customer.Client, path+"/comments", url.Values{"csrf_token": {customer.CSRF},
		"body": {"<b>Czy</b> kosz opróżnia się sam?\n\nPozdrawiam"}})
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, path+"#comment-") {
		t.Fatalf("comment: %d %s", resp.StatusCode, loc)
	}
	commentID := strings.TrimPrefix(loc, path+"#comment-")
	_, doc, _ = kbFetch(t, s.Server, customer.Client, path)
	cm := doc.Find("#comment-" + commentID)
	if cm.Find(".comment-body p").Length() != 2 || cm.Find(".comment-body b").Length() != 0 || !strings.Contains(cm.Text(), "<b>Czy</b>") {
		t.Errorf("comment rendered as %q", cm.Find(".comment-body").Text())
	}
	if cm.Find(".moderation").Length() != 0 {
		t.Error("a customer gets moderation buttons")
	}
	if kbText(doc, ".flash-ok") == "" {
		t.Error("no confirmation after posting")
	}

	// The agent answers as the support team, then turns the question into a request.
	resp, _ = kbPost(t, s.Server, agent.Client, path+"/comments", url.Values{"csrf_token": {agent.CSRF}, "parent_id": {commentID},
		"body": {"Tak, po 30 dniach."}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("agent answer: %d", resp.StatusCode)
	}
	_, doc, _ = kbFetch(t, s.Server, agent.Client, path)
	thread := doc.Find("#comment-" + commentID).Parent()
	if thread.Find(".replies .comment.from-staff .badge.staff").Text() != "Zespół wsparcia" {
		t.Error("the answer is not marked as the support team's")
	}
	if doc.Find("#comment-"+commentID+" .moderation form[action=\"/comments/"+commentID+"/request\"]").Length() != 1 {
		t.Fatal("the agent cannot turn the comment into a request")
	}
	resp, _ = kbPost(t, s.Server, agent.Client, "/comments/"+commentID+"/request", url.Values{"csrf_token": {agent.CSRF}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("to request: %d", resp.StatusCode)
	}
	var ticketID, requester int64
	if err := s.DB.Pool.QueryRow(ctx, `SELECT t.id, t.requester_id FROM comments c JOIN tickets t ON t.id = c.ticket_id WHERE c.id = $1`, commentID).Scan(&ticketID, &requester); err != nil {
		t.Fatal(err)
	}
	if requester != customer.ID {
		t.Errorf("requester %d, want the commenter %d", requester, customer.ID)
	}
	_, doc, _ = kbFetch(t, s.Server, agent.Client, path)
	if href, _ := doc.Find("#comment-" + commentID + ` .moderation a`).Attr("href"); href != "/admin/tickets/"+strconv.FormatInt(ticketID, 10) {
		t.Errorf("the comment links to %q", href)
	}
	// A customer cannot moderate, even by posting the form.
	if resp, _ := kbPost(t, s.Server, customer.Client, "/comments/"+commentID+"/hide", url.Values{"csrf_token": {customer.CSRF}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("customer hides: %d", resp.StatusCode)
	}
	// Hidden: gone for readers (with its answers), marked for moderators.
	if resp, _ := kbPost(t, s.Server, agent.Client, "/comments/"+commentID+"/hide", url.Values{"csrf_token": {agent.CSRF}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("hide: %d", resp.StatusCode)
	}
	_, doc, _ = kbFetch(t, s.Server, visitor, path)
	if doc.Find(".comment").Length() != 0 || strings.Contains(doc.Text(), "Tak, po 30 dniach") {
		t.Error("a hidden comment or its answer is shown to a visitor")
	}
	_, doc, _ = kbFetch(t, s.Server, agent.Client, path)
	if doc.Find("#comment-"+commentID+".is-hidden").Length() != 1 {
		t.Error("the moderator does not see the hidden comment marked")
	}
}

func TestHomeAndBrowsing(t *testing.T) {
	s := newKB(t)
	c := s.Client()
	partner := accounttest.Customer(t, s.Server, "partner")

	// Read one FAQ often: it leads the most-read list once the views are written.
	faq := s.article(t, "art-111") // accountant-only: never on a visitor's list
	public := ""
	for _, a := range s.corpus.Articles {
		if a.Kind == "faq" && s.corpus.Visible([]string{"public"}, a) {
			public = a.Slug
		}
	}
	for range 3 {
		kbFetch(t, s.Server, c, "/articles/"+public)
	}
	accountant := accounttest.Customer(t, s.Server, "accountant")
	for range 5 {
		kbFetch(t, s.Server, accountant.Client, "/articles/"+faq.Slug)
	}
	if err := s.Engagement.FlushViews(context.Background()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(10 * time.Millisecond)

	_, doc, _ := kbFetch(t, s.Server, c, "/")
	var cats []string
	doc.Find(".category-card h3").Each(func(_ int, h *goquery.Selection) { cats = append(cats, h.Text()) })
	if diff := cmp.Diff([]string{"Kwestie administracyjne", "Obsługa programu", "Integracje z programami księgowymi i ERP"}, cats); diff != "" {
		t.Errorf("categories (-want +got):\n%s", diff)
	}
	if doc.Find(`a[href="/sections/program-partnerski"], a[href="/sections/procedury-wsparcia"], a[href="/sections/raporty"]`).Length() != 0 {
		t.Error("a visitor's home lists sections for partners, staff or signed-in users")
	}
	if href, _ := doc.Find("#faq-title + ol a").First().Attr("href"); href != "/articles/"+public {
		t.Errorf("most read FAQ starts with %q, want /articles/%s", href, public)
	}
	if doc.Find("#recent-title + ul li").Length() == 0 {
		t.Error("no recently updated articles")
	}
	if href, _ := doc.Find(`link[rel=canonical]`).Attr("href"); href != s.URL+"/" {
		t.Errorf("home canonical %q", href)
	}
	_, doc, _ = kbFetch(t, s.Server, partner.Client, "/")
	if doc.Find(`a[href="/sections/program-partnerski"]`).Length() != 1 {
		t.Error("a partner does not see the partner programme")
	}
	_, doc, _ = kbFetch(t, s.Server, accountant.Client, "/")
	if href, _ := doc.Find("#faq-title + ol a").First().Attr("href"); href != "/articles/"+faq.Slug {
		t.Errorf("accountant's most read FAQ starts with %q", href)
	}

	// A category page: breadcrumbs and its visible sections with their articles.
	_, doc, _ = kbFetch(t, s.Server, c, "/categories/kwestie-administracyjne")
	if kbText(doc, "h1") != "Kwestie administracyjne" || doc.Find(".breadcrumbs li").Length() != 2 {
		t.Error("category page heading or breadcrumbs")
	}
	var secs []string
	doc.Find(".section-card h2").Each(func(_ int, h *goquery.Selection) { secs = append(secs, h.Text()) })
	if slices.Contains(secs, "Program partnerski") || len(secs) != 5 {
		t.Errorf("visitor's sections %q", secs)
	}
	// A section page lists all its visible articles, newest change first.
	_, doc, _ = kbFetch(t, s.Server, c, "/sections/konto-i-logowanie")
	var listed []string
	doc.Find(".article-list li a").Each(func(_ int, a *goquery.Selection) { listed = append(listed, a.Text()) })
	var want []string
	for _, a := range s.corpus.Articles {
		if a.SectionID == "sec-konto" && s.corpus.Visible([]string{"public"}, a) {
			want = append(want, a.Title)
		}
	}
	sort.Strings(want)
	got := slices.Clone(listed)
	sort.Strings(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("section articles (-want +got):\n%s", diff)
	}
	if doc.Find(".breadcrumbs li").Length() != 3 {
		t.Error("section breadcrumbs")
	}

	// Unknown and forbidden places answer 404 with the error page, not indexed.
	for _, path := range []string{"/articles/nie-ma-takiego", "/categories/nie-ma", "/sections/procedury-wsparcia", "/articles/" + faq.Slug} {
		resp, doc, _ := kbFetch(t, s.Server, c, path)
		if resp.StatusCode != http.StatusNotFound || doc.Find(`meta[name=robots][content=noindex]`).Length() != 1 ||
			kbText(doc, "h1") != "Nie znaleziono strony" || doc.Find("header.site-header form[role=search]").Length() != 1 {
			t.Errorf("GET %s = %d, h1 %q", path, resp.StatusCode, kbText(doc, "h1"))
		}
	}
	// The signed-in reader keeps their menu on the error page.
	_, doc, _ = kbFetch(t, s.Server, partner.Client, "/articles/nie-ma-takiego")
	if doc.Find(".site-header .menu summary").Length() != 1 {
		t.Error("no name menu on the error page")
	}
}

func TestSitemapFeedAndRobots(t *testing.T) {
	s := newKB(t)
	accountant := accounttest.Customer(t, s.Server, "accountant")
	visible, _ := s.corpus.Split(s.Policy.Audiences(policy.Anonymous))
	var want []string
	for _, a := range visible {
		want = append(want, s.URL+"/articles/"+a.Slug)
	}
	sort.Strings(want)

	for _, c := range []*http.Client{s.Client(), accountant.Client} {
		resp, _, body := kbFetch(t, s.Server, c, "/sitemap.xml")
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/xml") {
			t.Fatalf("sitemap: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		var set struct {
			URLs []struct {
				Loc     string `xml:"loc"`
				LastMod string `xml:"lastmod"`
			} `xml:"url"`
		}
		if err := xml.Unmarshal([]byte(body), &set); err != nil {
			t.Fatal(err)
		}
		var articles []string
		for _, u := range set.URLs {
			if !strings.HasPrefix(u.Loc, s.URL+"/") {
				t.Errorf("sitemap URL %s is not canonical", u.Loc)
			}
			if strings.Contains(u.Loc, "/articles/") {
				articles = append(articles, u.Loc)
				if _, err := time.Parse(time.RFC3339, u.LastMod); err != nil {
					t.Errorf("lastmod %q", u.LastMod)
				}
			}
			if strings.Contains(u.Loc, "/sections/program-partnerski") || strings.Contains(u.Loc, "/sections/raporty") {
				t.Errorf("sitemap lists %s", u.Loc)
			}
		}
		sort.Strings(articles)
		if diff := cmp.Diff(want, articles); diff != "" {
			t.Errorf("sitemap articles (-public +listed):\n%s", diff)
		}

		resp, _, body = kbFetch(t, s.Server, c, "/feed.atom")
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/atom+xml") {
			t.Fatalf("feed: %d", resp.StatusCode)
		}
		var feed struct {
			XMLName xml.Name
			Lang    string `xml:"lang,attr"`
			Entries []struct {
				Title string `xml:"title"`
				ID    string `xml:"id"`
				Link  struct {
					Href string `xml:"href,attr"`
				} `xml:"link"`
				Updated string `xml:"updated"`
				Summary string `xml:"summary"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal([]byte(body), &feed); err != nil {
			t.Fatal(err)
		}
		if feed.XMLName.Space != "http://www.w3.org/2005/Atom" || feed.Lang != "pl" || len(feed.Entries) != 30 {
			t.Fatalf("feed %s lang %q with %d entries", feed.XMLName.Space, feed.Lang, len(feed.Entries))
		}
		for _, e := range feed.Entries {
			if !slices.Contains(want, e.Link.Href) || e.Summary == "" || !strings.HasPrefix(e.ID, s.URL+"/articles/") {
				t.Errorf("feed entry %q %s", e.Title, e.Link.Href)
			}
		}
	}
	_, _, robots := kbFetch(t, s.Server, s.Client(), "/robots.txt")
	if !strings.Contains(robots, "Sitemap: "+s.URL+"/sitemap.xml") || !strings.Contains(robots, "Disallow: /admin/") {
		t.Errorf("robots.txt:\n%s", robots)
	}
}

func TestDeflectionIsRecorded(t *testing.T) {
	s := newKB(t)
	ctx := context.Background()
	c := s.Client()
	art := s.article(t, "art-103")
	resp, doc, _ := kbFetch(t, s.Server, c, "/articles/"+art.Slug+"?sq="+url.QueryEscape("jak odzyskac usuniete dokumenty"))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if href, _ := doc.Find(".notice a").Attr("href"); href != "/requests/new?subject="+url.QueryEscape("jak odzyskac usuniete dokumenty") {
		t.Errorf("back to the form: %q", href)
	}
	if href, _ := doc.Find("link[rel=canonical]").Attr("href"); href != s.URL+"/articles/"+art.Slug {
		t.Errorf("canonical %q", href)
	}
	kbFetch(t, s.Server, c, "/articles/"+art.Slug+"?sq=jak+odzyskac") // the same browser again: one open
	count := func(where string) (n int) {
		t.Helper()
		if err := s.DB.Pool.QueryRow(ctx, `SELECT count(*) FROM suggestion_opens WHERE `+where).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count("visitor IS NOT NULL AND request_sent_at IS NULL"); n != 1 {
		t.Fatalf("opens %d, want 1", n)
	}
	// Another visitor who opened a suggestion and left: deflected.
	kbFetch(t, s.Server, s.Client(), "/articles/"+art.Slug+"?sq=kosz")
	// The first visitor still sends a request through the form.
	resp, _ = kbPost(t, s.Server, c, "/requests/new", url.Values{"email": {"gosc@firma.example"}, "name": {"Gość"},
		"subject": {"Odzyskanie dokumentów"}, "body": {"Usunąłem fakturę i nie ma jej w koszu."}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("request form: %d", resp.StatusCode)
	}
	if n := count("request_sent_at IS NOT NULL"); n != 1 {
		t.Errorf("opens followed by a request: %d, want 1", n)
	}
	agent := accounttest.Staff(t, s.Server, "agent")
	r, err := s.Engagement.DeflectionReport(ctx, agent.Subject(), time.Now().Add(-time.Hour), 5)
	if err != nil || r.Opened != 2 || r.Deflected != 1 {
		t.Errorf("report %+v, %v", r, err)
	}
}

func TestEnglishPortal(t *testing.T) {
	s := newKB(t)
	c := s.Client()
	u, _ := url.Parse(s.URL)
	c.Jar.SetCookies(u, []*http.Cookie{{Name: "lang", Value: "en", Path: "/"}})
	art := s.article(t, "art-103")
	for _, tt := range []struct{ path, sel, want string }{
		{"/", "h1", "How can we help?"},
		{"/", "#topics-title", "Help topics"},
		{"/", "#faq-title", "Most read questions"},
		{"/search?q=" + url.QueryEscape("usuniete dokumenty"), ".result-count", "results for \"usuniete dokumenty\""},
		{"/search?q=zzxqv", ".no-results h2", "We found nothing for \"zzxqv\""},
		{"/articles/" + art.Slug, ".signin-to-comment", "Sign in to add a comment."},
		{"/articles/" + art.Slug, ".article-head .meta", "Updated 22 May 2025"},
		{"/articles/" + art.Slug, ".toc h2", "Contents"},
		{"/sections/konto-i-logowanie", ".page-head .muted", "articles"},
	} {
		_, doc, _ := kbFetch(t, s.Server, c, tt.path)
		if got := kbText(doc, tt.sel); !strings.Contains(got, tt.want) {
			t.Errorf("%s %s = %q, want it to contain %q", tt.path, tt.sel, got, tt.want)
		}
		if lang, _ := doc.Find("html").Attr("lang"); lang != "en" {
			t.Errorf("%s lang=%q", tt.path, lang)
		}
	}
}

func TestVoteFloodIsStopped(t *testing.T) {
	s := newKB(t)
	path := "/articles/" + s.article(t, "art-103").Slug + "/votes"
	for i := range 30 {
		// A new browser each time: the per-browser vote does not stop this, the limit does.
		if resp, _ := kbPost(t, s.Server, s.Client(), path, url.Values{"helpful": {"no"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("vote %d: %d", i+1, resp.StatusCode)
		}
	}
	resp, doc := kbPost(t, s.Server, s.Client(), path, url.Values{"helpful": {"no"}})
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || kbText(doc, "h1") == "" {
		t.Fatalf("vote 31: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	var n int
	if err := s.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM anonymous_votes`).Scan(&n); err != nil || n != 30 {
		t.Errorf("%d anonymous votes, %v", n, err)
	}
}
