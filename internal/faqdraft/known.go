package faqdraft

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// knownMatcher finds known names and company names in text, tolerant of case, missing
// diacritics and Polish inflection ("Marta Kowalczyk", "Marty Kowalczyk", "marcie
// kowalczyk"). Company names match only as whole phrases, because their words ("Biuro",
// "Usługi") are ordinary words; the words of person names also match alone, but only when
// written with a capital letter, as names are.
type knownMatcher struct {
	phrases []knownPhrase
	// single maps a folded inflected form of a name word to its placeholder.
	single map[string]string
}

type knownPhrase struct {
	words       []map[string]bool
	placeholder string
}

// legalForms are trailing company-form words dropped to get the short company name.
var legalForms = map[string]bool{"sp": true, "z": true, "o": true, "spj": true, "j": true, "sc": true, "s": true, "c": true, "sa": true, "a": true, "k": true, "spk": true, "ltd": true, "gmbh": true, "inc": true}

// nameStopWords are words that can appear in a known string but are never removed alone.
var nameStopWords = map[string]bool{
	"pan": true, "pani": true, "panie": true, "pana": true, "biuro": true, "zespol": true,
	"firma": true, "dzial": true, "dokubiuro": true, "wsparcia": true, "klient": true,
	"ksiegowosc": true, "ksiegowa": true, "ksiegowy": true, "prezes": true, "tel": true,
	"nip": true, "the": true, "and": true,
}

func newKnownMatcher(known []string) *knownMatcher {
	m := &knownMatcher{single: map[string]string{}}
	seen := map[string]bool{}
	for _, k := range known {
		k = strings.TrimSpace(k)
		ws := words(k)
		if len(ws) == 0 || seen[fold(k)] {
			continue
		}
		seen[fold(k)] = true
		person := looksLikePersonName(k)
		placeholder := placeholderCompany
		if person {
			placeholder = placeholderName
		}
		folded := make([]string, len(ws))
		for i, w := range ws {
			folded[i] = fold(w)
		}
		m.addPhrase(folded, placeholder)
		// The company name without its legal form ("Saldo Biuro Rachunkowe" for "... sp. z o.o.").
		short := folded
		for len(short) > 1 && legalForms[short[len(short)-1]] {
			short = short[:len(short)-1]
		}
		if len(short) < len(folded) {
			m.addPhrase(short, placeholder)
		}
		if person {
			for _, w := range folded {
				if utf8.RuneCountInString(w) < 3 || nameStopWords[w] {
					continue
				}
				for form := range inflections(w) {
					m.single[form] = placeholderName
				}
			}
		}
	}
	return m
}

func (m *knownMatcher) addPhrase(folded []string, placeholder string) {
	if len(folded) < 2 && placeholder == placeholderCompany && utf8.RuneCountInString(folded[0]) < 4 {
		return
	}
	p := knownPhrase{placeholder: placeholder}
	for _, w := range folded {
		if utf8.RuneCountInString(w) < 3 {
			p.words = append(p.words, map[string]bool{w: true})
			continue
		}
		p.words = append(p.words, inflections(w))
	}
	m.phrases = append(m.phrases, p)
}

// looksLikePersonName reports whether a known string is a person's name: one to three
// capitalised words with no digits and no company words.
func looksLikePersonName(s string) bool {
	ws := strings.Fields(s)
	if len(ws) == 0 || len(ws) > 3 {
		return false
	}
	for _, w := range ws {
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) || strings.ContainsAny(w, "0123456789.&+") {
			return false
		}
	}
	return !hasCompanyWord(fold(s))
}

