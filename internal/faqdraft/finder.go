package faqdraft

import (
	"cmp"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Question is one ticket as the recurring-questions finder sees it.
type Question struct {
	TicketID int64
	Subject  string
	// Body is the requester's first message; greetings and signatures are removed here.
	Body    string
	AskedAt time.Time
}

// Group is a set of tickets that ask the same thing.
type Group struct {
	// TicketIDs lists the group's tickets, most recently asked first.
	TicketIDs []int64
	Count     int
	// FirstAskedAt and LastAskedAt bound when the question was asked.
	FirstAskedAt, LastAskedAt time.Time
	// RepresentativeID is the ticket closest to the group's centre: its question stands for
	// the group.
	RepresentativeID int64
	// Terms are the group's strongest terms, for display and for matching articles.
	Terms []string
	// Score ranks groups: every ticket counts, recent ones more (see Finder.HalfLife).
	Score float64
}

// Finder groups tickets that ask the same question, using TF-IDF vectors over the terms of
// the subject and the first message (greeting, signature, links and numbers removed) and
// cosine similarity.
//
// The term function runs once per distinct word, not per ticket. When it gives several terms
// for one word (stem variants, with and without diacritics), the word counts as the variant
// found in most tickets, so differently typed forms of a word become one term and one shared
// word counts once.
//
// The grouping is leader clustering in the order the questions were asked: each ticket joins
// the most similar group if the similarity reaches Threshold, otherwise it starts a new
// group. Candidate groups come from an inverted index on each ticket's few strongest
// (rarest) terms, so a ticket is compared with a bounded number of groups rather than with
// every other ticket. Two passes then repair what the order got wrong: groups whose centres
// are similar are merged, and every ticket moves to the group whose centre it is now closest
// to. The cost is linear in the number of tickets: a full recomputation over a million
// generated tickets takes about 22 s of CPU time with the Polish pipeline (see
// finder_bench_test.go).
type Finder struct {
	// Terms turns text into terms (the shared Polish pipeline); required.
	Terms TermFunc
	// Threshold is the cosine similarity a ticket needs to its group's centre; 0 means
	// DefaultThreshold.
	Threshold float64
	// PairThreshold is the cosine similarity a ticket needs to a single other ticket to
	// start a group with it; 0 means DefaultPairThreshold. It is higher than Threshold
	// because two short messages can share a couple of rare words by chance, while a group's
	// centre averages several wordings of the question.
	PairThreshold float64
	// MergeThreshold is the cosine similarity between two group centres above which the
	// groups merge; 0 means DefaultMergeThreshold.
	MergeThreshold float64
	// MinGroupSize is the smallest group returned; 0 means 2.
	MinGroupSize int
	// SubjectWeight scales the subject's terms against the message's; 0 means 1. Generic
	// subjects ("Pytanie", "pilne") carry no terms anyway (see genericQuestionWords).
	SubjectWeight float64
	// HalfLife is how fast old tickets stop counting in Group.Score; 0 means 30 days.
	HalfLife time.Duration
	// Now is the reference time for Score; zero means the latest AskedAt.
	Now time.Time
	// Workers is how many goroutines read the tickets and run the term function; 0 means
	// GOMAXPROCS.
	Workers int
}

// Defaults for the Finder, measured on the seed tickets (see finder_test.go).
const (
	DefaultThreshold      = 0.20
	DefaultPairThreshold  = 0.35
	DefaultMergeThreshold = 0.30
)

// Limits that keep the grouping linear.
const (
	// keyTerms is how many of a ticket's strongest terms index it and find its candidates.
	keyTerms = 5
	// candidatesPerTerm bounds how many groups are looked at per key term, the most
	// recently touched first; maxCandidates bounds them per ticket, those listed under most
	// of its key terms first.
	candidatesPerTerm = 48
	maxCandidates     = 24
	// minShared is how many terms a ticket must share with a group's centre to join it.
	minShared = 2
	// uniqueTermWeight scales the weight of a term found in one ticket only: it cannot match
	// anything but makes the vector longer (see vectorizeIDs); half of its idf weight keeps
	// typos from hiding a match while unrelated messages stay apart.
	uniqueTermWeight = 0.5
	// reassignRounds is how many times tickets move to their closest centre; the second
	// round settles most of what the first one moved.
	reassignRounds = 2
)

// genericQuestionWords are words of support mail that say nothing about the question. They
// are turned into terms with the Finder's own term function, so they match whatever stemming
// it does.
var genericQuestionWords = []string{
	"pytanie", "pytania", "problem", "problemy", "pomoc", "pomocy", "program",
	"programie", "programem", "proszę", "prośba", "pilne", "pilnie", "dzień", "dobry", "witam",
	"pozdrawiam", "dziękuję", "dzięki", "szybką", "odpowiedź", "zgłoszenie", "sprawa", "zapytanie",
	"hej", "cześć", "państwo", "szanowni", "re", "fw", "fwd", "odp", "wasz", "waszym", "waszej",
}

// Group groups the questions and returns the groups of at least MinGroupSize tickets, best
// ranked first.
func (f *Finder) Group(qs []Question) []Group {
	return f.Cluster(qs).Groups()
}

// Clustering is the result of a full grouping. Besides the groups, it can place a new
// ticket into an existing group (Match) until the next full recomputation; Match may be
// called from several goroutines.
type Clustering struct {
	finder   *Finder
	vocab    map[string]int32
	idf      []float32
	stop     map[string]bool
	postings [][]int32
	groups   []Group
	// groupOf maps a cluster index to its position in groups (-1 when too small).
	groupOf  []int
	clusters []*cluster
	// denseBytes is the memory taken by dense centres.
	denseBytes int
	// uniqueIDF is the idf of a term found in one ticket only.
	uniqueIDF float64
	// termDF counts the tickets in which any word gives each term; it picks a word's term.
	termDF []int32
}

type termWeight struct {
	term int32
	w    float32
}

// vector is a sparse unit vector sorted by term.
type vector []termWeight

type cluster struct {
	members []int32
	// sum is the sum of the members' unit vectors: sparse and sorted while small, a map once
	// it has many terms (adding to a sorted slice costs its length), and a dense array over
	// the vocabulary for the largest groups, which are compared with almost every ticket.
	sum     vector
	sumMap  map[int32]float32
	dense   []float32
	norm2   float64
	alive   bool
	indexed map[int32]bool
	// mergedInto is the cluster this one was merged into, -1 if none.
	mergedInto int32
}

// mapAfter is the number of terms above which a centre becomes a map; denseAfter the number
// of members above which it becomes a dense array, within denseBudget bytes in all.
const (
	mapAfter    = 192
	denseAfter  = 256
	denseBudget = 256 << 20
)

func (c *cluster) dot(v vector) float64 {
	s, _ := c.dotShared(v)
	return s
}

// dotShared returns the dot product with v and how many terms they share.
func (c *cluster) dotShared(v vector) (float64, int) {
	s, shared := 0.0, 0
	if c.dense != nil {
		for _, tw := range v {
			if w := c.dense[tw.term]; w > 1e-6 {
				s += float64(tw.w * w)
				shared++
			}
		}
		return s, shared
	}
	if c.sumMap != nil {
		for _, tw := range v {
			if w, ok := c.sumMap[tw.term]; ok && w > 1e-6 {
				s += float64(tw.w * w)
				shared++
			}
		}
		return s, shared
	}
	i, j := 0, 0
	for i < len(v) && j < len(c.sum) {
		switch {
		case v[i].term == c.sum[j].term:
			s += float64(v[i].w * c.sum[j].w)
			if c.sum[j].w > 1e-6 {
				shared++
			}
			i++
			j++
		case v[i].term < c.sum[j].term:
			i++
		default:
			j++
		}
	}
	return s, shared
}

func (c *cluster) cosine(v vector) float64 {
	if c.norm2 <= 0 {
		return 0
	}
	return c.dot(v) / math.Sqrt(c.norm2)
}

// similarity is the cosine to the centre, or 0 when fewer than minShared terms are shared:
// two short messages that happen to share one rare word are not the same question.
func (c *cluster) similarity(v vector) float64 {
	if c.norm2 <= 0 {
		return 0
	}
	d, shared := c.dotShared(v)
	if shared < min(minShared, len(v)) {
		return 0
	}
	return d / math.Sqrt(c.norm2)
}

// add adds (sign 1) or removes (sign -1) a unit vector, keeping the squared norm current.
func (c *cluster) add(v vector, sign float32) {
	c.norm2 += 2*float64(sign)*c.dot(v) + 1
	c.addSum(v, sign)
}

// addSum adds sign×v to the sum without touching the norm.
func (c *cluster) addSum(v vector, sign float32) {
	if c.dense != nil {
		for _, tw := range v {
			c.dense[tw.term] += sign * tw.w
		}
		return
	}
	if c.sumMap == nil && len(c.sum)+len(v) > mapAfter {
		c.sumMap = make(map[int32]float32, len(c.sum)+len(v))
		for _, tw := range c.sum {
			c.sumMap[tw.term] = tw.w
		}
		c.sum = nil
	}
	if c.sumMap != nil {
		for _, tw := range v {
			c.sumMap[tw.term] += sign * tw.w
		}
		return
	}
	merged := make(vector, 0, len(c.sum)+len(v))
	i, j := 0, 0
	for i < len(c.sum) || j < len(v) {
		switch {
		case j == len(v) || i < len(c.sum) && c.sum[i].term < v[j].term:
			merged = append(merged, c.sum[i])
			i++
		case i == len(c.sum) || v[j].term < c.sum[i].term:
			merged = append(merged, termWeight{v[j].term, sign * v[j].w})
			j++
		default:
			merged = append(merged, termWeight{c.sum[i].term, c.sum[i].w + sign*v[j].w})
			i++
			j++
		}
	}
	c.sum = merged
}

// each calls fn for every term of the centre.
func (c *cluster) each(fn func(term int32, w float32)) {
	if c.dense != nil {
		for t, w := range c.dense {
			if w != 0 {
				fn(int32(t), w)
			}
		}
		return
	}
	if c.sumMap != nil {
		for t, w := range c.sumMap {
			fn(t, w)
		}
		return
	}
	for _, tw := range c.sum {
		fn(tw.term, tw.w)
	}
}

// reset empties the group, keeping its dense array for reuse.
func (c *cluster) reset() {
	c.members, c.sum, c.sumMap, c.norm2 = nil, nil, nil, 0
	clear(c.dense)
}

// maybeDensify turns the centre of a large group into a dense array while the budget lasts.
func (cl *Clustering) maybeDensify(c *cluster) {
	size := len(cl.idf) * 4
	if c.dense != nil || len(c.members) < denseAfter || cl.denseBytes+size > denseBudget {
		return
	}
	cl.denseBytes += size
	dense := make([]float32, len(cl.idf))
	c.each(func(t int32, w float32) { dense[t] = w })
	c.dense, c.sum, c.sumMap = dense, nil, nil
}

// topTerms returns the n terms with the largest weight in the centre.
func (c *cluster) topTerms(n int) []int32 {
	var all vector
	c.each(func(t int32, w float32) {
		if w > 1e-6 {
			all = append(all, termWeight{t, w})
		}
	})
	slices.SortFunc(all, func(a, b termWeight) int {
		if c := cmp.Compare(b.w, a.w); c != 0 {
			return c
		}
		return cmp.Compare(a.term, b.term)
	})
	out := make([]int32, 0, n)
	for _, tw := range all[:min(n, len(all))] {
		out = append(out, tw.term)
	}
	return out
}

func (f *Finder) threshold() float64 {
	return cmp.Or(f.Threshold, DefaultThreshold)
}

func (f *Finder) pairThreshold() float64 {
	return max(cmp.Or(f.PairThreshold, DefaultPairThreshold), f.threshold())
}

// thresholdFor is the similarity a ticket needs to join a group of n tickets.
func (f *Finder) thresholdFor(n int) float64 {
	if n <= 1 {
		return f.pairThreshold()
	}
	return f.threshold()
}

func (f *Finder) mergeThreshold() float64 {
	return cmp.Or(f.MergeThreshold, DefaultMergeThreshold)
}

func (f *Finder) subjectWeight() float64 {
	return cmp.Or(f.SubjectWeight, 1)
}

// wordCount is a word of a question with its raw weight: 1 for each time it occurs in the
// message, SubjectWeight for each time in the subject.
type wordCount struct {
	word string
	n    float32
}

// questionWords returns the lowercase words of a question with their raw weights, sorted,
// without greeting, signature, links, e-mail addresses and numbers.
func (f *Finder) questionWords(q Question) []wordCount {
	body, _ := stripStructure(q.Body)
	// Links and addresses are unique to a ticket and their pieces ("https", "example") are
	// not words of the question.
	if strings.Contains(body, "://") || strings.Contains(body, "www.") {
		body = urlPattern.ReplaceAllString(body, " ")
	}
	if strings.Contains(body, "@") {
		body = emailPattern.ReplaceAllString(body, " ")
	}
	var out []wordCount
	add := func(text string, w float32) {
		for _, word := range words(text) {
			if !allDigits(word) {
				out = append(out, wordCount{strings.ToLower(word), w})
			}
		}
	}
	add(body, 1)
	add(replyPrefix.ReplaceAllString(q.Subject, ""), float32(f.subjectWeight()))
	slices.SortFunc(out, func(a, b wordCount) int { return strings.Compare(a.word, b.word) })
	merged := out[:0]
	for _, wc := range out {
		if k := len(merged) - 1; k >= 0 && merged[k].word == wc.word {
			merged[k].n += wc.n
			continue
		}
		merged = append(merged, wc)
	}
	return merged
}

// parallel runs fn over [0, n) in contiguous chunks on the given number of goroutines.
func parallel(n, workers int, fn func(lo, hi int)) {
	workers = max(1, min(workers, n))
	chunk := (n + workers - 1) / max(workers, 1)
	var wg sync.WaitGroup
	for lo := 0; lo < n; lo += chunk {
		hi := min(n, lo+chunk)
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(lo, hi)
		}()
	}
	wg.Wait()
}

