package polish

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis/lang/pl/stempel"
)

// loadStempel reads the embedded Stempel table once per process (about 45 ms); the trie is
// read-only afterwards and safe for concurrent use.
var loadStempel = sync.OnceValues(stempel.LoadTrie)

// minStemRunes is the shortest word that is stemmed; shorter words are mostly codes and
// abbreviations ("ksef", "jpk", "api") that a stemmer would only damage.
const minStemRunes = 4

// StempelStem returns the Stempel stem of a lower-case word, or "" when the stemmer gives
// nothing usable. Stempel is statistical: for words it has not seen it sometimes returns
// junk that shares little with the word ("klient" -> "klć"); such stems are rejected so the
// other forms of the word carry the match instead.
func StempelStem(word string) string {
	trie, err := loadStempel()
	if err != nil || utf8.RuneCountInString(word) < minStemRunes || hasDigit(word) {
		return ""
	}
	runes := []rune(word)
	diff := trie.GetLastOnPath(runes)
	stem := string(stempel.Diff(runes, diff))
	if !plausibleStem(word, stem) {
		return ""
	}
	return stem
}

// plausibleStem rejects Stempel output that keeps less than three letters of the word or
// less than half of it: such a stem is a guess from an unrelated word.
func plausibleStem(word, stem string) bool {
	w, s := Fold(word), Fold(stem)
	common := 0
	for common < len(w) && common < len(s) && w[common] == s[common] {
		common++
	}
	return common >= 3 && 2*common >= utf8.RuneCountInString(w)
}

func hasDigit(s string) bool {
	for _, r := range s {
		if unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// lightSuffixes are Polish inflectional endings in folded form, longest first. Stripping
// one of them conflates the case forms of nouns and adjectives and the common verbal nouns
// and participles, whether or not the writer typed diacritics.
var lightSuffixes = []string{
	"owaniami", "owaniach", "owaniem", "owania", "owanie", "owaniu",
	"aniami", "aniach", "eniami", "eniach", "aniem", "eniem", "ania", "anie", "aniu", "enia", "enie", "eniu",
	"owego", "owemu", "owych", "owymi", "owej", "owym", "owy", "owa", "owe", "owi",
	"iami", "iach", "owie", "iem", "ego", "emu", "ymi", "imi", "ych", "ich", "iej", "ami", "ach",
	"um", "ow", "om", "em", "ie", "ia", "iu", "ii", "ym", "im", "ej", "a", "e", "i", "o", "u", "y",
}

// LightStem strips one inflectional ending from a folded lower-case word. Where the
// spelling alone cannot tell how the other forms of the word look, it returns more than one
// stem: the form before a consonant softening ("fakturze" -> faktur, "korekcie" -> korekt,
// "paczce" -> paczk, "klienci" -> klient, "podatnicy" -> podatnik) and the form without the
// fleeting e of a genitive plural ("paczek" -> paczk, "hasel" -> hasl, "uprawnien" ->
// uprawni). Words shorter than four letters and words with digits are returned as they are.
func LightStem(folded string) []string {
	n := utf8.RuneCountInString(folded)
	if n < minStemRunes || hasDigit(folded) {
		return []string{folded}
	}
	out := []string{folded}
	for _, suf := range lightSuffixes {
		if !strings.HasSuffix(folded, suf) {
			continue
		}
		stem := folded[:len(folded)-len(suf)]
		if utf8.RuneCountInString(stem) < 3 {
			continue
		}
		out = []string{stem}
		if hard := undoSoftening(stem, suf); hard != "" {
			out = append(out, hard)
		}
		break
	}
	if extra := dropFleetingE(folded); extra != "" {
		out = append(out, extra)
	}
	return out
}

// dropFleetingE returns the stem of a genitive plural with a fleeting e (paczek -> paczk,
// hasel -> hasl, zaproszen -> zaproszen's stem zaprosz... handled by uprawnien -> uprawni),
// or "" when the word does not end that way.
func dropFleetingE(folded string) string {
	if utf8.RuneCountInString(folded) < 5 {
		return ""
	}
	switch {
	case strings.HasSuffix(folded, "ien"):
		return folded[:len(folded)-2]
	case strings.HasSuffix(folded, "ek"), strings.HasSuffix(folded, "el"):
		return folded[:len(folded)-2] + folded[len(folded)-1:]
	}
	return ""
}

// undoSoftening returns the stem before the consonant change that some endings cause
// (faktur-ze -> faktur, partner-zy -> partner, korek-cie -> korekt, klien-ci -> klient,
// Pols-ce -> polsk, podatni-cy -> podatnik, zaklad-zie -> zaklad, dro-dze -> drog,
// mies-cie -> miest), or "" when there is none.
func undoSoftening(stem, suffix string) string {
	cut := func(n int, add string) string { return stem[:len(stem)-n] + add }
	switch suffix {
	case "e", "y":
		switch {
		case strings.HasSuffix(stem, "rz"):
			return cut(1, "")
		case strings.HasSuffix(stem, "dz"):
			return cut(2, "g")
		case strings.HasSuffix(stem, "c"):
			return cut(1, "k")
		}
	case "ie", "i":
		switch {
		case strings.HasSuffix(stem, "sc"):
			return cut(2, "st")
		case strings.HasSuffix(stem, "dz"):
			return cut(2, "d")
		case strings.HasSuffix(stem, "c"):
			return cut(1, "t")
		}
	}
	return ""
}
