package content_test

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/go-cmp/cmp"

	"github.com/helpcenter/helpcenter/content"
)

func TestSlugify(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Jak wystawić fakturę korygującą?", "jak-wystawic-fakture-korygujaca"},
		{"ŻÓŁĆ gęślą jaźń", "zolc-gesla-jazn"},
		{"  KSeF – Krajowy System e-Faktur  ", "ksef-krajowy-system-e-faktur"},
		{"Café déjà vu", "cafe-deja-vu"},
		{"???", ""},
		{strings.Repeat("słowo ", 30), strings.TrimSuffix(strings.Repeat("slowo-", 13), "-")},
	}
	for _, tt := range tests {
		if got := content.Slugify(tt.in); got != tt.want {
			t.Errorf("Slugify(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestValidSlug(t *testing.T) {
	for s, want := range map[string]bool{"faktura-korygujaca-3": true, "ksef": true, "123": false, "Duze": false,
		"a--b": false, "-a": false, "zażółć": false, "": false, "enova365": true} {
		if got := content.ValidSlug(s); got != want {
			t.Errorf("ValidSlug(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestRenderMarkdown(t *testing.T) {
	md := "## Jak wystawić fakturę\n\nTekst z [linkiem](/articles/reset-hasla) i [zewnętrznym](https://example.com).\n\n" +
		"## Jak wystawić fakturę\n\n| Plan | Cena |\n|---|---|\n| Start | 49 zł |\n\n" +
		"<script>alert(1)</script><img src=x onerror=alert(1)>\n\n[zły](javascript:alert(1))\n"
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(content.RenderMarkdown(md)))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	doc.Find("h2").Each(func(_ int, s *goquery.Selection) { ids = append(ids, s.AttrOr("id", "")) })
	if diff := cmp.Diff([]string{"jak-wystawic-fakture", "jak-wystawic-fakture-1"}, ids); diff != "" {
		t.Errorf("heading ids (-want +got):\n%s", diff)
	}
	if got := doc.Find("table td").First().Text(); got != "Start" {
		t.Errorf("first table cell = %q, want Start (GFM tables)", got)
	}
	if got := doc.Find(`a[href="/articles/reset-hasla"]`).AttrOr("rel", ""); got != "" {
		t.Errorf("internal link rel = %q, want none", got)
	}
	if got := doc.Find(`a[href="https://example.com"]`).AttrOr("rel", ""); !strings.Contains(got, "nofollow") {
		t.Errorf("external link rel = %q, want nofollow", got)
	}
	if n := doc.Find("script, [onerror], a[href^='javascript']").Length(); n != 0 {
		t.Errorf("sanitizer let %d dangerous elements through", n)
	}
}
