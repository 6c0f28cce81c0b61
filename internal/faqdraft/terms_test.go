package faqdraft

import "strings"

// prefixTerms is the test-only stand-in for the Polish pipeline: folded words without stop
// words, cut to five letters, which conflates most inflected forms ("faktura", "fakturze").
func prefixTerms(text string) []string {
	var out []string
	for _, w := range words(fold(text)) {
		if testStopWords[w] || len([]rune(w)) < 3 && !allDigits(w) {
			continue
		}
		if r := []rune(w); len(r) > 5 {
			w = string(r[:5])
		}
		out = append(out, w)
	}
	return out
}

var testStopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a aby ale bo by byc byl byla bylo byly czy dla do go i ich ja jak jaki jakie
	je jego jej jest jestem jeszcze juz ktora ktore ktory ma mam mamy mi mnie moge moj moze mozna my na nam nas
	nasz nasze naszej nie nic nim no o od on ona oni oraz po pod przez przy sa sie so ta tak tam te tego tej ten
	to tu tym u w we wam was z za ze zeby co gdzie kiedy dlaczego czemu ile tylko tez bardzo juz jesli jezeli
	czyli albo lub wiec the and nasza nasze naszego naszym moja moje mojego moim mozemy mozecie moga mogla mogl`) {
		m[w] = true
	}
	return m
}()
