package account

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/helpcenter/helpcenter/internal/audit"
	"github.com/helpcenter/helpcenter/policy"
)

// SendPasswordLink sends a user a link to set a password, on staff's behalf (user:manage):
// the same e-mail as "Uzyskaj hasło", without the public rate limit, with an audit entry.
func (s *Service) SendPasswordLink(ctx context.Context, actor policy.Subject, userID int64) error {
	if err := s.policy.Require(actor, policy.UserManage); err != nil {
		return err
	}
	u, err := userByID(ctx, s.db.Bun, userID)
	if err != nil {
		return err
	}
	return s.db.Bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := s.queue.InsertTx(ctx, tx.Tx, LinkArgs{Flow: linkPassword, Email: u.Email}, nil); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, "user.password_link", userObject(userID), nil, map[string]string{"email": u.Email})
	})
}

// SignIn is one session of a user, as staff see it.
type SignIn struct {
	CreatedAt  time.Time `bun:"created_at" json:"created_at"`
	LastSeenAt time.Time `bun:"last_seen_at" json:"last_seen_at"`
	ExpiresAt  time.Time `bun:"expires_at" json:"expires_at"`
	IP         string    `bun:"ip" json:"ip"`
	UserAgent  string    `bun:"user_agent" json:"user_agent"`
}

// SignIns lists a user's sessions, newest first (user:read), including ended ones that
// have not been cleaned up yet.
func (s *Service) SignIns(ctx context.Context, actor policy.Subject, userID int64) ([]SignIn, error) {
	if err := s.policy.Require(actor, policy.UserRead); err != nil {
		return nil, err
	}
	out := []SignIn{}
	err := s.db.Bun.NewRaw(`SELECT created_at, last_seen_at, expires_at, ip, user_agent FROM sessions
		WHERE user_id = ? ORDER BY created_at DESC LIMIT 20`, userID).Scan(ctx, &out)
	return out, err
}
