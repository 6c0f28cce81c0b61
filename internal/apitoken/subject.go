package apitoken

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/policy"
)

// Get returns one token (permission token:manage).
func (s *Service) Get(ctx context.Context, actor policy.Subject, id int64) (*Token, error) {
	if err := s.policy.Require(actor, policy.TokenManage); err != nil {
		return nil, err
	}
	var t Token
	if err := s.db.Bun.NewRaw(listQuery+" WHERE t.id = ?", id).Scan(ctx, &t); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, apperr.NotFoundf("Nie ma takiego tokenu.")
		}
		return nil, err
	}
	return &t, nil
}

// Subject is what the token acts as at now, for "explain" in the console: a revoked or
// expired token keeps no role (and its audience lines are gone), so it reads nothing.
func (t *Token) Subject(now time.Time) policy.Subject {
	s := policy.Subject{TokenID: t.ID, Name: t.Name}
	if t.Active(now) {
		s.StaffRole = t.StaffRole
	}
	return s
}