// Cluster groups the questions and keeps what is needed to match new tickets later.
func (f *Finder) Cluster(qs []Question) *Clustering {
	if f.Terms == nil {
		panic("faqdraft: Finder.Terms is required")
	}
	cl := &Clustering{finder: f, stop: map[string]bool{}}
	for _, t := range f.Terms(strings.Join(genericQuestionWords, " ")) {
		cl.stop[t] = true
	}
	workers := cmp.Or(f.Workers, runtime.GOMAXPROCS(0))

	// Words, on all cores; then terms once per distinct word, also on all cores, since the
	// term function is the expensive part and a million tickets use far fewer words.
	raw := make([][]wordCount, len(qs))
	parallel(len(qs), workers, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			raw[i] = f.questionWords(qs[i])
		}
	})
	wordIDs := map[string]int32{}
	var wordList []string
	docWords := make([][]int32, len(qs))
	for i, wcs := range raw {
		row := make([]int32, len(wcs))
		for k, wc := range wcs {
			id, ok := wordIDs[wc.word]
			if !ok {
				id = int32(len(wordList))
				wordIDs[wc.word] = id
				wordList = append(wordList, wc.word)
			}
			row[k] = id
		}
		docWords[i] = row
	}
	wordTerms := make([][]string, len(wordList))
	parallel(len(wordList), workers, func(lo, hi int) {
		for w := lo; w < hi; w++ {
			wordTerms[w] = f.Terms(wordList[w])
		}
	})

	// Document frequency of every term any word gives, then one term per word: the variant
	// most tickets share. A stemmer may give "hasło" and "hasla" different first stems but a
	// common second one; choosing by frequency makes both words the same term.
	cl.vocab = map[string]int32{}
	var termDF []int32
	wordTermIDs := make([][]int32, len(wordList))
	for w, ts := range wordTerms {
		for _, t := range ts {
			if cl.stop[t] || allDigits(t) {
				wordTermIDs[w] = nil // a generic word in any of its forms says nothing
				break
			}
			id, ok := cl.vocab[t]
			if !ok {
				id = int32(len(termDF))
				cl.vocab[t] = id
				termDF = append(termDF, 0)
			}
			wordTermIDs[w] = append(wordTermIDs[w], id)
		}
	}
	seenTerm := make([]int32, len(termDF))
	for i := range seenTerm {
		seenTerm[i] = -1
	}
	for i, row := range docWords {
		for _, w := range row {
			for _, t := range wordTermIDs[w] {
				if seenTerm[t] != int32(i) {
					seenTerm[t] = int32(i)
					termDF[t]++
				}
			}
		}
	}
	cl.termDF = termDF
	canonical := make([]int32, len(wordList))
	for w, ids := range wordTermIDs {
		canonical[w] = cl.canonicalTerm(ids)
	}

	// Document frequencies of the chosen terms give the idf; a term of one ticket only
	// cannot link it to another and stays out of the vectors (it still counts in their
	// length, see vectorizeIDs).
	df := make([]int32, len(termDF))
	ids := make([][]int32, len(qs))
	weights := make([][]float32, len(qs))
	for i, row := range docWords {
		ids[i], weights[i] = mergeTerms(row, raw[i], canonical)
		for _, t := range ids[i] {
			if t >= 0 {
				df[t]++
			}
		}
	}
	n := float64(len(qs))
	cl.uniqueIDF = math.Log(math.Max(n, 2))
	cl.idf = make([]float32, len(df))
	for id, d := range df {
		if d >= 2 {
			cl.idf[id] = float32(math.Log(n / float64(d)))
		}
	}
	vecs := make([]vector, len(qs))
	parallel(len(qs), workers, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			vecs[i] = cl.vectorizeIDs(ids[i], weights[i])
			raw[i], ids[i], weights[i], docWords[i] = nil, nil, nil, nil
		}
	})

	order := make([]int32, len(qs))
	for i := range order {
		order[i] = int32(i)
	}
	sort.SliceStable(order, func(a, b int) bool {
		qa, qb := qs[order[a]], qs[order[b]]
		if !qa.AskedAt.Equal(qb.AskedAt) {
			return qa.AskedAt.Before(qb.AskedAt)
		}
		return qa.TicketID < qb.TicketID
	})

	cl.postings = make([][]int32, len(df))
	assign := make([]int32, len(qs))
	seen := newMarker(0)

	// Pass 1: leader clustering in the order of asking.
	for _, i := range order {
		v := vecs[i]
		if len(v) == 0 {
			assign[i] = -1
			continue
		}
		best, bestSim := int32(-1), 0.0
		for _, c := range cl.candidates(v, seen) {
			cs := cl.clusters[c]
			if s := cs.similarity(v); s >= f.thresholdFor(len(cs.members)) && s > bestSim {
				best, bestSim = c, s
			}
		}
		if best < 0 {
			best = int32(len(cl.clusters))
			cl.clusters = append(cl.clusters, &cluster{alive: true, indexed: map[int32]bool{}, mergedInto: -1})
			seen.grow(len(cl.clusters))
		}
		c := cl.clusters[best]
		c.members = append(c.members, i)
		c.add(v, 1)
		cl.maybeDensify(c)
		cl.index(best, v)
		assign[i] = best
	}

	// Pass 2: merge groups whose centres are close, larger groups absorbing smaller ones.
	cl.mergeClusters(seen)

	// Pass 3: move every ticket to the centre it is closest to now.
	for i, c := range assign {
		if c >= 0 {
			assign[i] = cl.resolve(c)
		}
	}
	for iter := 0; iter < reassignRounds; iter++ {
		assign = cl.reassign(vecs, assign, workers)
		for _, c := range cl.clusters {
			c.reset()
		}
		for _, i := range order {
			if c := assign[i]; c >= 0 {
				cs := cl.clusters[c]
				cs.alive = true
				cs.members = append(cs.members, i)
				cs.add(vecs[i], 1)
				cl.maybeDensify(cs)
			}
		}
	}

	cl.buildGroups(qs, vecs)
	return cl
}

