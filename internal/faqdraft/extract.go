package faqdraft

import (
	"cmp"
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/helpcenter/helpcenter/internal/apperr"
)

// Builder builds FAQ drafts from tickets. The zero value works; set Terms to get tags and a
// better choice of the question when several tickets are merged.
type Builder struct {
	// Terms turns text into index terms (the shared Polish pipeline). It is used for the tags
	// and to pick the question and answer closest to what all the tickets ask. When nil,
	// folded words are used instead.
	Terms TermFunc
	// ArticleHosts limits which hosts' "/articles/<slug>" links become relative links in the
	// answer; empty means any host.
	ArticleHosts []string
}

// BuildDraft builds a draft with a zero Builder.
func BuildDraft(tickets []Ticket) (Draft, error) {
	return Builder{}.Build(tickets)
}

// Build turns one or several tickets that ask the same thing into a FAQ draft: the question
// becomes the title, the staff answers (of solved tickets first) the body, all without
// personal data; audiences are suggested from the requesters' account types.
func (b Builder) Build(tickets []Ticket) (Draft, error) {
	if len(tickets) == 0 {
		return Draft{}, apperr.InvalidFields(apperr.Field("ticket_ids", "Wybierz co najmniej jedno zgłoszenie."))
	}
	sc := NewScrubber(KnownPersonalData(tickets), b.ArticleHosts...)
	terms := b.termFunc()

	d := Draft{SourceTicketIDs: make([]int64, 0, len(tickets))}
	var types []string
	var questions []questionCandidate
	var questionTexts []string
	var answers []answerCandidate
	for _, t := range tickets {
		d.SourceTicketIDs = append(d.SourceTicketIDs, t.ID)
		types = append(types, t.RequesterAccountType)
		qs, text := questionCandidates(t, sc)
		questions = append(questions, qs...)
		questionTexts = append(questionTexts, text)
		if a, ok := answerOf(t, sc); ok {
			answers = append(answers, a)
		}
	}
	profile := termProfile(questionTexts, terms)
	d.Title = chooseTitle(questions, profile, terms)
	d.BodyMarkdown, d.AnswerTicketIDs = mergeAnswers(answers, terms)
	d.SuggestedAudiences = SuggestAudiences(types)
	d.Tags = tagsFor(questionTexts, terms)
	return d, nil
}

func (b Builder) termFunc() TermFunc {
	if b.Terms != nil {
		return b.Terms
	}
	return foldedWords
}

// foldedWords is the fallback term function: folded words of three letters or more.
func foldedWords(text string) []string {
	var out []string
	for _, w := range words(fold(text)) {
		if len([]rune(w)) >= 3 {
			out = append(out, w)
		}
	}
	return out
}

// KnownPersonalData collects the names and company names the tickets reveal: the
// requesters' names, the name and company lines of their signatures, and the names staff
// used to address them ("Pani Marto,"). The scrubber removes these wherever they appear.
func KnownPersonalData(tickets []Ticket) []string {
	var known []string
	for _, t := range tickets {
		if n := strings.TrimSpace(t.RequesterName); n != "" {
			known = append(known, n)
		}
		texts := []string{t.Body}
		for _, m := range t.Messages {
			texts = append(texts, m.Body)
		}
		for i, text := range texts {
			text = normalizeText(text)
			if i > 0 && i-1 < len(t.Messages) && t.Messages[i-1].Author == AuthorStaff {
				known = append(known, salutationNames(text)...)
			}
			_, sig := splitSignature(dropSalutationLines(stripGreeting(text)))
			if i > 0 && i-1 < len(t.Messages) && t.Messages[i-1].Author == AuthorStaff {
				continue // the agent's own signature is removed as a block; it is not the customer
			}
			known = append(known, signatureNames(sig)...)
		}
	}
	return known
}

