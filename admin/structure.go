package admin

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/ui"
	"github.com/helpcenter/helpcenter/internal/web"
	"github.com/helpcenter/helpcenter/policy"
)

// Categories and sections: the tree with its order (moved one step at a time with
// buttons, which work without JavaScript and from the keyboard), adding, renaming,
// moving a section to another category, the audiences of a section, and deleting what is
// empty. Every change goes through the content service (permission structure:manage),
// which refuses to delete a category with sections or a section with articles.

// StructureView is the tree of categories and sections with the forms that add to it.
type StructureView struct {
	Frame
	Categories []content.Category
	Audiences  []AudienceOption
	// NewCategory and NewSection keep the add forms' input after an error.
	NewCategory CategoryForm
	NewSection  SectionForm
	// Errors are keyed "category.<field>" and "section.<field>" by the form they belong to.
	Errors map[string]string
}

// CategoryForm is the category form's input.
type CategoryForm struct {
	Name, Slug, Description string
}

// SectionForm is the section form's input.
type SectionForm struct {
	CategoryID              int64
	Name, Slug, Description string
	Audiences               []string
}

// Has reports whether an audience is ticked.
func (f SectionForm) Has(a string) bool { return slices.Contains(f.Audiences, a) }

// CategoryEditView edits one category.
type CategoryEditView struct {
	Frame
	Category content.Category
	Form     CategoryForm
	Errors   map[string]string
}

// SectionEditView edits one section.
type SectionEditView struct {
	Frame
	Section    content.Section
	Categories []content.Category
	Audiences  []AudienceOption
	Form       SectionForm
	Errors     map[string]string
}

func (con *console) structureTree(c *fiber.Ctx) (StructureView, error) {
	ctx := c.UserContext()
	actor := web.Subject(c)
	if err := con.Policy.Require(actor, policy.StructureManage); err != nil {
		return StructureView{}, err
	}
	cats, err := con.Content.AllCategories(ctx, actor)
	if err != nil {
		return StructureView{}, err
	}
	audiences, err := con.audienceOptions(ctx)
	if err != nil {
		return StructureView{}, err
	}
	return StructureView{
		Frame: con.frame(c, ui.T(ctx, "admin.nav.structure"), "structure"), Categories: cats, Audiences: audiences,
		NewSection: SectionForm{Audiences: []string{policy.AudiencePublic}}, Errors: map[string]string{},
	}, nil
}

func (con *console) structure(c *fiber.Ctx) error {
	v, err := con.structureTree(c)
	if err != nil {
		return err
	}
	if id := int64(c.QueryInt("category")); id > 0 {
		v.NewSection.CategoryID = id
	}
	return web.Render(c, StructurePage(v))
}

func (con *console) createCategory(c *fiber.Ctx) error {
	ctx := c.UserContext()
	form := CategoryForm{Name: c.FormValue("name"), Slug: strings.TrimSpace(c.FormValue("slug")), Description: c.FormValue("description")}
	cat, err := con.Content.CreateCategory(ctx, web.Subject(c), content.CategoryInput{Name: form.Name, Slug: form.Slug, Description: form.Description})
	if err != nil {
		fields, err := fieldErrors(err)
		if err != nil {
			return err
		}
		v, err := con.structureTree(c)
		if err != nil {
			return err
		}
		v.NewCategory = form
		for k, msg := range fields {
			v.Errors["category."+k] = msg
		}
		return web.RenderStatus(c, fiber.StatusUnprocessableEntity, StructurePage(v))
	}
	return redirectWithFlash(c, "/admin/structure#category-"+idString(cat.ID), ui.T(ctx, "admin.structure.category_created", cat.Name))
}

func (con *console) createSection(c *fiber.Ctx) error {
	ctx := c.UserContext()
	form := SectionForm{CategoryID: formInt(c, "category_id"), Name: c.FormValue("name"), Slug: strings.TrimSpace(c.FormValue("slug")),
		Description: c.FormValue("description"), Audiences: formValues(c, "audiences")}
	sec, err := con.Content.CreateSection(ctx, web.Subject(c), content.SectionInput{CategoryID: form.CategoryID, Name: form.Name,
		Slug: form.Slug, Description: form.Description, Audiences: nonNilStrings(form.Audiences)})
	if err != nil {
		fields, err := fieldErrors(err)
		if err != nil {
			return err
		}
		v, err := con.structureTree(c)
		if err != nil {
			return err
		}
		v.NewSection = form
		for k, msg := range fields {
			v.Errors["section."+k] = msg
		}
		return web.RenderStatus(c, fiber.StatusUnprocessableEntity, StructurePage(v))
	}
	return redirectWithFlash(c, "/admin/structure#section-"+idString(sec.ID), ui.T(ctx, "admin.structure.section_created", sec.Name))
}

