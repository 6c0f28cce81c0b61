package main

import (
	"bytes"
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/helpcenter/helpcenter/internal/db/dbtest"
)

func TestUserCommands(t *testing.T) {
	dbURL := dbtest.NewURL(t)
	getenv := func(k string) string {
		return map[string]string{"DATABASE_URL": dbURL, "HELPCENTER_BASE_URL": "https://pomoc.example.com", "HELPCENTER_LOG_LEVEL": "warn"}[k]
	}
	cli := func(input string, args ...string) (string, string, error) {
		stdin = strings.NewReader(input)
		var out, errOut bytes.Buffer
		err := run(context.Background(), args, getenv, &out, &errOut)
		return out.String(), errOut.String(), err
	}

	out, _, err := cli("Bardzo-Tajne-Hasło-9\n", "user", "create", "--email", "Szef@Example.com", "--name", "Szef Wszystkich", "--staff-role", "admin", "--password-stdin")
	if err != nil || !strings.Contains(out, "Szef@Example.com, staff (admin)") {
		t.Fatalf("create admin: %v\n%s", err, out)
	}
	out, _, err = cli("", "user", "create", "--email", "klient@example.com", "--account-type", "office_client")
	if err != nil || !strings.Contains(out, "customer") || !strings.Contains(out, "password-link") {
		t.Fatalf("create contact: %v\n%s", err, out)
	}
	for name, args := range map[string][]string{
		"duplicate in another case": {"user", "create", "--email", "szef@example.com"},
		"weak password":             {"user", "create", "--email", "x@example.com", "--password-stdin"},
		"unknown role":              {"user", "create", "--email", "y@example.com", "--staff-role", "king"},
		"unknown account type":      {"user", "create", "--email", "z@example.com", "--account-type", "astronaut"},
		"no address":                {"user", "create"},
		"unknown action":            {"user", "delete", "--email", "x@example.com"},
		"link for nobody":           {"user", "password-link", "--email", "nobody@example.com"},
	} {
		if _, _, err := cli("qwertyuiop\n", args...); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	_, _, err = cli("qwertyuiop\n", "user", "create", "--email", "x@example.com", "--password-stdin")
	if err == nil || !strings.Contains(err.Error(), "--password:") {
		t.Errorf("weak password error names the flag: %v", err)
	}

	out, _, err = cli("", "user", "password-link", "--email", "KLIENT@example.com")
	if err != nil {
		t.Fatal(err)
	}
	link, perr := url.Parse(strings.TrimSpace(out))
	if perr != nil || link.Host != "pomoc.example.com" || link.Path != "/password/set" || len(link.Query().Get("token")) != 43 {
		t.Fatalf("printed link %q", out)
	}
}
