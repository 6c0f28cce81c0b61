package admin

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/internal/account"
	"github.com/helpcenter/helpcenter/internal/ticket"
	"github.com/helpcenter/helpcenter/internal/ui"
	"github.com/helpcenter/helpcenter/internal/web"
	"github.com/helpcenter/helpcenter/policy"
)

// UsersView is the user search screen.
type UsersView struct {
	Frame
	Query, AccountType, StaffRole string
	Users                         []account.User
	Types                         []policy.AccountType
	Roles                         []policy.StaffRole
	NextBefore                    int64
}

const usersPage = 50

func (con *console) users(c *fiber.Ctx) error {
	ctx, actor := c.UserContext(), web.Subject(c)
	v := UsersView{Frame: con.frame(c, ui.T(ctx, "admin.nav.users"), "users"), Query: c.Query("q"), AccountType: c.Query("account_type"), StaffRole: c.Query("staff_role")}
	f := account.UserFilter{Query: v.Query, AccountType: v.AccountType, StaffRole: v.StaffRole, Limit: usersPage + 1}
	if v.StaffRole == "any" {
		f.StaffRole, f.StaffOnly = "", true
	}
	f.BeforeID, _ = strconv.ParseInt(c.Query("before"), 10, 64)
	users, err := con.Accounts.FindUsers(ctx, actor, f)
	if err != nil {
		return err
	}
	if len(users) > usersPage {
		users = users[:usersPage]
		v.NextBefore = users[usersPage-1].ID
	}
	v.Users = users
	if v.Types, err = con.Policy.AccountTypes(ctx); err != nil {
		return err
	}
	if v.Roles, err = con.Policy.StaffRoles(ctx); err != nil {
		return err
	}
	return web.Render(c, UsersPage(v))
}

// UserView is one user's screen: details, changes, requests and sign-ins.
type UserView struct {
	Frame
	User     *account.User
	Types    []policy.AccountType
	Roles    []policy.StaffRole
	Requests []ticket.Ticket
	SignIns  []account.SignIn
	Errors   map[string]string
	CanEdit  bool
}

func (con *console) userView(c *fiber.Ctx, id int64) (UserView, error) {
	ctx, actor := c.UserContext(), web.Subject(c)
	u, err := con.Accounts.UserByID(ctx, actor, id)
	if err != nil {
		return UserView{}, err
	}
	v := UserView{Frame: con.frame(c, u.Email, "users"), User: u, CanEdit: con.Policy.Can(actor, policy.UserManage)}
	if v.Types, err = con.Policy.AccountTypes(ctx); err != nil {
		return v, err
	}
	if v.Roles, err = con.Policy.StaffRoles(ctx); err != nil {
		return v, err
	}
	if v.SignIns, err = con.Accounts.SignIns(ctx, actor, id); err != nil {
		return v, err
	}
	if con.Tickets != nil && con.Policy.Can(actor, policy.TicketRead) {
		page, err := con.Tickets.FindTickets(ctx, actor, ticket.Filter{RequesterID: id, Limit: 20})
		if err != nil {
			return v, err
		}
		v.Requests = page.Tickets
	}
	return v, nil
}

func (con *console) user(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return fiber.ErrNotFound
	}
	v, err := con.userView(c, id)
	if err != nil {
		return err
	}
	return web.Render(c, UserPage(v))
}

func (con *console) updateUser(c *fiber.Ctx) error {
	ctx := c.UserContext()
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return fiber.ErrNotFound
	}
	accountType, staffRole := c.FormValue("account_type"), c.FormValue("staff_role")
	blocked := c.FormValue("blocked") == "on"
	_, err = con.Accounts.UpdateUser(ctx, web.Subject(c), id, account.UserUpdate{AccountType: &accountType, StaffRole: &staffRole, Blocked: &blocked})
	if err != nil {
		fields, ferr := fieldErrors(err)
		if ferr != nil {
			return ferr
		}
		v, verr := con.userView(c, id)
		if verr != nil {
			return verr
		}
		v.Errors = fields
		return web.RenderStatus(c, fiber.StatusUnprocessableEntity, UserPage(v))
	}
	return redirectWithFlash(c, "/admin/users/"+strconv.FormatInt(id, 10), ui.T(ctx, "admin.users.saved"))
}

func (con *console) sendPasswordLink(c *fiber.Ctx) error {
	ctx := c.UserContext()
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return fiber.ErrNotFound
	}
	if err := con.Accounts.SendPasswordLink(ctx, web.Subject(c), id); err != nil {
		return err
	}
	return redirectWithFlash(c, "/admin/users/"+strconv.FormatInt(id, 10), ui.T(ctx, "admin.users.link_sent"))
}

func formatTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04") }

func formatTimePtr(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return formatTime(*t)
}
