package content_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/audit"
	"github.com/helpcenter/helpcenter/internal/db/dbtest"
	"github.com/helpcenter/helpcenter/policy"
)

func TestWorkflowAndRevisions(t *testing.T) {
	ctx := context.Background()
	env := newEnv(t)
	admin := mustUser(t, env.d, "", "admin")
	agent := mustUser(t, env.d, "", "agent")
	editor := mustUser(t, env.d, "", "editor")
	customer := mustUser(t, env.d, "accountant", "")
	sec := mustSection(t, env, admin, "faktury", "public")

	if _, err := env.svc.CreateArticle(ctx, customer, content.ArticleInput{SectionID: sec.ID, Title: "x"}); !apperr.Is(err, apperr.Forbidden) {
		t.Fatalf("customer creating an article: %v, want forbidden", err)
	}
	a, err := env.svc.CreateArticle(ctx, agent, content.ArticleInput{SectionID: sec.ID, Title: "Jak wystawić fakturę?", BodyMD: "Wersja pierwsza.", Tags: []string{" faktury ", "faktury", ""}})
	if err != nil {
		t.Fatal(err)
	}
	if a.Slug != "jak-wystawic-fakture" || a.State != content.StateDraft || a.Live() || !slicesEqual(a.Audiences, []string{"public"}) || !slicesEqual(a.Tags, []string{"faktury"}) {
		t.Fatalf("new article = %+v", a)
	}
	if _, err := env.svc.Article(ctx, policy.Anonymous, a.Slug); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("a draft is readable: %v", err)
	}
	if a, err = env.svc.SubmitArticle(ctx, agent, a.ID); err != nil || a.State != content.StateInReview {
		t.Fatalf("submit: %v %v", a, err)
	}
	if _, err := env.svc.PublishArticle(ctx, agent, a.ID, nil); !apperr.Is(err, apperr.Forbidden) {
		t.Fatalf("agent publishing: %v, want forbidden", err)
	}
	if a, err = env.svc.PublishArticle(ctx, editor, a.ID, nil); err != nil || a.State != content.StatePublished || !a.Live() {
		t.Fatalf("publish: %+v %v", a, err)
	}
	first := a.PublishedRevisionID
	got, err := env.svc.Article(ctx, policy.Anonymous, a.Slug)
	if err != nil || got.BodyMD != "Wersja pierwsza." || !strings.Contains(got.BodyHTML, "<p>Wersja pierwsza.</p>") {
		t.Fatalf("published article: %+v %v", got, err)
	}

	// A new draft of a live article does not change what readers get.
	a, err = env.svc.UpdateArticle(ctx, agent, a.ID, content.ArticleUpdate{BaseRevisionID: a.CurrentRevisionID, BodyMD: ptr("Wersja druga.")})
	if err != nil {
		t.Fatal(err)
	}
	if a.PublishedRevisionID != first || a.CurrentRevisionID == first || !a.HasUnpublishedChanges() || a.State != content.StatePublished {
		t.Fatalf("after editing a live article: %+v", a)
	}
	if got, _ := env.svc.Article(ctx, policy.Anonymous, a.Slug); got.BodyMD != "Wersja pierwsza." || got.RevisionID != first {
		t.Fatalf("readers see the draft: %+v", got)
	}
	if a, err = env.svc.SubmitArticle(ctx, agent, a.ID); err != nil || a.State != content.StateInReview || !a.Live() {
		t.Fatalf("submitting changes of a live article: %+v %v", a, err)
	}
	if got, err := env.svc.Article(ctx, policy.Anonymous, a.Slug); err != nil || got.BodyMD != "Wersja pierwsza." {
		t.Fatalf("live article in review: %+v %v", got, err)
	}
	if a, err = env.svc.PublishArticle(ctx, editor, a.ID, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := env.svc.Article(ctx, policy.Anonymous, a.Slug); got.BodyMD != "Wersja druga." {
		t.Fatalf("after publishing the draft readers get %q", got.BodyMD)
	}
	if _, err := env.svc.PublishArticle(ctx, editor, a.ID, nil); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("publishing an unchanged article again: %v, want conflict", err)
	}

	revs, err := env.svc.Revisions(ctx, editor, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != 2 || revs[0].Number != 2 || revs[1].Number != 1 || revs[1].AuthorName == "" {
		t.Fatalf("revisions = %+v", revs)
	}
	a, err = env.svc.RestoreRevision(ctx, editor, a.ID, revs[1].ID, a.CurrentRevisionID)
	if err != nil || a.BodyMD != "Wersja pierwsza." || a.CurrentRevisionID == revs[1].ID {
		t.Fatalf("restore: %+v %v", a, err)
	}
	if revs, _ = env.svc.Revisions(ctx, editor, a.ID); len(revs) != 3 {
		t.Fatalf("restoring should add a revision, have %d", len(revs))
	}

	if a, err = env.svc.UnpublishArticle(ctx, editor, a.ID); err != nil || a.Live() || a.State != content.StateDraft {
		t.Fatalf("unpublish: %+v %v", a, err)
	}
	if _, err := env.svc.Article(ctx, policy.Anonymous, a.Slug); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("unpublished article readable: %v", err)
	}
	if a, err = env.svc.ArchiveArticle(ctx, editor, a.ID); err != nil || a.State != content.StateArchived {
		t.Fatalf("archive: %+v %v", a, err)
	}
	if _, err := env.svc.SubmitArticle(ctx, agent, a.ID); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("submitting an archived article: %v, want conflict", err)
	}

	entries, err := audit.Find(ctx, env.d.Bun, audit.Filter{Object: "article:" + itoa(a.ID), Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for i := len(entries) - 1; i >= 0; i-- {
		actions = append(actions, entries[i].Action)
	}
	want := []string{"article.create", "article.submit", "article.publish", "article.update", "article.submit",
		"article.publish", "article.restore", "article.unpublish", "article.archive"}
	if diff := cmp.Diff(want, actions); diff != "" {
		t.Errorf("audit trail (-want +got):\n%s", diff)
	}
}

func TestUpdateConflictKeepsNewerRevision(t *testing.T) {
	ctx := context.Background()
	env := newEnv(t)
	admin := mustUser(t, env.d, "", "admin")
	sec := mustSection(t, env, admin, "sekcja", "public")
	a, err := env.svc.CreateArticle(ctx, admin, content.ArticleInput{SectionID: sec.ID, Title: "Tytuł", BodyMD: "A"})
	if err != nil {
		t.Fatal(err)
	}
	base := a.CurrentRevisionID
	if _, err := env.svc.UpdateArticle(ctx, admin, a.ID, content.ArticleUpdate{BaseRevisionID: base, BodyMD: ptr("B")}); err != nil {
		t.Fatal(err)
	}
	_, err = env.svc.UpdateArticle(ctx, admin, a.ID, content.ArticleUpdate{BaseRevisionID: base, BodyMD: ptr("C")})
	if !apperr.Is(err, apperr.Conflict) || !strings.Contains(apperr.As(err).Message, "rewizja 2") {
		t.Fatalf("stale update: %v, want a conflict naming revision 2", err)
	}
	cur, _ := env.svc.ManagedArticle(ctx, admin, a.ID)
	if cur.BodyMD != "B" {
		t.Fatalf("body after refused update = %q", cur.BodyMD)
	}
}

func TestArticleValidation(t *testing.T) {
	ctx := context.Background()
	env := newEnv(t)
	admin := mustUser(t, env.d, "", "admin")
	partners := mustSection(t, env, admin, "partnerzy", "partner")
	tests := []struct {
		name  string
		in    content.ArticleInput
		field string
	}{
		{"no title", content.ArticleInput{SectionID: partners.ID}, "title"},
		{"unknown section", content.ArticleInput{SectionID: 999999, Title: "x"}, "section_id"},
		{"unknown kind", content.ArticleInput{SectionID: partners.ID, Title: "x", Kind: "blog"}, "kind"},
		{"unknown audience", content.ArticleInput{SectionID: partners.ID, Title: "x", Audiences: []string{"vip"}}, "audiences"},
		{"audience that cannot see the section", content.ArticleInput{SectionID: partners.ID, Title: "x", Audiences: []string{"accountant"}}, "audiences"},
		{"numeric slug", content.ArticleInput{SectionID: partners.ID, Title: "x", Slug: "2024"}, "slug"},
		{"slug with Polish letters", content.ArticleInput{SectionID: partners.ID, Title: "x", Slug: "zażółć"}, "slug"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := env.svc.CreateArticle(ctx, admin, tt.in)
			ae := apperr.As(err)
			if ae == nil || ae.Code != apperr.Invalid || len(ae.Fields) == 0 || ae.Fields[0].Field != tt.field {
				t.Fatalf("error = %v, want invalid %s", err, tt.field)
			}
		})
	}
	a, err := env.svc.CreateArticle(ctx, admin, content.ArticleInput{SectionID: partners.ID, Title: "2024"})
	if err != nil || a.Slug != "artykul-2024" || !slicesEqual(a.Audiences, []string{"partner"}) {
		t.Fatalf("article titled with digits: %+v %v", a, err)
	}
	b, err := env.svc.CreateArticle(ctx, admin, content.ArticleInput{SectionID: partners.ID, Title: "2024"})
	if err != nil || b.Slug != "artykul-2024-2" {
		t.Fatalf("second article with the same title: %+v %v", b, err)
	}
}

