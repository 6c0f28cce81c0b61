package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/internal/account"
	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/ui"
	"github.com/helpcenter/helpcenter/internal/web"
)

// authAPI serves sign-in: password links, registration, setting a password, password and
// social sign-in, sign-out.
type authAPI struct {
	accounts *account.Service
	sessions *web.Sessions
}

// oauthCookie keeps a social sign-in's state in the browser that started it, so a
// callback that another browser was lured into carries the wrong (or no) state.
const oauthCookie = "hc_oauth"

func mountAuth(r fiber.Router, accounts *account.Service, sessions *web.Sessions) {
	if accounts == nil || sessions == nil {
		return
	}
	h := authAPI{accounts: accounts, sessions: sessions}
	r.Post("/auth/password-link", h.passwordLink)
	r.Post("/auth/register", h.register)
	r.Post("/auth/password", h.setPassword)
	r.Post("/auth/login", h.login)
	r.Post("/auth/logout", h.logout)
	r.Post("/auth/confirm", h.confirm)
	r.Get("/auth/providers", h.providers)
	r.Get("/auth/:provider/start", h.socialStart)
	r.Get("/auth/:provider/callback", h.socialCallback)
}

// accepted is the one answer to password-link and registration requests, whatever the
// address: nobody learns from it who has an account.
type accepted struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

func (h authAPI) passwordLink(c *fiber.Ctx) error {
	var in struct {
		Email string `json:"email"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if err := h.accounts.RequestPasswordLink(c.UserContext(), account.LinkRequest{Email: in.Email, ClientIP: c.IP()}); err != nil {
		return web.WithRetryAfter(c, err)
	}
	return c.Status(http.StatusAccepted).JSON(accepted{"accepted",
		"Jeśli ten adres jest w naszej bazie, wysłaliśmy na niego link do ustawienia hasła."})
}

func (h authAPI) register(c *fiber.Ctx) error {
	var in struct {
		Email string `json:"email"`
		Name  string `json:"name"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if err := h.accounts.Register(c.UserContext(), account.Registration{Email: in.Email, Name: in.Name, ClientIP: c.IP()}); err != nil {
		return web.WithRetryAfter(c, err)
	}
	return c.Status(http.StatusAccepted).JSON(accepted{"accepted",
		"Sprawdź skrzynkę: wysłaliśmy e-mail z linkiem do utworzenia hasła."})
}

func (h authAPI) setPassword(c *fiber.Ctx) error {
	var in struct {
		Token    string `json:"token"`
		Password string `json:"password"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u, err := h.accounts.SetPassword(c.UserContext(), account.NewPassword{Token: in.Token, Password: in.Password})
	if err != nil {
		return err
	}
	if err := h.sessions.SignIn(c, u); err != nil {
		return err
	}
	return c.SendStatus(http.StatusNoContent)
}

func (h authAPI) login(c *fiber.Ctx) error {
	var in struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u, err := h.accounts.Login(c.UserContext(), account.Credentials{Email: in.Email, Password: in.Password, ClientIP: c.IP()})
	if err != nil {
		return web.WithRetryAfter(c, err)
	}
	if err := h.sessions.SignIn(c, u); err != nil {
		return err
	}
	return c.SendStatus(http.StatusNoContent)
}

func (h authAPI) logout(c *fiber.Ctx) error {
	if err := h.sessions.SignOut(c); err != nil {
		return err
	}
	return c.SendStatus(http.StatusNoContent)
}

// confirm uses the link e-mailed when a provider did not vouch for the address.
func (h authAPI) confirm(c *fiber.Ctx) error {
	var in struct {
		Token string `json:"token"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u, err := h.accounts.ConfirmIdentity(c.UserContext(), in.Token)
	if err != nil {
		return err
	}
	if err := h.sessions.SignIn(c, u); err != nil {
		return err
	}
	return c.SendStatus(http.StatusNoContent)
}

func (h authAPI) providers(c *fiber.Ctx) error {
	type provider struct {
		account.ProviderInfo
		StartURL string `json:"start_url"`
	}
	out := []provider{}
	for _, p := range h.accounts.Providers() {
		out = append(out, provider{p, "/api/v1/auth/" + p.Name + "/start"})
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.JSON(fiber.Map{"data": out})
}

// socialStart sends the browser to the provider. ?next= is a local path to come back to.
func (h authAPI) socialStart(c *fiber.Ctx) error {
	st, err := h.accounts.StartSocial(c.UserContext(), strings.Clone(c.Params("provider")), c.Query("next", "/"))
	if err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{
		Name: oauthCookie, Value: st.State, Path: "/api/v1/auth/", MaxAge: int(st.TTL / time.Second),
		Secure: h.sessions.Secure(), HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
	})
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Redirect(st.URL, http.StatusSeeOther)
}

// socialCallback finishes a social sign-in. It is a browser navigation, not an API call,
// so every outcome is a redirect with a flash message: to the page the person came from
// when signed in, to the sign-in page otherwise.
func (h authAPI) socialCallback(c *fiber.Ctx) error {
	provider := strings.Clone(c.Params("provider"))
	cookieState := strings.Clone(c.Cookies(oauthCookie))
	c.Cookie(&fiber.Cookie{Name: oauthCookie, Value: "", Path: "/api/v1/auth/", MaxAge: -1, Expires: time.Unix(0, 0),
		Secure: h.sessions.Secure(), HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode})
	c.Set(fiber.HeaderCacheControl, "no-store")
	res, err := h.accounts.FinishSocial(c.UserContext(), account.SocialCallback{
		Provider: provider, State: c.Query("state"), CookieState: cookieState, Code: c.Query("code"), Error: c.Query("error"),
	})
	switch {
	case err != nil:
		msg := "Logowanie nie powiodło się. Spróbuj jeszcze raz."
		if ae := apperr.As(err); ae != nil && ae.Code != apperr.Internal {
			msg = ae.Message
		} else {
			return err
		}
		web.SetFlash(c, "error", msg)
		return c.Redirect("/login", http.StatusSeeOther)
	case res.User == nil:
		web.SetFlash(c, "ok", ui.T(c.UserContext(), "account.flash.confirm_sent", res.ConfirmationSentTo))
		return c.Redirect("/login", http.StatusSeeOther)
	}
	if err := h.sessions.SignIn(c, res.User); err != nil {
		return err
	}
	return c.Redirect(account.LocalPath(res.Next), http.StatusSeeOther)
}
