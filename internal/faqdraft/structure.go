package faqdraft

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Greetings, salutations and sign-offs are matched on folded text (lowercase, no diacritics),
// so "Dzień dobry", "dzien dobry" and "DZIEŃ DOBRY" are all one pattern.
var (
	// greetingPrefix matches a greeting at the start of a message, possibly followed by the
	// rest of the sentence on the same line ("witam, nie moge polaczyc...").
	greetingPrefix = regexp.MustCompile(`^(?:(?:witam|witajcie|witaj|hej(?:ka)?|hejo|czesc|siema|hello|hi|halo|dzien dobry|dobry wieczor|szanowni panstwo|szanowna pani|szanowny panie|szanowny zespole|drodzy panstwo|droga pani|drogi panie|dear sir/madam|dear sir or madam|dear sirs|dear [a-z]+|good morning)(?:\s+(?:serdecznie|panstwu|panstwa|wszystkim|ponownie|zespole|zespol))?)\s*(?:[,.!:;]+\s*|\s*$)`)
	// honorificName matches "Pani Marto", "Panie Tomaszu" and "Pan Adam" with an optional
	// greeting before it; a line made only of this is a salutation.
	salutationLine = regexp.MustCompile(`^(?:(?:dzien dobry|witam|witam serdecznie|szanown[ay]|drog[ai]|hej|czesc)\s*,?\s+)?(?:pani|panie|pan|panno)\s+[a-z][a-z'-]+(?:\s+[a-z][a-z'-]+)?\s*[,.!]?$`)
	// contactLine matches signature lines with contact data ("tel. ...", "NIP: ...").
	contactLine = regexp.MustCompile(`^(?:tel|tel\.|telefon|tel\. kom|kom|mob|mobile|fax|e-?mail|mail|www|nip|regon|krs|adres|ul\.|al\.|pl\.)\b|@|\+?\d[\d \-]{6,}\d`)
)

// closingPhrases are whole lines that close a message (folded, without trailing
// punctuation); everything after such a line is the signature. A set rather than a pattern:
// it is checked on the last lines of every ticket the finder reads.
var closingPhrases = func() map[string]bool {
	m := map[string]bool{}
	for _, p := range strings.Split(`pozdrawiam|pozdrawiam serdecznie|pozdrawiam cieplo|pozdrawiam cieplutko|pozdrawiam goraco|pozdrawiam i dziekuje|pozdrawiamy|pozdrawiamy serdecznie|serdecznie pozdrawiam|pozdrowienia|serdeczne pozdrowienia|najlepsze pozdrowienia|z pozdrowieniami|z serdecznymi pozdrowieniami|z najlepszymi pozdrowieniami|serdecznymi pozdrowieniami|lacze pozdrowienia|pozdr|pzdr|z powazaniem|z wyrazami szacunku|dzieki|dzieki z gory|z gory dzieki|dzieki za pomoc|dzieki za odpowiedz|dziekuje|dziekuje bardzo|bardzo dziekuje|dziekuje i pozdrawiam|dziekuje za pomoc|dziekuje za odpowiedz|dziekuje za informacje|dziekuje za szybka odpowiedz|dziekuje z gory|dziekujemy|dziekujemy i pozdrawiamy|z gory dziekuje|z gory dziekuje za pomoc|z gory dziekuje za odpowiedz|z gory dziekuje za szybka odpowiedz|z gory dziekujemy|zycze milego dnia|milego dnia|best regards|kind regards|warm regards|regards|thanks|thank you|cheers|prosze o szybka odpowiedz|prosze o pilna odpowiedz|prosze o odpowiedz|czekam na odpowiedz|czekam na szybka odpowiedz`, "|") {
		m[p] = true
	}
	return m
}()

// isClosingLine reports whether a folded line is a closing phrase.
func isClosingLine(folded string) bool {
	return closingPhrases[strings.Join(strings.Fields(strings.TrimRight(folded, ",.!… ")), " ")]
}

// salutationStarts are the first words a salutation line can have.
var salutationStarts = map[string]bool{
	"pani": true, "panie": true, "pan": true, "panno": true, "dzien": true, "witam": true,
	"szanowna": true, "szanowny": true, "droga": true, "drogi": true, "hej": true, "czesc": true,
}