// resolve follows merges to the group a cluster now belongs to.
func (cl *Clustering) resolve(c int32) int32 {
	for cl.clusters[c].mergedInto >= 0 {
		c = cl.clusters[c].mergedInto
	}
	return c
}

// reassign returns, for every ticket, the group whose centre it is closest to, comparing
// with its own group's centre without itself; the centres stay fixed meanwhile, so the
// tickets are looked at in parallel.
func (cl *Clustering) reassign(vecs []vector, assign []int32, workers int) []int32 {
	f := cl.finder
	moves := make([]int32, len(vecs))
	parallel(len(vecs), workers, func(lo, hi int) {
		seen := newMarker(len(cl.clusters))
		for i := lo; i < hi; i++ {
			v := vecs[i]
			moves[i] = assign[i]
			if len(v) == 0 || assign[i] < 0 {
				continue
			}
			own := cl.clusters[assign[i]]
			ownSim := 0.0
			if d := own.dot(v); len(own.members) > 1 {
				if rest := own.norm2 - 2*d + 1; rest > 1e-9 {
					ownSim = (d - 1) / math.Sqrt(rest)
				}
			}
			best, bestSim := assign[i], ownSim
			for _, c := range cl.candidates(v, seen) {
				cs := cl.clusters[c]
				if c == assign[i] {
					continue
				}
				if s := cs.similarity(v); s >= f.thresholdFor(len(cs.members)) && s > bestSim+0.02 {
					best, bestSim = c, s
				}
			}
			moves[i] = best
		}
	})
	return moves
}

