package portal

import (
	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/internal/account"
	"github.com/helpcenter/helpcenter/internal/ui"
	"github.com/helpcenter/helpcenter/internal/web"
)

// LoginView is the sign-in page.
type LoginView struct {
	Chrome    ui.Chrome
	Email     string
	Next      string
	Errors    FormErrors
	Providers []account.ProviderInfo
}

func (p *accountPages) loginView(c *fiber.Ctx, email, next string, errs FormErrors) LoginView {
	return LoginView{Chrome: frame(c, "account.login.title"), Email: email, Next: next, Errors: errs, Providers: p.Accounts.Providers()}
}

func (p *accountPages) loginForm(c *fiber.Ctx) error {
	next := nextParam(c)
	if signedInElsewhere(c) {
		return redirect(c, account.LocalPath(next))
	}
	return web.Render(c, LoginPage(p.loginView(c, "", next, nil)))
}

func (p *accountPages) login(c *fiber.Ctx) error {
	email, next := trimmed(c, "email"), nextParam(c)
	u, err := p.Accounts.Login(c.UserContext(), account.Credentials{Email: email, Password: c.FormValue("password"), ClientIP: c.IP()})
	if err != nil {
		errs, status, ok := formErrors(err)
		if !ok {
			return err
		}
		_ = web.WithRetryAfter(c, err)
		return web.RenderStatus(c, status, LoginPage(p.loginView(c, email, next, errs)))
	}
	if err := p.Sessions.SignIn(c, u); err != nil {
		return err
	}
	web.SetFlash(c, "ok", ui.T(c.UserContext(), "account.flash.signed_in"))
	return redirect(c, account.LocalPath(next))
}

// ConfirmView is the page behind the link that confirms a social sign-in by e-mail.
type ConfirmView struct {
	Chrome ui.Chrome
	Token  string
	Valid  bool
	Errors FormErrors
}

// confirmForm shows a button: opening the link does not use it (mail scanners open links).
func (p *accountPages) confirmForm(c *fiber.Ctx) error {
	tok := c.Query("token")
	valid := p.Accounts.CheckLink(c.UserContext(), tok, account.PurposeLinkIdentity) == nil
	v := ConfirmView{Chrome: frame(c, "account.confirm.title"), Token: tok, Valid: valid}
	if !valid {
		return web.RenderStatus(c, fiber.StatusBadRequest, ConfirmPage(v))
	}
	return web.Render(c, ConfirmPage(v))
}

func (p *accountPages) confirm(c *fiber.Ctx) error {
	tok := c.FormValue("token")
	u, err := p.Accounts.ConfirmIdentity(c.UserContext(), tok)
	if err != nil {
		errs, status, ok := formErrors(err)
		if !ok {
			return err
		}
		return web.RenderStatus(c, status, ConfirmPage(ConfirmView{Chrome: frame(c, "account.confirm.title"), Token: tok, Errors: errs}))
	}
	if err := p.Sessions.SignIn(c, u); err != nil {
		return err
	}
	web.SetFlash(c, "ok", ui.T(c.UserContext(), "account.flash.confirmed"))
	return redirect(c, "/")
}

func (p *accountPages) logout(c *fiber.Ctx) error {
	if err := p.Sessions.SignOut(c); err != nil {
		return err
	}
	web.SetFlash(c, "ok", ui.T(c.UserContext(), "account.flash.signed_out"))
	return redirect(c, "/")
}