// isSalutation reports whether a folded line is a salutation with a name ("pani marto,").
func isSalutation(folded string) bool {
	first, _, _ := strings.Cut(folded, " ")
	return salutationStarts[strings.TrimRight(first, ",")] && salutationLine.MatchString(folded)
}

// contactStarts are the first words of contact lines in signatures.
var contactStarts = map[string]bool{
	"tel": true, "telefon": true, "kom": true, "mob": true, "mobile": true, "fax": true,
	"e": true, "email": true, "mail": true, "www": true, "nip": true, "regon": true, "krs": true,
	"adres": true, "ul": true, "al": true, "pl": true,
}

// isContactLine reports whether a line of a signature carries contact data.
func isContactLine(l string) bool {
	if strings.ContainsAny(l, "@0123456789") {
		return contactLine.MatchString(fold(l)) || strings.Contains(l, "@")
	}
	ws := words(fold(l))
	return len(ws) > 0 && contactStarts[ws[0]]
}

// companyWords mark a line as a company name rather than a person.
var companyWords = map[string]bool{
	"sp": true, "spolka": true, "biuro": true, "zespol": true, "dzial": true, "firma": true,
	"uslugi": true, "studio": true, "sklep": true, "kancelaria": true, "gabinet": true,
	"apteka": true, "hurtownia": true, "pensjonat": true, "transport": true, "software": true,
	"solutions": true, "serwis": true, "systemy": true, "group": true, "ltd": true, "gmbh": true,
	"inc": true, "llc": true, "sa": true, "sc": true,
}

// hasCompanyWord reports whether a folded line names a company.
func hasCompanyWord(folded string) bool {
	for _, w := range words(folded) {
		if companyWords[w] {
			return true
		}
	}
	return strings.Contains(folded, "s.c") || strings.Contains(folded, "s.a.") || strings.Contains(folded, "sp.")
}

// maxMarkerLine is the longest line that can be a greeting, a salutation, a closing or a
// signature line; longer lines are content and skip the patterns, which keeps scanning a
// million tickets cheap.
const maxMarkerLine = 80

// foldedShort returns the folded, trimmed line when it is short enough to be a marker line.
func foldedShort(l string) (string, bool) {
	l = strings.TrimSpace(l)
	if l == "" || len(l) > maxMarkerLine {
		return "", false
	}
	return fold(l), true
}

// stripGreeting removes greetings at the very start of a text ("Dzień dobry,", "Witam
// serdecznie", "Szanowni Państwo,") and salutation lines with names ("Pani Marto,"),
// repeatedly, because messages often stack them ("witam,\n\nSzanowni Państwo, ...").
func stripGreeting(text string) string {
	for range 4 {
		text = strings.TrimLeft(text, " \n")
		line, rest, _ := strings.Cut(text, "\n")
		line = strings.TrimSpace(line)
		prefix := line
		if len(prefix) > maxMarkerLine {
			// Only the start of a long line can hold a greeting; cut at a rune boundary.
			cut := maxMarkerLine
			for cut > 0 && !utf8.RuneStart(prefix[cut]) {
				cut--
			}
			prefix = prefix[:cut]
		}
		fl := fold(prefix)
		if len(line) <= maxMarkerLine && isSalutation(fl) {
			text = rest
			continue
		}
		loc := greetingPrefix.FindStringIndex(fl)
		if loc == nil || loc[1] == 0 {
			break
		}
		// fold keeps rune positions, so cut the original line at the same rune offset.
		cut := len(string([]rune(line)[:len([]rune(fl[:loc[1]]))]))
		remainder := strings.TrimSpace(line[cut:])
		if remainder == "" {
			text = rest
		} else {
			text = upperFirst(remainder) + "\n" + rest
		}
	}
	return strings.TrimSpace(text)
}

