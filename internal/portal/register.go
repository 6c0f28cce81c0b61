package portal

import (
	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/internal/account"
	"github.com/helpcenter/helpcenter/internal/ui"
	"github.com/helpcenter/helpcenter/internal/web"
)

// RegisterView is the registration page.
type RegisterView struct {
	Chrome      ui.Chrome
	Email, Name string
	Errors      FormErrors
	Providers   []account.ProviderInfo
}

func (p *accountPages) registerForm(c *fiber.Ctx) error {
	if signedInElsewhere(c) {
		return redirect(c, "/")
	}
	return web.Render(c, RegisterPage(RegisterView{Chrome: frame(c, "account.register.title"), Providers: p.Accounts.Providers()}))
}

func (p *accountPages) register(c *fiber.Ctx) error {
	email, name := trimmed(c, "email"), trimmed(c, "name")
	err := p.Accounts.Register(c.UserContext(), account.Registration{Email: email, Name: name, ClientIP: c.IP()})
	if err != nil {
		errs, status, ok := formErrors(err)
		if !ok {
			return err
		}
		_ = web.WithRetryAfter(c, err)
		return web.RenderStatus(c, status, RegisterPage(RegisterView{Chrome: frame(c, "account.register.title"),
			Email: email, Name: name, Errors: errs, Providers: p.Accounts.Providers()}))
	}
	web.SetFlash(c, "ok", ui.T(c.UserContext(), "account.register.sent", email))
	return redirect(c, "/login")
}
