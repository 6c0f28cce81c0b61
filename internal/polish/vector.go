package polish

import (
	"sort"
	"strconv"
	"strings"
)

// Weight is a PostgreSQL tsvector weight label; A ranks highest.
type Weight byte

// The weights used for parts of a document.
const (
	WeightA Weight = 'A'
	WeightB Weight = 'B'
	WeightC Weight = 'C'
	WeightD Weight = 'D'
)

// PostgreSQL limits: positions above 16383 are clamped, and a lexeme keeps at most 256.
const (
	maxPosition         = 16383
	maxPositionsPerTerm = 256
	fieldGap            = 8 // keeps phrases from spanning two fields
)

// Vector collects the terms of a document for a PostgreSQL tsvector of the 'simple' kind:
// the terms are computed here, PostgreSQL only stores and matches them.
type Vector struct {
	a     *Analyzer
	pos   int
	terms map[string][]int // term -> positions, each position<<2 | weight index
	words map[string]struct{}
}

// NewVector starts an empty document vector.
func (a *Analyzer) NewVector() *Vector {
	return &Vector{a: a, terms: map[string][]int{}, words: map[string]struct{}{}}
}

// Add adds the terms of text with a weight; positions continue from the previous text.
func (v *Vector) Add(text string, w Weight) { v.AddMarked(text, w, "") }

// AddMarked adds the terms of text like Add and, when mark is not empty, each term once
// more with mark in front ("^faktur" for a title word): a query for the marked terms finds
// the documents with the word in that field straight from the index, where a weight
// restriction would have to read every candidate's vector. Marks must not start with a
// letter or digit, so that no prefix query of a word can reach them.
func (v *Vector) AddMarked(text string, w Weight, mark string) {
	base := v.pos
	if base > 0 {
		base += fieldGap
	}
	last := 0
	for _, t := range Tokenize(text) {
		terms := v.a.WordTerms(t.Word)
		if len(terms) == 0 {
			continue
		}
		if !t.Compound {
			v.words[Fold(t.Word)] = struct{}{}
		}
		pos := base + t.Pos
		if pos > last {
			last = pos
		}
		if pos > maxPosition {
			pos = maxPosition
		}
		for _, term := range terms {
			v.addPosition(term, pos, w)
			if mark != "" {
				v.addPosition(mark+term, pos, w)
			}
		}
	}
	if last > v.pos {
		v.pos = last
	}
}

func (v *Vector) addPosition(term string, pos int, w Weight) {
	ps := v.terms[term]
	if len(ps) < maxPositionsPerTerm {
		v.terms[term] = append(ps, pos<<2|int('D'-w))
	}
}

// Words returns the distinct folded words of the document, sorted (the vocabulary for
// typo correction).
func (v *Vector) Words() []string {
	out := make([]string, 0, len(v.words))
	for w := range v.words {
		out = append(out, w)
	}
	sort.Strings(out)
	return out
}

// Terms returns the distinct terms of the document, sorted.
func (v *Vector) Terms() []string {
	out := make([]string, 0, len(v.terms))
	for t := range v.terms {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// String renders the vector in PostgreSQL's tsvector input syntax ('term':1A,7 ...).
func (v *Vector) String() string {
	var b strings.Builder
	for i, term := range v.Terms() {
		if i > 0 {
			b.WriteByte(' ')
		}
		writeLexeme(&b, term)
		b.WriteByte(':')
		for j, p := range v.terms[term] {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(p >> 2))
			if w := 'D' - byte(p&3); w != 'D' {
				b.WriteByte(w)
			}
		}
	}
	return b.String()
}
