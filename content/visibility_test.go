package content_test

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/helpcenter/helpcenter/content"
)

func TestEffectiveAudiences(t *testing.T) {
	tests := []struct {
		article, section, want []string
	}{
		{[]string{"public"}, []string{"public"}, []string{"public"}},
		{[]string{"accountant"}, []string{"public"}, []string{"accountant"}},
		{[]string{"public"}, []string{"partner"}, []string{"partner"}},
		{[]string{"accountant", "partner"}, []string{"signed_in"}, []string{"accountant", "partner"}},
		{[]string{"signed_in"}, []string{"staff"}, []string{"staff"}},
		{[]string{"accountant"}, []string{"partner"}, []string{}},
		{[]string{"accountant", "office_client"}, []string{"accountant", "partner"}, []string{"accountant"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, content.EffectiveAudiences(tt.article, tt.section)); diff != "" {
			t.Errorf("EffectiveAudiences(%v, %v) (-want +got):\n%s", tt.article, tt.section, diff)
		}
	}
}

// TestEffectiveAudiencesAgreeWithRule checks, over every pair of small audience sets and
// every reader whose audiences are closed upwards, that the single list the search index
// uses never admits a reader the visibility rule hides, and admits exactly the readers
// the rule admits for every reader the default policy produces (anonymous, signed in,
// one account type, staff reading everything) whenever the list is not empty.
func TestEffectiveAudiencesAgreeWithRule(t *testing.T) {
	all := []string{"accountant", "office_client", "partner", "public", "signed_in", "staff"}
	var sets [][]string
	for mask := 1; mask < 1<<len(all); mask++ {
		var s []string
		for i, a := range all {
			if mask&(1<<i) != 0 {
				s = append(s, a)
			}
		}
		if len(s) <= 2 {
			sets = append(sets, s)
		}
	}
	meets := func(a, b []string) bool {
		for _, x := range a {
			if slices.Contains(b, x) {
				return true
			}
		}
		return false
	}
	for _, art := range sets {
		for _, sec := range sets {
			eff := content.EffectiveAudiences(art, sec)
			for _, reader := range append(sets, all) {
				allowed := content.ClosedAudiences(reader)
				rule := meets(art, allowed) && meets(sec, allowed)
				got := meets(eff, allowed)
				if got && !rule {
					t.Fatalf("effective audiences %v admit reader %v whom the rule hides from %v in section %v", eff, allowed, art, sec)
				}
				leaves := 0
				for _, a := range allowed {
					if a != "public" && a != "signed_in" {
						leaves++
					}
				}
				if (leaves <= 1 || len(allowed) == len(all)) && len(eff) > 0 && got != rule {
					t.Fatalf("article %v in section %v, reader %v: effective %v says %v, rule says %v", art, sec, allowed, eff, got, rule)
				}
			}
		}
	}
}

func TestClosedAudiences(t *testing.T) {
	tests := []struct{ in, want []string }{
		{[]string{"public"}, []string{"public"}},
		{[]string{"accountant"}, []string{"accountant", "public", "signed_in"}},
		{[]string{"staff", "partner"}, []string{"partner", "public", "signed_in", "staff"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, content.ClosedAudiences(tt.in)); diff != "" {
			t.Errorf("ClosedAudiences(%v) (-want +got):\n%s", tt.in, diff)
		}
	}
}
