package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/account/accounttest"
	"github.com/helpcenter/helpcenter/internal/app/apptest"
)

// The API lists comments like the portal: staff answers marked, and answers to a hidden
// comment hidden with it.
func TestCommentsAPIMarksStaffAndHidesAnswersOfHidden(t *testing.T) {
	s := apptest.New(t)
	ctx := context.Background()
	admin := accounttest.Staff(t, s, "admin")
	agent := accounttest.Staff(t, s, "agent")
	customer := accounttest.Customer(t, s, "")
	cat, err := s.Content.CreateCategory(ctx, admin.User.Subject(), content.CategoryInput{Name: "Pomoc"})
	if err != nil {
		t.Fatal(err)
	}
	sec, err := s.Content.CreateSection(ctx, admin.User.Subject(), content.SectionInput{CategoryID: cat.ID, Name: "Ogólne", Audiences: []string{"public"}})
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.Content.CreateArticle(ctx, admin.User.Subject(), content.ArticleInput{SectionID: sec.ID, Title: "Jak wystawić fakturę", BodyMD: "Treść."})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Content.PublishArticle(ctx, admin.User.Subject(), a.ID, nil); err != nil {
		t.Fatal(err)
	}
	q1, err := s.Engagement.PostComment(ctx, customer.User.Subject(), a.ID, content.NewComment{Body: "Pytanie pierwsze o fakturę"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Engagement.PostComment(ctx, agent.User.Subject(), a.ID, content.NewComment{Body: "Odpowiedź zespołu", ParentID: q1.ID}); err != nil {
		t.Fatal(err)
	}
	q2, err := s.Engagement.PostComment(ctx, customer.User.Subject(), a.ID, content.NewComment{Body: "Pytanie drugie, do ukrycia"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Engagement.PostComment(ctx, agent.User.Subject(), a.ID, content.NewComment{Body: "Odpowiedź na ukryte", ParentID: q2.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Engagement.SetCommentHidden(ctx, agent.User.Subject(), q2.ID, true); err != nil {
		t.Fatal(err)
	}
	v := tokenCaller(t, s, "")
	v.header = map[string]string{}
	st, body := v.call(t, "GET", fmt.Sprintf("/api/v1/articles/%d/comments", a.ID), "")
	if st != 200 {
		t.Fatalf("comments = %d %s", st, body)
	}
	var out struct {
		Data []struct {
			Body      string `json:"body"`
			FromStaff bool   `json:"from_staff"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, c := range out.Data {
		got[c.Body] = c.FromStaff
	}
	want := map[string]bool{"Pytanie pierwsze o fakturę": false, "Odpowiedź zespołu": true}
	if len(got) != len(want) || got["Odpowiedź zespołu"] != true || got["Pytanie pierwsze o fakturę"] != false {
		t.Fatalf("comments = %v, want %v", got, want)
	}
}
