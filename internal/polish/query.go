package polish

import (
	"strings"
	"unicode/utf8"
)

// Query is a parsed search query: a sequence of groups, one per query word or per phrase
// that a synonym group recognised. A document matches a group when it matches any of the
// group's alternatives.
type Query struct {
	Groups []Group
}

// Group is one word or phrase of a query with the ways a document may match it.
type Group struct {
	// Text is what the user typed for this group, lower case.
	Text string
	// Alternatives are OR-ed; the first one is what the user typed, the others come from
	// synonyms.
	Alternatives []Alternative
}

// Alternative is a conjunction: a document matches it when it matches every word.
type Alternative []WordMatch

// WordMatch matches one document word: one whose terms include any of Terms, or, when
// Prefix is set, one with a term that starts with Prefix (search-as-you-type).
type WordMatch struct {
	// Word is the folded word the match was made from.
	Word   string
	Terms  []string
	Prefix string
}

// queryWord is a word of the query after stop words are gone: a simple word or the joined
// form of a compound with its parts.
type queryWord struct {
	text  string // lower case, as typed
	match WordMatch
	parts []WordMatch // parts of a compound ("e", "mail" for "e-mail"), stop words dropped
}

// ParseQuery analyzes a query. The last word also matches as a prefix unless the query
// ends with a space or punctuation, so results follow the user while they type. A query
// with only stop words or no words at all has no groups.
func (a *Analyzer) ParseQuery(text string) Query {
	words := a.queryWords(text)
	if len(words) > 0 && endsInWord(text) {
		last := &words[len(words)-1]
		if utf8.RuneCountInString(last.match.Word) >= 2 {
			last.match.Prefix = last.match.Word
		}
	}
	return Query{Groups: a.applySynonyms(words)}
}

func endsInWord(text string) bool {
	r, _ := utf8.DecodeLastRuneInString(text)
	return r != utf8.RuneError && isWordRune(r)
}

// queryWords turns text into query words, keeping compounds together and dropping stop
// words and single letters.
func (a *Analyzer) queryWords(text string) []queryWord {
	type entry struct {
		tok   Token
		parts []Token
	}
	var entries []entry
	for _, t := range Tokenize(text) {
		if !t.Compound {
			entries = append(entries, entry{tok: t})
			continue
		}
		// Tokenize emits a compound right after its parts.
		cut := len(entries)
		for cut > 0 && entries[cut-1].tok.Pos >= t.Pos {
			cut--
		}
		e := entry{tok: t}
		for _, p := range entries[cut:] {
			e.parts = append(e.parts, p.tok)
		}
		entries = append(entries[:cut], e)
	}
	words := make([]queryWord, 0, len(entries))
	for _, e := range entries {
		terms := a.WordTerms(e.tok.Word)
		if len(terms) == 0 {
			continue
		}
		qw := queryWord{text: e.tok.Word, match: WordMatch{Word: Fold(e.tok.Word), Terms: terms}}
		for _, p := range e.parts {
			if pt := a.WordTerms(p.Word); len(pt) > 0 {
				qw.parts = append(qw.parts, WordMatch{Word: Fold(p.Word), Terms: pt})
			}
		}
		words = append(words, qw)
	}
	return words
}

// alternatives returns the ways a document may match one query word: the word itself and,
// for a compound, all of its parts.
func (w queryWord) alternatives() []Alternative {
	alts := []Alternative{{w.match}}
	if len(w.parts) > 1 || len(w.parts) == 1 && w.parts[0].Word != w.match.Word {
		parts := append(Alternative(nil), w.parts...)
		if w.match.Prefix != "" {
			last := &parts[len(parts)-1]
			if utf8.RuneCountInString(last.Word) >= 2 {
				last.Prefix = last.Word
			}
		}
		alts = append(alts, parts)
	}
	return alts
}

// applySynonyms groups the query words, replacing every phrase that a synonym group lists
// with one group whose alternatives are the typed words and the group's other phrases.
func (a *Analyzer) applySynonyms(words []queryWord) []Group {
	phrases := a.synonymPhrases()
	var groups []Group
	for i := 0; i < len(words); {
		best, bestLen := -1, 0
		for pi, p := range phrases {
			if len(p.words) > bestLen && i+len(p.words) <= len(words) && phraseMatches(p.words, words[i:i+len(p.words)]) {
				best, bestLen = pi, len(p.words)
			}
		}
		if best < 0 {
			groups = append(groups, Group{Text: words[i].text, Alternatives: words[i].alternatives()})
			i++
			continue
		}
		span := words[i : i+bestLen]
		g := Group{Text: joinText(span)}
		if len(span) == 1 {
			g.Alternatives = span[0].alternatives()
		} else {
			typed := Alternative{}
			for _, w := range span {
				typed = append(typed, w.match)
			}
			g.Alternatives = []Alternative{typed}
		}
		for _, other := range phrases {
			if other.group == phrases[best].group && other.index != phrases[best].index {
				g.Alternatives = append(g.Alternatives, other.alternative())
			}
		}
		groups = append(groups, g)
		i += bestLen
	}
	return groups
}

func joinText(words []queryWord) string {
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = w.text
	}
	return strings.Join(parts, " ")
}

// synonymPhrase is one phrase of a synonym group, analyzed.
type synonymPhrase struct {
	group, index int
	words        []queryWord
}

func (p synonymPhrase) alternative() Alternative {
	alt := make(Alternative, len(p.words))
	for i, w := range p.words {
		alt[i] = w.match
	}
	return alt
}

