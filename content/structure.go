package content

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/audit"
	"github.com/helpcenter/helpcenter/policy"
)

// Structure: categories and their ordered sections (permission structure:manage).

// AllCategories lists every category with all its sections, each counting its articles
// in any state, for staff (permission article:edit or structure:manage).
func (s *Service) AllCategories(ctx context.Context, actor policy.Subject) ([]Category, error) {
	if !s.policy.Can(actor, policy.StructureManage) {
		if err := s.policy.Require(actor, policy.ArticleEdit); err != nil {
			return nil, err
		}
	}
	return s.allCategories(ctx)
}

func (s *Service) allCategories(ctx context.Context) ([]Category, error) {
	var sections []Section
	err := s.db.Bun.NewSelect().TableExpr("sections AS s").ColumnExpr(sectionColumns).
		ColumnExpr("(SELECT count(*) FROM articles AS a WHERE a.section_id = s.id) AS article_count").
		OrderExpr("s.category_id, s.position, s.id").Scan(ctx, &sections)
	if err != nil {
		return nil, fmt.Errorf("list sections: %w", err)
	}
	var cats []Category
	err = s.db.Bun.NewSelect().TableExpr("categories AS c").
		ColumnExpr("c.id, c.slug, c.name, c.description, c.position, COALESCE(c.external_id, '') AS external_id, c.created_at, c.updated_at").
		OrderExpr("c.position, c.id").Scan(ctx, &cats)
	if err != nil {
		return nil, fmt.Errorf("list categories: %w", err)
	}
	byID := map[int64]*Category{}
	for i := range cats {
		cats[i].Sections = []Section{}
		byID[cats[i].ID] = &cats[i]
	}
	for _, sec := range sections {
		byID[sec.CategoryID].Sections = append(byID[sec.CategoryID].Sections, sec)
	}
	if cats == nil {
		cats = []Category{}
	}
	return cats, nil
}

// CategoryInput describes a new category.
type CategoryInput struct {
	Name, Description string
	// Slug "" derives one from the name.
	Slug string
	// Position nil puts the category last.
	Position   *int
	ExternalID string
}

// CategoryUpdate changes a category; nil fields stay.
type CategoryUpdate struct {
	Name, Description, Slug *string
	Position                *int
}

func checkName(name string) (string, *apperr.FieldError) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		f := apperr.Field("name", "Podaj nazwę.")
		return "", &f
	case utf8.RuneCountInString(name) > maxNameLen:
		f := apperr.Field("name", "Nazwa może mieć najwyżej 120 znaków.")
		return "", &f
	}
	return name, nil
}

func checkDescription(d string) (string, *apperr.FieldError) {
	d = strings.TrimSpace(d)
	if utf8.RuneCountInString(d) > maxDescriptionLen {
		f := apperr.Field("description", "Opis może mieć najwyżej 1000 znaków.")
		return "", &f
	}
	return d, nil
}

func checkStructureSlug(slug, name string) (string, *apperr.FieldError) {
	if slug == "" {
		slug = Slugify(name)
	}
	if !ValidSlug(slug) {
		f := apperr.Field("slug", "Adres może zawierać tylko małe litery bez polskich znaków, cyfry i łączniki, i musi mieć co najmniej jedną literę.")
		return "", &f
	}
	return slug, nil
}

// structureError turns constraint violations into messages about the field.
func structureError(err error) error {
	if c, ok := uniqueViolation(err); ok {
		switch {
		case strings.Contains(c, "slug"):
			return apperr.InvalidFields(apperr.Field("slug", "Ten adres jest już zajęty."))
		case strings.Contains(c, "external_id"):
			return apperr.InvalidFields(apperr.Field("external_id", "Ten identyfikator zewnętrzny jest już zajęty."))
		}
	}
	return err
}

