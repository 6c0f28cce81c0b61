package polish

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// polishFolds maps the letters that Unicode decomposition does not strip (ł) and the common
// Polish ones (kept explicit so the hot path needs no normalization).
var polishFolds = map[rune]rune{
	'ą': 'a', 'ć': 'c', 'ę': 'e', 'ł': 'l', 'ń': 'n', 'ó': 'o', 'ś': 's', 'ź': 'z', 'ż': 'z',
	'Ą': 'A', 'Ć': 'C', 'Ę': 'E', 'Ł': 'L', 'Ń': 'N', 'Ó': 'O', 'Ś': 'S', 'Ź': 'Z', 'Ż': 'Z',
	'ß': 's', 'ø': 'o', 'Ø': 'O', 'đ': 'd', 'Đ': 'D',
}

// Fold removes diacritics: "Zażółć gęślą jaźń" -> "Zazolc gesla jazn". Letters of other
// alphabets stay as they are.
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		b.WriteRune(foldRune(r))
	}
	return b.String()
}

func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		return r
	}
	if f, ok := polishFolds[r]; ok {
		return f
	}
	// Other accented Latin letters (é, ü, ö, ...): keep the base letter of the decomposition.
	d := norm.NFD.String(string(r))
	base, size := utf8.DecodeRuneInString(d)
	if size < len(d) && base < utf8.RuneSelf && unicode.IsLetter(base) {
		return base
	}
	return r
}
