package faqdraft

import (
	"math/big"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ValidNIP reports whether digits (exactly ten, separators removed) form a Polish tax id
// with a correct check digit.
func ValidNIP(digits string) bool {
	if len(digits) != 10 || !allDigits(digits) {
		return false
	}
	weights := [9]int{6, 5, 7, 2, 3, 4, 5, 6, 7}
	sum := 0
	for i, w := range weights {
		sum += int(digits[i]-'0') * w
	}
	check := sum % 11
	return check != 10 && check == int(digits[9]-'0')
}

// ValidPESEL reports whether digits (exactly eleven) form a Polish personal id number with a
// correct check digit.
func ValidPESEL(digits string) bool {
	if len(digits) != 11 || !allDigits(digits) {
		return false
	}
	weights := [10]int{1, 3, 7, 9, 1, 3, 7, 9, 1, 3}
	sum := 0
	for i, w := range weights {
		sum += int(digits[i]-'0') * w
	}
	return (10-sum%10)%10 == int(digits[10]-'0')
}

// ValidIBAN reports whether s (spaces allowed) is an IBAN with a correct mod-97 checksum. A
// bare 26-digit Polish account number (NRB) is checked as "PL" followed by it.
func ValidIBAN(s string) bool {
	s = strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(s))
	if len(s) == 26 && allDigits(s) {
		s = "PL" + s
	}
	if len(s) < 15 || len(s) > 34 {
		return false
	}
	rearranged := s[4:] + s[:4]
	var b strings.Builder
	for _, r := range rearranged {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			b.WriteString(itoa(int(r-'A') + 10))
		default:
			return false
		}
	}
	n, ok := new(big.Int).SetString(b.String(), 10)
	return ok && new(big.Int).Mod(n, big.NewInt(97)).Int64() == 1
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return string(rune('0'+n/10)) + string(rune('0'+n%10))
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Placeholders that replace personal data. They are Polish because drafts are Polish, and
// bracketed so an editor sees at once where something was removed.
const (
	placeholderEmail   = "[e-mail]"
	placeholderPhone   = "[telefon]"
	placeholderNIP     = "[NIP]"
	placeholderPESEL   = "[PESEL]"
	placeholderAccount = "[numer konta]"
	placeholderREGON   = "[REGON]"
	placeholderNumber  = "[numer]"
	placeholderAddress = "[adres]"
	placeholderLink    = "[link]"
	placeholderName    = "[imię i nazwisko]"
	placeholderCompany = "[nazwa firmy]"
)

// numberSpan finds runs of digits that may be one number written with separators:
// "+48 600 123 456", "(22) 123 45 67", "849-068-71-31", "PL61 1090 1014 0000 0712 1981 2874".
// Each run is classified by its digit count and context in replaceNumbers.
var numberSpan = regexp.MustCompile(`(?:\+ ?|00)?(?:[A-Z]{2} ?)?\(?\d(?:[\d\-. ()]*\d)?\)?`)

// labelBefore maps a placeholder to the label that may stand right before such a number;
// the label goes together with the number ("NIP: 123…" becomes "[NIP]").
var labelBefore = map[string]*regexp.Regexp{
	placeholderNIP:     regexp.MustCompile(`(?i)(?:^|[^\p{L}])(nip(?:\s+ue)?\s*[:.]?\s*(?:PL\s?)?)$`),
	placeholderPESEL:   regexp.MustCompile(`(?i)(?:^|[^\p{L}])(pesel\s*[:.]?\s*)$`),
	placeholderREGON:   regexp.MustCompile(`(?i)(?:^|[^\p{L}])(regon\s*[:.]?\s*)$`),
	placeholderPhone:   regexp.MustCompile(`(?i)(?:^|[^\p{L}])((?:nr\.?\s+)?(?:tel\.?(?:\s*kom\.?)?|telefon(?:u)?|kom\.|numer\s+telefonu|kontakt)\s*[:.]?\s*)$`),
	placeholderAccount: regexp.MustCompile(`(?i)(?:^|[^\p{L}])((?:(?:nr|numer)\s+(?:konta|rachunku)|konto|rachunek|iban)\s*[:.]?\s*)$`),
}