// CreateCategory adds a category (permission structure:manage).
func (s *Service) CreateCategory(ctx context.Context, actor policy.Subject, in CategoryInput) (*Category, error) {
	if err := s.policy.Require(actor, policy.StructureManage); err != nil {
		return nil, err
	}
	var fe fieldErrors
	name, f := checkName(in.Name)
	fe.add(f)
	desc, f := checkDescription(in.Description)
	fe.add(f)
	slug, f := checkStructureSlug(in.Slug, name)
	fe.add(f)
	if len(fe) > 0 {
		return nil, fe.err()
	}
	var out Category
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		err := tx.NewRaw(`INSERT INTO categories (slug, name, description, position, external_id)
			VALUES (?, ?, ?, COALESCE(?, (SELECT COALESCE(max(position), 0) + 1 FROM categories)), NULLIF(?, ''))
			RETURNING id, slug, name, description, position, COALESCE(external_id, '') AS external_id, created_at, updated_at`,
			slug, name, desc, in.Position, in.ExternalID).Scan(ctx, &out)
		if err != nil {
			return structureError(err)
		}
		out.Sections = []Section{}
		return audit.Record(ctx, tx, actor, "category.create", fmt.Sprintf("category:%d", out.ID), nil, out)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateCategory renames, moves or re-describes a category (permission structure:manage).
func (s *Service) UpdateCategory(ctx context.Context, actor policy.Subject, id int64, upd CategoryUpdate) (*Category, error) {
	if err := s.policy.Require(actor, policy.StructureManage); err != nil {
		return nil, err
	}
	var out Category
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var before Category
		err := tx.NewRaw(`SELECT id, slug, name, description, position, COALESCE(external_id, '') AS external_id, created_at, updated_at
			FROM categories WHERE id = ? FOR UPDATE`, id).Scan(ctx, &before)
		if noRows(err) {
			return apperr.NotFoundf("Nie ma takiej kategorii.")
		}
		if err != nil {
			return err
		}
		next := before
		var fe fieldErrors
		if upd.Name != nil {
			n, f := checkName(*upd.Name)
			fe.add(f)
			next.Name = n
		}
		if upd.Description != nil {
			d, f := checkDescription(*upd.Description)
			fe.add(f)
			next.Description = d
		}
		if upd.Slug != nil {
			sl, f := checkStructureSlug(*upd.Slug, next.Name)
			fe.add(f)
			next.Slug = sl
		}
		if upd.Position != nil {
			next.Position = *upd.Position
		}
		if len(fe) > 0 {
			return fe.err()
		}
		err = tx.NewRaw(`UPDATE categories SET slug = ?, name = ?, description = ?, position = ?, updated_at = now() WHERE id = ?
			RETURNING id, slug, name, description, position, COALESCE(external_id, '') AS external_id, created_at, updated_at`,
			next.Slug, next.Name, next.Description, next.Position, id).Scan(ctx, &out)
		if err != nil {
			return structureError(err)
		}
		return audit.Record(ctx, tx, actor, "category.update", fmt.Sprintf("category:%d", id), before, out)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteCategory removes an empty category (permission structure:manage); one that still
// has sections is refused.
func (s *Service) DeleteCategory(ctx context.Context, actor policy.Subject, id int64) error {
	if err := s.policy.Require(actor, policy.StructureManage); err != nil {
		return err
	}
	return s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var before Category
		err := tx.NewRaw(`SELECT id, slug, name, description, position, COALESCE(external_id, '') AS external_id, created_at, updated_at
			FROM categories WHERE id = ? FOR UPDATE`, id).Scan(ctx, &before)
		if noRows(err) {
			return apperr.NotFoundf("Nie ma takiej kategorii.")
		}
		if err != nil {
			return err
		}
		if has, err := tx.NewSelect().TableExpr("sections").Where("category_id = ?", id).Exists(ctx); err != nil {
			return err
		} else if has {
			return apperr.Conflictf("Kategoria zawiera sekcje: przenieś je lub usuń, zanim usuniesz kategorię.")
		}
		if _, err := tx.NewRaw("DELETE FROM categories WHERE id = ?", id).Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, "category.delete", fmt.Sprintf("category:%d", id), before, nil)
	})
}

// SectionInput describes a new section.
type SectionInput struct {
	CategoryID        int64
	Name, Description string
	// Slug "" derives one from the name.
	Slug string
	// Position nil puts the section last in its category.
	Position *int
	// Audiences nil means public.
	Audiences  []string
	ExternalID string
}

// SectionUpdate changes a section; nil fields stay. A new CategoryID moves the section.
type SectionUpdate struct {
	CategoryID              *int64
	Name, Description, Slug *string
	Position                *int
	Audiences               []string
}

const sectionReturning = `RETURNING id, category_id, slug, name, description, position, audiences,
	COALESCE(external_id, '') AS external_id, created_at, updated_at`

