package faqdraft

import (
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Scrubber removes personal data from ticket text so that it can go into a FAQ draft. It
// removes greetings, salutations with names ("Pani Marto,"), sign-offs and signatures, and
// replaces e-mail addresses, phone numbers, NIP, PESEL, REGON, account numbers, street
// addresses and postal codes, the names and company names it knows, names after "Pan"/"Pani",
// and links that carry personal data with bracketed placeholders ("[telefon]"), so an editor
// sees where something was taken out. Sentences that exist only to pass contact data ("proszę
// dzwonić bezpośrednio do mnie: …", "Kopię odpowiedzi wysłałem na adres …", "Sprawdziłem
// konto firmy X (NIP …).") are dropped whole. Help center article links are kept and made
// relative ("/articles/<slug>"); UI paths, steps and amounts are kept.
//
// A Scrubber is safe for concurrent use.
type Scrubber struct {
	known     []string
	matcher   *knownMatcher
	hostsOnly map[string]bool
}

// NewScrubber returns a Scrubber that also removes the given known names and company names
// (the requesters' names, companies from their signatures) in any inflected form.
// articleHosts limits which hosts' "/articles/<slug>" links become relative; without any,
// every such link does.
func NewScrubber(known []string, articleHosts ...string) *Scrubber {
	s := &Scrubber{known: known, matcher: newKnownMatcher(known)}
	if len(articleHosts) > 0 {
		s.hostsOnly = map[string]bool{}
		for _, h := range articleHosts {
			s.hostsOnly[strings.ToLower(h)] = true
		}
	}
	return s
}

// Scrub removes personal data from text; known lists names and company names that must go
// too. It is shorthand for NewScrubber(known).Scrub(text).
func Scrub(text string, known []string) string {
	return NewScrubber(known).Scrub(text)
}

// Scrub returns text without greeting, salutations, signature and personal data.
func (s *Scrubber) Scrub(text string) string {
	body, sig := stripStructure(text)
	matcher := s.matcher
	if extra := signatureNames(sig); len(extra) > 0 {
		matcher = newKnownMatcher(append(append([]string{}, s.known...), extra...))
	}
	var out []string
	for _, line := range strings.Split(body, "\n") {
		line = s.scrubLine(line, matcher)
		line = dropPersonalSentences(line)
		out = append(out, line)
	}
	return normalizeText(strings.Join(out, "\n"))
}

// ScrubLine removes personal data from a one-line text such as a subject, without looking
// for greetings or signatures.
func (s *Scrubber) ScrubLine(text string) string {
	text = strings.Join(strings.Fields(text), " ")
	return strings.TrimSpace(dropPersonalSentences(s.scrubLine(text, s.matcher)))
}

// signatureNames returns the lines of a signature that name a person or a company; contact
// lines are left out because their data is matched by pattern anyway.
func signatureNames(sig []string) []string {
	var out []string
	for _, l := range sig {
		if strings.ContainsAny(l, "@0123456789") || isContactLine(l) {
			continue
		}
		out = append(out, l)
	}
	return out
}

func (s *Scrubber) scrubLine(line string, m *knownMatcher) string {
	line = s.replaceURLs(line)
	line = emailPattern.ReplaceAllString(line, placeholderEmail)
	line = replaceAddresses(line)
	line = replaceNumbers(line)
	line = replaceHonorificNames(line)
	line = replaceCompaniesWithLegalForm(line)
	line = m.replace(line)
	line = mergePlaceholders(line)
	return line
}

var (
	emailPattern = regexp.MustCompile(`[\p{L}0-9._%+\-]+(?:@|\s?(?:\[at\]|\(at\)|\[małpa\]|\(małpa\))\s?)[\p{L}0-9\-]+(?:\.[\p{L}0-9\-]+)+`)
	urlPattern   = regexp.MustCompile(`(?i)(?:(?:https?|hxxps?|ftp)://|www\.)[^\s<>"'„”«»]+`)
	articlePath  = regexp.MustCompile(`^/articles/([a-z0-9]+(?:-[a-z0-9]+)*)/?$`)
	digitRun     = regexp.MustCompile(`\d{5,}`)
	mixedToken   = regexp.MustCompile(`[A-Za-z0-9_\-]{12,}`)
)

// replaceURLs makes help center article links relative, replaces links that may carry
// personal data by a placeholder and keeps the rest.
func (s *Scrubber) replaceURLs(line string) string {
	return urlPattern.ReplaceAllStringFunc(line, func(raw string) string {
		trail := ""
		for len(raw) > 0 && strings.ContainsRune(".,;:!?)]", rune(raw[len(raw)-1])) {
			if raw[len(raw)-1] == ')' && strings.Count(raw, "(") >= strings.Count(raw, ")") {
				break
			}
			trail = raw[len(raw)-1:] + trail
			raw = raw[:len(raw)-1]
		}
		return s.rewriteURL(raw) + trail
	})
}

func (s *Scrubber) rewriteURL(raw string) string {
	lower := strings.ToLower(raw)
	if strings.HasPrefix(lower, "hxxp") {
		return placeholderLink // defanged links come from spam and phishing
	}
	if strings.HasPrefix(lower, "www.") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return placeholderLink
	}
	if m := articlePath.FindStringSubmatch(u.Path); m != nil && u.User == nil && onlyTrackingQuery(u.Query()) &&
		(s.hostsOnly == nil || s.hostsOnly[strings.ToLower(u.Hostname())]) {
		return "/articles/" + m[1]
	}
	if personalURL(u) {
		return placeholderLink
	}
	return raw
}

