package admin

import (
	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/internal/synonyms"
	"github.com/helpcenter/helpcenter/internal/ui"
	"github.com/helpcenter/helpcenter/internal/web"
	"github.com/helpcenter/helpcenter/policy"
)

// SynonymsView is the search-synonyms screen: the staff's groups as one textarea (one
// group per line, comma-separated) and the built-in groups for reference.
type SynonymsView struct {
	Frame
	List *synonyms.List
	// Text is the textarea's content: the saved list, or what was typed when it came back
	// with Error.
	Text, Error string
	// CanEdit shows the form (structure:manage); the service checks again.
	CanEdit bool
}

func (fs *faqScreens) synonymsView(c *fiber.Ctx) (SynonymsView, error) {
	ctx, s := c.UserContext(), web.Subject(c)
	l, err := fs.Synonyms.List(ctx, s)
	if err != nil {
		return SynonymsView{}, err
	}
	return SynonymsView{Frame: fs.frame(c, ui.T(ctx, "synonyms.title"), "search"), List: l, Text: l.Text(),
		CanEdit: fs.Policy.Can(s, policy.StructureManage)}, nil
}

func (fs *faqScreens) synonyms(c *fiber.Ctx) error {
	v, err := fs.synonymsView(c)
	if err != nil {
		return err
	}
	return web.Render(c, SynonymsPage(v))
}

// saveSynonyms replaces the list; an invalid one comes back with the text as typed.
func (fs *faqScreens) saveSynonyms(c *fiber.Ctx) error {
	ctx := c.UserContext()
	text := normalizeNewlines(c.FormValue("synonyms"))
	if _, err := fs.Synonyms.Save(ctx, web.Subject(c), text); err != nil {
		errs, err := fieldErrors(err)
		if err != nil {
			return err
		}
		v, verr := fs.synonymsView(c)
		if verr != nil {
			return verr
		}
		v.Text, v.Error = text, errs["synonyms"]
		if v.Error == "" {
			v.Error = errs[""]
		}
		return web.RenderStatus(c, fiber.StatusUnprocessableEntity, SynonymsPage(v))
	}
	return redirectWithFlash(c, "/admin/synonyms", ui.T(ctx, "synonyms.saved"))
}
