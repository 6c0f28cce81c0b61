package content

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/policy"
)

// Explanation says whether a subject can read an article and why, line by line.
type Explanation struct {
	Allowed bool     `json:"allowed"`
	Because []string `json:"because"`
	// Audiences the subject reads, and the article's and its section's audiences.
	SubjectAudiences []string `json:"subject_audiences"`
	ArticleAudiences []string `json:"article_audiences"`
	SectionAudiences []string `json:"section_audiences"`
}

// ExplainRead tells staff (user:read) whether target can read the article and why: the
// roles the target acts as, the policy lines that grant each matching audience, the
// section's audiences and the article's state. It applies the same rule as every read
// (live, article audiences && allowed, section audiences && allowed).
func (s *Service) ExplainRead(ctx context.Context, actor, target policy.Subject, articleID int64) (*Explanation, error) {
	if err := s.policy.Require(actor, policy.UserRead); err != nil {
		return nil, err
	}
	var row struct {
		Title            string   `bun:"title"`
		Live             bool     `bun:"live"`
		State            string   `bun:"state"`
		ArticleAudiences []string `bun:"audiences,array"`
		SectionAudiences []string `bun:"section_audiences,array"`
		SectionName      string   `bun:"section_name"`
	}
	err := s.db.Bun.NewRaw(`SELECT r.title, a.published_revision_id IS NOT NULL AS live, a.state, a.audiences,
			s.audiences AS section_audiences, s.name AS section_name
		FROM articles a JOIN sections s ON s.id = a.section_id
		JOIN article_revisions r ON r.id = a.current_revision_id
		WHERE a.id = ?`, articleID).Scan(ctx, &row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFoundf("Nie ma takiego artykułu.")
	}
	if err != nil {
		return nil, err
	}
	allowed := s.policy.Audiences(target)
	ex := &Explanation{SubjectAudiences: allowed, ArticleAudiences: row.ArticleAudiences, SectionAudiences: row.SectionAudiences}
	articleEx := s.policy.ExplainRead(target, row.ArticleAudiences)
	ex.Because = append(ex.Because, articleEx.Because...)
	ex.Because = append(ex.Because, fmt.Sprintf("the subject reads: %s", strings.Join(allowed, ", ")))
	sectionOK := slices.ContainsFunc(row.SectionAudiences, func(a string) bool { return slices.Contains(allowed, a) })
	if sectionOK {
		ex.Because = append(ex.Because, fmt.Sprintf("section %q (audiences %s) is readable", row.SectionName, strings.Join(row.SectionAudiences, ", ")))
	} else {
		ex.Because = append(ex.Because, fmt.Sprintf("section %q is shown only to %s, none of which the subject reads", row.SectionName, strings.Join(row.SectionAudiences, ", ")))
	}
	if row.Live {
		ex.Because = append(ex.Because, "the article is published")
	} else {
		ex.Because = append(ex.Because, fmt.Sprintf("the article is not published (state %s): only the console shows it", row.State))
	}
	ex.Allowed = articleEx.Allowed && sectionOK && row.Live
	return ex, nil
}

// ArticleIDByRef finds an article in any state by id or by current or former slug, for
// staff tools (user:read).
func (s *Service) ArticleIDByRef(ctx context.Context, actor policy.Subject, ref string) (int64, error) {
	if err := s.policy.Require(actor, policy.UserRead); err != nil {
		return 0, err
	}
	var id int64
	err := s.db.Bun.NewRaw(`SELECT id FROM articles WHERE id::text = ? OR slug = ?
		UNION ALL SELECT article_id FROM article_slugs WHERE slug = ? LIMIT 1`, ref, ref, ref).Scan(ctx, &id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, apperr.NotFoundf("Nie ma takiego artykułu.")
	}
	return id, err
}