// salutationNames returns the names in salutation lines ("Pani Marto," gives "Marto").
func salutationNames(text string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		if !isSalutation(fold(l)) {
			continue
		}
		ws := strings.Fields(strings.Trim(l, ",.! "))
		for i, w := range ws {
			if f := fold(w); f == "pani" || f == "panie" || f == "pan" || f == "panno" {
				if rest := strings.Join(ws[i+1:], " "); rest != "" {
					out = append(out, upperFirst(rest))
				}
				break
			}
		}
	}
	return out
}

// ---- The question ----

type questionCandidate struct {
	ticketID int64
	text     string
	// asked is true for a sentence the requester wrote as a question, false for a title made
	// from a statement or the subject.
	asked bool
}

var (
	replyPrefix  = regexp.MustCompile(`(?i)^(?:(?:re|fw|fwd|odp|pd|aw|wg)\s*(?:\[\d+\])?\s*:\s*)+`)
	fillerPrefix = regexp.MustCompile(`(?i)^(?:(?:więc|wiec|a|no)\s+)?(?:pytam|pytanie|mam pytanie|pilne|pilnie|uwaga|prośba|prosba|problem|temat|sprawa|hej|witam)\s*[:\-–]\s*`)
	// requestStart marks a statement that is a request ("Proszę o …"); askFor turns "Proszę
	// o X" into "Czy mogę prosić o X?".
	requestStart  = regexp.MustCompile(`(?i)^(?:bardzo\s+|pilnie\s+|uprzejmie\s+)?(?:proszę|prosze|prosimy|poproszę|poprosze|poprosimy)(?:[^\p{L}]|$)`)
	askFor        = regexp.MustCompile(`(?i)^(?:bardzo\s+|pilnie\s+|uprzejmie\s+)?(?:(proszę|prosze|poproszę|poprosze)|(prosimy|poprosimy))\s+o\s+`)
	interrogative = regexp.MustCompile(`(?i)^(?:jak|jaki|jaka|jakie|jakich|jakiego|czy|gdzie|dlaczego|czemu|kiedy|ile|co|skąd|skad|kto|którego|którą|który|ktora|ktory|w jaki sposób|w jaki sposob|od czego|do kiedy|na jak|po co)(?:[^\p{L}]|$)`)
	// anaphora marks a question that points back at the sentence before it ("Da się to
	// odkręcić?", "Czy DokuBiuro ma z nim integrację?").
	anaphora = regexp.MustCompile(`(?i)(?:^|[^\p{L}])(?:to|tym|tego|temu|je|ich|go|nim|nią|niej|nich|tych|taka|takiej|takie|oba|obie|ją|jej|tam|tego)(?:[^\p{L}]|$)`)
	// trailingPlea is a plea for help glued to a statement ("zapomniałam hasła, proszę o pomoc").
	trailingPlea        = regexp.MustCompile(`(?i)[,;–-]?\s*(?:(?:proszę|prosze|prosimy) o (?:pomoc|szybką odpowiedź|szybka odpowiedz|info|informację|informacje|odpowiedź)|pomocy|pomóżcie|pomozcie|ratunku|pilne)[\s.!]*$`)
	boilerplateSentence = regexp.MustCompile(`(?i)^(?:pomocy|ratunku|pomóżcie|pomozcie|help|pilne|bardzo pilne|proszę o pomoc|prosze o pomoc|proszę o szybką odpowiedź|prosze o szybka odpowiedz|z góry dziękuję|z gory dziekuje|ponawiam pytanie|czekam na odpowiedź)[\s.!?]*$`)
	repeatedPunct       = regexp.MustCompile(`[?!]*\?[?!]*`)
	// parenthesizedPlaceholder is a removed detail in brackets, "(NIP …)", which a title
	// does without.
	parenthesizedPlaceholder = regexp.MustCompile(`\s*\(\[[^\]]+\]\)`)
)

