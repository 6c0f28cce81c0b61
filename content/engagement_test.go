package content_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/audit"
	"github.com/helpcenter/helpcenter/internal/db/dbtest"
	"github.com/helpcenter/helpcenter/policy"
)

// engagementEnv is a knowledge base with one public and one accountant-only article.
type engagementEnv struct {
	*env
	eng        *content.Engagement
	admin      policy.Subject
	public     *content.ManagedArticle
	restricted *content.ManagedArticle
}

type openCall struct {
	Requester     policy.Subject
	Subject, Body string
}

func newEngagementEnv(t *testing.T) *engagementEnv {
	t.Helper()
	e := &engagementEnv{env: newEnv(t)}
	e.eng = content.NewEngagement(e.svc, content.EngagementOptions{})
	e.admin = mustUser(t, e.d, "", "admin")
	pub := mustSection(t, e.env, e.admin, "ogolne", "public")
	acc := mustSection(t, e.env, e.admin, "dla-biur", "accountant")
	e.public = mustPublished(t, e.env, e.admin, content.ArticleInput{SectionID: pub.ID, Title: "Jak usunąć dokument",
		BodyMD: "## Usuwanie\n\nKliknij **Usuń**.\n\n## Kosz\n\nDokumenty trafiają do kosza.", Tags: []string{"dokumenty", "kosz"}})
	e.restricted = mustPublished(t, e.env, e.admin, content.ArticleInput{SectionID: acc.ID, Title: "Procedura Zefir dla biur",
		BodyMD: "Tajna procedura Zefir.", Tags: []string{"dokumenty"}})
	return e
}

