package ticket

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/uptrace/bun"
)

// ensureContact is the default ContactFunc: the user with the address, or a new contact
// (source support_email, no password) who can later set one with "Get a password". An
// existing user's name is never changed by what an anonymous form says.
func ensureContact(ctx context.Context, idb bun.IDB, email, name string) (Person, error) {
	id, err := ensureContactID(ctx, idb, email, name)
	if err != nil {
		return Person{}, err
	}
	return loadPerson(ctx, idb, id)
}

// ensureContactID is ensureContact returning the id only (the importer needs no more).
func ensureContactID(ctx context.Context, idb bun.IDB, email, name string) (int64, error) {
	var id int64
	err := idb.NewRaw(`SELECT id FROM users WHERE email = ?`, email).Scan(ctx, &id)
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("find contact: %w", err)
	}
	// A concurrent request may create the same contact: the conflict makes this a no-op
	// and the final SELECT finds theirs.
	if _, err := idb.NewRaw(`INSERT INTO users (email, name, source) VALUES (?, ?, 'support_email')
		ON CONFLICT (email) DO NOTHING`, email, name).Exec(ctx); err != nil {
		return 0, fmt.Errorf("create contact: %w", err)
	}
	if err := idb.NewRaw(`SELECT id FROM users WHERE email = ?`, email).Scan(ctx, &id); err != nil {
		return 0, fmt.Errorf("find contact: %w", err)
	}
	return id, nil
}
