package admin

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/account"
	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/ui"
	"github.com/helpcenter/helpcenter/internal/web"
	"github.com/helpcenter/helpcenter/policy"
)

// ExplainView answers "can this user (or token) read this article, and why", and offers
// "view as" for browsing the portal as a kind of reader.
type ExplainView struct {
	Frame
	Who, TokenID, Article string
	Target                string
	Result                *content.Explanation
	Errors                map[string]string
	ViewAsOptions         []ViewAsOption
	CanViewAs             bool
}

// ViewAsOption is a kind of reader the portal can be browsed as.
type ViewAsOption struct{ Value, Label string }

func (con *console) explain(c *fiber.Ctx) error {
	ctx, actor := c.UserContext(), web.Subject(c)
	if err := con.Policy.Require(actor, policy.UserRead); err != nil {
		return err
	}
	v := ExplainView{Frame: con.frame(c, ui.T(ctx, "admin.explain.title"), "users"), Who: c.Query("who"), TokenID: c.Query("token_id"), Article: c.Query("article"), Errors: map[string]string{}}
	if uid := c.Query("user_id"); uid != "" && v.Who == "" {
		if id, err := strconv.ParseInt(uid, 10, 64); err == nil {
			if u, err := con.Accounts.UserByID(ctx, actor, id); err == nil {
				v.Who = u.Email
			}
		}
	}
	v.CanViewAs = con.Policy.Can(actor, policy.PolicyManage)
	if v.CanViewAs {
		v.ViewAsOptions = []ViewAsOption{{"anonymous", ui.T(ctx, "admin.audiences.anonymous")}, {"signed_in", ui.T(ctx, "admin.audiences.signed_in")}}
		types, err := con.Policy.AccountTypes(ctx)
		if err != nil {
			return err
		}
		for _, t := range types {
			v.ViewAsOptions = append(v.ViewAsOptions, ViewAsOption{"type:" + t.Key, typeLabel(ctx, t)})
		}
	}
	if v.Article == "" || (v.Who == "" && v.TokenID == "") {
		return web.Render(c, ExplainPage(v))
	}
	target, label, err := con.explainTarget(c, v.Who, v.TokenID)
	if err == nil {
		v.Target = label
		var id int64
		if id, err = con.Content.ArticleIDByRef(ctx, actor, strings.TrimSpace(v.Article)); err == nil {
			v.Result, err = con.Content.ExplainRead(ctx, actor, target, id)
		} else if apperr.Is(err, apperr.NotFound) {
			v.Errors["article"], err = ui.T(ctx, "admin.explain.no_article"), nil
		}
	}
	if err != nil {
		if !apperr.Is(err, apperr.NotFound) {
			return err
		}
		v.Errors["who"] = ui.T(ctx, "admin.explain.no_subject")
	}
	return web.Render(c, ExplainPage(v))
}

// explainTarget finds the user (by e-mail or id) or the token to explain for.
func (con *console) explainTarget(c *fiber.Ctx, who, tokenID string) (policy.Subject, string, error) {
	ctx, actor := c.UserContext(), web.Subject(c)
	if tokenID != "" {
		id, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(tokenID), "#"), 10, 64)
		if err != nil {
			return policy.Subject{}, "", apperr.NotFoundf("no token")
		}
		t, err := con.Tokens.Get(ctx, actor, id)
		if err != nil {
			return policy.Subject{}, "", err
		}
		return t.Subject(time.Now()), "token #" + strconv.FormatInt(t.ID, 10) + " (" + t.Name + ")", nil
	}
	users, err := con.Accounts.FindUsers(ctx, actor, account.UserFilter{Query: strings.TrimSpace(who), Limit: 2})
	if err != nil {
		return policy.Subject{}, "", err
	}
	for _, u := range users {
		if strings.EqualFold(u.Email, strings.TrimSpace(who)) || len(users) == 1 {
			return u.Subject(), u.Email, nil
		}
	}
	return policy.Subject{}, "", apperr.NotFoundf("no user")
}

// startViewAs makes the staff member's next requests (portal and API with the session)
// act as the chosen kind of reader, until they stop.
func (con *console) startViewAs(c *fiber.Ctx) error {
	if err := con.Policy.Require(web.Subject(c), policy.PolicyManage); err != nil {
		return err
	}
	if err := web.StartViewAs(c, con.Policy, c.FormValue("as")); err != nil {
		return err
	}
	return c.Redirect("/", fiber.StatusSeeOther)
}
