package account

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/uptrace/bun"

	"github.com/helpcenter/helpcenter/internal/apperr"
)

// What an e-mailed link may be used for. A token works for its purpose only.
const (
	// PurposeSetPassword links let a person set (or create) their password.
	PurposeSetPassword = "set_password"
	// PurposeLinkIdentity links confirm that the owner of an address wants a social
	// sign-in account (whose provider did not vouch for the address) linked to it.
	PurposeLinkIdentity = "link_identity"
)

// ErrLinkInvalid is the answer for every unusable link: unknown, used, expired, replaced
// by a newer one, or meant for another purpose. One message for all, so that a guess
// learns nothing.
var ErrLinkInvalid = apperr.InvalidFields(apperr.Field("token", "Ten link jest nieważny: wygasł, został już użyty albo wysłaliśmy nowszy. Poproś o nowy link."))

func hashToken(raw string) []byte {
	h := sha256.Sum256([]byte(raw))
	return h[:]
}

// issueToken creates a one-time token for the user and purpose and returns its secret,
// which only the e-mail carries: the table keeps its SHA-256. Older unused tokens of the
// same user and purpose stop working.
func (s *Service) issueToken(ctx context.Context, tx bun.IDB, userID int64, purpose string, data any) (string, error) {
	if _, err := tx.NewRaw(`DELETE FROM email_tokens WHERE user_id = ? AND purpose = ? AND used_at IS NULL`, userID, purpose).Exec(ctx); err != nil {
		return "", err
	}
	var raw json.RawMessage
	if data != nil {
		b, err := json.Marshal(data)
		if err != nil {
			return "", err
		}
		raw = b
	}
	secret := randomToken()
	_, err := tx.NewRaw(`INSERT INTO email_tokens (user_id, purpose, token_hash, expires_at, data) VALUES (?, ?, ?, ?, ?)`,
		userID, purpose, hashToken(secret), time.Now().Add(s.tokenTTL), raw).Exec(ctx)
	if err != nil {
		return "", err
	}
	return secret, nil
}

// emailToken is a live token row.
type emailToken struct {
	ID     int64           `bun:"id"`
	UserID int64           `bun:"user_id"`
	Data   json.RawMessage `bun:"data"`
}

// lockToken finds a live token of the purpose and locks it for the rest of tx, or answers
// ErrLinkInvalid.
func lockToken(ctx context.Context, tx bun.IDB, secret, purpose string) (*emailToken, error) {
	if secret == "" || len(secret) > 200 {
		return nil, ErrLinkInvalid
	}
	var t emailToken
	err := tx.NewRaw(`SELECT id, user_id, data FROM email_tokens
		WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > now() FOR UPDATE`,
		hashToken(secret), purpose).Scan(ctx, &t)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrLinkInvalid
	}
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// useToken marks a locked token used.
func useToken(ctx context.Context, tx bun.IDB, t *emailToken) error {
	_, err := tx.NewRaw(`UPDATE email_tokens SET used_at = now() WHERE id = ?`, t.ID).Exec(ctx)
	return err
}

// CheckLink tells whether a link's token still works for purpose, without using it: the
// set-password page asks before showing its form. Opening a link never uses it up (mail
// scanners open links too); only submitting the form does.
func (s *Service) CheckLink(ctx context.Context, secret, purpose string) error {
	_, err := lockToken(ctx, s.db.Bun, secret, purpose)
	return err
}
