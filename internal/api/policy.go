package api

import (
	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/internal/web"
	"github.com/helpcenter/helpcenter/policy"
)

// policyAPI serves the management of audiences, staff roles and account types.
type policyAPI struct{ e *policy.Enforcer }

func mountPolicy(r fiber.Router, e *policy.Enforcer) {
	h := policyAPI{e}
	r.Get("/admin/audiences", h.getMatrix)
	r.Put("/admin/audiences", h.putMatrix)
	r.Get("/admin/roles", h.getRoles)
	r.Put("/admin/roles", h.putRoles)
	r.Get("/admin/account-types", h.listAccountTypes)
	r.Post("/admin/account-types", h.createAccountType)
	r.Patch("/admin/account-types/:key", h.updateAccountType)
	r.Delete("/admin/account-types/:key", h.deleteAccountType)
}

func (h policyAPI) getMatrix(c *fiber.Ctx) error {
	if err := h.e.Require(web.Subject(c), policy.PolicyManage); err != nil {
		return err
	}
	m, err := h.e.Matrix(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(m)
}

func (h policyAPI) putMatrix(c *fiber.Ctx) error {
	var in struct {
		Grants map[string][]string `json:"grants"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if err := h.e.PutMatrix(c.UserContext(), web.Subject(c), in.Grants); err != nil {
		return err
	}
	return h.getMatrix(c)
}

func (h policyAPI) getRoles(c *fiber.Ctx) error {
	if err := h.e.Require(web.Subject(c), policy.PolicyManage); err != nil {
		return err
	}
	m, err := h.e.Roles(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(m)
}

func (h policyAPI) putRoles(c *fiber.Ctx) error {
	var in struct {
		Roles map[string][]string `json:"roles"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if err := h.e.PutRoles(c.UserContext(), web.Subject(c), in.Roles); err != nil {
		return err
	}
	return h.getRoles(c)
}

func (h policyAPI) listAccountTypes(c *fiber.Ctx) error {
	if err := h.e.Require(web.Subject(c), policy.PolicyManage); err != nil {
		return err
	}
	ts, err := h.e.AccountTypes(c.UserContext())
	if err != nil {
		return err
	}
	if ts == nil {
		ts = []policy.AccountType{}
	}
	return c.JSON(listResponse[policy.AccountType]{Data: ts})
}

func (h policyAPI) createAccountType(c *fiber.Ctx) error {
	var in struct {
		Key     string `json:"key"`
		LabelPL string `json:"label_pl"`
		LabelEN string `json:"label_en"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	t, err := h.e.CreateAccountType(c.UserContext(), web.Subject(c), policy.AccountType{Key: in.Key, LabelPL: in.LabelPL, LabelEN: in.LabelEN})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(t)
}

func (h policyAPI) updateAccountType(c *fiber.Ctx) error {
	var in struct {
		LabelPL string `json:"label_pl"`
		LabelEN string `json:"label_en"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	t, err := h.e.UpdateAccountType(c.UserContext(), web.Subject(c), c.Params("key"), in.LabelPL, in.LabelEN)
	if err != nil {
		return err
	}
	return c.JSON(t)
}

func (h policyAPI) deleteAccountType(c *fiber.Ctx) error {
	if err := h.e.DeleteAccountType(c.UserContext(), web.Subject(c), c.Params("key")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