// canonicalTerm picks, among the terms one word gives, the one found in most tickets; -1
// when the word gives none.
func (cl *Clustering) canonicalTerm(ids []int32) int32 {
	best := int32(-1)
	for _, t := range ids {
		if best < 0 || cl.termDF[t] > cl.termDF[best] {
			best = t
		}
	}
	return best
}

// mergeTerms turns a ticket's words into its terms with summed weights, sorted by term.
func mergeTerms(words []int32, wcs []wordCount, canonical []int32) ([]int32, []float32) {
	type tw struct {
		t int32
		w float32
	}
	var all []tw
	for k, w := range words {
		if t := canonical[w]; t >= 0 {
			all = append(all, tw{t, wcs[k].n})
		}
	}
	slices.SortFunc(all, func(a, b tw) int { return cmp.Compare(a.t, b.t) })
	ids := make([]int32, 0, len(all))
	ws := make([]float32, 0, len(all))
	for _, x := range all {
		if k := len(ids) - 1; k >= 0 && ids[k] == x.t {
			ws[k] += x.w
			continue
		}
		ids = append(ids, x.t)
		ws = append(ws, x.w)
	}
	return ids, ws
}

// vectorizeIDs turns the raw weights of known terms into a unit TF-IDF vector; terms
// seen in only one ticket (idf 0) are dropped.
func (cl *Clustering) vectorizeIDs(ids []int32, weights []float32) vector {
	v := make(vector, 0, len(ids))
	norm := 0.0
	for k, id := range ids {
		c := float64(weights[k])
		tfw := 1 + math.Log(math.Max(c, 1))
		if c < 1 {
			tfw = c // subject-only terms keep a lower weight
		}
		if id < 0 || cl.idf[id] == 0 {
			// A term of this ticket alone cannot match anything, but it still weighs in the
			// length of the vector: a message made mostly of words nobody else used is not
			// the same question as another one it shares two words with.
			w := tfw * cl.uniqueIDF * uniqueTermWeight
			norm += w * w
			continue
		}
		w := tfw * float64(cl.idf[id])
		v = append(v, termWeight{id, float32(w)})
		norm += w * w
	}
	if len(v) == 0 {
		return nil
	}
	norm = math.Sqrt(norm)
	for k := range v {
		v[k].w = float32(float64(v[k].w) / norm)
	}
	slices.SortFunc(v, func(a, b termWeight) int { return cmp.Compare(a.term, b.term) })
	return v
}

