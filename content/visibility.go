package content

import (
	"slices"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/helpcenter/helpcenter/policy"
)

// The visibility rule lives here and nowhere else. Queries alias articles "a" and their
// sections "s".

// whereVisible limits q to the articles a subject reading allowed may see: live (a
// published revision), the article's audiences meet allowed, and so do its section's.
func whereVisible(q *bun.SelectQuery, allowed []string) *bun.SelectQuery {
	arr := pgdialect.Array(allowed)
	return q.Where("a.published_revision_id IS NOT NULL").
		Where("a.audiences && ?", arr).
		Where("s.audiences && ?", arr)
}

// whereSectionVisible limits q to the sections (aliased "s") a subject reading allowed
// may see.
func whereSectionVisible(q *bun.SelectQuery, allowed []string) *bun.SelectQuery {
	return q.Where("s.audiences && ?", pgdialect.Array(allowed))
}

// EffectiveAudiences is the single audience list that stands for "the article's
// audiences and its section's" where only one list fits (the search index). Audiences
// nest: public contains signed_in, which contains every account type and staff. The
// effective list holds, for each pair of an article audience and a section audience,
// the narrower of the two; two unrelated audiences (accountant and partner) have no
// common readers in this order and add nothing.
//
// For subjects whose readable audiences are closed upwards (whoever reads accountant
// also reads signed_in and public, as the default policy and every API token have it)
// "effective && allowed" is exactly the visibility rule. For any other subject it is
// never more permissive, so the search index cannot show what lists would hide.
func EffectiveAudiences(article, section []string) []string {
	var out []string
	for _, a := range article {
		for _, s := range section {
			var m string
			switch {
			case within(a, s):
				m = a
			case within(s, a):
				m = s
			default:
				continue
			}
			if !slices.Contains(out, m) {
				out = append(out, m)
			}
		}
	}
	slices.Sort(out)
	if out == nil {
		out = []string{}
	}
	return out
}

// within reports whether every reader of audience a also reads b.
func within(a, b string) bool {
	switch {
	case a == b, b == policy.AudiencePublic:
		return true
	case b == policy.AudienceSignedIn:
		return a != policy.AudiencePublic
	default:
		return false
	}
}

// ClosedAudiences adds to audiences the ones that contain them: an account-type or staff
// audience implies signed_in, and everything implies public. Tokens bound to audiences
// store this closure, so that a token "for accountants" reads what a signed-in accountant
// reads (accountant articles sit in public and signed-in sections).
func ClosedAudiences(audiences []string) []string {
	out := slices.Clone(audiences)
	add := func(a string) {
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	for _, a := range audiences {
		if a != policy.AudiencePublic {
			add(policy.AudienceSignedIn)
		}
		add(policy.AudiencePublic)
	}
	slices.Sort(out)
	return out
}