// loadCategory loads the tree and picks one category from it.
func (con *console) loadCategory(c *fiber.Ctx) ([]content.Category, *content.Category, error) {
	if err := con.Policy.Require(web.Subject(c), policy.StructureManage); err != nil {
		return nil, nil, err
	}
	id, err := paramID(c, "id")
	if err != nil {
		return nil, nil, err
	}
	cats, err := con.Content.AllCategories(c.UserContext(), web.Subject(c))
	if err != nil {
		return nil, nil, err
	}
	for i := range cats {
		if cats[i].ID == id {
			return cats, &cats[i], nil
		}
	}
	return nil, nil, apperr.NotFoundf("Nie ma takiej kategorii.")
}

// loadSection loads the tree and picks one section from it.
func (con *console) loadSection(c *fiber.Ctx) ([]content.Category, *content.Section, error) {
	if err := con.Policy.Require(web.Subject(c), policy.StructureManage); err != nil {
		return nil, nil, err
	}
	id, err := paramID(c, "id")
	if err != nil {
		return nil, nil, err
	}
	cats, err := con.Content.AllCategories(c.UserContext(), web.Subject(c))
	if err != nil {
		return nil, nil, err
	}
	for i := range cats {
		for j := range cats[i].Sections {
			if cats[i].Sections[j].ID == id {
				return cats, &cats[i].Sections[j], nil
			}
		}
	}
	return nil, nil, apperr.NotFoundf("Nie ma takiej sekcji.")
}

func (con *console) editCategory(c *fiber.Ctx) error {
	_, cat, err := con.loadCategory(c)
	if err != nil {
		return err
	}
	v := CategoryEditView{Frame: con.frame(c, cat.Name, "structure"), Category: *cat,
		Form: CategoryForm{Name: cat.Name, Slug: cat.Slug, Description: cat.Description}}
	return web.Render(c, CategoryEditPage(v))
}

func (con *console) updateCategory(c *fiber.Ctx) error {
	ctx := c.UserContext()
	_, cat, err := con.loadCategory(c)
	if err != nil {
		return err
	}
	form := CategoryForm{Name: c.FormValue("name"), Slug: strings.TrimSpace(c.FormValue("slug")), Description: c.FormValue("description")}
	if _, err := con.Content.UpdateCategory(ctx, web.Subject(c), cat.ID, content.CategoryUpdate{Name: &form.Name, Slug: &form.Slug, Description: &form.Description}); err != nil {
		fields, err := fieldErrors(err)
		if err != nil {
			return err
		}
		v := CategoryEditView{Frame: con.frame(c, cat.Name, "structure"), Category: *cat, Form: form, Errors: fields}
		return web.RenderStatus(c, fiber.StatusUnprocessableEntity, CategoryEditPage(v))
	}
	return redirectWithFlash(c, "/admin/structure#category-"+idString(cat.ID), ui.T(ctx, "admin.structure.category_saved"))
}

func (con *console) deleteCategory(c *fiber.Ctx) error {
	ctx := c.UserContext()
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	if err := con.Content.DeleteCategory(ctx, web.Subject(c), id); err != nil {
		if ae := apperr.As(err); ae != nil && ae.Code == apperr.Conflict {
			return flashError(c, "/admin/structure/categories/"+idString(id), ui.T(ctx, "admin.structure.category_not_empty"))
		}
		return err
	}
	return redirectWithFlash(c, "/admin/structure", ui.T(ctx, "admin.structure.category_deleted"))
}

func (con *console) editSection(c *fiber.Ctx) error {
	ctx := c.UserContext()
	cats, sec, err := con.loadSection(c)
	if err != nil {
		return err
	}
	audiences, err := con.audienceOptions(ctx)
	if err != nil {
		return err
	}
	v := SectionEditView{Frame: con.frame(c, sec.Name, "structure"), Section: *sec, Categories: cats, Audiences: audiences,
		Form: SectionForm{CategoryID: sec.CategoryID, Name: sec.Name, Slug: sec.Slug, Description: sec.Description, Audiences: sec.Audiences}}
	return web.Render(c, SectionEditPage(v))
}