// vectorize turns a new question into a vector over the vocabulary of the last full
// grouping; words it did not know count as words of this ticket only.
func (cl *Clustering) vectorize(q Question) vector {
	wcs := cl.finder.questionWords(q)
	known := map[int32]float32{}
	var ids []int32
	var weights []float32
	for _, wc := range wcs {
		var variants []int32
		generic := false
		for _, t := range cl.finder.Terms(wc.word) {
			if cl.stop[t] || allDigits(t) {
				generic = true
				break
			}
			if id, ok := cl.vocab[t]; ok {
				variants = append(variants, id)
			}
		}
		switch {
		case generic:
		case len(variants) > 0:
			known[cl.canonicalTerm(variants)] += wc.n
		default:
			ids = append(ids, -1)
			weights = append(weights, wc.n)
		}
	}
	for id, w := range known {
		ids = append(ids, id)
		weights = append(weights, w)
	}
	return cl.vectorizeIDs(ids, weights)
}

// keyTermsOf returns the strongest terms of a vector.
func keyTermsOf(v vector) []int32 {
	tops := slices.Clone(v)
	slices.SortFunc(tops, func(a, b termWeight) int {
		if c := cmp.Compare(b.w, a.w); c != 0 {
			return c
		}
		return cmp.Compare(a.term, b.term)
	})
	out := make([]int32, 0, keyTerms)
	for _, tw := range tops[:min(keyTerms, len(tops))] {
		out = append(out, tw.term)
	}
	return out
}

