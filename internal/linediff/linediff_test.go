package linediff

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// row renders a row compactly: kind, then left and right with changed words in [].
func row(r Row) string {
	if r.Kind == RowFold {
		return fmt.Sprintf("fold %d", r.Folded)
	}
	cell := func(c Cell) string {
		if c.Empty() {
			return "-"
		}
		var b strings.Builder
		fmt.Fprintf(&b, "%d:", c.Number)
		for _, s := range c.Segments {
			if s.Changed {
				b.WriteString("[" + s.Text + "]")
			} else {
				b.WriteString(s.Text)
			}
		}
		return b.String()
	}
	return fmt.Sprintf("%s %s | %s", r.Kind, cell(r.Left), cell(r.Right))
}

func rows(res Result) []string {
	var out []string
	for _, r := range res.Rows {
		out = append(out, row(r))
	}
	return out
}

func TestSideBySide(t *testing.T) {
	tests := []struct {
		name           string
		a, b           string
		context        int
		want           []string
		added, removed int
	}{
		{
			name: "same text", a: "a\nb\n", b: "a\nb", context: -1,
			want: []string{"equal 1:a | 1:a", "equal 2:b | 2:b"},
		},
		{
			name: "both empty", a: "", b: "", context: 3,
		},
		{
			name: "from nothing", a: "", b: "Nowy\ntekst", context: 3,
			want:  []string{"insert - | 1:Nowy", "insert - | 2:tekst"},
			added: 2,
		},
		{
			name: "to nothing", a: "Stary", b: "", context: 3,
			want:    []string{"delete 1:Stary | -"},
			removed: 1,
		},
		{
			name: "changed line pairs with its replacement and marks the word", context: -1,
			a: "# Faktura\nWystaw fakturę w menu Sprzedaż.\nKoniec",
			b: "# Faktura\nWystaw fakturę w menu Dokumenty.\nKoniec",
			want: []string{
				"equal 1:# Faktura | 1:# Faktura",
				"change 2:Wystaw fakturę w menu [Sprzedaż]. | 2:Wystaw fakturę w menu [Dokumenty].",
				"equal 3:Koniec | 3:Koniec",
			},
			added: 1, removed: 1,
		},
		{
			name: "inserted line keeps numbering on both sides", context: -1,
			a: "a\nc", b: "a\nb\nc",
			want:  []string{"equal 1:a | 1:a", "insert - | 2:b", "equal 2:c | 3:c"},
			added: 1,
		},
		{
			name: "more removed than added", context: -1,
			a: "x\n1\n2\n3\ny", b: "x\nA\ny",
			want: []string{
				"equal 1:x | 1:x", "change 2:[1] | 2:[A]", "delete 3:2 | -", "delete 4:3 | -", "equal 5:y | 3:y",
			},
			added: 1, removed: 3,
		},
		{
			name: "CRLF equals LF", a: "a\r\nb\r\n", b: "a\nb\n", context: -1,
			want: []string{"equal 1:a | 1:a", "equal 2:b | 2:b"},
		},
		{
			name: "long unchanged runs fold to context", context: 1,
			a: "1\n2\n3\n4\n5\n6\n7\n8\n9", b: "1\n2\n3\n4\nX\n6\n7\n8\n9",
			want:  []string{"fold 3", "equal 4:4 | 4:4", "change 5:[5] | 5:[X]", "equal 6:6 | 6:6", "fold 3"},
			added: 1, removed: 1,
		},
		{
			name: "a short run between changes is not folded", context: 1,
			a: "a\n1\n2\n3\nb", b: "A\n1\n2\n3\nB",
			want:  []string{"change 1:[a] | 1:[A]", "equal 2:1 | 2:1", "equal 3:2 | 3:2", "equal 4:3 | 4:3", "change 5:[b] | 5:[B]"},
			added: 2, removed: 2,
		},
		{
			name: "Polish words are compared whole", context: -1,
			a: "Zażółć gęślą jaźń", b: "Zażółć gęsią jaźń",
			want:  []string{"change 1:Zażółć [gęślą] jaźń | 1:Zażółć [gęsią] jaźń"},
			added: 1, removed: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := SideBySide(tt.a, tt.b, tt.context)
			if diff := cmp.Diff(tt.want, rows(res)); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
			if res.Added != tt.added || res.Removed != tt.removed {
				t.Errorf("added/removed = %d/%d, want %d/%d", res.Added, res.Removed, tt.added, tt.removed)
			}
		})
	}
}

// apply rebuilds b from a and the script; any script that does so with the fewest edits
// is right, so this checks random cases against the definition rather than one answer.
func apply(t *testing.T, a, b []string, edits []edit) []string {
	t.Helper()
	var out []string
	for _, e := range edits {
		switch e.op {
		case Equal:
			if a[e.a] != b[e.b] {
				t.Fatalf("equal edit pairs %q with %q", a[e.a], b[e.b])
			}
			out = append(out, a[e.a])
		case Insert:
			out = append(out, b[e.b])
		}
	}
	return out
}

// lcs is the textbook dynamic programme, the reference for the number of edits.
func lcs(a, b []string) int {
	dp := make([][]int, len(a)+1)
	for i := range dp {
		dp[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				dp[i][j] = dp[i+1][j+1] + 1
			} else {
				dp[i][j] = max(dp[i+1][j], dp[i][j+1])
			}
		}
	}
	return dp[0][0]
}

func TestScriptIsShortestOnRandomInput(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "b", "c", "d"}
	gen := func() []string {
		out := make([]string, r.IntN(30))
		for i := range out {
			out[i] = alphabet[r.IntN(len(alphabet))]
		}
		return out
	}
	for i := 0; i < 500; i++ {
		a, b := gen(), gen()
		edits := script(a, b)
		if got := apply(t, a, b, edits); !cmp.Equal(got, b, cmp.Comparer(func(x, y []string) bool { return strings.Join(x, ",") == strings.Join(y, ",") })) {
			t.Fatalf("script does not turn %v into %v: got %v", a, b, got)
		}
		changes := 0
		for _, e := range edits {
			if e.op != Equal {
				changes++
			}
		}
		if want := len(a) + len(b) - 2*lcs(a, b); changes != want {
			t.Fatalf("%v -> %v: %d edits, shortest is %d", a, b, changes, want)
		}
	}
}

func TestHugeDifferenceStaysBounded(t *testing.T) {
	var a, b strings.Builder
	for i := 0; i < 6000; i++ {
		fmt.Fprintf(&a, "stara linia %d\n", i)
		fmt.Fprintf(&b, "nowa linia %d\n", i)
	}
	res := SideBySide(a.String(), b.String(), 3)
	if res.Added != 6000 || res.Removed != 6000 {
		t.Fatalf("added/removed = %d/%d", res.Added, res.Removed)
	}
}

func BenchmarkSideBySideArticle(b *testing.B) {
	var old strings.Builder
	for i := 0; i < 400; i++ {
		fmt.Fprintf(&old, "Akapit %d: jak wystawić fakturę korygującą w programie.\n", i)
	}
	newer := strings.Replace(old.String(), "Akapit 200:", "Akapit dwieście:", 1)
	newer = strings.Replace(newer, "Akapit 10:", "", 1)
	b.ReportAllocs()
	for b.Loop() {
		SideBySide(old.String(), newer, 3)
	}
}