func categoryExists(ctx context.Context, idb bun.IDB, id int64) (bool, error) {
	return idb.NewSelect().TableExpr("categories").Where("id = ?", id).Exists(ctx)
}

// CreateSection adds a section to a category (permission structure:manage).
func (s *Service) CreateSection(ctx context.Context, actor policy.Subject, in SectionInput) (*Section, error) {
	if err := s.policy.Require(actor, policy.StructureManage); err != nil {
		return nil, err
	}
	var fe fieldErrors
	name, f := checkName(in.Name)
	fe.add(f)
	desc, f := checkDescription(in.Description)
	fe.add(f)
	slug, f := checkStructureSlug(in.Slug, name)
	fe.add(f)
	audiences := in.Audiences
	if audiences == nil {
		audiences = []string{policy.AudiencePublic}
	}
	aud, f := s.checkAudiences("audiences", audiences)
	fe.add(f)
	var out Section
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if ok, err := categoryExists(ctx, tx, in.CategoryID); err != nil {
			return err
		} else if !ok {
			fe = append(fe, apperr.Field("category_id", "Nie ma takiej kategorii."))
		}
		if len(fe) > 0 {
			return fe.err()
		}
		err := tx.NewRaw(`INSERT INTO sections (category_id, slug, name, description, position, audiences, external_id)
			VALUES (?, ?, ?, ?, COALESCE(?, (SELECT COALESCE(max(position), 0) + 1 FROM sections WHERE category_id = ?)), ?, NULLIF(?, ''))
			`+sectionReturning, in.CategoryID, slug, name, desc, in.Position, in.CategoryID, pgdialect.Array(aud), in.ExternalID).Scan(ctx, &out)
		if err != nil {
			return structureError(err)
		}
		return audit.Record(ctx, tx, actor, "section.create", fmt.Sprintf("section:%d", out.ID), nil, out)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func lockSection(ctx context.Context, tx bun.IDB, id int64) (*Section, error) {
	var sec Section
	err := tx.NewRaw(`SELECT id, category_id, slug, name, description, position, audiences,
			COALESCE(external_id, '') AS external_id, created_at, updated_at FROM sections WHERE id = ? FOR UPDATE`, id).Scan(ctx, &sec)
	if noRows(err) {
		return nil, apperr.NotFoundf("Nie ma takiej sekcji.")
	}
	return &sec, err
}

// UpdateSection renames, moves or re-describes a section, or changes who sees it
// (permission structure:manage). A change of audiences applies to readers at once: the
// live articles in the section are re-indexed in the same transaction.
func (s *Service) UpdateSection(ctx context.Context, actor policy.Subject, id int64, upd SectionUpdate) (*Section, error) {
	if err := s.policy.Require(actor, policy.StructureManage); err != nil {
		return nil, err
	}
	var out Section
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		before, err := lockSection(ctx, tx, id)
		if err != nil {
			return err
		}
		next := *before
		var fe fieldErrors
		if upd.Name != nil {
			n, f := checkName(*upd.Name)
			fe.add(f)
			next.Name = n
		}
		if upd.Description != nil {
			d, f := checkDescription(*upd.Description)
			fe.add(f)
			next.Description = d
		}
		if upd.Slug != nil {
			sl, f := checkStructureSlug(*upd.Slug, next.Name)
			fe.add(f)
			next.Slug = sl
		}
		if upd.Position != nil {
			next.Position = *upd.Position
		}
		if upd.CategoryID != nil && *upd.CategoryID != before.CategoryID {
			if ok, err := categoryExists(ctx, tx, *upd.CategoryID); err != nil {
				return err
			} else if !ok {
				fe = append(fe, apperr.Field("category_id", "Nie ma takiej kategorii."))
			}
			next.CategoryID = *upd.CategoryID
			if upd.Position == nil {
				if err := tx.NewRaw("SELECT COALESCE(max(position), 0) + 1 FROM sections WHERE category_id = ?", next.CategoryID).Scan(ctx, &next.Position); err != nil {
					return err
				}
			}
		}
		if upd.Audiences != nil {
			a, f := s.checkAudiences("audiences", upd.Audiences)
			fe.add(f)
			if f == nil {
				next.Audiences = a
			}
		}
		if len(fe) > 0 {
			return fe.err()
		}
		err = tx.NewRaw(`UPDATE sections SET category_id = ?, slug = ?, name = ?, description = ?, position = ?, audiences = ?, updated_at = now()
			WHERE id = ? `+sectionReturning, next.CategoryID, next.Slug, next.Name, next.Description, next.Position,
			pgdialect.Array(next.Audiences), id).Scan(ctx, &out)
		if err != nil {
			return structureError(err)
		}
		if !slices.Equal(next.Audiences, before.Audiences) || next.CategoryID != before.CategoryID {
			if err := s.reindexSection(ctx, tx, id); err != nil {
				return err
			}
		}
		if !slices.Equal(next.Audiences, before.Audiences) {
			if err := audit.Record(ctx, tx, actor, "section.audiences", fmt.Sprintf("section:%d", id),
				map[string][]string{"audiences": before.Audiences}, map[string][]string{"audiences": out.Audiences}); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, actor, "section.update", fmt.Sprintf("section:%d", id), before, out)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// reindexSection puts the section's live articles into the index again (their effective
// audiences or category changed) and marks them updated for API clients that sync.
func (s *Service) reindexSection(ctx context.Context, tx bun.IDB, sectionID int64) error {
	var ids []int64
	if err := tx.NewRaw(`UPDATE articles SET updated_at = now() WHERE section_id = ? AND published_revision_id IS NOT NULL RETURNING id`,
		sectionID).Scan(ctx, &ids); err != nil {
		return fmt.Errorf("touch section articles: %w", err)
	}
	for _, id := range ids {
		if err := s.indexArticle(ctx, tx, id); err != nil {
			return err
		}
	}
	return nil
}

// DeleteSection removes a section without articles (permission structure:manage); one
// that still holds articles, in any state, is refused.
func (s *Service) DeleteSection(ctx context.Context, actor policy.Subject, id int64) error {
	if err := s.policy.Require(actor, policy.StructureManage); err != nil {
		return err
	}
	return s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		before, err := lockSection(ctx, tx, id)
		if err != nil {
			return err
		}
		if has, err := tx.NewSelect().TableExpr("articles").Where("section_id = ?", id).Exists(ctx); err != nil {
			return err
		} else if has {
			return apperr.Conflictf("Sekcja zawiera artykuły (także szkice lub archiwalne): przenieś je, zanim usuniesz sekcję.")
		}
		if _, err := tx.NewRaw("DELETE FROM sections WHERE id = ?", id).Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, "section.delete", fmt.Sprintf("section:%d", id), before, nil)
	})
}