// index lists cluster c under the key terms of a new member, at the end of each posting so
// that the recently active groups are found first.
func (cl *Clustering) index(c int32, v vector) {
	cs := cl.clusters[c]
	for _, t := range keyTermsOf(v) {
		p := cl.postings[t]
		if cs.indexed[t] && len(p) > 0 && slices.Contains(p[max(0, len(p)-candidatesPerTerm/2):], c) {
			continue
		}
		cs.indexed[t] = true
		cl.postings[t] = append(p, c)
	}
}

// candidates returns the live groups listed under the key terms of v (at most
// candidatesPerTerm per term, the most recently touched first), those listed under more of
// the key terms first, and at most maxCandidates of them.
func (cl *Clustering) candidates(v vector, seen *marker) []int32 {
	seen.next()
	var out []int32
	for _, t := range keyTermsOf(v) {
		p := cl.postings[t]
		taken := 0
		for k := len(p) - 1; k >= 0 && taken < candidatesPerTerm; k-- {
			c := p[k]
			if !cl.clusters[c].alive {
				continue
			}
			if seen.has(c) {
				seen.hits[c]++
				continue
			}
			seen.set(c)
			seen.hits[c] = 1
			out = append(out, c)
			taken++
		}
	}
	if len(out) > maxCandidates {
		slices.SortStableFunc(out, func(a, b int32) int { return cmp.Compare(seen.hits[b], seen.hits[a]) })
		out = out[:maxCandidates]
	}
	return out
}