func TestLiveSettingsNeedPublishPermission(t *testing.T) {
	ctx := context.Background()
	env := newEnv(t)
	admin := mustUser(t, env.d, "", "admin")
	agent := mustUser(t, env.d, "", "agent")
	sec := mustSection(t, env, admin, "sekcja", "public")
	a := mustPublished(t, env, admin, content.ArticleInput{SectionID: sec.ID, Title: "Poufne", Audiences: []string{"staff"}})
	_, err := env.svc.UpdateArticle(ctx, agent, a.ID, content.ArticleUpdate{BaseRevisionID: a.CurrentRevisionID, Audiences: []string{"public"}})
	if !apperr.Is(err, apperr.Forbidden) {
		t.Fatalf("agent widening a live article's audiences: %v, want forbidden", err)
	}
	if _, err := env.svc.Article(ctx, policy.Anonymous, a.Slug); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("staff article readable by anonymous: %v", err)
	}
	// An agent may still edit the text (it only reaches readers when an editor publishes).
	if _, err := env.svc.UpdateArticle(ctx, agent, a.ID, content.ArticleUpdate{BaseRevisionID: a.CurrentRevisionID, Title: ptr("Poufne v2")}); err != nil {
		t.Fatal(err)
	}
}

func TestSlugChangeRedirects(t *testing.T) {
	ctx := context.Background()
	env := newEnv(t)
	admin := mustUser(t, env.d, "", "admin")
	sec := mustSection(t, env, admin, "sekcja", "public")
	a := mustPublished(t, env, admin, content.ArticleInput{SectionID: sec.ID, Title: "Stary tytuł", Slug: "stary-adres"})
	a, err := env.svc.UpdateArticle(ctx, admin, a.ID, content.ArticleUpdate{BaseRevisionID: a.CurrentRevisionID, Slug: ptr("nowy-adres")})
	if err != nil {
		t.Fatal(err)
	}
	got, err := env.svc.Article(ctx, policy.Anonymous, "stary-adres")
	if err != nil || got.ID != a.ID || got.Slug != "nowy-adres" {
		t.Fatalf("old slug: %+v %v, want the article with its new slug", got, err)
	}
	if _, err := env.svc.CreateArticle(ctx, admin, content.ArticleInput{SectionID: sec.ID, Title: "Inny", Slug: "stary-adres"}); !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("taking another article's former slug: %v, want invalid", err)
	}
	// The article may take its old slug back; the redirect entry goes away.
	if _, err := env.svc.UpdateArticle(ctx, admin, a.ID, content.ArticleUpdate{BaseRevisionID: a.CurrentRevisionID, Slug: ptr("stary-adres")}); err != nil {
		t.Fatal(err)
	}
	if got, err := env.svc.Article(ctx, policy.Anonymous, "nowy-adres"); err != nil || got.Slug != "stary-adres" {
		t.Fatalf("after moving back: %+v %v", got, err)
	}
	// A hidden article's old slug is as unknown as the article.
	if _, err := env.svc.UnpublishArticle(ctx, admin, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := env.svc.Article(ctx, policy.Anonymous, "nowy-adres"); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("old slug of an unpublished article: %v", err)
	}
}