func TestCleanCommentBody(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"trims", "  Dzień dobry  ", "Dzień dobry"},
		{"windows line ends", "a\r\nb\rc", "a\nb\nc"},
		{"blank lines shrink", "a\n\n\n\n\nb", "a\n\nb"},
		{"trailing spaces", "a   \nb\t", "a\nb"},
		{"controls and invisible formatting dropped", "a\x00b\x1bc\u202eevil\u200bd", "abcevild"},
		{"markup kept as text", "<script>alert(1)</script>", "<script>alert(1)</script>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := content.CleanCommentBody(tt.in); got != tt.want {
				t.Errorf("CleanCommentBody(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestPostCommentRules(t *testing.T) {
	e := newEngagementEnv(t)
	ctx := context.Background()
	customer := mustUser(t, e.d, "", "")
	accountant := mustUser(t, e.d, "accountant", "")
	tests := []struct {
		name    string
		subj    policy.Subject
		article int64
		in      content.NewComment
		code    apperr.Code
	}{
		{"visitor must sign in", policy.Anonymous, e.public.ID, content.NewComment{Body: "Pytanie"}, apperr.Unauthorized},
		{"token is nobody", policy.Subject{TokenID: 7}, e.public.ID, content.NewComment{Body: "Pytanie"}, apperr.Forbidden},
		{"article the reader cannot see", customer, e.restricted.ID, content.NewComment{Body: "Pytanie"}, apperr.NotFound},
		{"article that does not exist", customer, 999999, content.NewComment{Body: "Pytanie"}, apperr.NotFound},
		{"empty", customer, e.public.ID, content.NewComment{Body: " \n\t "}, apperr.Invalid},
		{"too short", customer, e.public.ID, content.NewComment{Body: "a"}, apperr.Invalid},
		{"too long", customer, e.public.ID, content.NewComment{Body: strings.Repeat("ą", content.MaxCommentLen+1)}, apperr.Invalid},
		{"parent that does not exist", customer, e.public.ID, content.NewComment{Body: "Odpowiedź", ParentID: 999999}, apperr.Invalid},
		{"accountant may comment restricted article", accountant, e.restricted.ID, content.NewComment{Body: "Dziękuję"}, ""},
		{"longest allowed", customer, e.public.ID, content.NewComment{Body: strings.Repeat("ą", content.MaxCommentLen)}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.eng.PostComment(ctx, tt.subj, tt.article, tt.in)
			if got := apperr.CodeOf(err); (tt.code == "" && err != nil) || (tt.code != "" && got != tt.code) {
				t.Fatalf("error = %v (%s), want code %q", err, got, tt.code)
			}
		})
	}

	t.Run("staff answers are marked and replies join the thread", func(t *testing.T) {
		agent := mustUser(t, e.d, "", "agent")
		q, err := e.eng.PostComment(ctx, customer, e.public.ID, content.NewComment{Body: "Czy kosz  \r\n\r\n\r\nopróżnia się sam?"})
		if err != nil {
			t.Fatal(err)
		}
		if q.FromStaff || q.Body != "Czy kosz\n\nopróżnia się sam?" {
			t.Fatalf("question = %+v", q)
		}
		a, err := e.eng.PostComment(ctx, agent, e.public.ID, content.NewComment{Body: "Tak, po 30 dniach.", ParentID: q.ID})
		if err != nil {
			t.Fatal(err)
		}
		again, err := e.eng.PostComment(ctx, customer, e.public.ID, content.NewComment{Body: "Dziękuję!", ParentID: a.ID})
		if err != nil {
			t.Fatal(err)
		}
		if !a.FromStaff || a.ParentID != q.ID || again.ParentID != q.ID || again.FromStaff {
			t.Fatalf("answer %+v, reply to answer %+v", a, again)
		}
		threads, err := e.eng.CommentThreads(ctx, policy.Anonymous, e.public.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got [][]string
		for _, th := range threads {
			row := []string{th.Body}
			for _, r := range th.Replies {
				row = append(row, fmt.Sprintf("%s staff=%v", r.Body, r.FromStaff))
			}
			got = append(got, row)
		}
		want := [][]string{
			{strings.Repeat("ą", content.MaxCommentLen)},
			{"Czy kosz\n\nopróżnia się sam?", "Tak, po 30 dniach. staff=true", "Dziękuję! staff=false"},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("threads (-want +got):\n%s", diff)
		}
	})

	t.Run("parent under another article", func(t *testing.T) {
		other, err := e.eng.PostComment(ctx, accountant, e.restricted.ID, content.NewComment{Body: "Inny wątek"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.eng.PostComment(ctx, accountant, e.public.ID, content.NewComment{Body: "Odpowiedź", ParentID: other.ID})
		if !apperr.Is(err, apperr.Invalid) {
			t.Fatalf("reply across articles: %v", err)
		}
	})
}

func TestCommentRateLimitAndDuplicates(t *testing.T) {
	e := newEngagementEnv(t)
	ctx := context.Background()
	eng := content.NewEngagement(e.svc, content.EngagementOptions{CommentBurst: 3, CommentWindow: time.Hour})
	customer := mustUser(t, e.d, "", "")
	if _, err := eng.PostComment(ctx, customer, e.public.ID, content.NewComment{Body: "Pierwszy"}); err != nil {
		t.Fatal(err)
	}
	if _, err := eng.PostComment(ctx, customer, e.public.ID, content.NewComment{Body: "Pierwszy"}); !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("the same text twice: %v", err)
	}
	// Sent all at once, the limit still holds: the author's comments are serialised.
	var wg sync.WaitGroup
	errs := make(chan error, 6)
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := eng.PostComment(ctx, customer, e.public.ID, content.NewComment{Body: fmt.Sprintf("Komentarz %d", i)})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	ok, limited := 0, 0
	for err := range errs {
		switch {
		case err == nil:
			ok++
		case apperr.Is(err, apperr.RateLimited):
			limited++
		default:
			t.Fatal(err)
		}
	}
	if ok != 2 || limited != 4 {
		t.Fatalf("accepted %d, limited %d; want 2 and 4", ok, limited)
	}
	agent := mustUser(t, e.d, "", "agent")
	for i := range 5 {
		if _, err := eng.PostComment(ctx, agent, e.public.ID, content.NewComment{Body: fmt.Sprintf("Odpowiedź %d", i)}); err != nil {
			t.Fatalf("staff are not limited: %v", err)
		}
	}
}

func TestHideComments(t *testing.T) {
	e := newEngagementEnv(t)
	ctx := context.Background()
	customer := mustUser(t, e.d, "", "")
	agent := mustUser(t, e.d, "", "agent")
	spam, err := e.eng.PostComment(ctx, customer, e.public.ID, content.NewComment{Body: "Tania reklama"})
	if err != nil {
		t.Fatal(err)
	}
	reply, err := e.eng.PostComment(ctx, customer, e.public.ID, content.NewComment{Body: "Odpowiedź na reklamę", ParentID: spam.ID})
	if err != nil {
		t.Fatal(err)
	}
	keep, err := e.eng.PostComment(ctx, customer, e.public.ID, content.NewComment{Body: "Przydatne pytanie"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.eng.SetCommentHidden(ctx, customer, spam.ID, true); !apperr.Is(err, apperr.Forbidden) {
		t.Fatalf("a customer hides a comment: %v", err)
	}
	if _, err := e.eng.SetCommentHidden(ctx, policy.Anonymous, spam.ID, true); !apperr.Is(err, apperr.Unauthorized) {
		t.Fatalf("a visitor hides a comment: %v", err)
	}
	articleID, err := e.eng.SetCommentHidden(ctx, agent, spam.ID, true)
	if err != nil || articleID != e.public.ID {
		t.Fatalf("hide: %d, %v", articleID, err)
	}
	ids := func(s policy.Subject) (out []string) {
		threads, err := e.eng.CommentThreads(ctx, s, e.public.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, th := range threads {
			out = append(out, fmt.Sprintf("%d hidden=%v", th.ID, th.Hidden))
			for _, r := range th.Replies {
				out = append(out, fmt.Sprintf("  %d hidden=%v", r.ID, r.Hidden))
			}
		}
		return out
	}
	if diff := cmp.Diff([]string{fmt.Sprintf("%d hidden=false", keep.ID)}, ids(customer)); diff != "" {
		t.Errorf("a reader sees (-want +got):\n%s", diff)
	}
	want := []string{fmt.Sprintf("%d hidden=true", spam.ID), fmt.Sprintf("  %d hidden=false", reply.ID), fmt.Sprintf("%d hidden=false", keep.ID)}
	if diff := cmp.Diff(want, ids(agent)); diff != "" {
		t.Errorf("a moderator sees (-want +got):\n%s", diff)
	}
	if n, err := e.eng.CommentCount(ctx, policy.Anonymous, e.public.ID); err != nil || n != 1 {
		t.Errorf("count = %d, %v; want 1", n, err)
	}
	if _, err := e.eng.PostComment(ctx, customer, e.public.ID, content.NewComment{Body: "Jeszcze", ParentID: spam.ID}); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("replying to a hidden comment: %v", err)
	}
	entries, err := audit.Find(ctx, e.d.Bun, audit.Filter{Object: fmt.Sprintf("comment:%d", spam.ID)})
	if err != nil || len(entries) != 1 || entries[0].Action != "comment.hide" {
		t.Fatalf("audit entries %+v, %v", entries, err)
	}

	// The moderators' list: every article, newest first, filtered by hidden or not.
	if _, err := e.eng.RecentComments(ctx, customer, content.ModerationFilter{}); !apperr.Is(err, apperr.Forbidden) {
		t.Fatalf("a customer lists comments for moderation: %v", err)
	}
	other, err := e.eng.PostComment(ctx, mustUser(t, e.d, "accountant", ""), e.restricted.ID, content.NewComment{Body: "Pytanie biura"})
	if err != nil {
		t.Fatal(err)
	}
	list := func(f content.ModerationFilter) (out []string) {
		page, err := e.eng.RecentComments(ctx, agent, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range page.Comments {
			out = append(out, fmt.Sprintf("%d %s hidden=%v", c.ID, c.ArticleTitle, c.Hidden))
		}
		if f.Limit == 2 && page.NextCursor == "" {
			t.Error("no cursor after a full page")
		}
		return out
	}
	yes := true
	if diff := cmp.Diff([]string{fmt.Sprintf("%d %s hidden=true", spam.ID, e.public.Title)}, list(content.ModerationFilter{Hidden: &yes})); diff != "" {
		t.Errorf("hidden (-want +got):\n%s", diff)
	}
	want = []string{fmt.Sprintf("%d %s hidden=false", other.ID, e.restricted.Title), fmt.Sprintf("%d %s hidden=false", keep.ID, e.public.Title)}
	if diff := cmp.Diff(want, list(content.ModerationFilter{Limit: 2})); diff != "" {
		t.Errorf("newest first (-want +got):\n%s", diff)
	}

	if _, err := e.eng.SetCommentHidden(ctx, agent, spam.ID, false); err != nil {
		t.Fatal(err)
	}
	if got := ids(customer); len(got) != 3 {
		t.Errorf("after showing again a reader sees %v", got)
	}
}

func TestCommentToRequest(t *testing.T) {
	e := newEngagementEnv(t)
	ctx := context.Background()
	customer := mustUser(t, e.d, "accountant", "")
	agent := mustUser(t, e.d, "", "agent")
	// A role that moderates comments but does not work requests.
	dbtest.MustExec(t, e.d, `INSERT INTO staff_roles (key, label_pl, label_en) VALUES ('moderator', 'Moderator', 'Moderator')`)
	dbtest.MustExec(t, e.d, `INSERT INTO casbin_rule (ptype, v0, v1, v2) VALUES ('p', 'role:moderator', 'comment', 'moderate')`)
	if err := e.e.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	moderator := mustUser(t, e.d, "", "moderator")
	cm, err := e.eng.PostComment(ctx, customer, e.public.ID, content.NewComment{Body: "Jak odzyskać usunięty dokument?"})
	if err != nil {
		t.Fatal(err)
	}
	staffNote, err := e.eng.PostComment(ctx, agent, e.public.ID, content.NewComment{Body: "Odpowiadamy w zgłoszeniu."})
	if err != nil {
		t.Fatal(err)
	}
	// A ticket the opener "creates": a real row, so the comment can link to it.
	var ticketID int64
	if err := e.d.Pool.QueryRow(ctx, `INSERT INTO tickets (requester_id, subject) VALUES ($1, 'x') RETURNING id`, customer.UserID).Scan(&ticketID); err != nil {
		t.Fatal(err)
	}
	opener := &ticketOpener{id: ticketID}
	eng := content.NewEngagement(e.svc, content.EngagementOptions{Requests: opener, BaseURL: "https://pomoc.example/"})

	for _, tt := range []struct {
		name  string
		actor policy.Subject
		code  apperr.Code
	}{
		{"customer", customer, apperr.Forbidden},
		{"visitor", policy.Anonymous, apperr.Unauthorized},
		{"moderator who does not work requests", moderator, apperr.Forbidden},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := eng.CommentToRequest(ctx, tt.actor, cm.ID); !apperr.Is(err, tt.code) {
				t.Fatalf("error %v, want %s", err, tt.code)
			}
		})
	}
	if _, err := eng.CommentToRequest(ctx, agent, staffNote.ID); !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("a staff comment became a request: %v", err)
	}
	r, err := eng.CommentToRequest(ctx, agent, cm.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(content.CommentRequest{RequestID: ticketID, ArticleID: e.public.ID}, r); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	again, err := eng.CommentToRequest(ctx, agent, cm.ID)
	if err != nil || again.RequestID != ticketID || !again.Existing {
		t.Fatalf("second time: %+v, %v", again, err)
	}
	if len(opener.calls) != 1 {
		t.Fatalf("opened %d requests, want 1", len(opener.calls))
	}
	call := opener.calls[0]
	if call.Requester.UserID != customer.UserID || call.Requester.AccountType != "accountant" {
		t.Errorf("requester = %+v", call.Requester)
	}
	if call.Subject != "Pytanie pod artykułem: Jak usunąć dokument" {
		t.Errorf("subject = %q", call.Subject)
	}
	if !strings.HasPrefix(call.Body, "Jak odzyskać usunięty dokument?") || !strings.Contains(call.Body, "https://pomoc.example/articles/"+e.public.Slug) {
		t.Errorf("body = %q", call.Body)
	}
	threads, err := eng.CommentThreads(ctx, agent, e.public.ID)
	if err != nil {
		t.Fatal(err)
	}
	if threads[0].RequestID != ticketID {
		t.Errorf("moderators see request %d, want %d", threads[0].RequestID, ticketID)
	}
	threads, err = eng.CommentThreads(ctx, customer, e.public.ID)
	if err != nil {
		t.Fatal(err)
	}
	if threads[0].RequestID != 0 {
		t.Errorf("a reader sees the request id %d", threads[0].RequestID)
	}
	if _, err := content.NewEngagement(e.svc, content.EngagementOptions{}).CommentToRequest(ctx, agent, cm.ID); !apperr.Is(err, apperr.Unavailable) {
		t.Errorf("without a request service: %v", err)
	}
}

// ticketOpener stands in for the request service: it answers with a fixed ticket id.
type ticketOpener struct {
	id    int64
	calls []openCall
}

func (o *ticketOpener) OpenRequestFor(_ context.Context, requester policy.Subject, subject, body string) (int64, error) {
	o.calls = append(o.calls, openCall{requester, subject, body})
	return o.id, nil
}

func TestVotes(t *testing.T) {
	e := newEngagementEnv(t)
	ctx := context.Background()
	alice := mustUser(t, e.d, "", "")
	bob := mustUser(t, e.d, "", "")
	accountant := mustUser(t, e.d, "accountant", "")
	for _, tt := range []struct {
		name    string
		subj    policy.Subject
		article int64
		visitor content.VisitorKey
		code    apperr.Code
	}{
		{"visitor without a browser key", policy.Anonymous, e.public.ID, "", apperr.Unauthorized},
		{"token", policy.Subject{TokenID: 3}, e.public.ID, "browser-key-1234567", apperr.Forbidden},
		{"article hidden from the reader", alice, e.restricted.ID, "", apperr.NotFound},
		{"article hidden from the visitor", policy.Anonymous, e.restricted.ID, "browser-key-1234567", apperr.NotFound},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := e.eng.Vote(ctx, tt.subj, tt.article, true, tt.visitor); !apperr.Is(err, tt.code) {
				t.Fatalf("error %v, want %s", err, tt.code)
			}
		})
	}
	vote := func(s policy.Subject, helpful bool, visitor content.VisitorKey) {
		t.Helper()
		if err := e.eng.Vote(ctx, s, e.public.ID, helpful, visitor); err != nil {
			t.Fatal(err)
		}
	}
	vote(alice, false, "")
	vote(alice, true, "") // changed her mind: still one vote
	vote(bob, false, "")
	vote(policy.Anonymous, true, "browser-a-123456789")
	vote(policy.Anonymous, true, "browser-a-123456789")
	vote(policy.Anonymous, false, "browser-b-123456789")
	if err := e.eng.Vote(ctx, accountant, e.restricted.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	yes, no := true, false
	for _, tt := range []struct {
		name    string
		subj    policy.Subject
		visitor content.VisitorKey
		want    content.VoteSummary
	}{
		{"alice", alice, "", content.VoteSummary{Helpful: 2, NotHelpful: 2, Mine: &yes}},
		{"bob", bob, "", content.VoteSummary{Helpful: 2, NotHelpful: 2, Mine: &no}},
		{"browser a", policy.Anonymous, "browser-a-123456789", content.VoteSummary{Helpful: 2, NotHelpful: 2, Mine: &yes}},
		{"new browser", policy.Anonymous, "browser-c-123456789", content.VoteSummary{Helpful: 2, NotHelpful: 2}},
		{"signed-in user's browser key does not count", accountant, "browser-a-123456789", content.VoteSummary{Helpful: 2, NotHelpful: 2}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := e.eng.Votes(ctx, tt.subj, e.public.ID, tt.visitor)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("votes (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := e.eng.Votes(ctx, policy.Anonymous, e.restricted.ID, ""); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("a visitor reads the votes of a restricted article: %v", err)
	}
}

func TestViewsAndMostRead(t *testing.T) {
	e := newEngagementEnv(t)
	ctx := context.Background()
	pub := mustSection(t, e.env, e.admin, "faq-publiczne", "public")
	faqs := make([]*content.ManagedArticle, 3)
	for i := range faqs {
		faqs[i] = mustPublished(t, e.env, e.admin, content.ArticleInput{SectionID: pub.ID, Kind: "faq",
			Title: fmt.Sprintf("Pytanie %d", i), BodyMD: "Odpowiedź."})
	}
	acc := mustSection(t, e.env, e.admin, "faq-biura", "accountant")
	secret := mustPublished(t, e.env, e.admin, content.ArticleInput{SectionID: acc.ID, Kind: "faq", Title: "Pytanie biur", BodyMD: "Tajne."})
	for range 50 {
		e.eng.CountView(secret.ID) // the most read overall, but not for visitors
	}
	for range 5 {
		e.eng.CountView(faqs[2].ID)
	}
	e.eng.CountView(faqs[0].ID)
	if err := e.eng.FlushViews(ctx); err != nil {
		t.Fatal(err)
	}
	e.eng.CountView(faqs[0].ID) // a second flush adds to the same day's row
	if err := e.eng.FlushViews(ctx); err != nil {
		t.Fatal(err)
	}
	titles := func(s policy.Subject) (out []string) {
		list, err := e.eng.MostRead(ctx, s, content.PopularFilter{Kind: "faq", Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range list {
			out = append(out, fmt.Sprintf("%s (%d)", a.Title, a.Views))
		}
		return out
	}
	if diff := cmp.Diff([]string{"Pytanie 2 (5)", "Pytanie 0 (2)", "Pytanie 1 (0)"}, titles(policy.Anonymous)); diff != "" {
		t.Errorf("visitor (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Pytanie biur (50)", "Pytanie 2 (5)", "Pytanie 0 (2)"}, titles(mustUser(t, e.d, "accountant", ""))); diff != "" {
		t.Errorf("accountant (-want +got):\n%s", diff)
	}
}

func TestSearchLogReport(t *testing.T) {
	e := newEngagementEnv(t)
	ctx := context.Background()
	customer := mustUser(t, e.d, "", "")
	editor := mustUser(t, e.d, "", "editor")
	since := time.Now().Add(-time.Minute)
	record := func(s policy.Subject, q string, n int, source string) int64 {
		t.Helper()
		id, err := e.eng.RecordSearch(ctx, s, content.SearchEvent{Query: q, Results: n, Source: source})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	first := record(policy.Anonymous, "Usunięte  dokumenty", 3, content.SourcePortal)
	record(customer, "usuniete dokumenty", 3, content.SourceAPI)
	record(customer, "usuniete dokumenty", 3, content.SourcePortal)
	record(policy.Subject{TokenID: 5}, "usunięte dokumenty", 2, content.SourceAPI)
	record(policy.Anonymous, "kasa fiskalna", 0, content.SourcePortal)
	record(customer, "Kasa fiskalna", 0, content.SourcePortal)
	record(policy.Anonymous, "jpk", 1, content.SourcePortal)
	if id := record(policy.Anonymous, "   ", 0, content.SourcePortal); id != 0 {
		t.Errorf("an empty query was recorded as %d", id)
	}
	if err := e.eng.RecordSearchClick(ctx, first, e.public.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.eng.RecordSearchClick(ctx, first, e.restricted.ID); err != nil { // only the first click counts
		t.Fatal(err)
	}
	if _, err := e.eng.SearchReport(ctx, customer, since, 10); !apperr.Is(err, apperr.Forbidden) {
		t.Fatalf("a customer reads the search report: %v", err)
	}
	r, err := e.eng.SearchReport(ctx, editor, since, 10)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Query            string
		Searches, Clicks int
		Results          int
	}
	rows := func(qs []content.QueryStat) (out []row) {
		for _, q := range qs {
			out = append(out, row{q.Query, q.Searches, q.Clicks, q.Results})
		}
		return out
	}
	if r.Searches != 7 || r.NoResults != 2 || r.Clicks != 1 || r.ClickThrough != 0.2 {
		t.Errorf("totals: %+v", r)
	}
	wantTop := []row{{"usuniete dokumenty", 4, 1, 2}, {"Kasa fiskalna", 2, 0, 0}, {"jpk", 1, 0, 1}}
	if diff := cmp.Diff(wantTop, rows(r.Top)); diff != "" {
		t.Errorf("top (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]row{{"Kasa fiskalna", 2, 0, 0}}, rows(r.TopNoResults)); diff != "" {
		t.Errorf("top without results (-want +got):\n%s", diff)
	}
	var clicked int64
	if err := e.d.Pool.QueryRow(ctx, `SELECT clicked_article_id FROM search_log WHERE id = $1`, first).Scan(&clicked); err != nil || clicked != e.public.ID {
		t.Errorf("clicked %d, %v", clicked, err)
	}
}

func TestSuggestionsAndDeflection(t *testing.T) {
	e := newEngagementEnv(t)
	ctx := context.Background()
	accountant := mustUser(t, e.d, "accountant", "")
	agent := mustUser(t, e.d, "", "agent")
	titles := func(s policy.Subject, q string) (out []string) {
		hits, err := e.eng.Suggest(ctx, s, q, 5)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hits {
			out = append(out, h.Title)
		}
		return out
	}
	if got := titles(policy.Anonymous, "do"); len(got) != 0 {
		t.Errorf("two letters suggest %v", got)
	}
	if got := titles(policy.Anonymous, "procedura zefir"); len(got) != 0 {
		t.Errorf("a visitor is offered %v", got)
	}
	if diff := cmp.Diff([]string{"Procedura Zefir dla biur"}, titles(accountant, "procedura zefir")); diff != "" {
		t.Errorf("accountant (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Jak usunąć dokument"}, titles(policy.Anonymous, "usunac dokument")); diff != "" {
		t.Errorf("visitor without diacritics (-want +got):\n%s", diff)
	}

	if err := e.eng.RecordSuggestionOpen(ctx, policy.Anonymous, e.restricted.ID, "zefir", "browser-a-123456789"); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("a visitor opens a restricted suggestion: %v", err)
	}
	open := func(s policy.Subject, id int64, visitor content.VisitorKey) {
		t.Helper()
		if err := e.eng.RecordSuggestionOpen(ctx, s, id, "usunac dokument", visitor); err != nil {
			t.Fatal(err)
		}
	}
	open(policy.Anonymous, e.public.ID, "browser-a-123456789")
	open(policy.Anonymous, e.public.ID, "browser-a-123456789") // the same open again
	open(policy.Anonymous, e.public.ID, "browser-b-123456789")
	open(accountant, e.restricted.ID, "")
	open(accountant, e.public.ID, "")
	if err := e.eng.RequestSent(ctx, policy.Anonymous, "browser-b-123456789"); err != nil {
		t.Fatal(err)
	}
	if err := e.eng.RequestSent(ctx, accountant, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := e.eng.DeflectionReport(ctx, accountant, time.Now().Add(-time.Hour), 10); !apperr.Is(err, apperr.Forbidden) {
		t.Fatalf("a customer reads the deflection report: %v", err)
	}
	r, err := e.eng.DeflectionReport(ctx, agent, time.Now().Add(-time.Hour), 10)
	if err != nil {
		t.Fatal(err)
	}
	if r.Opened != 4 || r.FollowedByRequest != 3 || r.Deflected != 1 {
		t.Errorf("totals %+v", r)
	}
	var top []string
	for _, a := range r.Top {
		top = append(top, fmt.Sprintf("%s %d/%d", a.Title, a.Deflected, a.Opened))
	}
	if diff := cmp.Diff([]string{"Jak usunąć dokument 1/3", "Procedura Zefir dla biur 0/1"}, top); diff != "" {
		t.Errorf("top (-want +got):\n%s", diff)
	}
	d, err := e.eng.Dashboard(ctx, agent, time.Now().Add(-time.Hour), 10)
	if err != nil || d.Deflection == nil || d.Search == nil {
		t.Fatalf("agent dashboard %+v, %v", d, err)
	}
	if _, err := e.eng.Dashboard(ctx, accountant, time.Now().Add(-time.Hour), 10); !apperr.Is(err, apperr.Forbidden) {
		t.Fatalf("customer dashboard: %v", err)
	}
}

func TestRelatedArticles(t *testing.T) {
	e := newEngagementEnv(t)
	ctx := context.Background()
	pub := mustSection(t, e.env, e.admin, "inne", "public")
	tagged := mustPublished(t, e.env, e.admin, content.ArticleInput{SectionID: pub.ID, Title: "Kosz i dokumenty", BodyMD: "x", Tags: []string{"kosz", "dokumenty"}})
	mustPublished(t, e.env, e.admin, content.ArticleInput{SectionID: pub.ID, Title: "Bez związku", BodyMD: "x", Tags: []string{"faktury"}})
	oneTag := mustPublished(t, e.env, e.admin, content.ArticleInput{SectionID: pub.ID, Title: "Tylko dokumenty", BodyMD: "x", Tags: []string{"dokumenty"}})
	titles := func(s policy.Subject) (out []string) {
		list, err := e.eng.RelatedArticles(ctx, s, e.public.ID, 5)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range list {
			out = append(out, a.Title)
		}
		return out
	}
	if diff := cmp.Diff([]string{tagged.Title, oneTag.Title}, titles(policy.Anonymous)); diff != "" {
		t.Errorf("visitor (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{tagged.Title, oneTag.Title, e.restricted.Title}, titles(mustUser(t, e.d, "accountant", ""))); diff != "" {
		t.Errorf("accountant (-want +got):\n%s", diff)
	}
	if _, err := e.eng.RelatedArticles(ctx, policy.Anonymous, e.restricted.ID, 5); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("related of a restricted article for a visitor: %v", err)
	}
}
