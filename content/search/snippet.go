package search

import (
	"html"
	"strings"

	"github.com/helpcenter/helpcenter/internal/polish"
)

// snippetWords is how many words a snippet shows.
const snippetWords = 28

// Snippet picks the passage of plain text with the most distinct matched words and returns
// it HTML-escaped, with the matched words wrapped in <mark>…</mark> and "…" where text
// was cut. When nothing in the text matches (the title did), it returns the beginning.
func Snippet(plain, title string, h *polish.Highlighter) string {
	tokens := polish.Tokenize(plain)
	words := tokens[:0:0]
	for _, t := range tokens {
		if !t.Compound {
			words = append(words, t)
		}
	}
	if len(words) == 0 {
		return html.EscapeString(title)
	}
	matched := make([]bool, len(words))
	for i, t := range words {
		matched[i] = h.Matches(t.Word)
	}
	// The window with the most distinct matched words; ties go to the earliest.
	best, bestScore := 0, -1
	for start := 0; start < len(words); start++ {
		if start > 0 && !matched[start] {
			continue
		}
		seen := map[string]bool{}
		for i := start; i < len(words) && i < start+snippetWords; i++ {
			if matched[i] {
				seen[polish.Fold(words[i].Word)] = true
			}
		}
		if len(seen) > bestScore {
			best, bestScore = start, len(seen)
		}
	}
	// Show a little context before the first match.
	if best > 0 {
		best = max(0, best-4)
	}
	end := min(len(words), best+snippetWords)
	var b strings.Builder
	if best > 0 {
		b.WriteString("… ")
	}
	pos := words[best].Start
	for i := best; i < end; i++ {
		t := words[i]
		b.WriteString(escapeFlat(plain[pos:t.Start]))
		if matched[i] {
			b.WriteString("<mark>")
			b.WriteString(html.EscapeString(plain[t.Start:t.End]))
			b.WriteString("</mark>")
		} else {
			b.WriteString(html.EscapeString(plain[t.Start:t.End]))
		}
		pos = t.End
	}
	if end < len(words) {
		b.WriteString(" …")
	} else {
		b.WriteString(escapeFlat(plain[pos:]))
	}
	return b.String()
}

// escapeFlat escapes text between words and turns line breaks into spaces.
func escapeFlat(s string) string {
	return html.EscapeString(strings.ReplaceAll(s, "\n", " "))
}