// mergeClusters merges groups whose centres are at least MergeThreshold similar, visiting
// the largest groups first.
func (cl *Clustering) mergeClusters(seen *marker) {
	th := cl.finder.mergeThreshold()
	order := make([]int32, 0, len(cl.clusters))
	for i, c := range cl.clusters {
		if len(c.members) > 1 {
			order = append(order, int32(i))
		}
	}
	slices.SortStableFunc(order, func(a, b int32) int {
		return cmp.Compare(len(cl.clusters[b].members), len(cl.clusters[a].members))
	})
	for _, ci := range order {
		c := cl.clusters[ci]
		if !c.alive {
			continue
		}
		centre := c.unit()
		for _, oi := range cl.candidates(centre, seen) {
			o := cl.clusters[oi]
			if oi == ci || !o.alive || len(o.members) > len(c.members) {
				continue
			}
			if cosineVectors(centre, o.unit()) < th {
				continue
			}
			c.members = append(c.members, o.members...)
			c.addCluster(o)
			for t := range o.indexed {
				if !c.indexed[t] {
					c.indexed[t] = true
					cl.postings[t] = append(cl.postings[t], ci)
				}
			}
			o.alive = false
			o.members = nil
			o.mergedInto = ci
		}
	}
}

// unit returns the centre as a unit vector.
func (c *cluster) unit() vector {
	var v vector
	norm := math.Sqrt(c.norm2)
	if norm == 0 {
		return nil
	}
	c.each(func(t int32, w float32) {
		if w > 1e-6 {
			v = append(v, termWeight{t, float32(float64(w) / norm)})
		}
	})
	slices.SortFunc(v, func(a, b termWeight) int { return cmp.Compare(a.term, b.term) })
	return v
}

// addCluster adds another group's sum to this one.
func (c *cluster) addCluster(o *cluster) {
	var ov vector
	o.each(func(t int32, w float32) { ov = append(ov, termWeight{t, w}) })
	slices.SortFunc(ov, func(a, b termWeight) int { return cmp.Compare(a.term, b.term) })
	c.addSum(ov, 1)
	c.norm2 = 0
	c.each(func(_ int32, w float32) { c.norm2 += float64(w) * float64(w) })
}

func cosineVectors(a, b vector) float64 {
	s := 0.0
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i].term == b[j].term:
			s += float64(a[i].w * b[j].w)
			i++
			j++
		case a[i].term < b[j].term:
			i++
		default:
			j++
		}
	}
	return s
}