// dropSalutationLines removes every line that is only a salutation with a name, wherever it
// is ("Pani Anno," before a second reply quoted in the same message).
func dropSalutationLines(text string) string {
	lines := strings.Split(text, "\n")
	out := lines[:0]
	for _, l := range lines {
		if fl, ok := foldedShort(l); ok && isSalutation(fl) {
			continue
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// splitSignature separates the closing and signature from the body of a message. It returns
// the body and the signature lines (names, companies, contact lines; closing phrases
// themselves are dropped). Two shapes are recognised: a closing line ("Pozdrawiam,") followed
// by anything, and, without a closing line, a trailing block that looks like a name with
// optional company and contact lines ("Jakub", "Natalia Górska\nHurtownia ... sp. z o.o.").
func splitSignature(text string) (body string, signature []string) {
	lines := strings.Split(strings.TrimSpace(text), "\n")
	// The trailing block: lines from the end that are empty, closing phrases or signature
	// lines. The topmost closing phrase inside it starts the signature.
	cut := -1
scan:
	for i := len(lines) - 1; i >= 0 && len(lines)-i <= 10; i-- {
		l := strings.TrimSpace(lines[i])
		fl, short := foldedShort(l)
		switch {
		case l == "":
		case short && isClosingLine(fl):
			cut = i
		case isSignatureLine(l):
		default:
			break scan
		}
	}
	if cut >= 0 {
		for _, l := range lines[cut:] {
			l = strings.TrimSpace(l)
			if l != "" && !isClosingLine(fold(l)) {
				signature = append(signature, l)
			}
		}
		lines = lines[:cut]
	} else {
		// No closing: peel a trailing name/company/contact block if it starts with a name line.
		end := len(lines)
		for end > 0 && strings.TrimSpace(lines[end-1]) == "" {
			end--
		}
		start := end
		for start > 0 && start > end-4 && isSignatureLine(strings.TrimSpace(lines[start-1])) {
			start--
		}
		for start < end && !isNameLine(strings.TrimSpace(lines[start])) {
			start++
		}
		// Keep at least one line of content before the signature.
		if start < end && start > 0 && hasContentBefore(lines[:start]) {
			for _, l := range lines[start:end] {
				if l = strings.TrimSpace(l); l != "" {
					signature = append(signature, l)
				}
			}
			lines = lines[:start]
		}
	}
	return strings.TrimSpace(strings.Join(lines, "\n")), signature
}

func hasContentBefore(lines []string) bool {
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			return true
		}
	}
	return false
}

// isSignatureLine reports whether a line may belong to a signature block: a name, a company,
// a role or a contact line, short and without question marks.
func isSignatureLine(l string) bool {
	if l == "" || len(l) > maxMarkerLine || strings.ContainsAny(l, "?→") {
		return false
	}
	if isContactLine(l) {
		return true
	}
	ws := words(l)
	if len(ws) == 0 || len(ws) > 8 {
		return false
	}
	if strings.HasSuffix(l, ":") {
		return false
	}
	// Sentences end with a dot; company names may end with "o.o." or "s.c.".
	if strings.HasSuffix(l, ".") && !hasCompanyWord(fold(l)) && !strings.HasSuffix(l, "o.o.") && !strings.HasSuffix(l, "j.") {
		return false
	}
	first := []rune(l)[0]
	return unicode.IsUpper(first) || unicode.IsDigit(first)
}

// isNameLine reports whether a line looks like a person's name: one to three capitalised
// words, no digits, no sentence punctuation.
func isNameLine(l string) bool {
	if l == "" || strings.ContainsAny(l, "?!:;.,0123456789→\"„") {
		return false
	}
	ws := strings.Fields(l)
	if len(ws) == 0 || len(ws) > 3 {
		return false
	}
	for _, w := range ws {
		r := []rune(w)
		if !unicode.IsUpper(r[0]) {
			return false
		}
		for _, c := range r[1:] {
			if !unicode.IsLetter(c) && c != '-' && c != '\'' {
				return false
			}
		}
	}
	return !hasCompanyWord(fold(l)) && !genericSignatureWords[fold(ws[0])]
}

// genericSignatureWords are capitalised words that start lines but are not names.
var genericSignatureWords = map[string]bool{
	"dokubiuro": true, "pomocy": true, "ratunku": true, "pilne": true, "dzieki": true,
	"dziekuje": true, "pozdrawiam": true, "zespol": true, "instrukcja": true, "wiecej": true,
	"uwaga": true, "tak": true, "nie": true, "ok": true, "okej": true,
}

// stripStructure removes the greeting, salutation lines and the closing with the signature.
// It returns the remaining text and the signature lines, which name the writer.
func stripStructure(text string) (string, []string) {
	text = normalizeText(text)
	text = stripGreeting(text)
	text = dropSalutationLines(text)
	body, sig := splitSignature(text)
	return strings.TrimSpace(body), sig
}