// questionCandidates returns the possible titles from one ticket and the cleaned question
// text (subject and first message) used to compare tickets.
func questionCandidates(t Ticket, sc *Scrubber) ([]questionCandidate, string) {
	body := t.Body
	if strings.TrimSpace(body) == "" {
		for _, m := range t.Messages {
			if m.Author == AuthorRequester && !m.Internal {
				body = m.Body
				break
			}
		}
	}
	subject := cleanSubject(sc.ScrubLine(t.Subject))
	var ss []string
	for _, line := range strings.Split(sc.Scrub(body), "\n") {
		for _, s := range sentences(line) {
			if !boilerplateSentence.MatchString(s) && len(words(withoutPlaceholders(s))) > 0 {
				ss = append(ss, s)
			}
		}
	}
	text := strings.TrimSpace(subject + "\n" + strings.Join(ss, " "))

	var out []questionCandidate
	for i, s := range ss {
		if !strings.Contains(s, "?") {
			continue
		}
		q := s
		if i := strings.LastIndex(q, "?"); i >= 0 {
			q = q[:i+1]
		}
		q = strings.TrimSpace(fillerPrefix.ReplaceAllString(q, ""))
		// A bare "Czemu?" or a "Da się to odkręcić?" needs the sentence before it.
		if i > 0 && !strings.Contains(ss[i-1], "?") && (len(words(q)) < 5 || anaphora.MatchString(q)) &&
			len(words(ss[i-1]))+len(words(q)) <= 32 {
			q = strings.TrimRight(ss[i-1], ".!…: ") + " – " + lowerFirst(q)
		}
		if len(words(q)) >= 3 {
			out = append(out, questionCandidate{ticketID: t.ID, text: cleanQuestion(q), asked: true})
		}
		break
	}
	if len(out) == 0 && strings.HasSuffix(strings.TrimSpace(subject), "?") && len(words(subject)) >= 3 {
		out = append(out, questionCandidate{ticketID: t.ID, text: cleanQuestion(subject), asked: true})
	}
	if len(out) > 0 {
		return out, text
	}
	// No question asked: make one from the first statement or from the subject.
	var statement string
	for _, s := range ss {
		if len(words(withoutPlaceholders(s))) >= 3 {
			statement = strings.TrimSpace(fillerPrefix.ReplaceAllString(s, ""))
			statement = strings.TrimSpace(trailingPlea.ReplaceAllString(statement, ""))
			break
		}
	}
	switch {
	case askFor.MatchString(statement):
		m := askFor.FindStringSubmatch(statement)
		ask := "Czy mogę prosić o "
		if m[2] != "" {
			ask = "Czy możemy prosić o "
		}
		out = append(out, questionCandidate{ticketID: t.ID, text: cleanQuestion(ask + strings.TrimRight(statement[len(m[0]):], ".!…:; "))})
	case statement != "" && !requestStart.MatchString(statement):
		out = append(out, questionCandidate{ticketID: t.ID, text: cleanQuestion("Co zrobić, gdy " + lowerFirst(strings.TrimRight(statement, ".!…:; ")))})
	case informativeSubject(subject):
		out = append(out, questionCandidate{ticketID: t.ID, text: cleanQuestion(strings.TrimRight(subject, ".!?…:; ") + " – jak to zrobić")})
	case statement != "":
		out = append(out, questionCandidate{ticketID: t.ID, text: cleanQuestion(statement)})
	case subject != "":
		out = append(out, questionCandidate{ticketID: t.ID, text: cleanQuestion(subject)})
	}
	return out, text
}

// cleanSubject removes reply prefixes and emoji from a subject line.
func cleanSubject(s string) string {
	s = stripEmoji(s)
	s = replyPrefix.ReplaceAllString(strings.TrimSpace(s), "")
	return strings.Join(strings.Fields(s), " ")
}

// genericSubjectWords make up subjects that say nothing about the question ("Pytanie",
// "Problem z programem", "RE: pilne").
var genericSubjectWords = map[string]bool{
	"pytanie": true, "pytania": true, "pomoc": true, "pilne": true, "problem": true, "z": true,
	"programem": true, "program": true, "zapytanie": true, "prosba": true, "o": true,
	"dokubiuro": true, "test": true, "sprawa": true, "zgloszenie": true, "informacja": true,
	"w": true, "sprawie": true, "bardzo": true, "wazne": true, "kontakt": true,
}