// inflections returns the folded forms a Polish name word takes in the usual cases
// (Marta, Marty, Marcie, Martą, Marto; Tomasz, Tomasza, Tomaszu, Tomaszem; Kowalska,
// Kowalskiej, Kowalską; Paweł, Pawła, Pawle; Marek, Marka, Marku; Piotr, Piotrze).
func inflections(w string) map[string]bool {
	forms := map[string]bool{w: true}
	stems := []string{w}
	last := w[len(w)-1]
	if strings.ContainsRune("aeiouy", rune(last)) && len(w) > 3 {
		stems = append(stems, w[:len(w)-1])
	}
	// Stem changes before case endings: Marek/Marka, Paweł/Pawła, Agnieszka/Agnieszce,
	// Marta/Marcie, Magda/Magdzie, Olga/Oldze, Barbara/Barbarze, Piotr/Piotrze.
	alternations := []struct{ from, to string }{
		{"ek", "k"}, {"el", "l"}, {"ka", "c"}, {"ta", "c"}, {"da", "dz"}, {"ga", "dz"},
		{"ra", "rz"}, {"r", "rz"}, {"ch", "s"},
	}
	for _, a := range alternations {
		if strings.HasSuffix(w, a.from) && len(w)-len(a.from)+len(a.to) >= 3 {
			stems = append(stems, w[:len(w)-len(a.from)]+a.to)
		}
	}
	suffixes := []string{"", "a", "y", "i", "e", "ie", "o", "u", "em", "om", "owi", "ego", "emu",
		"ej", "iej", "iego", "iemu", "im", "ich", "imi", "ach", "ami", "owie", "ow", "owa", "owej",
		"owna", "owny", "ownej"}
	for _, s := range stems {
		for _, suf := range suffixes {
			if len(s)+len(suf) >= 3 {
				forms[s+suf] = true
			}
		}
	}
	// Adjectival surnames: Kowalski/Kowalska share all forms.
	for _, adj := range []string{"ski", "ska", "cki", "cka", "dzki", "dzka"} {
		if strings.HasSuffix(w, adj) {
			base := w[:len(w)-1]
			for _, suf := range []string{"i", "a", "iej", "iego", "iemu", "im", "ich", "imi", "ie"} {
				forms[base+suf] = true
			}
		}
	}
	return forms
}

// wordSpan is one word in a text with its byte offsets.
type wordSpan struct {
	start, end int
	folded     string
	upper      bool
}

func wordSpans(s string) []wordSpan {
	var out []wordSpan
	start := -1
	for i, r := range s {
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, newWordSpan(s, start, i))
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, newWordSpan(s, start, len(s)))
	}
	return out
}

func newWordSpan(s string, start, end int) wordSpan {
	r, _ := utf8.DecodeRuneInString(s[start:end])
	return wordSpan{start: start, end: end, folded: fold(s[start:end]), upper: unicode.IsUpper(r)}
}

// replace substitutes every known phrase and capitalised name word in s by its placeholder.
func (m *knownMatcher) replace(s string) string {
	if len(m.phrases) == 0 && len(m.single) == 0 {
		return s
	}
	ws := wordSpans(s)
	var b strings.Builder
	last := 0
	for i := 0; i < len(ws); {
		n, placeholder := m.matchAt(s, ws, i)
		if n == 0 {
			i++
			continue
		}
		b.WriteString(s[last:ws[i].start])
		b.WriteString(placeholder)
		last = ws[i+n-1].end
		i += n
	}
	b.WriteString(s[last:])
	return mergePlaceholders(b.String())
}

// matchAt returns how many words starting at ws[i] form a known phrase or name, preferring
// the longest phrase.
func (m *knownMatcher) matchAt(s string, ws []wordSpan, i int) (int, string) {
	best, placeholder := 0, ""
	for _, p := range m.phrases {
		n := len(p.words)
		if n <= best || i+n > len(ws) {
			continue
		}
		ok := true
		for j := 0; j < n && ok; j++ {
			ok = p.words[j][ws[i+j].folded]
			// Words of a phrase sit next to each other, separated by spaces or punctuation
			// on the same line, never by a line break.
			if ok && j > 0 && strings.Contains(s[ws[i+j-1].end:ws[i+j].start], "\n") {
				ok = false
			}
			if ok && j > 0 && ws[i+j].start-ws[i+j-1].end > 3 {
				ok = false
			}
		}
		if ok {
			best, placeholder = n, p.placeholder
		}
	}
	if best > 0 {
		return best, placeholder
	}
	if ws[i].upper {
		if p, ok := m.single[ws[i].folded]; ok {
			// Consecutive name words ("Iwona Michalska") become one placeholder.
			n := 1
			for i+n < len(ws) && ws[i+n].upper && m.single[ws[i+n].folded] != "" && onlySpaces(s[ws[i+n-1].end:ws[i+n].start]) {
				n++
			}
			return n, p
		}
	}
	return 0, ""
}

func onlySpaces(s string) bool {
	return strings.Trim(s, " -") == "" && len(s) <= 2
}

// mergePlaceholders collapses "[imię i nazwisko] [imię i nazwisko]" into one.
func mergePlaceholders(s string) string {
	for _, p := range []string{placeholderName, placeholderCompany, placeholderPhone, placeholderEmail, placeholderAddress} {
		for _, sep := range []string{" ", ", "} {
			if p == placeholderPhone || p == placeholderEmail {
				if sep != " " {
					continue // "[telefon], [telefon]" lists two numbers
				}
			}
			for strings.Contains(s, p+sep+p) {
				s = strings.ReplaceAll(s, p+sep+p, p)
			}
		}
	}
	return s
}
