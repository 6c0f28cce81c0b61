package api

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/internal/account"
	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/web"
	"github.com/helpcenter/helpcenter/policy"
)

// meResponse describes the signed-in user to a frontend.
type meResponse struct {
	ID          int64   `json:"id"`
	Email       string  `json:"email"`
	Name        string  `json:"name"`
	AccountType *string `json:"account_type"`
	StaffRole   *string `json:"staff_role"`
	// CSRFToken goes into the X-CSRF-Token header of every state-changing call made
	// with the session cookie.
	CSRFToken     string    `json:"csrf_token"`
	EmailVerified bool      `json:"email_verified"`
	HasPassword   bool      `json:"has_password"`
	Providers     []string  `json:"providers"`
	Permissions   []string  `json:"permissions"`
	CreatedAt     time.Time `json:"created_at"`
}

func mountMe(r fiber.Router, accounts *account.Service, p *policy.Enforcer) {
	if accounts == nil {
		return
	}
	r.Get("/me", func(c *fiber.Ctx) error {
		s := web.Subject(c)
		if s.TokenID != 0 {
			return apperr.Forbiddenf("GET /me opisuje zalogowanego użytkownika; token API nie jest użytkownikiem.")
		}
		u, err := accounts.Me(c.UserContext(), s)
		if err != nil {
			return err
		}
		out := meResponse{ID: u.ID, Email: u.Email, Name: u.Name, AccountType: nullable(u.AccountType), StaffRole: nullable(u.StaffRole),
			CSRFToken: web.CSRFToken(c), EmailVerified: u.EmailVerifiedAt != nil, HasPassword: u.HasPassword,
			Providers: u.Providers, Permissions: []string{}, CreatedAt: u.CreatedAt}
		if p != nil {
			for _, perm := range p.PermissionsOf(s) {
				out.Permissions = append(out.Permissions, perm.String())
			}
		}
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.JSON(out)
	})
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
