package admin

import (
	"context"
	"slices"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/internal/ui"
	"github.com/helpcenter/helpcenter/internal/web"
	"github.com/helpcenter/helpcenter/policy"
)

// VisibilityPreviewer lists the articles a reader gains and loses when their readable
// audiences change from before to after (the knowledge base provides it).
type VisibilityPreviewer interface {
	PreviewVisibility(ctx context.Context, before, after []string) (gained, lost []ArticleRef, err error)
}

// ArticleRef names an article in a preview.
type ArticleRef struct {
	ID    int64
	Title string
	Slug  string
}

// AudiencesView is the audience matrix screen.
type AudiencesView struct {
	Frame
	Readers   []MatrixRow
	Audiences []string
	Types     []policy.AccountType
	Errors    map[string]string
	// Preview is set after "Podgląd": what each reader would gain and lose.
	Preview []ReaderPreview
	NewType policy.AccountType
}

// MatrixRow is one reader (anonymous, signed_in or an account type) with its grants.
type MatrixRow struct {
	Key, Label string
	Granted    map[string]bool
}

// ReaderPreview lists the effect of a proposed change on one kind of reader.
type ReaderPreview struct {
	Label        string
	Gained, Lost []ArticleRef
}

func (con *console) audiences(c *fiber.Ctx) error {
	if err := con.Policy.Require(web.Subject(c), policy.PolicyManage); err != nil {
		return err
	}
	m, err := con.Policy.Matrix(c.UserContext())
	if err != nil {
		return err
	}
	v, err := con.audiencesView(c, m.Grants)
	if err != nil {
		return err
	}
	return web.Render(c, AudiencesPage(v))
}

func (con *console) audiencesView(c *fiber.Ctx, grants map[string][]string) (AudiencesView, error) {
	ctx := c.UserContext()
	types, err := con.Policy.AccountTypes(ctx)
	if err != nil {
		return AudiencesView{}, err
	}
	v := AudiencesView{
		Frame:     con.frame(c, ui.T(ctx, "admin.nav.audiences"), "audiences"),
		Audiences: con.Policy.AllAudiences(),
		Types:     types,
	}
	row := func(key, label string) MatrixRow {
		r := MatrixRow{Key: key, Label: label, Granted: map[string]bool{}}
		for _, a := range grants[key] {
			r.Granted[a] = true
		}
		return r
	}
	v.Readers = append(v.Readers, row(policy.GrantAnonymous, ui.T(ctx, "admin.audiences.anonymous")), row(policy.GrantSignedIn, ui.T(ctx, "admin.audiences.signed_in")))
	for _, t := range types {
		v.Readers = append(v.Readers, row(t.Key, typeLabel(ctx, t)))
	}
	return v, nil
}

func typeLabel(ctx context.Context, t policy.AccountType) string {
	if ui.LangOf(ctx) == ui.EN {
		return t.LabelEN
	}
	return t.LabelPL
}

// saveAudiences saves the matrix, or with action=preview shows what would change.
func (con *console) saveAudiences(c *fiber.Ctx) error {
	ctx := c.UserContext()
	actor := web.Subject(c)
	if err := con.Policy.Require(actor, policy.PolicyManage); err != nil {
		return err
	}
	current, err := con.Policy.Matrix(ctx)
	if err != nil {
		return err
	}
	proposed := map[string][]string{}
	for key := range current.Grants {
		proposed[key] = formValues(c, "grant."+key)
	}
	if c.FormValue("action") == "preview" {
		v, err := con.audiencesView(c, proposed)
		if err != nil {
			return err
		}
		if con.Preview == nil {
			return web.Render(c, AudiencesPage(v))
		}
		before, after := policy.ReadersOf(current.Grants), policy.ReadersOf(proposed)
		for _, r := range v.Readers {
			if slices.Equal(before[r.Key], after[r.Key]) {
				continue
			}
			gained, lost, err := con.Preview.PreviewVisibility(ctx, before[r.Key], after[r.Key])
			if err != nil {
				return err
			}
			v.Preview = append(v.Preview, ReaderPreview{Label: r.Label, Gained: gained, Lost: lost})
		}
		return web.Render(c, AudiencesPage(v))
	}
	if err := con.Policy.PutMatrix(ctx, actor, proposed); err != nil {
		fields, err := fieldErrors(err)
		if err != nil {
			return err
		}
		v, verr := con.audiencesView(c, proposed)
		if verr != nil {
			return verr
		}
		v.Errors = fields
		return web.RenderStatus(c, fiber.StatusUnprocessableEntity, AudiencesPage(v))
	}
	return redirectWithFlash(c, "/admin/audiences", ui.T(ctx, "admin.audiences.saved"))
}

func (con *console) createAccountType(c *fiber.Ctx) error {
	ctx := c.UserContext()
	t := policy.AccountType{Key: c.FormValue("key"), LabelPL: c.FormValue("label_pl"), LabelEN: c.FormValue("label_en")}
	if _, err := con.Policy.CreateAccountType(ctx, web.Subject(c), t); err != nil {
		fields, err := fieldErrors(err)
		if err != nil {
			return err
		}
		m, err := con.Policy.Matrix(ctx)
		if err != nil {
			return err
		}
		v, err := con.audiencesView(c, m.Grants)
		if err != nil {
			return err
		}
		v.Errors, v.NewType = fields, t
		return web.RenderStatus(c, fiber.StatusUnprocessableEntity, AudiencesPage(v))
	}
	return redirectWithFlash(c, "/admin/audiences", ui.T(ctx, "admin.audiences.type_created", t.LabelPL))
}

func (con *console) updateAccountType(c *fiber.Ctx) error {
	ctx := c.UserContext()
	if _, err := con.Policy.UpdateAccountType(ctx, web.Subject(c), c.Params("key"), c.FormValue("label_pl"), c.FormValue("label_en")); err != nil {
		return err
	}
	return redirectWithFlash(c, "/admin/audiences", ui.T(ctx, "admin.audiences.type_updated"))
}

func (con *console) deleteAccountType(c *fiber.Ctx) error {
	ctx := c.UserContext()
	if err := con.Policy.DeleteAccountType(ctx, web.Subject(c), c.Params("key")); err != nil {
		return err
	}
	return redirectWithFlash(c, "/admin/audiences", ui.T(ctx, "admin.audiences.type_deleted"))
}
