package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/helpcenter/helpcenter/internal/account"
	"github.com/helpcenter/helpcenter/internal/app"
	"github.com/helpcenter/helpcenter/internal/apperr"
)

// stdin is where `user create --password-stdin` reads the password (tests replace it).
var stdin io.Reader = os.Stdin

func cmdUser(ctx context.Context, e *env, args []string) error {
	fs := flags("user", `user create --email E [--name N] [--staff-role R] [--account-type T] [--password-stdin]
  user password-link --email E
  create: add a user (staff with --staff-role admin|editor|agent); without a password the
    user is a contact who gets one with a password link
  password-link: e-mail a one-time link to set the password and print it, for when no
    mail server is configured yet`, e.stderr)
	email := fs.String("email", "", "the user's e-mail address")
	name := fs.String("name", "", "the user's full name")
	role := fs.String("staff-role", "", "staff role: admin, editor, agent (or a custom role)")
	accountType := fs.String("account-type", "", "account type, e.g. accountant, office_client, partner")
	pwStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	action, err := splitAction(fs, args)
	if err != nil {
		return err
	}
	if action != "create" && action != "password-link" {
		fs.Usage()
		return fmt.Errorf("unknown user action %q", action)
	}
	if *email == "" {
		fs.Usage()
		return errors.New("user: --email is required")
	}
	var password string
	if *pwStdin {
		if action != "create" {
			return errors.New("user: --password-stdin goes with create")
		}
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read the password: %w", err)
		}
		if password = strings.TrimRight(line, "\r\n"); password == "" {
			return errors.New("user: --password-stdin read an empty password")
		}
	}

	e.cfg.Demo = false
	a, err := app.New(ctx, e.cfg, e.log, app.Options{NoJobs: true})
	if err != nil {
		return err
	}
	defer a.Close()
	switch action {
	case "create":
		u, err := a.Accounts.BootstrapUser(ctx, account.NewUser{Email: *email, Name: *name, StaffRole: *role,
			AccountType: *accountType, Password: password})
		if err != nil {
			return userError(err)
		}
		what := "customer"
		if u.StaffRole != "" {
			what = "staff (" + u.StaffRole + ")"
		}
		fmt.Fprintf(e.stdout, "created user %d %s, %s\n", u.ID, u.Email, what)
		if password == "" {
			fmt.Fprintf(e.stdout, "no password yet: `helpcenter user password-link --email %s` sends (and prints) a link to set one\n", u.Email)
		}
		return nil
	default:
		link, err := a.Accounts.IssuePasswordLink(ctx, *email)
		if err != nil {
			return userError(err)
		}
		fmt.Fprintf(e.stdout, "%s\n", link)
		fmt.Fprintf(e.stderr, "The link works once, for %s; it was also e-mailed (the running server delivers it, or keeps it at /admin/outbox without SMTP_URL).\n",
			a.Accounts.TokenTTL())
		return nil
	}
}

// userError turns the service's messages into one line per problem.
func userError(err error) error {
	ae := apperr.As(err)
	if ae == nil || ae.Code == apperr.Internal {
		return err
	}
	if len(ae.Fields) == 0 {
		return errors.New(ae.Message)
	}
	var parts []string
	for _, f := range ae.Fields {
		parts = append(parts, "--"+strings.ReplaceAll(f.Field, "_", "-")+": "+f.Message)
	}
	return errors.New(strings.Join(parts, "; "))
}