func informativeSubject(s string) bool {
	ws := words(fold(s))
	if len(ws) == 0 {
		return false
	}
	for _, w := range ws {
		if !genericSubjectWords[w] {
			return true
		}
	}
	return false
}

// cleanQuestion makes a title out of a sentence: no emoji, no greeting, no "!!!", single
// spaces, a capital letter at the start and one question mark at the end.
func cleanQuestion(q string) string {
	q = stripEmoji(q)
	q = parenthesizedPlaceholder.ReplaceAllString(q, "")
	q = strings.Join(strings.Fields(q), " ")
	q = stripGreeting(q)
	q = replyPrefix.ReplaceAllString(q, "")
	q = fillerPrefix.ReplaceAllString(q, "")
	q = repeatedPunct.ReplaceAllString(q, "?")
	q = strings.ReplaceAll(q, "!", "")
	for strings.Contains(q, "..") && !strings.Contains(q, "...") {
		q = strings.ReplaceAll(q, "..", ".")
	}
	q = strings.Join(strings.Fields(q), " ")
	q = joinLowercaseSentences(q)
	q = strings.TrimRight(q, " .,;:–-?…")
	q = strings.TrimLeft(q, " .,;:–-")
	if q == "" {
		return ""
	}
	return upperFirst(q) + "?"
}

// joinLowercaseSentences turns "dnia. skąd to się bierze" into "dnia – skąd to się bierze":
// a title is one sentence, and a lowercase start shows the writer meant one anyway.
func joinLowercaseSentences(q string) string {
	rs := []rune(q)
	var b strings.Builder
	for i := 0; i < len(rs); i++ {
		if rs[i] == '.' && i+2 < len(rs) && rs[i+1] == ' ' && unicode.IsLower(rs[i+2]) &&
			!isAbbreviationBefore(rs, i) && (i == 0 || !unicode.IsDigit(rs[i-1])) {
			b.WriteString(" –")
			continue
		}
		b.WriteRune(rs[i])
	}
	return b.String()
}

// chooseTitle picks the question that best stands for all the tickets: a question the
// requesters really asked, starting with a question word, of a readable length, typed with
// care, and close to what the other tickets ask.
func chooseTitle(qs []questionCandidate, profile map[string]float64, terms TermFunc) string {
	best, bestScore := "", math.Inf(-1)
	for _, q := range qs {
		if q.text == "" {
			continue
		}
		score := 0.0
		if q.asked {
			score += 3
		}
		if interrogative.MatchString(q.text) {
			score++
		}
		n := len(words(q.text))
		switch {
		case n >= 5 && n <= 16:
			score++
		case n > 25:
			score--
		}
		if hasPolishDiacritics(q.text) {
			score += 0.5
		}
		if strings.Contains(q.text, "[") {
			score -= 2
		}
		if strings.Contains(q.text, " – ") {
			score -= 0.5
		}
		score += 5 * cosineToProfile(terms(q.text), profile)
		if score > bestScore {
			best, bestScore = q.text, score
		}
	}
	return best
}

// termProfile counts in how many of the texts each term occurs, normalised to unit length.
func termProfile(texts []string, terms TermFunc) map[string]float64 {
	p := map[string]float64{}
	for _, t := range texts {
		seen := map[string]bool{}
		for _, term := range terms(t) {
			if !seen[term] {
				seen[term] = true
				p[term]++
			}
		}
	}
	norm := 0.0
	for _, v := range p {
		norm += v * v
	}
	norm = math.Sqrt(norm)
	for k, v := range p {
		p[k] = v / norm
	}
	return p
}

func cosineToProfile(ts []string, profile map[string]float64) float64 {
	if len(profile) == 0 || len(ts) == 0 {
		return 0
	}
	seen := map[string]bool{}
	dot := 0.0
	for _, t := range ts {
		if !seen[t] {
			seen[t] = true
			dot += profile[t]
		}
	}
	return dot / math.Sqrt(float64(len(seen)))
}

