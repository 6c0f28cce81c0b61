package portal

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/ui"
	"github.com/helpcenter/helpcenter/internal/web"
)

// sectionPreview is how many articles a category page shows per section.
const sectionPreview = 6

// CategoryView is a category page: its visible sections, each with its latest articles.
type CategoryView struct {
	Chrome   ui.Chrome
	Category content.Category
	Sections []SectionPreview
}

// SectionPreview is a section on its category's page.
type SectionPreview struct {
	Section  content.Section
	Articles []content.ArticleSummary
}

// SectionView is a section page: its articles, a page at a time.
type SectionView struct {
	Chrome   ui.Chrome
	Category content.Category
	Section  content.Section
	Articles []content.ArticleSummary
	// NextCursor continues the list; Paged says this is not the first page.
	NextCursor string
	Paged      bool
}

func errNoCategory() error { return apperr.NotFoundf("Nie ma takiej kategorii.") }
func errNoSection() error  { return apperr.NotFoundf("Nie ma takiej sekcji.") }

// findCategory finds a visible category by slug in the reader's category tree.
func findCategory(cats []content.Category, slug string) (content.Category, bool) {
	for _, c := range cats {
		if c.Slug == slug {
			return c, true
		}
	}
	return content.Category{}, false
}

// findSection finds a visible section and its category by section id or slug.
func findSection(cats []content.Category, id int64, slug string) (content.Category, content.Section, bool) {
	for _, c := range cats {
		for _, s := range c.Sections {
			if (id != 0 && s.ID == id) || (slug != "" && s.Slug == slug) {
				return c, s, true
			}
		}
	}
	return content.Category{}, content.Section{}, false
}

func (p *pages) category(c *fiber.Ctx) error {
	ctx, subj := c.UserContext(), web.Subject(c)
	cats, err := p.categories(c)
	if err != nil {
		return err
	}
	cat, ok := findCategory(cats, c.Params("slug"))
	if !ok {
		return errNoCategory()
	}
	key := "category:" + strconv.FormatInt(cat.ID, 10) + ":" + audienceKey(p.Policy.Audiences(subj))
	previews, err := cached(p.cache, key, 5*time.Minute, func() ([]SectionPreview, error) {
		out := make([]SectionPreview, 0, len(cat.Sections))
		for _, sec := range cat.Sections {
			page, err := p.Content.FindArticles(ctx, subj, content.ArticleFilter{Section: strconv.FormatInt(sec.ID, 10), Limit: sectionPreview})
			if err != nil {
				return nil, err
			}
			out = append(out, SectionPreview{Section: sec, Articles: page.Articles})
		}
		return out, nil
	})
	if err != nil {
		return err
	}
	ch := p.chrome(c, cat.Name, categoryPath(cat.Slug), cat.Description)
	return web.Render(c, CategoryPage(CategoryView{Chrome: ch, Category: cat, Sections: previews}))
}

func (p *pages) section(c *fiber.Ctx) error {
	ctx, subj := c.UserContext(), web.Subject(c)
	cats, err := p.categories(c)
	if err != nil {
		return err
	}
	cat, sec, ok := findSection(cats, 0, c.Params("slug"))
	if !ok {
		return errNoSection()
	}
	cursor := c.Query("cursor")
	page, err := p.Content.FindArticles(ctx, subj, content.ArticleFilter{Section: strconv.FormatInt(sec.ID, 10), Limit: 30, Cursor: cursor})
	if apperr.Is(err, apperr.Invalid) {
		// A damaged or stale cursor: start from the first page.
		return redirect(c, sectionPath(sec.Slug))
	}
	if err != nil {
		return err
	}
	ch := p.chrome(c, sec.Name, sectionPath(sec.Slug), sec.Description)
	if cursor != "" {
		ch.NoIndex = true // later pages repeat the canonical first one
	}
	return web.Render(c, SectionPage(SectionView{Chrome: ch, Category: cat, Section: sec, Articles: page.Articles,
		NextCursor: page.NextCursor, Paged: cursor != ""}))
}
