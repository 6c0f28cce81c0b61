package content

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
	"golang.org/x/text/unicode/norm"
)

// The Markdown pipeline is built once: goldmark with GitHub tables, strikethrough, task
// lists and autolinks, heading anchors, then bluemonday's user-content policy. Both are
// safe for concurrent use.
var (
	markdown = goldmark.New(
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
		goldmark.WithRendererOptions(html.WithXHTML()),
	)
	sanitizer = newSanitizer()
)

func newSanitizer() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	// Articles are written by staff and link to each other; only links leaving the site
	// get rel="nofollow".
	p.RequireNoFollowOnLinks(false)
	p.RequireNoFollowOnFullyQualifiedLinks(true)
	p.AllowAttrs("id").Matching(regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)).OnElements("h1", "h2", "h3", "h4", "h5", "h6")
	p.AllowAttrs("align").Matching(regexp.MustCompile(`^(left|right|center)$`)).OnElements("th", "td")
	return p
}

// RenderMarkdown turns an article body into sanitized HTML. It runs once per saved
// revision (the result is stored), and the console's live preview calls it too, so the
// preview is exactly what readers get.
func RenderMarkdown(md string) string {
	var buf bytes.Buffer
	ctx := parser.NewContext(parser.WithIDs(&headingIDs{seen: map[string]int{}}))
	if err := markdown.Convert([]byte(md), &buf, parser.WithContext(ctx)); err != nil {
		// goldmark only fails when the writer does; a bytes.Buffer never does.
		return ""
	}
	return sanitizer.Sanitize(buf.String())
}

// headingIDs gives headings anchors that keep Polish words readable: goldmark's own
// generator drops letters such as "ć", so "Jak wystawić fakturę" would become
// "jak-wystawi-faktur"; here it becomes "jak-wystawic-fakture".
type headingIDs struct {
	seen map[string]int
}

func (h *headingIDs) Generate(value []byte, _ ast.NodeKind) []byte {
	id := Slugify(string(value))
	if id == "" {
		id = "sekcja"
	}
	n := h.seen[id]
	h.seen[id] = n + 1
	if n > 0 {
		id += "-" + strconv.Itoa(n)
	}
	return []byte(id)
}

func (h *headingIDs) Put(value []byte) { h.seen[string(value)]++ }

var polishLetters = strings.NewReplacer(
	"ą", "a", "ć", "c", "ę", "e", "ł", "l", "ń", "n", "ó", "o", "ś", "s", "ź", "z", "ż", "z",
	"Ą", "a", "Ć", "c", "Ę", "e", "Ł", "l", "Ń", "n", "Ó", "o", "Ś", "s", "Ź", "z", "Ż", "z",
)

// maxSlugLen keeps generated slugs readable in URLs.
const maxSlugLen = 80

// Slugify makes a URL slug from a title: Polish letters transliterated ("wystawić" ->
// "wystawic"), lower case, words joined by hyphens, at most 80 characters cut at a word
// boundary. It returns "" when the title has no letters or digits.
func Slugify(title string) string {
	// Polish letters first (ł has no decomposition), then any other accent is dropped.
	s := norm.NFD.String(polishLetters.Replace(title))
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
		default:
			hyphen = true
		}
	}
	out := b.String()
	if len(out) > maxSlugLen {
		out = out[:maxSlugLen]
		if i := strings.LastIndexByte(out, '-'); i > maxSlugLen/2 {
			out = out[:i]
		}
		out = strings.TrimRight(out, "-")
	}
	return out
}

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ValidSlug reports whether s can be a slug: lower-case ASCII words joined by hyphens,
// with at least one letter (an all-digit slug would be taken for an id).
func ValidSlug(s string) bool {
	return len(s) <= 200 && slugPattern.MatchString(s) && strings.IndexFunc(s, func(r rune) bool { return r >= 'a' && r <= 'z' }) >= 0
}
