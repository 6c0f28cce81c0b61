package admin

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/internal/ui"
	"github.com/helpcenter/helpcenter/internal/web"
	"github.com/helpcenter/helpcenter/policy"
)

// RolesView is the staff roles x permissions screen.
type RolesView struct {
	Frame
	Permissions []string
	Roles       []RoleRow
	Errors      map[string]string
	NewRole     string
}

// RoleRow is one role with the permissions it holds.
type RoleRow struct {
	Key     string
	Builtin bool
	Has     map[string]bool
}

func (con *console) rolesView(c *fiber.Ctx, held map[string][]string) (RolesView, error) {
	ctx := c.UserContext()
	roles, err := con.Policy.StaffRoles(ctx)
	if err != nil {
		return RolesView{}, err
	}
	v := RolesView{Frame: con.frame(c, ui.T(ctx, "admin.nav.roles"), "roles")}
	for _, p := range policy.Permissions {
		v.Permissions = append(v.Permissions, p.String())
	}
	for _, r := range roles {
		row := RoleRow{Key: r.Key, Builtin: r.Builtin, Has: map[string]bool{}}
		for _, p := range held[r.Key] {
			row.Has[p] = true
		}
		v.Roles = append(v.Roles, row)
	}
	return v, nil
}

func (con *console) roles(c *fiber.Ctx) error {
	if err := con.Policy.Require(web.Subject(c), policy.PolicyManage); err != nil {
		return err
	}
	m, err := con.Policy.Roles(c.UserContext())
	if err != nil {
		return err
	}
	v, err := con.rolesView(c, m.Roles)
	if err != nil {
		return err
	}
	return web.Render(c, RolesPage(v))
}

// saveRoles replaces every listed role's permissions; a filled "new role" field adds a
// custom role with the permissions ticked in its row.
func (con *console) saveRoles(c *fiber.Ctx) error {
	ctx := c.UserContext()
	actor := web.Subject(c)
	current, err := con.Policy.Roles(ctx)
	if err != nil {
		return err
	}
	proposed := map[string][]string{}
	for role := range current.Roles {
		proposed[role] = formValues(c, "perm."+role)
	}
	newRole := strings.TrimSpace(c.FormValue("new_role"))
	if newRole != "" {
		proposed[newRole] = formValues(c, "perm._new")
	}
	if err := con.Policy.PutRoles(ctx, actor, proposed); err != nil {
		fields, err := fieldErrors(err)
		if err != nil {
			return err
		}
		v, verr := con.rolesView(c, proposed)
		if verr != nil {
			return verr
		}
		v.Errors, v.NewRole = fields, newRole
		return web.RenderStatus(c, fiber.StatusUnprocessableEntity, RolesPage(v))
	}
	return redirectWithFlash(c, "/admin/roles", ui.T(ctx, "admin.roles.saved"))
}
