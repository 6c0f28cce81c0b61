package polish

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// conflation measures a stemming variant on inflectionGroups: the share of pairs of forms
// of one word that share a term (higher is better) and the share of pairs of forms of
// different words that do (lower is better).
func conflation(t *testing.T, s Stemming) (within, across float64) {
	t.Helper()
	a, err := New(WithStemming(s))
	if err != nil {
		t.Fatal(err)
	}
	var inPairs, inHits, outPairs, outHits int
	for gi, g := range inflectionGroups {
		for i := range g {
			for j := i + 1; j < len(g); j++ {
				inPairs++
				if shareTerm(a.WordTerms(g[i]), a.WordTerms(g[j])) {
					inHits++
				}
			}
			for gj := gi + 1; gj < len(inflectionGroups); gj++ {
				for _, other := range inflectionGroups[gj] {
					outPairs++
					if shareTerm(a.WordTerms(g[i]), a.WordTerms(other)) {
						outHits++
					}
				}
			}
		}
	}
	return float64(inHits) / float64(inPairs), float64(outHits) / float64(outPairs)
}

func TestStemmingVariants(t *testing.T) {
	variants := []struct {
		name string
		s    Stemming
	}{
		{"none (folded word)", StemNone},
		{"Stempel", StemStempel},
		{"Stempel, word and folded word", StemStempelBoth},
		{"light stemmer on folded word", StemLight},
		{"Stempel both + light (default)", StemStempelAndLight},
	}
	results := map[Stemming]float64{}
	for _, v := range variants {
		within, across := conflation(t, v.s)
		results[v.s] = within
		fmt.Printf("%-34s same word: %5.1f%%  different words: %.3f%%\n", v.name, 100*within, 100*across)
		if across > 0.002 {
			t.Errorf("%s conflates different words too often: %.3f%%", v.name, 100*across)
		}
	}
	for s, within := range results {
		if within > results[StemStempelAndLight] {
			t.Errorf("variant %d conflates more forms (%.3f) than the default (%.3f)", s, within, results[StemStempelAndLight])
		}
	}
	if results[StemStempelAndLight] < 0.9 {
		t.Errorf("default stemming conflates only %.1f%% of inflected pairs", 100*results[StemStempelAndLight])
	}
}

// readFamilies loads testdata/families.txt: forms of one word per line.
func readFamilies(t *testing.T) [][]string {
	t.Helper()
	data, err := os.ReadFile("testdata/families.txt")
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for _, line := range strings.Split(string(data), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, strings.Fields(line))
		}
	}
	return out
}

// familyConflation measures a variant on dictionary word families: the mean share of pairs
// of forms of one word that share a term, the same with the first form typed without
// diacritics, and the share of pairs of forms of different words that share a term.
func familyConflation(t *testing.T, fams [][]string, s Stemming) (within, folded, across float64) {
	t.Helper()
	a, err := New(WithStemming(s))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		pairs, hits, fhits := 0, 0, 0
		for i := range f {
			for j := range f {
				if i == j {
					continue
				}
				pairs++
				if shareTerm(a.WordTerms(f[i]), a.WordTerms(f[j])) {
					hits++
				}
				if shareTerm(a.WordTerms(Fold(f[i])), a.WordTerms(f[j])) {
					fhits++
				}
			}
		}
		within += float64(hits) / float64(pairs)
		folded += float64(fhits) / float64(pairs)
	}
	within /= float64(len(fams))
	folded /= float64(len(fams))
	pairs, hits := 0, 0
	for i := range fams {
		for j := i + 1; j < len(fams); j++ {
			pairs++
			if shareTerm(a.WordTerms(fams[i][0]), a.WordTerms(fams[j][0])) {
				hits++
			}
		}
	}
	return within, folded, float64(hits) / float64(pairs)
}

func TestStemmingOnDictionaryFamilies(t *testing.T) {
	fams := readFamilies(t)
	results := map[Stemming][3]float64{}
	for _, v := range []struct {
		name string
		s    Stemming
	}{
		{"none (folded word)", StemNone},
		{"Stempel", StemStempel},
		{"Stempel, word and folded word", StemStempelBoth},
		{"light stemmer on folded word", StemLight},
		{"Stempel both + light (default)", StemStempelAndLight},
	} {
		w, f, x := familyConflation(t, fams, v.s)
		results[v.s] = [3]float64{w, f, x}
		fmt.Printf("%-34s same word: %5.1f%%  typed without diacritics: %5.1f%%  different words: %.3f%%\n", v.name, 100*w, 100*f, 100*x)
	}
	def := results[StemStempelAndLight]
	if def[0] < results[StemStempel][0] || def[1] < results[StemStempel][1] {
		t.Errorf("default stemming %v is worse than Stempel alone %v", def, results[StemStempel])
	}
	if def[2] > 0.005 {
		t.Errorf("default stemming conflates %.3f%% of unrelated words", 100*def[2])
	}
}