// personalURL reports whether a link may identify a person or reach private data: user
// info, query parameters, e-mail addresses, long digit runs (ids, phone numbers) or long
// random tokens (shared-file links).
func personalURL(u *url.URL) bool {
	if u.User != nil || u.RawQuery != "" && !onlyTrackingQuery(u.Query()) || strings.Contains(u.Fragment, "=") {
		return true
	}
	p := u.EscapedPath() + "#" + u.Fragment
	if strings.Contains(p, "@") || strings.Contains(strings.ToLower(p), "%40") || digitRun.MatchString(p) {
		return true
	}
	for _, tok := range mixedToken.FindAllString(p, -1) {
		hasDigit := strings.ContainsAny(tok, "0123456789")
		hasUpper := strings.IndexFunc(tok, unicode.IsUpper) >= 0
		if hasDigit || hasUpper && strings.IndexFunc(tok, unicode.IsLower) >= 0 && !strings.Contains(tok, "-") {
			return true
		}
	}
	return false
}

func onlyTrackingQuery(q url.Values) bool {
	for k := range q {
		if !strings.HasPrefix(k, "utm_") {
			return false
		}
	}
	return true
}

// streetAddress matches "ul. Kwiatowa 12/3", "al. Jana Pawła II 100 lok. 5", "pl. Bankowy 2".
var streetAddress = regexp.MustCompile(`(?:^|[^\p{L}])((?i:ul\.|ulica|ulicy|al\.|aleja|alei|aleje|pl\.|plac|placu|os\.|osiedle|osiedlu)\s*[\p{Lu}0-9][\p{L}0-9.\-]*(?:\s+[\p{Lu}IVX][\p{L}.\-]*){0,3}\s+\d+[A-Za-z]?(?:\s*/\s*\d+[A-Za-z]?)?(?:\s*(?:m\.|lok\.|lokal)\s*\d+)?)`)

func replaceAddresses(line string) string {
	locs := streetAddress.FindAllStringSubmatchIndex(line, -1)
	if locs == nil {
		return line
	}
	var b strings.Builder
	last := 0
	for _, l := range locs {
		b.WriteString(line[last:l[2]])
		b.WriteString(placeholderAddress)
		last = l[3]
	}
	b.WriteString(line[last:])
	return b.String()
}

// companyWithLegalForm matches a company name by its legal form: capitalised words right
// before "sp. z o.o.", "sp. j.", "s.c.", "S.A." ("Audyt-Księgowość sp. j.", "Transport
// Kowalczyk sp. z o.o."). It finds companies nobody listed as known.
var companyWithLegalForm = regexp.MustCompile(`(?:\p{Lu}[\p{L}\d+&'’-]*[ ]+){0,5}\p{Lu}[\p{L}\d+&'’-]*,?[ ]+(?:sp\.[ ]?z[ ]?o\.[ ]?o\.|[Ss]p\.[ ]?[jkp]\.|s\.[ ]?c\.|S\.[ ]?A\.|[Ss]półka z o\.[ ]?o\.|[Ss]półka jawna|[Ss]półka komandytowa)\.?`)

