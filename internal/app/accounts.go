package app

import (
	"context"
	"crypto/rand"
	"errors"
	"math/big"

	"github.com/helpcenter/helpcenter/internal/account"
	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/config"
	"github.com/helpcenter/helpcenter/internal/mail"
	"github.com/helpcenter/helpcenter/internal/web"
)

// DemoAdminEmail is the staff admin that HELPCENTER_DEMO creates on an empty database.
const DemoAdminEmail = "admin@example.com"

// wireAccounts builds mail delivery, the accounts service and the HTTP sessions on top of
// it; with HELPCENTER_DEMO it also makes sure someone can sign in to the console.
func (a *App) wireAccounts(ctx context.Context) error {
	var err error
	a.Mail, err = mail.New(a.DB, a.Jobs, a.Policy, a.Log, mail.Options{
		SMTPURL: a.Config.SMTPURL, From: a.Config.SMTPFrom, BaseURL: a.Config.BaseURL,
	})
	if err != nil {
		return err
	}
	if a.Mail.UsesOutbox() {
		a.Log.Info("no SMTP_URL: e-mail stays in the outbox at /admin/outbox and in this log")
	}
	a.Accounts, err = account.New(a.DB, a.Jobs, a.Mail, a.Policy, a.Log, account.Options{
		BaseURL: a.Config.BaseURL, TokenTTL: a.Config.EmailTokenTTL, FastPasswords: a.options.FastPasswords,
		Providers: socialProviders(a.Config),
	})
	if err != nil {
		return err
	}
	a.Sessions = web.NewSessions(a.Accounts, a.Config.Secure())
	if a.Config.Demo {
		return a.ensureDemoAdmin(ctx)
	}
	return nil
}

// socialProviders lists the providers whose client id and secret are configured.
func socialProviders(cfg config.Config) []account.Provider {
	var out []account.Provider
	if c := cfg.Google; c.Enabled() {
		out = append(out, account.NewGoogle(account.OIDCConfig{ClientID: c.ClientID, ClientSecret: c.ClientSecret, Issuer: c.Issuer}))
	}
	if c := cfg.Microsoft; c.Enabled() {
		out = append(out, account.NewMicrosoft(account.OIDCConfig{ClientID: c.ClientID, ClientSecret: c.ClientSecret, Issuer: c.Issuer}, c.Tenant))
	}
	if c := cfg.Facebook; c.Enabled() {
		out = append(out, account.NewFacebook(account.FacebookConfig{ClientID: c.ClientID, ClientSecret: c.ClientSecret,
			DialogURL: c.Issuer, GraphURL: c.GraphURL}))
	}
	return out
}

// ensureDemoAdmin creates the demo admin with a random password on a database that has
// no admin yet, and says in the log how to sign in.
func (a *App) ensureDemoAdmin(ctx context.Context) error {
	login := a.Config.BaseURL.String() + "/login"
	u, err := a.Accounts.UserByEmail(ctx, DemoAdminEmail)
	switch {
	case err == nil && u.StaffRole == "admin":
		a.Log.Info("demo admin: sign in at "+login+" as "+DemoAdminEmail+" with the password printed when it was created; "+
			"`helpcenter user password-link --email "+DemoAdminEmail+"` makes a new link", "email", DemoAdminEmail)
		return nil
	case err == nil:
		return nil // the address belongs to someone else here: leave it alone
	case !apperr.Is(err, apperr.NotFound):
		return err
	}
	var admins int
	if err := a.DB.Pool.QueryRow(ctx, `SELECT count(*) FROM users WHERE staff_role = 'admin'`).Scan(&admins); err != nil {
		return err
	}
	if admins > 0 {
		return nil
	}
	password, err := demoPassword()
	if err != nil {
		return err
	}
	if _, err := a.Accounts.BootstrapUser(ctx, account.NewUser{Email: DemoAdminEmail, Name: "Administrator (demo)",
		StaffRole: "admin", Password: password}); err != nil {
		if apperr.Is(err, apperr.Invalid) { // created by another instance meanwhile
			return nil
		}
		return errors.Join(errors.New("demo admin"), err)
	}
	a.Log.Info("demo admin created: sign in at "+login+" as "+DemoAdminEmail+" with password "+password,
		"email", DemoAdminEmail, "password", password)
	return nil
}

// demoPassword is 16 letters and digits, without look-alikes (0/O, 1/l/I).
func demoPassword() (string, error) {
	const alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 16)
	for i := range b {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			return "", err
		}
		b[i] = alphabet[n.Int64()]
	}
	return string(b), nil
}
