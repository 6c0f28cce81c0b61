package portal

import (
	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/internal/account"
	"github.com/helpcenter/helpcenter/internal/mail"
	"github.com/helpcenter/helpcenter/internal/ui"
	"github.com/helpcenter/helpcenter/internal/web"
)

// LinkView is the "Uzyskaj hasło" page.
type LinkView struct {
	Chrome ui.Chrome
	Email  string
	Errors FormErrors
}

func (p *accountPages) linkForm(c *fiber.Ctx) error {
	return web.Render(c, LinkPage(LinkView{Chrome: frame(c, "account.password.title"), Email: c.Query("email")}))
}

func (p *accountPages) requestLink(c *fiber.Ctx) error {
	email := trimmed(c, "email")
	if err := p.Accounts.RequestPasswordLink(c.UserContext(), account.LinkRequest{Email: email, ClientIP: c.IP()}); err != nil {
		errs, status, ok := formErrors(err)
		if !ok {
			return err
		}
		_ = web.WithRetryAfter(c, err)
		return web.RenderStatus(c, status, LinkPage(LinkView{Chrome: frame(c, "account.password.title"), Email: email, Errors: errs}))
	}
	web.SetFlash(c, "ok", ui.T(c.UserContext(), "account.password.sent", email, mail.PolishDuration(p.Accounts.TokenTTL())))
	return redirect(c, "/login")
}

// SetView is the set-password page behind an e-mailed link.
type SetView struct {
	Chrome ui.Chrome
	Token  string
	// Valid is false when the link cannot be used any more.
	Valid  bool
	Errors FormErrors
}

// setForm shows the form only for a link that still works; opening it does not use it.
func (p *accountPages) setForm(c *fiber.Ctx) error {
	tok := c.Query("token")
	valid := p.Accounts.CheckLink(c.UserContext(), tok, account.PurposeSetPassword) == nil
	v := SetView{Chrome: frame(c, "account.set.title"), Token: tok, Valid: valid}
	// The token must not leak to other sites through the Referer header.
	c.Set("Referrer-Policy", "no-referrer")
	if !valid {
		return web.RenderStatus(c, fiber.StatusBadRequest, SetPage(v))
	}
	return web.Render(c, SetPage(v))
}

func (p *accountPages) setPassword(c *fiber.Ctx) error {
	tok, pw := c.FormValue("token"), c.FormValue("password")
	c.Set("Referrer-Policy", "no-referrer")
	if pw != c.FormValue("password_confirm") {
		return web.RenderStatus(c, fiber.StatusUnprocessableEntity, SetPage(SetView{Chrome: frame(c, "account.set.title"), Token: tok, Valid: true,
			Errors: FormErrors{"password_confirm": ui.T(c.UserContext(), "account.set.mismatch")}}))
	}
	u, err := p.Accounts.SetPassword(c.UserContext(), account.NewPassword{Token: tok, Password: pw})
	if err != nil {
		errs, status, ok := formErrors(err)
		if !ok {
			return err
		}
		_, bad := errs["token"]
		return web.RenderStatus(c, status, SetPage(SetView{Chrome: frame(c, "account.set.title"), Token: tok, Valid: !bad, Errors: errs}))
	}
	if err := p.Sessions.SignIn(c, u); err != nil {
		return err
	}
	web.SetFlash(c, "ok", ui.T(c.UserContext(), "account.flash.password_set"))
	return redirect(c, "/")
}
