package polish

import (
	"strings"
	"testing"

	blevepl "github.com/blevesearch/bleve/v2/analysis/lang/pl"
	"github.com/google/go-cmp/cmp"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Zażółć gęślą jaźń", "Zazolc gesla jazn"},
		{"ŁÓDŹ", "LODZ"},
		{"café über", "cafe uber"},
		{"plain ascii 123", "plain ascii 123"},
		{"Привет", "Привет"},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTokenize(t *testing.T) {
	got := Tokenize("Wyślij e-mail: JPK_V7M, (faktura)!")
	want := []Token{
		{Word: "wyślij", Start: 0, End: 7, Pos: 1},
		{Word: "e", Start: 8, End: 9, Pos: 2},
		{Word: "mail", Start: 10, End: 14, Pos: 3},
		{Word: "email", Start: 8, End: 14, Pos: 2, Compound: true},
		{Word: "jpk", Start: 16, End: 19, Pos: 4},
		{Word: "v7m", Start: 20, End: 23, Pos: 5},
		{Word: "jpkv7m", Start: 16, End: 23, Pos: 4, Compound: true},
		{Word: "faktura", Start: 26, End: 33, Pos: 6},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Tokenize (-want +got):\n%s", diff)
	}
}

// The copied stop word list must stay the one Bleve ships.
func TestStopWordsAreBleves(t *testing.T) {
	var bleve []string
	for _, line := range strings.Split(string(blevepl.PolishStopWords), "\n") {
		if i := strings.Index(line, "|"); i >= 0 {
			line = line[:i]
		}
		if f := strings.Fields(line); len(f) > 0 {
			bleve = append(bleve, f[0])
		}
	}
	if diff := cmp.Diff(bleve, strings.Fields(stopWordList)); diff != "" {
		t.Errorf("stop words differ from Bleve's (-bleve +ours):\n%s", diff)
	}
	for _, w := range []string{"się", "sie", "że", "jak", "nie"} {
		if !IsStopWord(w) {
			t.Errorf("IsStopWord(%q) = false", w)
		}
	}
	if IsStopWord("faktura") {
		t.Error(`IsStopWord("faktura") = true`)
	}
}

func TestInflectedFormsShareTerms(t *testing.T) {
	a := Default()
	for _, g := range inflectionGroups {
		for i := range g {
			for j := i + 1; j < len(g); j++ {
				if !shareTerm(a.WordTerms(g[i]), a.WordTerms(g[j])) && !knownMiss[[2]string{Fold(g[i])[:4], Fold(g[j])[:4]}] {
					t.Errorf("%q %v and %q %v share no term", g[i], a.WordTerms(g[i]), g[j], a.WordTerms(g[j]))
				}
			}
		}
	}
}

// knownMiss lists the alternations the stemmers do not undo (miesiąc/miesięcy: ą -> ę in
// the stem), recorded so the test documents them instead of hiding them.
var knownMiss = map[[2]string]bool{{"mies", "mies"}: true}

func TestTermsOfTypicalQueries(t *testing.T) {
	a := Default()
	tests := []struct{ doc, query string }{
		{"Faktura korygująca", "faktury korygujacej"},
		{"Jak odzyskać usunięte dokumenty", "usuniety dokument odzyskac"},
		{"Nie pamiętam hasła", "nie pamietam hasla"},
		{"Płatność nie sparowała się z fakturą", "platnosci fakturze"},
		{"Integracja z Comarch ERP Optima", "integracji optimą"},
		{"Zdjęcia z aplikacji mobilnej", "zdjęć aplikacja"},
	}
	for _, tt := range tests {
		docTerms := a.Terms(tt.doc)
		for _, w := range a.ParseQuery(tt.query + " ").Groups {
			if !shareTerm(docTerms, w.Alternatives[0][0].Terms) {
				t.Errorf("query word %q %v not found in %q %v", w.Text, w.Alternatives[0][0].Terms, tt.doc, docTerms)
			}
		}
	}
	if got := a.Terms("i, że, się"); len(got) != 0 {
		t.Errorf("stop words gave terms %v", got)
	}
}

func TestParseQuery(t *testing.T) {
	a, err := New(WithStemming(StemLight), WithoutDefaultSynonyms(), WithSynonyms([][]string{{"korekta", "faktura korygująca"}}))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, query, all, anyTitle string
	}{
		{"prefix on the last word", "token ks", "((('token'))) & ((('ks' | 'ks':*)))", "((('token':A))) | ((('ks':A | 'ks':*A)))"},
		{"no prefix after a space", "token ", "((('token')))", "((('token':A)))"},
		{"stop words dropped", "jak to zrobić?", "((('zrobic')))", "((('zrobic':A)))"},
		{"synonym phrase", "korekty ", "((('korekt')) | (('faktur') & ('korygujac')))", ""},
		{"phrase found inflected", "faktury korygującej ", "((('faktur') & ('korygujac')) | (('korekt')))", ""},
		{"compound", "e-mail ", "((('email')) | (('mail')))", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := a.ParseQuery(tt.query)
			if got := q.TSQuery(true, ""); got != tt.all {
				t.Errorf("TSQuery(all) = %s, want %s", got, tt.all)
			}
			if tt.anyTitle != "" {
				if got := q.TSQuery(false, "A"); got != tt.anyTitle {
					t.Errorf("TSQuery(any, A) = %s, want %s", got, tt.anyTitle)
				}
			}
		})
	}
	if !a.ParseQuery("  i że ").Empty() {
		t.Error("a query of stop words is not empty")
	}
}