// ---- The answer ----

type answerCandidate struct {
	ticketID   int64
	solved     bool
	paragraphs []string
	answeredAt int64
}

var (
	// thanksSentence is the polite opening of a reply.
	thanksSentence = regexp.MustCompile(`(?i)^dziękuj\p{L}*\s+(?:bardzo\s+|serdecznie\s+)?za\s+(?:wiadomość|wiadomosc|pytanie|zgłoszenie|zgloszenie|cierpliwość|cierpliwosc|kontakt|informację|informacje|zrzut\s+ekranu|przesłane\s+dane|dane|odpowiedź|szybką\s+odpowiedź)\p{L}*\s*[.!]?$`)
	// closingSentence is the polite closing of a reply.
	closingSentence = regexp.MustCompile(`(?i)^(?:w razie (?:pytań|dalszych pytań|wątpliwości|problemów)|gdyby (?:miał|miała|mieli)\p{L}*\s+(?:Pan|Pani|Państwo)?\s*(?:jeszcze\s+)?pytania|jestem do dyspozycji|służę pomocą|pozostaję do dyspozycji|zachęcam do kontaktu|życzę miłego dnia|miłego dnia)`)
	// agentAction is a sentence about what the agent did in this ticket ("Sprawdziłam logi",
	// "Przedłużyłem Państwa okres próbny"): true for that customer, not for a FAQ.
	agentAction = regexp.MustCompile(`^(?:Właśnie\s+|Już\s+|Teraz\s+)?\p{Lu}\p{Ll}*(?:łem|łam|liśmy|łyśmy)\b`)
	// voteClause is the agent's note that the customer's vote was added to a feature request.
	voteClause = regexp.MustCompile(`\s*(?:,?\s*(?:i|a)\s+|\s*[–-]\s*)?dopisał\p{L}*\s+(?:Pana|Pani|Państwa)\s+głos\s+do\s+zgłoszenia(?:\s+w\s+zespole\s+produktu)?`)
	// requestSentence asks the customer for more information ("proszę podać …",
	// "potrzebujemy potwierdzenia"). In an answer it can be a step of the procedure, so it
	// stays unless it is addressed to this customer.
	requestSentence = regexp.MustCompile(`(?i)potrzebuj(?:ę|e|emy)(?:[^\p{L}]|$)|(?:proszę|prosimy)\s+(?:też\s+|również\s+|jeszcze\s+)?(?:o\s+(?:podanie|przesłanie|potwierdzenie|dosłanie|informację|propozycję|zrzut|numer)|podać|przesłać|dosłać|dołączyć|załączyć|potwierdzić|odpisać)|czy (?:mógłby|mogłaby|mogliby|może|mogą)\s`)
	// askingThisCustomer is a request that only makes sense in the ticket ("Proszę o
	// propozycję terminów", "potrzebuję nazwy firmy").
	askingThisCustomer = regexp.MustCompile(`(?i)propozycj|potwierdzenie, czy|czy mamy|potrzebuję|potrzebuje(?:[^\p{L}]|$)`)
	// deferral promises an answer later ("Sprawdzam sprawę i wrócę z odpowiedzią").
	deferral = regexp.MustCompile(`(?i)sprawdzam|wrócę|wrócimy|weryfikujemy|przekazaliśmy|przekazałam|przekazałem|odezwiemy się|po otrzymaniu|daj(?:ę|emy) znać`)
	// personalAddress marks a sentence addressed to this customer ("Czy mógłby Pan …").
	personalAddress = regexp.MustCompile(`(?:^|[^\p{L}])(?:Pan|Pani|Pana|Panu|Panią|Państwa|Państwo|Państwu)(?:[^\p{L}]|$)`)
	articleLinkLine = regexp.MustCompile(`^(?:([^:/]{1,60}):\s*)?(/articles/[a-z0-9-]+)\s*$`)
	articleLinkText = regexp.MustCompile(`(^|[^\](\w/])(/articles/[a-z0-9]+(?:-[a-z0-9]+)*)`)
)