func replaceCompaniesWithLegalForm(line string) string {
	if !strings.Contains(line, ".") {
		return line
	}
	locs := companyWithLegalForm.FindAllStringIndex(line, -1)
	if locs == nil {
		return line
	}
	var b strings.Builder
	last := 0
	for _, l := range locs {
		b.WriteString(line[last:l[0]])
		b.WriteString(placeholderCompany)
		// The legal form's last dot also ends the sentence when a new one starts after it
		// ("… s.c. Przekształciliśmy") or the line ends; ".." keeps one dot too.
		rest := line[l[1]:]
		next, _ := utf8.DecodeRuneInString(strings.TrimLeft(rest, " "))
		if strings.HasSuffix(line[l[0]:l[1]], "..") || rest == "" || strings.HasPrefix(rest, " ") && unicode.IsUpper(next) {
			b.WriteString(".")
		}
		last = l[1]
	}
	b.WriteString(line[last:])
	return b.String()
}

// honorificName matches a name written after "Pan", "Pani", "p." and their forms: "Pani Ania
// zapomniała hasła", "administratorem jest p. Nowak".
var honorificName = regexp.MustCompile(`(?:^|[^\p{L}])(?:Pan|Pani|Panu|Pana|Panią|Panem|Panie|Panno|Panny|pan|pani|panu|pana|panią|panem|panie|p\.)\s+(\p{Lu}\p{Ll}+(?:[\s-]\p{Lu}\p{Ll}+)?)`)

func replaceHonorificNames(line string) string {
	locs := honorificName.FindAllStringSubmatchIndex(line, -1)
	if locs == nil {
		return line
	}
	var b strings.Builder
	last := 0
	for _, l := range locs {
		if genericSignatureWords[fold(line[l[2]:l[3]])] {
			continue
		}
		b.WriteString(line[last:l[2]])
		b.WriteString(placeholderName)
		last = l[3]
	}
	b.WriteString(line[last:])
	return b.String()
}

var (
	// contactIntent marks sentences whose purpose is to pass contact data.
	contactIntent = regexp.MustCompile(`(?i)dzwoni|zadzwoni|telefonicznie|kontakt|pod numerem|numer telefonu|m[oó]j (?:adres|telefon|numer|mail|e-mail|\[)|kopi[eę] (?:odpowiedzi|wiadomo)|jestem pod|login|adres e-mail|adres mailowy|piszę z adresu|pisz[eę] z adresu|dane:|dane firmy`)
	// checkedAccount marks the agent's note that names the customer's company and NIP.
	checkedAccount = regexp.MustCompile(`(?i)^sprawdzi\p{L}*\s+(?:konto|dane|ustawienia|histori\p{L}*)\s+(?:firmy|klienta|biura)`)
)

// identificationSentence marks sentences that only tell who is writing ("Firma: X.",
// "Biuro: X, NIP …", "Dane: …").
var identificationSentence = regexp.MustCompile(`(?i)^(?:firma|biuro|dane|nazwa firmy|moje dane|kontakt|login|adres)\s*:`)

// identificationStart marks a sentence that names the writer's company when it also holds
// a tax id ("Firma Agencja Reklamowa Pixel, NIP …").
var identificationStart = regexp.MustCompile(`(?i)^(?:firma|biuro|spółka|dane|nip|pesel|moja firma|nasza firma)(?:[^\p{L}]|$)`)

// dropPersonalSentences removes the sentences of a line that only carry contact data,
// identify the writer or name the customer's account.
func dropPersonalSentences(line string) string {
	low := strings.ToLower(line)
	if !strings.Contains(line, "[") && !strings.Contains(low, "sprawdzi") && !strings.Contains(line, ":") {
		return line
	}
	ss := sentences(line)
	out := ss[:0]
	for _, s := range ss {
		hasContact := strings.Contains(s, placeholderPhone) || strings.Contains(s, placeholderEmail) ||
			strings.Contains(s, placeholderNIP) || strings.Contains(s, placeholderAddress) ||
			strings.Contains(s, placeholderPESEL) || strings.Contains(s, placeholderAccount)
		hasID := strings.Contains(s, placeholderNIP) || strings.Contains(s, placeholderPESEL)
		switch {
		case hasContact && contactIntent.MatchString(s),
			hasID && (len(words(withoutPlaceholders(s))) <= 2 || identificationStart.MatchString(s)),
			checkedAccount.MatchString(s),
			identificationSentence.MatchString(s):
			continue
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

var placeholderPattern = regexp.MustCompile(`\[(?:e-mail|telefon|NIP|PESEL|numer konta|REGON|numer|adres|link|imię i nazwisko|nazwa firmy)\]`)

func withoutPlaceholders(s string) string {
	return placeholderPattern.ReplaceAllString(s, " ")
}
