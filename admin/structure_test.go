package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/go-cmp/cmp"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/account/accounttest"
	"github.com/helpcenter/helpcenter/internal/app/apptest"
)

// tree is the structure edPage as "Category: Section, Section" lines, in reader order.
func edTree(p edPage) []string {
	var out []string
	p.doc.Find("section.cat-card").Each(func(_ int, c *goquery.Selection) {
		var secs []string
		c.Find("table.sections tbody tr td:first-child a").Each(func(_ int, a *goquery.Selection) { secs = append(secs, a.Text()) })
		out = append(out, c.Find("h2").Text()+": "+strings.Join(secs, ", "))
	})
	return out
}

func TestStructureScreens(t *testing.T) {
	s := apptest.New(t)
	ctx := context.Background()
	editor := accounttest.Staff(t, s, "editor")
	must := func(p edPage) edPage {
		t.Helper()
		if p.status != http.StatusSeeOther {
			t.Fatalf("want a redirect after success, got %d:\n%s", p.status, p.text("main"))
		}
		return edFollow(t, s, editor, p)
	}

	must(edPost(t, s, editor, "/admin/structure/categories", url.Values{"name": {"Faktury i płatności"}}))
	p := must(edPost(t, s, editor, "/admin/structure/categories", url.Values{"name": {"Konto"}, "description": {"Logowanie i ustawienia"}}))
	if !strings.Contains(p.text(".flash-ok"), "Konto") {
		t.Errorf("flash = %q", p.text(".flash"))
	}
	cats, err := s.Content.AllCategories(ctx, edSubject(editor))
	if err != nil || len(cats) != 2 {
		t.Fatalf("categories = %v, %v", cats, err)
	}
	invoices, account := cats[0], cats[1]
	if invoices.Slug != "faktury-i-platnosci" {
		t.Errorf("category slug from the Polish name = %q", invoices.Slug)
	}

	t.Run("add form errors keep the input", func(t *testing.T) {
		p := edPost(t, s, editor, "/admin/structure/categories", url.Values{"name": {""}, "description": {"Opis zostaje"}})
		if p.status != http.StatusUnprocessableEntity || !p.has("#e-nc-name") || p.text("#nc-description") != "Opis zostaje" {
			t.Errorf("empty name = %d, error shown %v, description %q", p.status, p.has("#e-nc-name"), p.text("#nc-description"))
		}
		p = edPost(t, s, editor, "/admin/structure/sections", url.Values{"category_id": {edID(account.ID)}, "name": {"Logowanie"}})
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.text("#ns-audiences"), "co najmniej jedną") {
			t.Errorf("section without audiences = %d: %q", p.status, p.text("#ns-audiences .field-error"))
		}
	})

	for _, name := range []string{"Wystawianie", "Płatności", "Korekty"} {
		must(edPost(t, s, editor, "/admin/structure/sections", url.Values{"category_id": {edID(invoices.ID)}, "name": {name}, "audiences": {"public"}}))
	}
	p = must(edPost(t, s, editor, "/admin/structure/sections", url.Values{"category_id": {edID(account.ID)}, "name": {"Logowanie"}, "audiences": {"signed_in", "accountant"}}))
	if diff := cmp.Diff([]string{"Faktury i płatności: Wystawianie, Płatności, Korekty", "Konto: Logowanie"}, edTree(p)); diff != "" {
		t.Errorf("tree (-want +got):\n%s", diff)
	}
	secID := func(name string) int64 {
		cats, _ := s.Content.AllCategories(ctx, edSubject(editor))
		for _, c := range cats {
			for _, sec := range c.Sections {
				if sec.Name == name {
					return sec.ID
				}
			}
		}
		t.Fatalf("no section %q", name)
		return 0
	}

	t.Run("reorder", func(t *testing.T) {
		p := must(edPost(t, s, editor, "/admin/structure/sections/"+edID(secID("Korekty"))+"/move", url.Values{"dir": {"up"}}))
		p = must(edPost(t, s, editor, "/admin/structure/categories/"+edID(account.ID)+"/move", url.Values{"dir": {"up"}}))
		if diff := cmp.Diff([]string{"Konto: Logowanie", "Faktury i płatności: Wystawianie, Korekty, Płatności"}, edTree(p)); diff != "" {
			t.Errorf("tree after moving (-want +got):\n%s", diff)
		}
		// The first item cannot go further up: its button is disabled and a crafted
		// request changes nothing.
		if !p.has(`#category-` + edID(account.ID) + ` .cat-head button[value=up][disabled]`) {
			t.Error("the first category's up button is enabled")
		}
		p = must(edPost(t, s, editor, "/admin/structure/categories/"+edID(account.ID)+"/move", url.Values{"dir": {"up"}}))
		if edTree(p)[0] != "Konto: Logowanie" {
			t.Errorf("moving the first one up changed the order: %v", edTree(p))
		}
	})

	t.Run("rename, move to another category, audiences", func(t *testing.T) {
		id := secID("Płatności")
		p := edGet(t, s, editor.Client, "/admin/structure/sections/"+edID(id))
		if p.doc.Find("#s-name").AttrOr("value", "") != "Płatności" || !p.has(`#s-audiences input[value=public][checked]`) {
			t.Fatal("the section form does not show the section")
		}
		must(edPost(t, s, editor, "/admin/structure/sections/"+edID(id), url.Values{"category_id": {edID(account.ID)}, "name": {"Płatności kartą"},
			"slug": {"platnosci-karta"}, "audiences": {"signed_in"}}))
		cats, _ := s.Content.AllCategories(ctx, edSubject(editor))
		var got *content.Section
		for _, c := range cats {
			for i := range c.Sections {
				if c.Sections[i].ID == id {
					got = &c.Sections[i]
				}
			}
		}
		if got == nil || got.CategoryID != account.ID || got.Name != "Płatności kartą" || got.Slug != "platnosci-karta" || strings.Join(got.Audiences, ",") != "signed_in" {
			t.Errorf("section after the edit = %+v", got)
		}
		p = edPost(t, s, editor, "/admin/structure/sections/"+edID(id), url.Values{"category_id": {edID(account.ID)}, "name": {"Płatności kartą"}, "slug": {"Zły Adres!"}, "audiences": {"signed_in"}})
		if p.status != http.StatusUnprocessableEntity || !p.has("#e-s-slug") {
			t.Errorf("bad slug = %d", p.status)
		}
		must(edPost(t, s, editor, "/admin/structure/categories/"+edID(invoices.ID), url.Values{"name": {"Faktury"}, "slug": {"faktury"}, "description": {""}}))
		if p := edGet(t, s, editor.Client, "/admin/structure"); !strings.Contains(strings.Join(edTree(p), "|"), "Faktury: Wystawianie, Korekty") {
			t.Errorf("rename not shown: %v", edTree(p))
		}
	})

	t.Run("deleting what is not empty is refused with the reason", func(t *testing.T) {
		sec := secID("Wystawianie")
		edMustArticle(t, s, editor, content.ArticleInput{SectionID: sec, Title: "Pierwsza faktura", BodyMD: "x"})
		p := edGet(t, s, editor.Client, "/admin/structure/sections/"+edID(sec))
		if !strings.Contains(p.text("#delete-note"), "1 artykuł") {
			t.Errorf("delete note = %q", p.text("#delete-note"))
		}
		p = edFollow(t, s, editor, edPost(t, s, editor, "/admin/structure/sections/"+edID(sec)+"/delete", nil))
		if !strings.Contains(p.text(".flash-error"), "zawiera artykuły") {
			t.Errorf("refusal = %q", p.text(".flash"))
		}
		p = edFollow(t, s, editor, edPost(t, s, editor, "/admin/structure/categories/"+edID(invoices.ID)+"/delete", nil))
		if !strings.Contains(p.text(".flash-error"), "zawiera sekcje") {
			t.Errorf("refusal = %q", p.text(".flash"))
		}
		if got := edTree(edGet(t, s, editor.Client, "/admin/structure")); len(got) != 2 {
			t.Errorf("something was deleted: %v", got)
		}
		// An empty section goes.
		korekty := secID("Korekty")
		p = edFollow(t, s, editor, edPost(t, s, editor, "/admin/structure/sections/"+edID(korekty)+"/delete", nil))
		if !p.has(".flash-ok") || strings.Contains(strings.Join(edTree(p), "|"), "Korekty") {
			t.Errorf("empty section not deleted: %v", edTree(p))
		}
	})

	t.Run("agents cannot change the structure", func(t *testing.T) {
		agent := accounttest.Staff(t, s, "agent")
		for _, path := range []string{"/admin/structure/categories", "/admin/structure/categories/" + edID(account.ID) + "/delete", "/admin/structure/sections/" + edID(secID("Logowanie")) + "/move"} {
			if p := edPost(t, s, agent, path, url.Values{"name": {"X"}, "dir": {"down"}}); p.status != http.StatusForbidden {
				t.Errorf("agent POST %s = %d, want 403", path, p.status)
			}
		}
	})
}
