package content

import (
	"context"

	"github.com/uptrace/bun/dialect/pgdialect"
)

// ArticleRef names a live article.
type ArticleRef struct {
	ID    int64  `bun:"id"`
	Title string `bun:"title"`
	Slug  string `bun:"slug"`
}

// VisibilityDiff lists the live articles a reader of the audiences before would gain and
// lose by reading after instead, with the same rule every read applies (article and
// section audiences). The console previews an audience-matrix change with it.
func (s *Service) VisibilityDiff(ctx context.Context, before, after []string) (gained, lost []ArticleRef, err error) {
	const q = `SELECT a.id, r.title, a.slug
		FROM articles a JOIN sections s ON s.id = a.section_id
		JOIN article_revisions r ON r.id = a.published_revision_id
		WHERE a.published_revision_id IS NOT NULL
		  AND (a.audiences && ? AND s.audiences && ?)
		  AND NOT (a.audiences && ? AND s.audiences && ?)
		ORDER BY r.title LIMIT 500`
	b, a := pgdialect.Array(nonNil(before)), pgdialect.Array(nonNil(after))
	if err := s.db.Bun.NewRaw(q, a, a, b, b).Scan(ctx, &gained); err != nil {
		return nil, nil, err
	}
	if err := s.db.Bun.NewRaw(q, b, b, a, a).Scan(ctx, &lost); err != nil {
		return nil, nil, err
	}
	return gained, lost, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