func TestScheduledPublishing(t *testing.T) {
	ctx := context.Background()
	env := newEnvOn(t, dbtest.New(t), true)
	admin := mustUser(t, env.d, "", "admin")
	sec := mustSection(t, env, admin, "sekcja", "public")
	a, err := env.svc.CreateArticle(ctx, admin, content.ArticleInput{SectionID: sec.ID, Title: "Zaplanowany", BodyMD: "Treść A"})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(1500 * time.Millisecond)
	if a, err = env.svc.PublishArticle(ctx, admin, a.ID, &at); err != nil || a.PublishAt == nil || a.Live() {
		t.Fatalf("schedule: %+v %v", a, err)
	}
	// Edits after scheduling stay drafts: the scheduled revision is what gets published.
	if _, err := env.svc.UpdateArticle(ctx, admin, a.ID, content.ArticleUpdate{BaseRevisionID: a.CurrentRevisionID, BodyMD: ptr("Treść B")}); err != nil {
		t.Fatal(err)
	}
	if _, err := env.svc.Article(ctx, policy.Anonymous, a.Slug); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("scheduled article readable early: %v", err)
	}
	got := waitForArticle(t, env, a.Slug, 15*time.Second)
	if got.BodyMD != "Treść A" {
		t.Errorf("scheduled publication published %q, want the scheduled revision", got.BodyMD)
	}
	if got.PublishedAt.Before(at.Add(-time.Second)) {
		t.Errorf("published_at = %v, want about %v", got.PublishedAt, at)
	}
}