// answerOf returns the answer a ticket got: its last staff reply that answers rather than
// asks for more information, scrubbed and without pleasantries.
func answerOf(t Ticket, sc *Scrubber) (answerCandidate, bool) {
	var best answerCandidate
	found := false
	for _, m := range t.Messages {
		if m.Author != AuthorStaff || m.Internal {
			continue
		}
		ps, ok := answerParagraphs(sc.Scrub(m.Body))
		if !ok {
			continue
		}
		best = answerCandidate{ticketID: t.ID, paragraphs: ps, solved: t.Status == "solved" || t.Status == "closed", answeredAt: m.CreatedAt.Unix()}
		found = true
	}
	return best, found
}

// answerParagraphs removes pleasantries, agent actions and requests addressed to the
// customer from a scrubbed reply, and reports whether what is left answers something.
func answerParagraphs(text string) ([]string, bool) {
	var out []string
	substantive := 0
	for _, p := range paragraphs(text) {
		var lines []string
		for _, line := range strings.Split(p, "\n") {
			if articleLinkLine.MatchString(strings.TrimSpace(line)) {
				lines = append(lines, strings.TrimSpace(line))
				continue
			}
			var kept []string
			for _, s := range sentences(line) {
				s = voteClause.ReplaceAllString(s, "")
				switch {
				case thanksSentence.MatchString(s), closingSentence.MatchString(s), agentAction.MatchString(s), deferral.MatchString(s):
					continue
				case requestSentence.MatchString(s):
					if personalAddress.MatchString(s) || askingThisCustomer.MatchString(s) {
						continue
					}
				case len(words(withoutPlaceholders(s))) >= 6:
					substantive++
				}
				kept = append(kept, s)
			}
			if len(kept) > 0 {
				lines = append(lines, strings.Join(kept, " "))
			}
		}
		if len(lines) > 0 {
			out = append(out, strings.Join(lines, "\n"))
		}
	}
	return out, substantive > 0
}

// mergeAnswers makes one answer out of the answers of several tickets: the answer most
// tickets agree with (solved tickets first) and, after it, paragraphs from the other answers
// that add something new; article links go to the end. It returns the Markdown body and the
// tickets it used.
func mergeAnswers(answers []answerCandidate, terms TermFunc) (string, []int64) {
	if len(answers) == 0 {
		return "", nil
	}
	anySolved := slices.ContainsFunc(answers, func(a answerCandidate) bool { return a.solved })
	if anySolved {
		answers = slices.DeleteFunc(slices.Clone(answers), func(a answerCandidate) bool { return !a.solved })
	}
	sets := make([]map[string]bool, len(answers))
	for i, a := range answers {
		sets[i] = termSet(terms(strings.Join(textParagraphs(a.paragraphs), " ")))
	}
	support := make([]float64, len(answers))
	for i := range answers {
		for j := range answers {
			if i != j {
				support[i] += jaccard(sets[i], sets[j])
			}
		}
	}
	order := make([]int, len(answers))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if c := cmp.Compare(support[b], support[a]); c != 0 {
			return c
		}
		if c := cmp.Compare(len(sets[b]), len(sets[a])); c != 0 {
			return c
		}
		return cmp.Compare(answers[b].answeredAt, answers[a].answeredAt)
	})

	var body []string
	bodyTerms := map[string]bool{}
	var links []string
	var used []int64
	const maxExtraParagraphs = 3
	extra := 0
	for rank, i := range order {
		contributed := false
		for _, p := range answers[i].paragraphs {
			if m := articleLinkLine.FindStringSubmatch(p); m != nil {
				if !slices.Contains(links, m[2]) {
					links = append(links, m[2])
				}
				continue
			}
			set := termSet(terms(p))
			if rank > 0 {
				// Another answer's paragraph goes in only if it says something new: most of
				// its terms are not in the answer yet.
				if extra >= maxExtraParagraphs || len(set) < 6 || novelty(set, bodyTerms) < 0.5 {
					continue
				}
				extra++
			}
			body = append(body, p)
			for t := range set {
				bodyTerms[t] = true
			}
			contributed = true
		}
		if contributed {
			used = append(used, answers[i].ticketID)
		}
	}
	for i, p := range body {
		body[i] = articleLinkText.ReplaceAllString(p, "$1[$2]($2)")
	}
	switch len(links) {
	case 0:
	case 1:
		body = append(body, "Więcej: ["+links[0]+"]("+links[0]+")")
	default:
		var b strings.Builder
		b.WriteString("Zobacz też:\n")
		for _, l := range links {
			b.WriteString("\n- [" + l + "](" + l + ")")
		}
		body = append(body, b.String())
	}
	if len(used) == 0 && len(links) > 0 {
		used = append(used, answers[order[0]].ticketID)
	}
	return strings.Join(body, "\n\n"), used
}

