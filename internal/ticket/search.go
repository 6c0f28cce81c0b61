package ticket

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// textCondition turns what an agent typed into the inbox's search box into SQL: the
// words must all occur in the ticket (subject or any message), each as a prefix so that
// Polish inflections match; a number also matches the ticket with that id and an e-mail
// address the tickets of that requester.
func textCondition(text string) (string, []any) {
	var alts []string
	var args []any
	if id, err := strconv.ParseInt(strings.TrimPrefix(text, "#"), 10, 64); err == nil && id > 0 {
		alts = append(alts, "t.id = ?")
		args = append(args, id)
	}
	if e := normalizeEmail(text); e != "" {
		alts = append(alts, "t.requester_id = (SELECT id FROM users WHERE email = ?)")
		args = append(args, e)
	}
	if tsq := tsQuery(text); tsq != "" {
		alts = append(alts, "t.search @@ to_tsquery('ticket_search', ?)")
		args = append(args, tsq)
	}
	if len(alts) == 0 {
		return "false", nil
	}
	if len(alts) == 1 {
		return alts[0], args
	}
	return "(" + strings.Join(alts, " OR ") + ")", args
}

// maxQueryWords bounds the work one search may ask of the index.
const maxQueryWords = 8

// tsQuery builds a to_tsquery expression from free text: the words joined with &, each
// cut to a stem-like prefix (see queryPrefix). Only letters and digits reach the
// expression, so nothing typed can change its syntax.
func tsQuery(text string) string {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	var terms []string
	seen := map[string]bool{}
	for _, w := range words {
		if len(terms) == maxQueryWords {
			break
		}
		if len(words) > 1 && stopWords[w] {
			continue
		}
		p := queryPrefix(w)
		if seen[p] {
			continue
		}
		seen[p] = true
		terms = append(terms, p+":*")
	}
	return strings.Join(terms, " & ")
}

// queryPrefix cuts the ending off a longer word so that its other forms match as well:
// Polish nouns and verbs change their last one or two letters ("faktura", "faktury",
// "fakturę" -> "faktur"). Short words are kept whole: they are mostly codes (KSeF, JPK).
func queryPrefix(w string) string {
	switch n := utf8.RuneCountInString(w); {
	case n >= 7:
		return string([]rune(w)[:n-2])
	case n >= 5:
		return string([]rune(w)[:n-1])
	default:
		return w
	}
}

// stopWords are the commonest Polish function words: they match nearly every ticket, so
// searching for them only costs time.
var stopWords = map[string]bool{
	"a": true, "aby": true, "albo": true, "ale": true, "bo": true, "by": true, "czy": true, "do": true,
	"i": true, "jak": true, "jest": true, "już": true, "ja": true, "mam": true, "mi": true, "mnie": true,
	"na": true, "nie": true, "o": true, "od": true, "po": true, "przy": true, "się": true, "sie": true,
	"tak": true, "to": true, "w": true, "we": true, "z": true, "za": true, "ze": true, "że": true,
	"co": true, "dla": true, "moje": true, "mój": true, "moj": true, "u": true,
}