// phraseMatches reports whether each query word shares a term with the phrase word at the
// same place, so any inflected form of a listed phrase counts.
func phraseMatches(phrase, words []queryWord) bool {
	for i := range phrase {
		if !shareTerm(phrase[i].match.Terms, words[i].match.Terms) {
			return false
		}
	}
	return true
}

func shareTerm(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}

// synonymPhrases analyzes the synonym groups once per analyzer.
func (a *Analyzer) synonymPhrases() []synonymPhrase {
	a.phrasesOnce.Do(func() {
		for gi, g := range a.synonyms.Groups() {
			for pi, p := range g {
				if ws := a.queryWords(p); len(ws) > 0 {
					a.phrases = append(a.phrases, synonymPhrase{group: gi, index: pi, words: ws})
				}
			}
		}
	})
	return a.phrases
}

// Empty reports whether the query has nothing to search for.
func (q Query) Empty() bool { return len(q.Groups) == 0 }

// AddTerms lets a query word also match the terms of other words (typo corrections): every
// WordMatch made from the folded word gets the terms of each replacement.
func (q Query) AddTerms(a *Analyzer, word string, replacements ...string) {
	for gi := range q.Groups {
		for ai := range q.Groups[gi].Alternatives {
			alt := q.Groups[gi].Alternatives[ai]
			for wi := range alt {
				if alt[wi].Word != word {
					continue
				}
				terms := append([]string(nil), alt[wi].Terms...)
				for _, r := range replacements {
					for _, t := range a.WordTerms(r) {
						if !contains(terms, t) {
							terms = append(terms, t)
						}
					}
				}
				alt[wi].Terms = terms
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Words returns the distinct folded words the query was made from (not the synonyms), in
// order: the candidates for typo correction.
func (q Query) Words() []string {
	var out []string
	for _, g := range q.Groups {
		if len(g.Alternatives) == 0 {
			continue
		}
		for _, w := range g.Alternatives[0] {
			if !contains(out, w.Word) {
				out = append(out, w.Word)
			}
		}
	}
	return out
}

// TSQuery renders the whole query for PostgreSQL's tsquery input: groups AND-ed when all
// is true, OR-ed otherwise. weight limits the match to lexemes of those weights ("A" for
// titles, "" for any). The result is empty for an empty query.
func (q Query) TSQuery(all bool, weight string) string {
	parts := make([]string, 0, len(q.Groups))
	for _, g := range q.Groups {
		parts = append(parts, g.TSQuery(weight))
	}
	op := " | "
	if all {
		op = " & "
	}
	return strings.Join(parts, op)
}

// TSQuery renders one group for PostgreSQL's tsquery input.
func (g Group) TSQuery(weight string) string { return g.render(weight, "") }

// TSQueryMarked renders one group with every term (and prefix) marked as Vector.AddMarked
// marks them, to find the documents with the group in one field.
func (g Group) TSQueryMarked(mark string) string { return g.render("", mark) }

func (g Group) render(weight, mark string) string {
	var b strings.Builder
	b.WriteByte('(')
	for ai, alt := range g.Alternatives {
		if ai > 0 {
			b.WriteString(" | ")
		}
		b.WriteByte('(')
		for wi, w := range alt {
			if wi > 0 {
				b.WriteString(" & ")
			}
			w.writeTSQuery(&b, weight, mark)
		}
		b.WriteByte(')')
	}
	b.WriteByte(')')
	return b.String()
}

func (w WordMatch) writeTSQuery(b *strings.Builder, weight, mark string) {
	b.WriteByte('(')
	for i, t := range w.Terms {
		if i > 0 {
			b.WriteString(" | ")
		}
		writeLexeme(b, mark+t)
		if weight != "" {
			b.WriteByte(':')
			b.WriteString(weight)
		}
	}
	if w.Prefix != "" {
		if len(w.Terms) > 0 {
			b.WriteString(" | ")
		}
		writeLexeme(b, mark+w.Prefix)
		b.WriteString(":*")
		b.WriteString(weight)
	}
	b.WriteByte(')')
}

// writeLexeme writes a quoted tsquery/tsvector lexeme.
func writeLexeme(b *strings.Builder, s string) {
	b.WriteByte('\'')
	for _, r := range s {
		switch r {
		case '\'':
			b.WriteString("''")
		case '\\':
			b.WriteString(`\\`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('\'')
}

// Highlighter tells which words of a text a query matched, for snippets.
type Highlighter struct {
	a        *Analyzer
	terms    map[string]struct{}
	prefixes []string
}

// Highlighter returns a matcher for the words of all of the query's alternatives.
func (q Query) Highlighter(a *Analyzer) *Highlighter {
	h := &Highlighter{a: a, terms: map[string]struct{}{}}
	for _, g := range q.Groups {
		for _, alt := range g.Alternatives {
			for _, w := range alt {
				for _, t := range w.Terms {
					h.terms[t] = struct{}{}
				}
				if w.Prefix != "" {
					h.prefixes = append(h.prefixes, w.Prefix)
				}
			}
		}
	}
	return h
}

// Matches reports whether a lower-case word of a document matches the query.
func (h *Highlighter) Matches(word string) bool {
	if len(h.prefixes) > 0 {
		folded := Fold(word)
		for _, p := range h.prefixes {
			if strings.HasPrefix(folded, p) {
				return true
			}
		}
	}
	for _, t := range h.a.WordTerms(word) {
		if _, ok := h.terms[t]; ok {
			return true
		}
		for _, p := range h.prefixes {
			if strings.HasPrefix(t, p) {
				return true
			}
		}
	}
	return false
}
