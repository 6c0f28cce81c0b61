package api

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/account"
	"github.com/helpcenter/helpcenter/internal/apitoken"
	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/web"
	"github.com/helpcenter/helpcenter/policy"
)

// adminAPI serves the management of users, API tokens and "explain".
type adminAPI struct {
	accounts *account.Service
	tokens   *apitoken.Service
	content  *content.Service
}

func mountAdmin(r fiber.Router, d Deps) {
	h := adminAPI{accounts: d.Accounts, tokens: d.Tokens, content: d.Content}
	r.Get("/admin/users", h.listUsers)
	r.Get("/admin/users/:id<int>", h.getUser)
	r.Patch("/admin/users/:id<int>", h.updateUser)
	r.Post("/admin/users/:id<int>/password-link", h.passwordLink)
	r.Get("/admin/tokens", h.listTokens)
	r.Post("/admin/tokens", h.createToken)
	r.Delete("/admin/tokens/:id<int>", h.revokeToken)
	r.Get("/admin/explain", h.explain)
}

func pathID(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.NotFoundf("Nie znaleziono.")
	}
	return id, nil
}

func (h adminAPI) listUsers(c *fiber.Ctx) error {
	limit, err := parseLimit(c)
	if err != nil {
		return err
	}
	f := account.UserFilter{Query: c.Query("q"), AccountType: c.Query("account_type"), StaffRole: c.Query("staff_role"), Limit: limit + 1}
	if v := c.Query("cursor"); v != "" {
		if f.BeforeID, err = strconv.ParseInt(v, 10, 64); err != nil || f.BeforeID <= 0 {
			return apperr.InvalidFields(apperr.Field("cursor", "Nieprawidłowy kursor."))
		}
	}
	users, err := h.accounts.FindUsers(c.UserContext(), web.Subject(c), f)
	if err != nil {
		return err
	}
	out := listResponse[account.User]{Data: users}
	if len(users) > limit {
		out.Data = users[:limit]
		next := strconv.FormatInt(out.Data[limit-1].ID, 10)
		out.NextCursor = &next
	}
	return c.JSON(out)
}

func (h adminAPI) getUser(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	u, err := h.accounts.UserByID(c.UserContext(), web.Subject(c), id)
	if err != nil {
		return err
	}
	return c.JSON(u)
}

func (h adminAPI) updateUser(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in struct {
		Name        *string `json:"name"`
		AccountType *string `json:"account_type"`
		StaffRole   *string `json:"staff_role"`
		Blocked     *bool   `json:"blocked"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u, err := h.accounts.UpdateUser(c.UserContext(), web.Subject(c), id, account.UserUpdate{Name: in.Name, AccountType: in.AccountType, StaffRole: in.StaffRole, Blocked: in.Blocked})
	if err != nil {
		return err
	}
	return c.JSON(u)
}

func (h adminAPI) passwordLink(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := h.accounts.SendPasswordLink(c.UserContext(), web.Subject(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusAccepted)
}

func (h adminAPI) listTokens(c *fiber.Ctx) error {
	ts, err := h.tokens.List(c.UserContext(), web.Subject(c))
	if err != nil {
		return err
	}
	return c.JSON(listResponse[apitoken.Token]{Data: ts})
}

// createdToken is a new token with its secret, shown this once.
type createdToken struct {
	apitoken.Token
	Secret string `json:"token"`
}

func (h adminAPI) createToken(c *fiber.Ctx) error {
	var in struct {
		Name      string     `json:"name"`
		Audiences []string   `json:"audiences"`
		StaffRole string     `json:"staff_role"`
		ExpiresAt *time.Time `json:"expires_at"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	t, err := h.tokens.Create(c.UserContext(), web.Subject(c), apitoken.CreateInput{Name: in.Name, Audiences: in.Audiences, StaffRole: in.StaffRole, ExpiresAt: in.ExpiresAt})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(createdToken{Token: t.Token, Secret: t.Secret})
}

func (h adminAPI) revokeToken(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := h.tokens.Revoke(c.UserContext(), web.Subject(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// explain answers GET /admin/explain?user_id=&article_id= (or token_id=).
func (h adminAPI) explain(c *fiber.Ctx) error {
	ctx, actor := c.UserContext(), web.Subject(c)
	var problems []apperr.FieldError
	articleID, err := strconv.ParseInt(c.Query("article_id"), 10, 64)
	if err != nil || articleID <= 0 {
		problems = append(problems, apperr.Field("article_id", "Podaj identyfikator artykułu."))
	}
	userID, _ := strconv.ParseInt(c.Query("user_id"), 10, 64)
	tokenID, _ := strconv.ParseInt(c.Query("token_id"), 10, 64)
	if (userID > 0) == (tokenID > 0) {
		problems = append(problems, apperr.Field("user_id", "Podaj user_id albo token_id."))
	}
	if err := apperr.InvalidFields(problems...); err != nil {
		return err
	}
	var target policy.Subject
	if userID > 0 {
		u, err := h.accounts.UserByID(ctx, actor, userID)
		if err != nil {
			return err
		}
		target = u.Subject()
	} else {
		t, err := h.tokens.Get(ctx, actor, tokenID)
		if err != nil {
			return err
		}
		target = t.Subject(time.Now())
	}
	ex, err := h.content.ExplainRead(ctx, actor, target, articleID)
	if err != nil {
		return err
	}
	return c.JSON(ex)
}
