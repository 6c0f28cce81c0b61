package admin

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/internal/apitoken"
	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/ui"
	"github.com/helpcenter/helpcenter/internal/web"
	"github.com/helpcenter/helpcenter/policy"
)

// TokensView is the API tokens screen. Secret is set only right after creation: it is
// shown once and never stored.
type TokensView struct {
	Frame
	Tokens    []apitoken.Token
	Audiences []string
	Roles     []policy.StaffRole
	Secret    string
	Form      TokenForm
	Errors    map[string]string
	Now       time.Time
}

// TokenForm keeps the create form's input.
type TokenForm struct {
	Name, StaffRole, ExpiresAt string
	Audiences                  map[string]bool
}

func (con *console) tokensView(c *fiber.Ctx) (TokensView, error) {
	ctx, actor := c.UserContext(), web.Subject(c)
	ts, err := con.Tokens.List(ctx, actor)
	if err != nil {
		return TokensView{}, err
	}
	roles, err := con.Policy.StaffRoles(ctx)
	if err != nil {
		return TokensView{}, err
	}
	return TokensView{Frame: con.frame(c, ui.T(ctx, "admin.nav.tokens"), "tokens"), Tokens: ts, Audiences: con.Policy.AllAudiences(), Roles: roles, Now: time.Now()}, nil
}

func (con *console) tokens(c *fiber.Ctx) error {
	v, err := con.tokensView(c)
	if err != nil {
		return err
	}
	return web.Render(c, TokensPage(v))
}

// createToken shows the new secret on the answer page itself (no redirect), so that it
// never sits in a cookie or a URL.
func (con *console) createToken(c *fiber.Ctx) error {
	ctx := c.UserContext()
	form := TokenForm{Name: c.FormValue("name"), StaffRole: c.FormValue("staff_role"), ExpiresAt: c.FormValue("expires_at"), Audiences: map[string]bool{}}
	in := apitoken.CreateInput{Name: form.Name, StaffRole: form.StaffRole}
	for _, a := range formValues(c, "audiences") {
		form.Audiences[a] = true
		in.Audiences = append(in.Audiences, a)
	}
	var err error
	if strings.TrimSpace(form.ExpiresAt) != "" {
		t, perr := time.Parse("2006-01-02", form.ExpiresAt)
		if perr != nil {
			err = apperr.InvalidFields(apperr.Field("expires_at", ui.T(ctx, "admin.tokens.bad_date")))
		} else {
			t = t.Add(24 * time.Hour)
			in.ExpiresAt = &t
		}
	}
	var created *apitoken.Created
	if err == nil {
		created, err = con.Tokens.Create(ctx, web.Subject(c), in)
	}
	v, verr := con.tokensView(c)
	if verr != nil {
		return verr
	}
	if err != nil {
		fields, ferr := fieldErrors(err)
		if ferr != nil {
			return ferr
		}
		v.Errors, v.Form = fields, form
		return web.RenderStatus(c, fiber.StatusUnprocessableEntity, TokensPage(v))
	}
	v.Secret = created.Secret
	c.Set(fiber.HeaderCacheControl, "no-store")
	return web.Render(c, TokensPage(v))
}

func (con *console) revokeToken(c *fiber.Ctx) error {
	ctx := c.UserContext()
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return fiber.ErrNotFound
	}
	if err := con.Tokens.Revoke(ctx, web.Subject(c), id); err != nil {
		return err
	}
	return redirectWithFlash(c, "/admin/tokens", ui.T(ctx, "admin.tokens.revoked"))
}