func (con *console) updateSection(c *fiber.Ctx) error {
	ctx := c.UserContext()
	cats, sec, err := con.loadSection(c)
	if err != nil {
		return err
	}
	form := SectionForm{CategoryID: formInt(c, "category_id"), Name: c.FormValue("name"), Slug: strings.TrimSpace(c.FormValue("slug")),
		Description: c.FormValue("description"), Audiences: formValues(c, "audiences")}
	upd := content.SectionUpdate{Name: &form.Name, Slug: &form.Slug, Description: &form.Description, Audiences: nonNilStrings(form.Audiences)}
	if form.CategoryID != 0 {
		upd.CategoryID = &form.CategoryID
	}
	if _, err := con.Content.UpdateSection(ctx, web.Subject(c), sec.ID, upd); err != nil {
		fields, err := fieldErrors(err)
		if err != nil {
			return err
		}
		audiences, err := con.audienceOptions(ctx)
		if err != nil {
			return err
		}
		v := SectionEditView{Frame: con.frame(c, sec.Name, "structure"), Section: *sec, Categories: cats, Audiences: audiences, Form: form, Errors: fields}
		return web.RenderStatus(c, fiber.StatusUnprocessableEntity, SectionEditPage(v))
	}
	return redirectWithFlash(c, "/admin/structure#section-"+idString(sec.ID), ui.T(ctx, "admin.structure.section_saved"))
}

func (con *console) deleteSection(c *fiber.Ctx) error {
	ctx := c.UserContext()
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	if err := con.Content.DeleteSection(ctx, web.Subject(c), id); err != nil {
		if ae := apperr.As(err); ae != nil && ae.Code == apperr.Conflict {
			return flashError(c, "/admin/structure/sections/"+idString(id), ui.T(ctx, "admin.structure.section_not_empty"))
		}
		return err
	}
	return redirectWithFlash(c, "/admin/structure", ui.T(ctx, "admin.structure.section_deleted"))
}

// moveCategory moves a category one place up or down (dir=up|down).
func (con *console) moveCategory(c *fiber.Ctx) error {
	ctx := c.UserContext()
	cats, cat, err := con.loadCategory(c)
	if err != nil {
		return err
	}
	ids := make([]int64, len(cats))
	for i, x := range cats {
		ids[i] = x.ID
	}
	if moveOne(ids, cat.ID, c.FormValue("dir")) {
		if err := con.Content.ReorderCategories(ctx, web.Subject(c), ids); err != nil {
			return err
		}
	}
	return redirectWithFlash(c, "/admin/structure#category-"+idString(cat.ID), ui.T(ctx, "admin.structure.moved", cat.Name))
}

// moveSection moves a section one place up or down within its category.
func (con *console) moveSection(c *fiber.Ctx) error {
	ctx := c.UserContext()
	cats, sec, err := con.loadSection(c)
	if err != nil {
		return err
	}
	var ids []int64
	for _, cat := range cats {
		if cat.ID == sec.CategoryID {
			for _, s := range cat.Sections {
				ids = append(ids, s.ID)
			}
		}
	}
	if moveOne(ids, sec.ID, c.FormValue("dir")) {
		if err := con.Content.ReorderSections(ctx, web.Subject(c), sec.CategoryID, ids); err != nil {
			return err
		}
	}
	return redirectWithFlash(c, "/admin/structure#section-"+idString(sec.ID), ui.T(ctx, "admin.structure.moved", sec.Name))
}

// moveOne swaps id with its neighbour above (dir "up") or below ("down"); it reports
// whether anything moved.
func moveOne(ids []int64, id int64, dir string) bool {
	i := slices.Index(ids, id)
	j := i - 1
	if dir == "down" {
		j = i + 1
	}
	if i < 0 || j < 0 || j >= len(ids) {
		return false
	}
	ids[i], ids[j] = ids[j], ids[i]
	return true
}

// sectionCount is "1 sekcja", "3 sekcje", "5 sekcji".
func sectionCount(ctx context.Context, n int) string {
	return strconv.Itoa(n) + " " + ui.Plural(ctx, n, ui.T(ctx, "admin.structure.sections_one"), ui.T(ctx, "admin.structure.sections_few"), ui.T(ctx, "admin.structure.sections_many"))
}

// mountStructure adds the categories and sections screens.
func mountStructure(r fiber.Router, con *console) {
	r.Get("/structure", con.structure)
	r.Post("/structure/categories", con.createCategory)
	r.Get("/structure/categories/:id<int>", con.editCategory)
	r.Post("/structure/categories/:id<int>", con.updateCategory)
	r.Post("/structure/categories/:id<int>/delete", con.deleteCategory)
	r.Post("/structure/categories/:id<int>/move", con.moveCategory)
	r.Post("/structure/sections", con.createSection)
	r.Get("/structure/sections/:id<int>", con.editSection)
	r.Post("/structure/sections/:id<int>", con.updateSection)
	r.Post("/structure/sections/:id<int>/delete", con.deleteSection)
	r.Post("/structure/sections/:id<int>/move", con.moveSection)
}
