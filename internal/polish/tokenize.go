package polish

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Token is one word of a text.
type Token struct {
	// Word is the word in lower case, diacritics kept.
	Word string
	// Start and End are the byte offsets of the word in the text (for highlighting).
	Start, End int
	// Pos is the word's position in the text, counted from 1; the joined form of a
	// compound shares the position of its first part.
	Pos int
	// Compound marks the joined form of a word written with hyphens or underscores
	// ("e-mail" -> "email", "JPK_V7M" -> "jpkv7m"); its parts are tokens of their own.
	Compound bool
}

// isWordRune reports whether r belongs to a word; everything else separates words.
func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// isJoiner reports whether r may join two word parts into a compound.
func isJoiner(r rune) bool { return r == '-' || r == '_' || r == '‐' }

// Tokenize splits text into lower-case words with their offsets and positions. Stop words
// are included; the analyzer decides what to drop.
func Tokenize(text string) []Token {
	tokens := make([]Token, 0, len(text)/6)
	pos := 0
	i := 0
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) {
			i += size
			continue
		}
		// A run of word parts joined by single hyphens or underscores.
		start := i
		compoundStart := len(tokens)
		for {
			partStart := i
			for i < len(text) {
				r, size = utf8.DecodeRuneInString(text[i:])
				if !isWordRune(r) {
					break
				}
				i += size
			}
			pos++
			tokens = append(tokens, Token{Word: strings.ToLower(text[partStart:i]), Start: partStart, End: i, Pos: pos})
			if i >= len(text) {
				break
			}
			j, jsize := utf8.DecodeRuneInString(text[i:])
			if !isJoiner(j) || i+jsize >= len(text) {
				break
			}
			next, _ := utf8.DecodeRuneInString(text[i+jsize:])
			if !isWordRune(next) {
				break
			}
			i += jsize
		}
		if len(tokens)-compoundStart > 1 {
			var b strings.Builder
			for _, t := range tokens[compoundStart:] {
				b.WriteString(t.Word)
			}
			tokens = append(tokens, Token{Word: b.String(), Start: start, End: i, Pos: tokens[compoundStart].Pos, Compound: true})
		}
	}
	return tokens
}