func TestHighlighter(t *testing.T) {
	a := Default()
	h := a.ParseQuery("usuniete fakt").Highlighter(a)
	for _, w := range []string{"usunięte", "usuniętych", "faktura", "faktycznie"} {
		if !h.Matches(w) {
			t.Errorf("Matches(%q) = false", w)
		}
	}
	for _, w := range []string{"dokument", "konto"} {
		if h.Matches(w) {
			t.Errorf("Matches(%q) = true", w)
		}
	}
}

func TestParseSynonyms(t *testing.T) {
	got, err := ParseSynonyms("# staff list\nkorekta, faktura  korygująca\n\n optima ,Comarch ERP Optima\n")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"korekta", "faktura korygująca"}, {"optima", "Comarch ERP Optima"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseSynonyms (-want +got):\n%s", diff)
	}
	if _, err := ParseSynonyms("ok, fine\nlonely\n"); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("single-phrase line: err = %v, want one naming line 2", err)
	}
}

func TestVector(t *testing.T) {
	a, err := New(WithStemming(StemNone))
	if err != nil {
		t.Fatal(err)
	}
	v := a.NewVector()
	v.Add("Reset hasła", WeightA)
	v.Add("hasła się nie resetują, reset", WeightD)
	want := `'hasla':2A,11 'reset':1A,15 'resetuja':14`
	if got := v.String(); got != want {
		t.Errorf("String() = %s, want %s", got, want)
	}
	v.AddMarked("Hasło", WeightA, "^")
	want = `'^haslo':24A 'hasla':2A,11 'haslo':24A 'reset':1A,15 'resetuja':14`
	if got := v.String(); got != want {
		t.Errorf("String() after AddMarked = %s, want %s", got, want)
	}
	g := a.ParseQuery("hasło res").Groups // with the default synonyms: hasło, password
	if got := g[0].TSQueryMarked("^") + " " + g[1].TSQueryMarked("^"); got != "((('^haslo')) | (('^password'))) ((('^res' | '^res':*)))" {
		t.Errorf("TSQueryMarked = %s", got)
	}
	if diff := cmp.Diff([]string{"hasla", "haslo", "reset", "resetuja"}, v.Words()); diff != "" {
		t.Errorf("Words (-want +got):\n%s", diff)
	}
}
