package content

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"

	"github.com/helpcenter/helpcenter/internal/apperr"
)

// Limits on what staff may enter.
const (
	maxTitleLen       = 200
	maxBodyLen        = 200_000
	maxTags           = 20
	maxTagLen         = 50
	maxNameLen        = 120
	maxDescriptionLen = 1000
)

// checkAudiences validates an audience list against the policy's audiences, removing
// duplicates and sorting it. field names the input in errors.
func (s *Service) checkAudiences(field string, in []string) ([]string, *apperr.FieldError) {
	known := s.policy.AllAudiences()
	var out []string
	for _, a := range in {
		a = strings.TrimSpace(a)
		if !slices.Contains(known, a) {
			f := apperr.Field(field, "Nieznana grupa odbiorców: "+a+".")
			return nil, &f
		}
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		f := apperr.Field(field, "Wybierz co najmniej jedną grupę odbiorców.")
		return nil, &f
	}
	slices.Sort(out)
	return out, nil
}

// normalizeTags trims tags, drops empty ones and duplicates, keeps the order.
func normalizeTags(in []string) ([]string, *apperr.FieldError) {
	out := []string{}
	for _, t := range in {
		t = strings.Join(strings.Fields(t), " ")
		if t == "" || slices.Contains(out, t) {
			continue
		}
		if utf8.RuneCountInString(t) > maxTagLen {
			f := apperr.Field("tags", "Tag może mieć najwyżej 50 znaków.")
			return nil, &f
		}
		out = append(out, t)
	}
	if len(out) > maxTags {
		f := apperr.Field("tags", "Artykuł może mieć najwyżej 20 tagów.")
		return nil, &f
	}
	return out, nil
}

func checkTitle(title string) (string, *apperr.FieldError) {
	title = strings.TrimSpace(title)
	switch {
	case title == "":
		f := apperr.Field("title", "Podaj tytuł.")
		return "", &f
	case utf8.RuneCountInString(title) > maxTitleLen:
		f := apperr.Field("title", "Tytuł może mieć najwyżej 200 znaków.")
		return "", &f
	}
	return title, nil
}

func checkBody(body string) *apperr.FieldError {
	if len(body) > maxBodyLen {
		f := apperr.Field("body_md", "Treść jest za długa (najwyżej 200 000 znaków).")
		return &f
	}
	return nil
}

func checkKind(kind string) (string, *apperr.FieldError) {
	switch kind {
	case "":
		return KindArticle, nil
	case KindArticle, KindFAQ:
		return kind, nil
	}
	f := apperr.Field("kind", "Rodzaj musi mieć wartość article albo faq.")
	return "", &f
}

// slugTaken reports whether slug is the current or a former slug of another article.
func slugTaken(ctx context.Context, idb bun.IDB, slug string, articleID int64) (bool, error) {
	var taken bool
	err := idb.NewRaw(`SELECT EXISTS (SELECT 1 FROM articles WHERE slug = ? AND id <> ?)
		OR EXISTS (SELECT 1 FROM article_slugs WHERE slug = ? AND article_id <> ?)`, slug, articleID, slug, articleID).Scan(ctx, &taken)
	return taken, err
}

// articleSlug checks a slug given by staff, or derives a free one from the title.
func articleSlug(ctx context.Context, idb bun.IDB, given, title string, articleID int64) (string, error) {
	if given != "" {
		if !ValidSlug(given) {
			return "", apperr.InvalidFields(apperr.Field("slug", "Adres może zawierać tylko małe litery bez polskich znaków, cyfry i łączniki, i musi mieć co najmniej jedną literę."))
		}
		taken, err := slugTaken(ctx, idb, given, articleID)
		if err != nil {
			return "", err
		}
		if taken {
			return "", apperr.InvalidFields(apperr.Field("slug", "Ten adres ma (lub miał) już inny artykuł."))
		}
		return given, nil
	}
	base := Slugify(title)
	if !ValidSlug(base) {
		// A title of digits only: prefix a word, since all-digit slugs read as ids.
		base = strings.TrimSuffix("artykul-"+base, "-")
	}
	for i := 1; ; i++ {
		slug := base
		if i > 1 {
			slug = base + "-" + strconv.Itoa(i)
		}
		taken, err := slugTaken(ctx, idb, slug, articleID)
		if err != nil {
			return "", err
		}
		if !taken {
			return slug, nil
		}
	}
}

// uniqueViolation reports a unique constraint violation, naming the constraint.
func uniqueViolation(err error) (string, bool) {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		return pe.ConstraintName, true
	}
	return "", false
}

// foreignKeyViolation reports a foreign key violation, naming the constraint.
func foreignKeyViolation(err error) (string, bool) {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23503" {
		return pe.ConstraintName, true
	}
	return "", false
}

// collect gathers field errors and returns them as one invalid-input error.
type fieldErrors []apperr.FieldError

func (fe *fieldErrors) add(f *apperr.FieldError) {
	if f != nil {
		*fe = append(*fe, *f)
	}
}

func (fe fieldErrors) err() error { return apperr.InvalidFields(fe...) }
