package ui

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"strings"
)

// Lang is a UI language. Polish is the default; English is the second language.
type Lang string

// The supported languages.
const (
	PL Lang = "pl"
	EN Lang = "en"
)

//go:embed locales/*.json
var localeFS embed.FS

var catalogs = map[Lang]map[string]string{}

func init() {
	for _, l := range []Lang{PL, EN} {
		b, err := localeFS.ReadFile("locales/" + string(l) + ".json")
		if err != nil {
			panic(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic(fmt.Sprintf("locales/%s.json: %v", l, err))
		}
		catalogs[l] = m
	}
}

type langKey struct{}

// WithLang stores the request's language in ctx.
func WithLang(ctx context.Context, l Lang) context.Context {
	return context.WithValue(ctx, langKey{}, l)
}

// LangOf returns the language stored in ctx (Polish by default).
func LangOf(ctx context.Context) Lang {
	if l, ok := ctx.Value(langKey{}).(Lang); ok {
		return l
	}
	return PL
}

// ParseLang accepts "pl" or "en" (and Accept-Language-like values); anything else is Polish.
func ParseLang(s string) Lang {
	s = strings.ToLower(strings.TrimSpace(s))
	if strings.HasPrefix(s, "en") {
		return EN
	}
	return PL
}

// T translates a message key into the context's language; args fill %s/%d verbs.
// A key missing from a catalog falls back to Polish, then to the key itself, so a
// forgotten translation shows up plainly instead of breaking the page.
func T(ctx context.Context, key string, args ...any) string {
	msg, ok := catalogs[LangOf(ctx)][key]
	if !ok {
		if msg, ok = catalogs[PL][key]; !ok {
			msg = key
		}
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

// Plural picks the Polish (or English) plural form for n: forms are "one", "few", "many"
// ("1 artykuł", "2 artykuły", "5 artykułów").
func Plural(ctx context.Context, n int, one, few, many string) string {
	if LangOf(ctx) == EN {
		if n == 1 {
			return one
		}
		return many
	}
	switch {
	case n == 1:
		return one
	case n%10 >= 2 && n%10 <= 4 && (n%100 < 12 || n%100 > 14):
		return few
	default:
		return many
	}
}
