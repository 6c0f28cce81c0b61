package account

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/uptrace/bun"

	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/audit"
)

// importedUser is one line of users.jsonl.
type importedUser struct {
	Email       string `json:"email"`
	Name        string `json:"name"`
	AccountType string `json:"account_type"`
	Source      string `json:"source"`
	HasPassword *bool  `json:"has_password"`
}

// maxImportErrors stops reporting after this many bad lines.
const maxImportErrors = 20

// ImportUsers loads users.jsonl lines ({"email", "name", "account_type", "source",
// "has_password"}) inside tx, the import's one transaction. It is idempotent by e-mail
// (any letter case): a known address gets the file's name, account type and source; a
// new one becomes a user. account_type "none" means no type. Passwords are never part of
// an export, so nobody gets one from an import: has_password=false users are contacts
// exactly as in the source, and has_password=true users set a new password with
// "Uzyskaj hasło" (or keep the one they already have here). Every bad line is reported
// with its file name and line number, and nothing is written when any line is bad.
func ImportUsers(ctx context.Context, tx bun.Tx, r io.Reader, file string) error {
	types := map[string]bool{}
	var keys []string
	if err := tx.NewRaw(`SELECT key FROM account_types`).Scan(ctx, &keys); err != nil {
		return err
	}
	for _, k := range keys {
		types[k] = true
	}

	var (
		rows []importedUser
		errs []error
		seen = map[string]int{}
	)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		raw := bytes.TrimSpace(sc.Bytes())
		if len(raw) == 0 {
			continue
		}
		bad := func(format string, args ...any) {
			if len(errs) < maxImportErrors {
				errs = append(errs, fmt.Errorf("%s:%d: %s", file, line, fmt.Sprintf(format, args...)))
			}
		}
		var u importedUser
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&u); err != nil {
			bad("not a user record: %v", err)
			continue
		}
		email, err := ParseEmail("email", u.Email)
		if err != nil {
			bad("invalid e-mail %q", u.Email)
			continue
		}
		u.Email = email
		if u.Name, err = ParseName("name", u.Name, false); err != nil {
			bad("name: %s", fieldMessage(err))
			continue
		}
		if u.AccountType == "none" {
			u.AccountType = ""
		}
		if u.AccountType != "" && !types[u.AccountType] {
			bad("unknown account_type %q (known: %s, none)", u.AccountType, strings.Join(keys, ", "))
			continue
		}
		switch u.Source {
		case "":
			u.Source = SourceRegistered
		case SourceSupportEmail, SourceRegistered, SourceSocial, SourceAdmin:
		default:
			bad("unknown source %q (support_email, registered, social or admin)", u.Source)
			continue
		}
		if first, dup := seen[strings.ToLower(email)]; dup {
			bad("e-mail %s already appears on line %d", email, first)
			continue
		}
		seen[strings.ToLower(email)] = line
		rows = append(rows, u)
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, fmt.Errorf("%s:%d: %w", file, line+1, err))
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}

	created, updated := 0, 0
	for _, u := range rows {
		var inserted bool
		err := tx.NewRaw(`INSERT INTO users (email, name, account_type, source) VALUES (?, ?, NULLIF(?, ''), ?)
			ON CONFLICT (email) DO UPDATE SET name = EXCLUDED.name, account_type = EXCLUDED.account_type,
				source = EXCLUDED.source, updated_at = now()
			RETURNING (xmax = 0)`, u.Email, u.Name, u.AccountType, u.Source).Scan(ctx, &inserted)
		if err != nil {
			return fmt.Errorf("%s: %s: %w", file, u.Email, err)
		}
		if inserted {
			created++
		} else {
			updated++
		}
	}
	return audit.Record(ctx, tx, audit.System, "user.import", "file:"+file, nil,
		map[string]int{"created": created, "updated": updated})
}

func fieldMessage(err error) string {
	if ae := apperr.As(err); ae != nil && len(ae.Fields) > 0 {
		return ae.Fields[0].Message
	}
	return err.Error()
}
