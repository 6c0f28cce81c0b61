package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Sessions live in PostgreSQL, in a table of our own rather than the Fiber session
// middleware's key-value storage: sign-out everywhere (password change, blocking) needs
// "delete every session of user X", which a store of opaque blobs cannot answer; the
// per-request lookup joins the user in the same query (blocked users stop at once, role
// and account type changes apply at once); and only the SHA-256 of the session secret is
// stored, so a copy of the table signs nobody in.

// SessionLifetime bounds how long a session lasts.
type SessionLifetime struct {
	// Idle ends a session not used for this long (14 days by default).
	Idle time.Duration
	// Absolute ends every session this long after sign-in (60 days by default).
	Absolute time.Duration
}

func (l SessionLifetime) withDefaults() SessionLifetime {
	if l.Idle <= 0 {
		l.Idle = 14 * 24 * time.Hour
	}
	if l.Absolute <= 0 {
		l.Absolute = 60 * 24 * time.Hour
	}
	if l.Idle > l.Absolute {
		l.Idle = l.Absolute
	}
	return l
}

// touchEvery limits writes: a session's expiry slides at most once per interval.
const touchEvery = 5 * time.Minute

// maxSessionsPerUser keeps a user's oldest sessions from piling up.
const maxSessionsPerUser = 30

// Session is a live session with its user.
type Session struct {
	User      *User
	CSRFToken string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// NewSession is a session just started: Token goes into the cookie and nowhere else.
type NewSession struct {
	Token     string
	CSRFToken string
	// MaxAge is how long the cookie should live (the absolute lifetime).
	MaxAge time.Duration
}

// SessionMeta describes the browser a session starts in.
type SessionMeta struct {
	IP, UserAgent string
	// Replace is the token of the session the browser had before (if any). It is ended:
	// a sign-in always gets a new session id, so a session id planted in a browser
	// before sign-in (session fixation) is worth nothing after it.
	Replace string
}

// StartSession signs a user in: it creates a new session and ends the one it replaces.
func (s *Service) StartSession(ctx context.Context, userID int64, meta SessionMeta) (NewSession, error) {
	ns := NewSession{Token: randomToken(), CSRFToken: randomToken(), MaxAge: s.lifetime.Absolute}
	if len(meta.UserAgent) > 300 {
		meta.UserAgent = meta.UserAgent[:300]
	}
	err := s.db.Bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if meta.Replace != "" {
			if _, err := tx.NewRaw(`DELETE FROM sessions WHERE id_hash = ?`, hashToken(meta.Replace)).Exec(ctx); err != nil {
				return err
			}
		}
		_, err := tx.NewRaw(`INSERT INTO sessions (id_hash, user_id, csrf_token, expires_at, ip, user_agent)
			VALUES (?, ?, ?, now() + make_interval(secs => ?), ?, ?)`,
			hashToken(ns.Token), userID, ns.CSRFToken, s.lifetime.Idle.Seconds(), meta.IP, meta.UserAgent).Exec(ctx)
		if err != nil {
			return fmt.Errorf("start session: %w", err)
		}
		_, err = tx.NewRaw(`DELETE FROM sessions WHERE user_id = ? AND id_hash IN (
			SELECT id_hash FROM sessions WHERE user_id = ? ORDER BY last_seen_at DESC OFFSET ?)`,
			userID, userID, maxSessionsPerUser).Exec(ctx)
		return err
	})
	if err != nil {
		return NewSession{}, err
	}
	return ns, nil
}

// SessionByToken returns the live session behind a cookie's token, or nil when there is
// none: unknown, expired, or its user blocked. Using a session slides its idle expiry
// (at most once every few minutes, up to the absolute lifetime).
func (s *Service) SessionByToken(ctx context.Context, token string) (*Session, error) {
	if token == "" || len(token) > 100 {
		return nil, nil
	}
	var row struct {
		User
		CSRFToken  string    `bun:"csrf_token"`
		SCreatedAt time.Time `bun:"s_created_at"`
		ExpiresAt  time.Time `bun:"expires_at"`
		LastSeenAt time.Time `bun:"last_seen_at"`
	}
	err := s.db.Bun.NewRaw(`SELECT `+userColumns+`, s.csrf_token, s.created_at AS s_created_at, s.expires_at, s.last_seen_at
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.id_hash = ? AND s.expires_at > now() AND u.blocked_at IS NULL`, hashToken(token)).Scan(ctx, &row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if time.Since(row.LastSeenAt) > touchEvery {
		_, err := s.db.Pool.Exec(ctx, `UPDATE sessions SET last_seen_at = now(),
			expires_at = least(created_at + make_interval(secs => $2), now() + make_interval(secs => $3))
			WHERE id_hash = $1`, hashToken(token), s.lifetime.Absolute.Seconds(), s.lifetime.Idle.Seconds())
		if err != nil {
			return nil, err
		}
	}
	u := row.User
	if u.Providers == nil {
		u.Providers = []string{}
	}
	return &Session{User: &u, CSRFToken: row.CSRFToken, CreatedAt: row.SCreatedAt, ExpiresAt: row.ExpiresAt}, nil
}

// EndSession signs a browser out; an unknown token is not an error.
func (s *Service) EndSession(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	_, err := s.db.Pool.Exec(ctx, `DELETE FROM sessions WHERE id_hash = $1`, hashToken(token))
	return err
}

// EndUserSessions signs a user out everywhere.
func (s *Service) EndUserSessions(ctx context.Context, userID int64) error {
	return endUserSessions(ctx, s.db.Bun, userID)
}

func endUserSessions(ctx context.Context, idb bun.IDB, userID int64) error {
	_, err := idb.NewRaw(`DELETE FROM sessions WHERE user_id = ?`, userID).Exec(ctx)
	return err
}
