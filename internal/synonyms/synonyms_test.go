package synonyms_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/synonyms"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		want  [][]string
		error string // part of the field message; "" for valid input
	}{
		{"empty", "", nil, ""},
		{"groups, comments and blank lines", "# nasze słowa\nkorekta,  faktura korygująca\n\n optima , Comarch ERP Optima \n",
			[][]string{{"korekta", "faktura korygująca"}, {"optima", "Comarch ERP Optima"}}, ""},
		{"a line with one phrase", "korekta, faktura korygująca\nsamotne\n", nil, "Wiersz 2"},
		{"a phrase without words", "korekta, ---\n", nil, "nie zawiera żadnego słowa"},
		{"a phrase too long", "korekta, " + strings.Repeat("a", synonyms.MaxPhraseLen+1) + "\n", nil, "za długie"},
		{"too many phrases", strings.Repeat("słowo, ", synonyms.MaxPhrases) + "słowo\n", nil, "najwyżej"},
		{"too many groups", strings.Repeat("a1, b1\n", synonyms.MaxGroups+1), nil, "grup"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := synonyms.Parse(tc.text)
			if tc.error == "" {
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("groups (-want +got):\n%s", diff)
				}
				return
			}
			ae := apperr.As(err)
			if ae == nil || len(ae.Fields) != 1 || ae.Fields[0].Field != "synonyms" || !strings.Contains(ae.Fields[0].Message, tc.error) {
				t.Errorf("error %v, want a message on the field synonyms containing %q", err, tc.error)
			}
		})
	}
}

// A query naming one phrase of a staff group also matches the others; the built-in
// groups still apply.
func TestAnalyzerExpandsStaffGroups(t *testing.T) {
	an, err := synonyms.Analyzer([][]string{{"pełnomocnictwo", "upoważnienie"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ query, want string }{
		{"upoważnienie ", "pelnomocnictw"},
		{"korekta ", "korygujac"},
	} {
		q := an.ParseQuery(tc.query)
		if !strings.Contains(q.TSQuery(false, ""), tc.want) {
			t.Errorf("%q expands to %s, want a term like %q", tc.query, q.TSQuery(false, ""), tc.want)
		}
	}
}

func TestFormatRoundTrip(t *testing.T) {
	groups := [][]string{{"korekta", "faktura korygująca"}, {"optima", "Comarch ERP Optima"}}
	got, err := synonyms.Parse(synonyms.Format(groups))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(groups, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}