// replaceNumbers replaces phone numbers, NIP, PESEL, REGON, account numbers and postal codes
// (with the town after them) by placeholders. Numbers too short to identify anybody (amounts,
// limits, dates, plan sizes) stay.
func replaceNumbers(s string) string {
	var b strings.Builder
	last := 0
	for _, loc := range numberSpan.FindAllStringIndex(s, -1) {
		start, end := loc[0], loc[1]
		if start < last {
			continue
		}
		span := s[start:end]
		// Trim separators the pattern may have taken at the ends ("123 ", "(NIP 123)"):
		// a parenthesis belongs to the number only when both of the pair are inside it.
		span = strings.TrimRight(span, " -.(")
		for strings.HasSuffix(span, ")") && strings.Count(span, ")") > strings.Count(span, "(") {
			span = strings.TrimRight(span[:len(span)-1], " -.")
		}
		if strings.HasPrefix(span, "(") && strings.Count(span, "(") > strings.Count(span, ")") {
			span = span[1:]
			start++
		}
		end = start + len(span)
		digits := onlyDigits(span)
		// Letters before the digits belong to the number only for an IBAN ("PL61 1090 ...")
		// or a NIP written with its country prefix ("PL5252344078").
		letters := ""
		if span[0] >= 'A' && span[0] <= 'Z' {
			letters = span[:2]
			isIBAN := len(digits) >= 13 && len(digits) <= 32
			isNIP := letters == "PL" && len(digits) == 10
			if !isIBAN && !isNIP {
				idx := strings.IndexFunc(span, func(r rune) bool { return r >= '0' && r <= '9' || r == '(' })
				start += idx
				span = span[idx:]
				letters = ""
			} else if isNIP {
				letters = ""
				span = span[2:]
				start += 2
				if !nipLabelBefore.MatchString(s[:start]) {
					start -= 2 // replace the prefix together with the digits
				}
			}
		}
		prev, _ := utf8.DecodeLastRuneInString(s[:start])
		gluedBefore := start > 0 && (unicode.IsLetter(prev) || unicode.IsDigit(prev) || prev == '_' || prev == '/')
		next, _ := utf8.DecodeRuneInString(s[end:])
		gluedAfter := end < len(s) && (unicode.IsLetter(next) || next == '_' || next == '/' || next == '%')
		kind := classifyNumber(span, digits, letters, s[:start])
		if kind == "" || ((gluedBefore || gluedAfter) && len(digits) < 9) {
			continue
		}
		repStart := start
		if re := labelBefore[kind]; re != nil {
			if kw := re.FindStringSubmatchIndex(s[last:start]); kw != nil {
				repStart = last + kw[2]
			}
		}
		repEnd := end
		if kind == placeholderAddress {
			repEnd = end + townAfter(s[end:])
		}
		b.WriteString(s[last:repStart])
		b.WriteString(kind)
		last = repEnd
	}
	b.WriteString(s[last:])
	return b.String()
}

func onlyDigits(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

var (
	postalCode     = regexp.MustCompile(`^\d{2}-\d{3}$`)
	nipLabelBefore = regexp.MustCompile(`(?i)nip(?:\s+ue)?\s*[:.]?\s*(?:PL)?\s*$`)
	peselBefore    = regexp.MustCompile(`(?i)pesel\s*[:.]?\s*$`)
	regonBefore    = regexp.MustCompile(`(?i)regon\s*[:.]?\s*$`)
)

// classifyNumber decides what a number is from its digits, its shape and the text before it,
// and returns the placeholder to use or "" to keep it.
func classifyNumber(span, digits, letters, before string) string {
	n := len(digits)
	plus := strings.HasPrefix(span, "+") || (strings.HasPrefix(span, "00") && n >= 11 && n <= 15 && strings.ContainsAny(span, " -"))
	if strings.HasPrefix(span, "00") && plus {
		digits = digits[2:]
		n -= 2
	}
	switch {
	case letters != "":
		return placeholderAccount
	case postalCode.MatchString(span):
		return placeholderAddress
	case n < 9:
		return ""
	case plus && n >= 8 && n <= 15:
		return placeholderPhone
	case n == 26:
		return placeholderAccount
	case n == 11:
		if ValidPESEL(digits) || peselBefore.MatchString(before) {
			return placeholderPESEL
		}
		if strings.HasPrefix(digits, "48") {
			return placeholderPhone
		}
		return placeholderNumber
	case n == 10:
		if nipLabelBefore.MatchString(before) || ValidNIP(digits) {
			return placeholderNIP
		}
		if strings.HasPrefix(digits, "0") {
			return placeholderPhone
		}
		return placeholderNumber
	case n == 9:
		if regonBefore.MatchString(before) {
			return placeholderREGON
		}
		return placeholderPhone
	default:
		// Nine digits or more that are none of the above may still identify somebody (a
		// customer number, a card): nothing in a public answer needs them.
		return placeholderNumber
	}
}

// townAfter returns the length of a town name (one or two capitalised words) right after a
// postal code, so "00-950 Warszawa" goes as a whole.
func townAfter(s string) int {
	rest := strings.TrimLeft(s, " ")
	skipped := len(s) - len(rest)
	n := 0
	for w := 0; w < 2; w++ {
		r, size := utf8.DecodeRuneInString(rest)
		if !unicode.IsUpper(r) {
			break
		}
		i := size
		for i < len(rest) {
			c, sz := utf8.DecodeRuneInString(rest[i:])
			if !unicode.IsLetter(c) && c != '-' {
				break
			}
			i += sz
		}
		n = skipped + i
		next := strings.TrimLeft(rest[i:], " ")
		skipped = n + (len(rest[i:]) - len(next))
		rest = next
	}
	return n
}
