package faqdraft

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// fold lowercases s and removes Polish diacritics, so that "Usunięte" and "usuniete" compare
// equal. Every rune maps to exactly one rune, which keeps rune positions stable.
func fold(s string) string {
	return strings.Map(foldRune, s)
}

func foldRune(r rune) rune {
	r = unicode.ToLower(r)
	switch r {
	case 'ą':
		return 'a'
	case 'ć':
		return 'c'
	case 'ę':
		return 'e'
	case 'ł':
		return 'l'
	case 'ń':
		return 'n'
	case 'ó':
		return 'o'
	case 'ś':
		return 's'
	case 'ź', 'ż':
		return 'z'
	}
	return r
}

// hasPolishDiacritics reports whether s contains a Polish letter with a diacritic; text typed
// with them is usually typed with more care, which matters when choosing a title.
func hasPolishDiacritics(s string) bool {
	return strings.ContainsAny(s, "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")
}

// isWordRune reports whether r belongs to a word (letters and digits).
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// upperFirst capitalises the first letter of s.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError || unicode.IsUpper(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// lowerFirst lowercases the first letter of s unless the first word looks like an acronym or
// a product name ("OCR", "KSeF", "DokuBiuro"), which must keep its capitals.
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError || !unicode.IsUpper(r) {
		return s
	}
	word := s
	if i := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsLetter(r) }); i >= 0 {
		word = s[:i]
	}
	for _, r := range word[n:] {
		if unicode.IsUpper(r) {
			return s
		}
	}
	return string(unicode.ToLower(r)) + s[n:]
}

// words splits s into words made of letters and digits.
func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !isWordRune(r) })
}

// collapseSpaces turns every run of spaces and tabs inside a line into one space and trims
// each line; it keeps line breaks.
func collapseSpaces(s string) string {
	if !strings.Contains(s, "  ") && !strings.Contains(s, " \n") && !strings.Contains(s, "\n ") &&
		!strings.HasPrefix(s, " ") && !strings.HasSuffix(s, " ") {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	return strings.Join(lines, "\n")
}

// paragraphs splits text into blocks separated by blank lines, dropping empty blocks.
func paragraphs(text string) []string {
	var out []string
	for _, p := range strings.Split(text, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

var spaceReplacer = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u00a0", " ", "\u2007", " ", "\u202f", " ", "\t", " ", "\u200b", "")

// normalizeText unifies line endings and spaces and collapses runs of blank lines, so the
// later steps can rely on "\n\n" between paragraphs.
func normalizeText(s string) string {
	if strings.ContainsAny(s, "\r\t\u00a0\u2007\u202f\u200b") {
		s = spaceReplacer.Replace(s)
	}
	s = collapseSpaces(s)
	for strings.Contains(s, "\n\n\n") {
		s = strings.ReplaceAll(s, "\n\n\n", "\n\n")
	}
	return strings.TrimSpace(s)
}

// abbreviations end with a dot without ending the sentence (folded, without the dot).
var abbreviations = map[string]bool{
	"np": true, "tel": true, "ul": true, "al": true, "pl": true, "os": true, "sp": true,
	"o": true, "z": true, "ok": true, "m": true, "in": true, "itp": true, "itd": true,
	"tzw": true, "godz": true, "nr": true, "pkt": true, "str": true, "ws": true, "tj": true,
	"jw": true, "tys": true, "mln": true, "zl": true, "kom": true, "ds": true, "p": true,
	"dot": true, "wg": true, "ew": true, "dr": true, "mgr": true, "inz": true, "lok": true,
	"j": true, "k": true, "s": true, "c": true, "a": true, "b": true, "v": true, "vs": true,
}

// sentences splits a paragraph into sentences. A sentence ends at '.', '!', '?' or '…'
// followed by a space and a capital letter, a digit or a quote, unless the dot belongs to an
// abbreviation such as "np." or "sp. z o.o.".
func sentences(p string) []string {
	var out []string
	runes := []rune(p)
	start := 0
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		if r != '.' && r != '!' && r != '?' && r != '…' && r != '\n' {
			continue
		}
		// Absorb runs like "?!" or "...".
		j := i
		for j+1 < len(runes) && strings.ContainsRune(".!?…", runes[j+1]) && r != '\n' {
			j++
		}
		if r == '\n' {
			if s := strings.TrimSpace(string(runes[start:i])); s != "" {
				out = append(out, s)
			}
			start = i + 1
			continue
		}
		if j+1 < len(runes) && runes[j+1] != ' ' && runes[j+1] != '\n' {
			i = j
			continue
		}
		k := j + 1
		for k < len(runes) && runes[k] == ' ' {
			k++
		}
		if k < len(runes) && runes[k] != '\n' {
			next := runes[k]
			if !unicode.IsUpper(next) && !unicode.IsDigit(next) && !strings.ContainsRune("\"„«(*[", next) {
				i = j
				continue
			}
			if r == '.' && j == i && isAbbreviationBefore(runes, i) && !unicode.IsDigit(next) && !(fold(lastWord(runes, i)) == "r" && unicode.IsUpper(next)) {
				i = j
				continue
			}
		}
		if s := strings.TrimSpace(string(runes[start : j+1])); s != "" {
			out = append(out, s)
		}
		start = j + 1
		i = j
	}
	if s := strings.TrimSpace(string(runes[start:])); s != "" {
		out = append(out, s)
	}
	return out
}

// lastWord returns the letters right before position i.
func lastWord(runes []rune, i int) string {
	k := i
	for k > 0 && unicode.IsLetter(runes[k-1]) {
		k--
	}
	return string(runes[k:i])
}

func isAbbreviationBefore(runes []rune, i int) bool {
	w := lastWord(runes, i)
	if w == "" {
		return false
	}
	return abbreviations[fold(w)]
}

// stripEmoji removes pictographs, emoticons and other symbols that do not belong in a title;
// arrows used in UI paths ("Ustawienia → Integracje") and common signs are kept.
func stripEmoji(s string) string {
	for _, e := range []string{":-)", ":-(", ":)", ":(", ";)", ";-)", ":D", ":P", ":/", "xD", "XD", ":-D", ":-P"} {
		s = replaceToken(s, e, "")
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 0x2190 && r <= 0x21FF: // arrows
			return r
		case r == '°' || r == '©' || r == '®' || r == '™' || r == '§' || r == '№':
			return r
		case r == 0xFE0F || r == 0x200D || (r >= 0x1F3FB && r <= 0x1F3FF):
			return -1
		case unicode.Is(unicode.So, r) || unicode.Is(unicode.Sk, r) && r > 0x2000 || unicode.Is(unicode.Cs, r) || unicode.Is(unicode.Co, r):
			return -1
		}
		return r
	}, s)
}

// replaceToken replaces occurrences of tok that stand alone (not glued to letters or digits).
func replaceToken(s, tok, with string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, tok)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		before, _ := utf8.DecodeLastRuneInString(s[:i])
		after, _ := utf8.DecodeRuneInString(s[i+len(tok):])
		if (i == 0 || !isWordRune(before)) && (i+len(tok) == len(s) || !isWordRune(after)) {
			b.WriteString(s[:i])
			b.WriteString(with)
		} else {
			b.WriteString(s[:i+len(tok)])
		}
		s = s[i+len(tok):]
	}
}
