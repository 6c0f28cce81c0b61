package ticket

import (
	"strconv"
	"strings"

	"github.com/helpcenter/helpcenter/internal/polish"
)

// SearchTerms returns the distinct search terms of texts (internal/polish: stems, folded
// diacritics), as stored in tickets.search through array_to_tsvector. The terms are
// computed here rather than by a PostgreSQL dictionary, so any PostgreSQL can hold them
// and queries match whatever inflection or spelling the ticket used.
func SearchTerms(texts ...string) []string {
	a := polish.Default()
	seen := map[string]struct{}{}
	out := []string{}
	for _, text := range texts {
		for _, t := range a.Terms(text) {
			if t == "" {
				continue
			}
			if _, ok := seen[t]; !ok {
				seen[t] = struct{}{}
				out = append(out, t)
			}
		}
	}
	return out
}

// textCondition turns what an agent typed into the inbox's search box into SQL: every
// word (in any of its forms, or a synonym) must occur in the ticket's subject or one of
// its messages; stop words are ignored. A number also matches the ticket with that id,
// and an e-mail address matches the tickets of that requester. words reports whether the
// condition searches words (an address does not: it is as selective as any filter).
func textCondition(text string) (cond string, args []any, words bool) {
	if e := normalizeEmail(text); e != "" {
		// An address stands for its owner, not for the words it is made of.
		return "t.requester_id = (SELECT id FROM users WHERE email = ?)", []any{e}, false
	}
	var alts []string
	if id, err := strconv.ParseInt(strings.TrimPrefix(text, "#"), 10, 64); err == nil && id > 0 {
		alts = append(alts, "t.id = ?")
		args = append(args, id)
	}
	// A trailing space: the inbox searches whole words, not as-you-type prefixes, which
	// GIN can only answer by collecting every matching ticket first.
	if q := polish.Default().ParseQuery(text + " "); !q.Empty() {
		alts = append(alts, "t.search @@ ?::tsquery")
		args = append(args, q.TSQuery(true, ""))
		words = true
	}
	switch len(alts) {
	case 0:
		return "false", nil, false
	case 1:
		return alts[0], args, words
	}
	return "(" + strings.Join(alts, " OR ") + ")", args, words
}
