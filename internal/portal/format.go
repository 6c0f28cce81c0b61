package portal

import (
	"context"
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // dates are shown in Polish time on any server

	"github.com/helpcenter/helpcenter/internal/ui"
)

// displayZone is where the help center's readers are; dates are shown in its time.
var displayZone = func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Warsaw"); err == nil {
		return loc
	}
	return time.UTC
}()

var (
	monthsPL = [...]string{"stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia",
		"września", "października", "listopada", "grudnia"}
	monthsEN = [...]string{"January", "February", "March", "April", "May", "June", "July", "August",
		"September", "October", "November", "December"}
)

// formatDate writes a date the way readers of the language write it: "7 marca 2025",
// "7 March 2025".
func formatDate(ctx context.Context, t time.Time) string {
	t = t.In(displayZone)
	if ui.LangOf(ctx) == ui.EN {
		return strconv.Itoa(t.Day()) + " " + monthsEN[t.Month()-1] + " " + strconv.Itoa(t.Year())
	}
	return strconv.Itoa(t.Day()) + " " + monthsPL[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// formatDateTime adds the time of day: "7 marca 2025, 14:05".
func formatDateTime(ctx context.Context, t time.Time) string {
	return formatDate(ctx, t) + ", " + t.In(displayZone).Format("15:04")
}

// isoDate is the machine-readable form for <time datetime>.
func isoDate(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// kindLabel names an article kind for badges.
func kindLabel(ctx context.Context, kind string) string {
	if kind == "faq" {
		return ui.T(ctx, "kb.kind.faq")
	}
	return ui.T(ctx, "kb.kind.article")
}

var (
	tagPattern   = regexp.MustCompile(`<[^>]*>`)
	spacePattern = regexp.MustCompile(`\s+`)
)

// plainText turns sanitized article HTML into text (for descriptions and the feed), cut
// at a word boundary near n characters.
func plainText(bodyHTML string, n int) string {
	s := tagPattern.ReplaceAllString(bodyHTML, " ")
	s = strings.TrimSpace(spacePattern.ReplaceAllString(html.UnescapeString(s), " "))
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:-") + "…"
}

// Heading is one entry of an article's table of contents.
type Heading struct {
	ID    string
	Text  string
	Level int // 2 or 3
}

var headingPattern = regexp.MustCompile(`(?s)<h([23])[^>]*\sid="([a-z0-9][a-z0-9-]*)"[^>]*>(.*?)</h[23]>`)

// tableOfContents lists the second- and third-level headings of an article's HTML (the
// renderer gives each an id). Articles with fewer than two headings get none.
func tableOfContents(bodyHTML string) []Heading {
	var out []Heading
	for _, m := range headingPattern.FindAllStringSubmatch(bodyHTML, -1) {
		text := strings.TrimSpace(html.UnescapeString(tagPattern.ReplaceAllString(m[3], "")))
		if text == "" {
			continue
		}
		level := 2
		if m[1] == "3" {
			level = 3
		}
		out = append(out, Heading{ID: m[2], Text: text, Level: level})
	}
	if len(out) < 2 {
		return nil
	}
	return out
}

// articleCount says "5 artykułów" / "5 articles".
func articleCount(ctx context.Context, n int) string {
	return ui.T(ctx, ui.Plural(ctx, n, "kb.articles.one", "kb.articles.few", "kb.articles.many"), n)
}

// newRequestURL opens the request form, with the subject filled in when given.
func newRequestURL(subject string) string {
	if subject == "" {
		return "/requests/new"
	}
	return "/requests/new?subject=" + url.QueryEscape(subject)
}