func textParagraphs(ps []string) []string {
	var out []string
	for _, p := range ps {
		if !articleLinkLine.MatchString(p) {
			out = append(out, p)
		}
	}
	return out
}

func termSet(ts []string) map[string]bool {
	s := make(map[string]bool, len(ts))
	for _, t := range ts {
		s[t] = true
	}
	return s
}

func jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 0
	}
	inter := 0
	for t := range a {
		if b[t] {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// novelty is the share of a paragraph's terms that are not yet in the answer.
func novelty(set, known map[string]bool) float64 {
	if len(set) == 0 {
		return 0
	}
	fresh := 0
	for t := range set {
		if !known[t] {
			fresh++
		}
	}
	return float64(fresh) / float64(len(set))
}

// ---- Audiences ----

// Audience values that are not account types.
const (
	AudiencePublic   = "public"
	AudienceSignedIn = "signed_in"
)

// SuggestAudiences suggests who a FAQ built from tickets should be for, from the account
// types of the tickets' requesters ("" or "none" when a requester has none):
//
//   - nobody has an account type: ["public"], since people without one asked;
//   - the requesters who have a type all share it and are at least three quarters of all
//     requesters: [that type] (a single accountant's ticket gives ["accountant"]);
//   - everybody has a type but the types differ: ["signed_in"], a question for customers of
//     several kinds;
//   - otherwise (a mix with requesters without a type): ["public"].
//
// It is a suggestion: the editor decides before publishing.
func SuggestAudiences(accountTypes []string) []string {
	counts := map[string]int{}
	withType := 0
	for _, t := range accountTypes {
		t = strings.TrimSpace(t)
		if t == "" || t == "none" {
			continue
		}
		counts[t]++
		withType++
	}
	switch {
	case withType == 0:
		return []string{AudiencePublic}
	case len(counts) == 1 && withType*4 >= len(accountTypes)*3:
		for t := range counts {
			return []string{t}
		}
	case withType == len(accountTypes):
		return []string{AudienceSignedIn}
	}
	return []string{AudiencePublic}
}

// ---- Tags ----

// genericTagWords never make a tag: they occur in every ticket.
var genericTagWords = []string{
	"dokubiuro", "dzień", "dobry", "witam", "pozdrawiam", "pytanie", "problem", "pomoc", "program",
	"programie", "proszę", "prośba", "pilne", "jak", "czy", "gdzie", "dlaczego", "można", "da", "się",
	"mam", "mamy", "nie", "jest", "zrobić", "działa", "teraz", "co", "już", "sprawa", "odpowiedź",
	"dziękuję", "dzięki", "system", "systemie", "opcja", "opcji", "to", "ten", "tak", "czemu",
	"kiedy", "ile", "który", "która", "które", "wasz", "waszym", "naszej", "nasz", "trzeba", "muszę",
	"chcę", "chciałbym", "chciałabym", "potrzebuję", "jakiś", "jakaś", "ktoś", "coś", "zrobic",
	"dziala", "mozna", "prosze", "sie", "szybką", "szybka", "odpowiedz",
}

// tagsFor picks a few keywords from the question texts (each starts with its subject line):
// the terms found in most of the tickets, then those of the subjects, then the most
// repeated, then the first; written as the requesters most often wrote them.
func tagsFor(texts []string, terms TermFunc) []string {
	generic := termSet(terms(strings.Join(genericTagWords, " ")))
	df := map[string]int{}
	tf := map[string]int{}
	inSubject := map[string]int{}
	first := map[string]int{}
	surface := map[string]map[string]int{}
	// A word may give several terms (stem variants, with and without diacritics); each word
	// counts as the variant most of the texts share, so "usunięte" and "usuniete" are one.
	wordTerms := map[string][]string{}
	variantDF := map[string]int{}
	for _, text := range texts {
		seen := map[string]bool{}
		for _, w := range words(withoutPlaceholders(text)) {
			ts, ok := wordTerms[w]
			if !ok {
				ts = terms(w)
				wordTerms[w] = ts
			}
			for _, t := range ts {
				if !seen[t] {
					seen[t] = true
					variantDF[t]++
				}
			}
		}
	}
	pos := 0
	for _, text := range texts {
		seen := map[string]bool{}
		subject, _, _ := strings.Cut(text, "\n")
		subjectEnd := len(words(withoutPlaceholders(subject)))
		for k, w := range words(withoutPlaceholders(text)) {
			ts := wordTerms[w]
			if len(ts) == 0 {
				continue
			}
			t := ts[0]
			for _, v := range ts[1:] {
				if variantDF[v] > variantDF[t] {
					t = v
				}
			}
			if generic[t] || len([]rune(t)) < 3 || allDigits(t) {
				continue
			}
			if surface[t] == nil {
				surface[t] = map[string]int{}
				first[t] = pos
			}
			surface[t][tagForm(w)]++
			tf[t]++
			if k < subjectEnd {
				inSubject[t]++
			}
			if !seen[t] {
				seen[t] = true
				df[t]++
			}
			pos++
		}
	}
	cands := make([]string, 0, len(df))
	for t := range df {
		cands = append(cands, t)
	}
	slices.SortFunc(cands, func(a, b string) int {
		if c := cmp.Compare(df[b], df[a]); c != 0 {
			return c
		}
		if c := cmp.Compare(inSubject[b], inSubject[a]); c != 0 {
			return c
		}
		if c := cmp.Compare(tf[b], tf[a]); c != 0 {
			return c
		}
		return cmp.Compare(first[a], first[b])
	})
	var tags []string
	for _, t := range cands {
		if len(tags) == 4 {
			break
		}
		// With several tickets, a tag must come up in more than one of them.
		if len(texts) > 1 && df[t] < 2 {
			break
		}
		tag := mostCommonForm(surface[t])
		if !slices.Contains(tags, tag) {
			tags = append(tags, tag)
		}
	}
	return tags
}

// tagForm lowercases a word unless it is an acronym or product name ("KSeF", "OCR", "JPK").
func tagForm(w string) string {
	upper := 0
	for _, r := range w {
		if unicode.IsUpper(r) {
			upper++
		}
	}
	if upper >= 2 {
		return w
	}
	return strings.ToLower(w)
}

// mostCommonForm prefers the most frequent spelling, and among equals the one with Polish
// letters, then the shortest.
func mostCommonForm(forms map[string]int) string {
	best := ""
	for f, n := range forms {
		switch {
		case best == "":
			best = f
		case n != forms[best]:
			if n > forms[best] {
				best = f
			}
		case hasPolishDiacritics(f) != hasPolishDiacritics(best):
			if hasPolishDiacritics(f) {
				best = f
			}
		case len(f) != len(best):
			if len(f) < len(best) {
				best = f
			}
		case f < best:
			best = f
		}
	}
	return best
}