// buildGroups turns clusters into ranked groups.
func (cl *Clustering) buildGroups(qs []Question, vecs []vector) {
	f := cl.finder
	minSize := cmp.Or(f.MinGroupSize, 2)
	now := f.Now
	if now.IsZero() {
		for _, q := range qs {
			if q.AskedAt.After(now) {
				now = q.AskedAt
			}
		}
	}
	halfLife := cmp.Or(f.HalfLife, 30*24*time.Hour)
	names := make([]string, len(cl.idf))
	for t, id := range cl.vocab {
		names[id] = t
	}
	cl.groupOf = make([]int, len(cl.clusters))
	for ci, c := range cl.clusters {
		cl.groupOf[ci] = -1
		if len(c.members) < minSize {
			continue
		}
		g := Group{Count: len(c.members)}
		members := slices.Clone(c.members)
		slices.SortFunc(members, func(a, b int32) int {
			if c := qs[b].AskedAt.Compare(qs[a].AskedAt); c != 0 {
				return c
			}
			return cmp.Compare(qs[b].TicketID, qs[a].TicketID)
		})
		bestSim := -1.0
		for _, m := range members {
			q := qs[m]
			g.TicketIDs = append(g.TicketIDs, q.TicketID)
			if g.FirstAskedAt.IsZero() || q.AskedAt.Before(g.FirstAskedAt) {
				g.FirstAskedAt = q.AskedAt
			}
			if q.AskedAt.After(g.LastAskedAt) {
				g.LastAskedAt = q.AskedAt
			}
			age := now.Sub(q.AskedAt)
			if age < 0 {
				age = 0
			}
			g.Score += math.Exp2(-float64(age) / float64(halfLife))
			if s := c.cosine(vecs[m]); s > bestSim || s == bestSim && q.TicketID < g.RepresentativeID {
				bestSim, g.RepresentativeID = s, q.TicketID
			}
		}
		for _, t := range c.topTerms(5) {
			g.Terms = append(g.Terms, names[t])
		}
		cl.groupOf[ci] = len(cl.groups)
		cl.groups = append(cl.groups, g)
	}
	// Rank; groupOf follows the groups through the sort.
	idx := make([]int, len(cl.groups))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		ga, gb := cl.groups[a], cl.groups[b]
		if c := cmp.Compare(gb.Score, ga.Score); c != 0 {
			return c
		}
		if c := cmp.Compare(gb.Count, ga.Count); c != 0 {
			return c
		}
		return gb.LastAskedAt.Compare(ga.LastAskedAt)
	})
	ranked := make([]Group, len(idx))
	pos := make([]int, len(idx))
	for newPos, old := range idx {
		ranked[newPos] = cl.groups[old]
		pos[old] = newPos
	}
	for ci, g := range cl.groupOf {
		if g >= 0 {
			cl.groupOf[ci] = pos[g]
		}
	}
	cl.groups = ranked
}

// Groups returns the groups of at least MinGroupSize tickets, best ranked first.
func (cl *Clustering) Groups() []Group {
	return cl.groups
}

// Match returns the index in Groups of the group a new question belongs to and its
// similarity, or -1 when it is not similar enough to any group. New terms are ignored until
// the next full recomputation.
func (cl *Clustering) Match(q Question) (int, float64) {
	v := cl.vectorize(q)
	if len(v) == 0 {
		return -1, 0
	}
	best, bestSim := -1, 0.0
	seen := newMarker(len(cl.clusters))
	for _, c := range cl.candidates(v, seen) {
		g := cl.groupOf[c]
		if g < 0 {
			continue
		}
		cs := cl.clusters[c]
		if s := cs.similarity(v); s >= cl.finder.thresholdFor(len(cs.members)) && s > bestSim {
			best, bestSim = g, s
		}
	}
	if best < 0 {
		return -1, 0
	}
	return best, bestSim
}

// marker is a reusable "seen" set over cluster indexes: a generation counter per index
// avoids clearing a map for every ticket.
type marker struct {
	gen  uint32
	mark []uint32
	hits []uint8
}

func newMarker(n int) *marker { return &marker{mark: make([]uint32, n), hits: make([]uint8, n)} }

func (m *marker) grow(n int) {
	for len(m.mark) < n {
		m.mark = append(m.mark, 0)
		m.hits = append(m.hits, 0)
	}
}

func (m *marker) next()            { m.gen++ }
func (m *marker) has(i int32) bool { return m.mark[i] == m.gen }
func (m *marker) set(i int32)      { m.mark[i] = m.gen }
