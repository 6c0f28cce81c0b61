package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/helpcenter/helpcenter/internal/apitoken"
	"github.com/helpcenter/helpcenter/internal/app"
)

func cmdToken(ctx context.Context, e *env, args []string) error {
	fs := flags("token", "token create --name NAME (--audiences a,b | --staff-role ROLE) [--expires-at RFC3339]\n       token list\n       token revoke ID\n  API tokens for frontends and scripts (Authorization: Bearer ...); create prints the secret once", e.stderr)
	name := fs.String("name", "", "with create: what the token is for")
	audiences := fs.String("audiences", "", "with create: comma-separated audiences the token reads (account types imply signed_in; everything implies public)")
	role := fs.String("staff-role", "", "with create: the staff role the token acts with instead")
	expires := fs.String("expires-at", "", "with create: when the token stops working (RFC 3339), default never")
	var action string
	var rest []string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		action, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	rest = fs.Args()
	e.cfg.Demo = false
	open := func() (*app.App, error) { return app.New(ctx, e.cfg, e.log, app.Options{NoJobs: true}) }
	switch action {
	case "create":
		in := apitoken.CreateInput{Name: *name, StaffRole: *role}
		for _, a := range strings.Split(*audiences, ",") {
			if a = strings.TrimSpace(a); a != "" {
				in.Audiences = append(in.Audiences, a)
			}
		}
		if *expires != "" {
			t, err := time.Parse(time.RFC3339, *expires)
			if err != nil {
				return fmt.Errorf("--expires-at %q: want RFC 3339, e.g. 2026-12-31T23:59:59Z", *expires)
			}
			in.ExpiresAt = &t
		}
		a, err := open()
		if err != nil {
			return err
		}
		defer a.Close()
		tok, err := a.Tokens.Create(ctx, commandLine, in)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "created token %d %q (%s); the secret is shown only now:\n", tok.ID, tok.Name, describeToken(tok.Token))
		fmt.Fprintln(e.stdout, tok.Secret)
		return nil
	case "list":
		a, err := open()
		if err != nil {
			return err
		}
		defer a.Close()
		list, err := a.Tokens.List(ctx, commandLine)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tREADS\tCREATED\tEXPIRES\tLAST USED\tSTATE")
		now := time.Now()
		for _, t := range list {
			state := "active"
			switch {
			case t.RevokedAt != nil:
				state = "revoked"
			case !t.Active(now):
				state = "expired"
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, describeToken(t), day(&t.CreatedAt), day(t.ExpiresAt), day(t.LastUsedAt), state)
		}
		return tw.Flush()
	case "revoke":
		if len(rest) != 1 {
			return errors.New("token revoke needs the token's id")
		}
		id, err := strconv.ParseInt(rest[0], 10, 64)
		if err != nil {
			return fmt.Errorf("token id %q is not a number", rest[0])
		}
		a, err := open()
		if err != nil {
			return err
		}
		defer a.Close()
		if err := a.Tokens.Revoke(ctx, commandLine, id); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "revoked token %d\n", id)
		return nil
	}
	fs.Usage()
	return fmt.Errorf("unknown token action %q", action)
}

func describeToken(t apitoken.Token) string {
	if t.StaffRole != "" {
		return "staff role " + t.StaffRole
	}
	return "audiences " + strings.Join(t.Audiences, ",")
}

func day(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04")
}