// TestScheduledPublishingSurvivesRestart schedules with a process that never runs jobs
// (like one that stopped right after), then starts another that does.
func TestScheduledPublishingSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	first := newEnvOn(t, d, false)
	admin := mustUser(t, d, "", "admin")
	sec := mustSection(t, first, admin, "sekcja", "public")
	a, err := first.svc.CreateArticle(ctx, admin, content.ArticleInput{SectionID: sec.ID, Title: "Po restarcie"})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(time.Second)
	if _, err := first.svc.PublishArticle(ctx, admin, a.ID, &at); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond)
	if _, err := first.svc.Article(ctx, policy.Anonymous, a.Slug); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("published without a running queue: %v", err)
	}
	second := newEnvOn(t, d, true)
	waitForArticle(t, second, a.Slug, 15*time.Second)
}

func TestPublishDueSweep(t *testing.T) {
	ctx := context.Background()
	env := newEnv(t)
	admin := mustUser(t, env.d, "", "admin")
	sec := mustSection(t, env, admin, "sekcja", "public")
	a, err := env.svc.CreateArticle(ctx, admin, content.ArticleInput{SectionID: sec.ID, Title: "Zgubione zadanie"})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(time.Hour)
	if _, err := env.svc.PublishArticle(ctx, admin, a.ID, &at); err != nil {
		t.Fatal(err)
	}
	// The job is lost and the time has come.
	dbtest.MustExec(t, env.d, "DELETE FROM river_job")
	dbtest.MustExec(t, env.d, "UPDATE articles SET publish_at = now() - interval '1 minute' WHERE id = $1", a.ID)
	n, err := env.svc.PublishDue(ctx)
	if err != nil || n != 1 {
		t.Fatalf("PublishDue = %d, %v; want 1", n, err)
	}
	if _, err := env.svc.Article(ctx, policy.Anonymous, a.Slug); err != nil {
		t.Fatal(err)
	}
	// Unpublishing cancels a schedule.
	b, _ := env.svc.CreateArticle(ctx, admin, content.ArticleInput{SectionID: sec.ID, Title: "Odwołany"})
	if _, err := env.svc.PublishArticle(ctx, admin, b.ID, &at); err != nil {
		t.Fatal(err)
	}
	if _, err := env.svc.UnpublishArticle(ctx, admin, b.ID); err != nil {
		t.Fatal(err)
	}
	dbtest.MustExec(t, env.d, "UPDATE articles SET publish_at = now() WHERE id = $1 AND publish_at IS NOT NULL", b.ID)
	if n, err := env.svc.PublishDue(ctx); err != nil || n != 0 {
		t.Fatalf("PublishDue after cancelling = %d, %v", n, err)
	}
}

func waitForArticle(t *testing.T, env *env, slug string, within time.Duration) *content.Article {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		got, err := env.svc.Article(context.Background(), policy.Anonymous, slug)
		if err == nil {
			return got
		}
		if !apperr.Is(err, apperr.NotFound) {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("article %s not published within %v", slug, within)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func slicesEqual(a, b []string) bool { return cmp.Equal(a, b) }

func itoa(n int64) string { return strconvItoa(n) }
