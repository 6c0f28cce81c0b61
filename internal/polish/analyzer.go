package polish

import (
	"sync"
	"unicode/utf8"
)

// Stemming selects which stems a word is indexed and searched under. The default,
// StemStempelAndLight, is the best of the measured variants (docs/search.md); the others
// exist so the measurement can be repeated.
type Stemming int

const (
	// StemStempelAndLight indexes the Stempel stem of the word as written, the Stempel stem
	// of its folded form, and the light stems of the folded form.
	StemStempelAndLight Stemming = iota
	// StemStempel indexes only the Stempel stem of the word as written (folded afterwards).
	StemStempel
	// StemStempelBoth indexes the Stempel stems of the word as written and of its folded form.
	StemStempelBoth
	// StemLight indexes only the light stems of the folded word.
	StemLight
	// StemNone indexes the folded word itself.
	StemNone
)

// Analyzer turns text into terms. It is safe for concurrent use; create one per process
// (New is cheap after the first call) and share it.
type Analyzer struct {
	stemming Stemming
	synonyms *Synonyms

	mu    sync.RWMutex
	cache map[string][]string

	phrasesOnce sync.Once
	phrases     []synonymPhrase
}

// maxCachedWords bounds the per-word cache; a help center's vocabulary is a few tens of
// thousands of words, so the cache only resets when someone feeds it noise.
const maxCachedWords = 200_000

// Option configures an Analyzer.
type Option func(*Analyzer)

// WithSynonyms adds synonym groups to the built-in ones. Each group lists words or phrases
// that mean the same thing ("korekta", "faktura korygująca").
func WithSynonyms(groups [][]string) Option {
	return func(a *Analyzer) { a.synonyms = a.synonyms.With(groups) }
}

// WithoutDefaultSynonyms drops the built-in synonym groups (groups given by WithSynonyms
// after it still apply).
func WithoutDefaultSynonyms() Option {
	return func(a *Analyzer) { a.synonyms = &Synonyms{} }
}

// WithStemming selects the stemming variant; see Stemming.
func WithStemming(s Stemming) Option {
	return func(a *Analyzer) { a.stemming = s }
}

// New returns an analyzer with the built-in synonyms and the default stemming. It fails
// only if the embedded Stempel table cannot be read.
func New(opts ...Option) (*Analyzer, error) {
	if _, err := loadStempel(); err != nil {
		return nil, err
	}
	a := &Analyzer{cache: map[string][]string{}}
	a.synonyms = (&Synonyms{}).With(DefaultSynonyms)
	for _, o := range opts {
		o(a)
	}
	return a, nil
}

var defaultAnalyzer = sync.OnceValues(func() (*Analyzer, error) { return New() })

// Default returns the process-wide analyzer with the built-in synonyms. It panics if the
// embedded Stempel table is broken, which a build cannot ship (tests load it).
func Default() *Analyzer {
	a, err := defaultAnalyzer()
	if err != nil {
		panic("polish: load Stempel table: " + err.Error())
	}
	return a
}

// Synonyms returns the analyzer's synonym groups.
func (a *Analyzer) Synonyms() *Synonyms { return a.synonyms }

// WordTerms returns the index terms of one lower-case word: its stems, folded, without
// duplicates. Stop words and one-letter words have none.
func (a *Analyzer) WordTerms(word string) []string {
	a.mu.RLock()
	terms, ok := a.cache[word]
	a.mu.RUnlock()
	if ok {
		return terms
	}
	terms = a.wordTerms(word)
	a.mu.Lock()
	if len(a.cache) >= maxCachedWords {
		a.cache = make(map[string][]string, 1024)
	}
	a.cache[word] = terms
	a.mu.Unlock()
	return terms
}

func (a *Analyzer) wordTerms(word string) []string {
	folded := Fold(word)
	if IsStopWord(word) || IsStopWord(folded) || utf8.RuneCountInString(word) < 2 {
		return nil
	}
	var terms []string
	add := func(t string) {
		if t == "" {
			return
		}
		for _, have := range terms {
			if have == t {
				return
			}
		}
		terms = append(terms, t)
	}
	switch a.stemming {
	case StemNone:
		add(folded)
	case StemLight:
		for _, s := range LightStem(folded) {
			add(s)
		}
	case StemStempel:
		add(Fold(StempelStem(word)))
	case StemStempelBoth:
		add(Fold(StempelStem(word)))
		if folded != word {
			add(Fold(StempelStem(folded)))
		}
	default:
		add(Fold(StempelStem(word)))
		if folded != word {
			add(Fold(StempelStem(folded)))
		}
		for _, s := range LightStem(folded) {
			add(s)
		}
	}
	if len(terms) == 0 {
		add(folded)
	}
	return terms
}

// Terms returns the index terms of a text in reading order: for every word that is not a
// stop word, its terms (one to four per word). Texts about the same thing share terms
// however they are inflected and whether or not diacritics were typed, which is what
// similarity measures over tickets and articles need.
func (a *Analyzer) Terms(text string) []string {
	var out []string
	for _, t := range Tokenize(text) {
		out = append(out, a.WordTerms(t.Word)...)
	}
	return out
}

// Terms returns Default().Terms(text).
func Terms(text string) []string { return Default().Terms(text) }