// ReorderSections sets the order of a category's sections (permission
// structure:manage); ids must name every section of the category once.
func (s *Service) ReorderSections(ctx context.Context, actor policy.Subject, categoryID int64, ids []int64) error {
	if err := s.policy.Require(actor, policy.StructureManage); err != nil {
		return err
	}
	return s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var have []int64
		if err := tx.NewRaw("SELECT id FROM sections WHERE category_id = ? ORDER BY id FOR UPDATE", categoryID).Scan(ctx, &have); err != nil {
			return err
		}
		want := slices.Clone(ids)
		slices.Sort(want)
		if !slices.Equal(have, want) {
			return apperr.InvalidFields(apperr.Field("section_ids", "Podaj każdą sekcję tej kategorii dokładnie raz."))
		}
		for i, id := range ids {
			if _, err := tx.NewRaw("UPDATE sections SET position = ?, updated_at = now() WHERE id = ?", i+1, id).Exec(ctx); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, actor, "category.reorder_sections", fmt.Sprintf("category:%d", categoryID), nil, ids)
	})
}

// ReorderCategories sets the order of all categories (permission structure:manage);
// ids must name every category once.
func (s *Service) ReorderCategories(ctx context.Context, actor policy.Subject, ids []int64) error {
	if err := s.policy.Require(actor, policy.StructureManage); err != nil {
		return err
	}
	return s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var have []int64
		if err := tx.NewRaw("SELECT id FROM categories ORDER BY id FOR UPDATE").Scan(ctx, &have); err != nil {
			return err
		}
		want := slices.Clone(ids)
		slices.Sort(want)
		if !slices.Equal(have, want) {
			return apperr.InvalidFields(apperr.Field("category_ids", "Podaj każdą kategorię dokładnie raz."))
		}
		for i, id := range ids {
			if _, err := tx.NewRaw("UPDATE categories SET position = ?, updated_at = now() WHERE id = ?", i+1, id).Exec(ctx); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, actor, "category.reorder", "categories", nil, ids)
	})
}
