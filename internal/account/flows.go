package account

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/helpcenter/helpcenter/internal/apperr"
)

// LinkRequest asks for a password link ("Uzyskaj hasło").
type LinkRequest struct {
	Email string
	// ClientIP is the requester's address, for the rate limit.
	ClientIP string
}

// RequestPasswordLink queues "send a password link to this address" and returns. Whether
// the address is known is decided later, by the job: the request does the same work, and
// so takes the same time, either way. Only an invalid address or a rate limit is reported.
func (s *Service) RequestPasswordLink(ctx context.Context, in LinkRequest) error {
	email, err := ParseEmail("email", in.Email)
	if err != nil {
		return err
	}
	if err := s.check(ctx, counter{ipKey("link", in.ClientIP), s.limits.LinkPerIP}, counter{emailKey("link", email), s.limits.LinkPerEmail}); err != nil {
		return err
	}
	return s.queue.Insert(ctx, LinkArgs{Flow: linkPassword, Email: email}, nil)
}

// Registration is what a person types to register.
type Registration struct {
	Email, Name string
	ClientIP    string
}

// Register queues a registration: a new address gets an account and an e-mail with a
// link to create the password; a known one gets a password link instead. The answer is
// the same either way, for the same reason as in RequestPasswordLink.
func (s *Service) Register(ctx context.Context, in Registration) error {
	var problems []apperr.FieldError
	email, err := ParseEmail("email", in.Email)
	problems = appendFields(problems, err)
	name, err := ParseName("name", in.Name, true)
	problems = appendFields(problems, err)
	if err := apperr.InvalidFields(problems...); err != nil {
		return err
	}
	if err := s.check(ctx, counter{ipKey("register", in.ClientIP), s.limits.RegisterPerIP}, counter{emailKey("register", email), s.limits.RegisterPerEmail}); err != nil {
		return err
	}
	return s.queue.Insert(ctx, LinkArgs{Flow: linkRegister, Email: email, Name: name}, nil)
}

const (
	linkPassword = "password"
	linkRegister = "register"
)

// LinkArgs is the queued job that decides what a password-link or registration request
// sends.
type LinkArgs struct {
	Flow  string `json:"flow"` // password or register
	Email string `json:"email"`
	Name  string `json:"name,omitempty"`
}

// Kind names the job in the queue.
func (LinkArgs) Kind() string { return "account_link" }

type linkWorker struct {
	river.WorkerDefaults[LinkArgs]
	s *Service
}

// Work creates the user if a registration needs one, issues the token and queues the
// mail, in one transaction: a retried job cannot send two links that both work.
func (w *linkWorker) Work(ctx context.Context, job *river.Job[LinkArgs]) error {
	s := w.s
	return s.db.Bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		u, err := userByEmail(ctx, tx, job.Args.Email)
		switch {
		case errors.Is(err, errNoUser) && job.Args.Flow == linkRegister:
			var id int64
			err := tx.NewRaw(`INSERT INTO users (email, name, source) VALUES (?, ?, ?) ON CONFLICT (email) DO NOTHING RETURNING id`,
				job.Args.Email, job.Args.Name, SourceRegistered).Scan(ctx, &id)
			if err != nil {
				return err // a concurrent insert: the retry finds the user
			}
			if u, err = userByID(ctx, tx, id); err != nil {
				return err
			}
			return s.sendPasswordLink(ctx, tx, u, "register")
		case errors.Is(err, errNoUser):
			s.log.Info("password link requested for an unknown address")
			return nil
		case err != nil:
			return err
		case u.Blocked():
			s.log.Info("password link requested for a blocked user", "user_id", u.ID)
			return nil
		default:
			return s.sendPasswordLink(ctx, tx, u, "password_link")
		}
	})
}

// sendPasswordLink issues a set-password token and queues the mail (template
// password_link or register) in tx.
func (s *Service) sendPasswordLink(ctx context.Context, tx bun.Tx, u *User, template string) error {
	secret, err := s.issueToken(ctx, tx, u.ID, PurposeSetPassword, nil)
	if err != nil {
		return err
	}
	link := s.PasswordLinkURL(secret)
	msg, err := s.mail.Render(template, map[string]any{"Email": u.Email, "Name": u.Name, "Link": link, "Valid": s.tokenTTL})
	if err != nil {
		return err
	}
	msg.To, msg.ToName, msg.Sensitive = u.Email, u.Name, true
	_, err = s.mail.Enqueue(ctx, tx, msg)
	return err
}

// PasswordLinkURL is the address of the set-password page for a token.
func (s *Service) PasswordLinkURL(secret string) string {
	return s.link("/password/set", url.Values{"token": {secret}})
}

// IssuePasswordLink sends the user a password link now and returns it, for the command
// line (`helpcenter user password-link`), where an operator may need the link without a
// mail server. Trusted callers only.
func (s *Service) IssuePasswordLink(ctx context.Context, email string) (string, error) {
	var link string
	err := s.db.Bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		u, err := userByEmail(ctx, tx, email)
		if err != nil {
			return err
		}
		secret, err := s.issueToken(ctx, tx, u.ID, PurposeSetPassword, nil)
		if err != nil {
			return err
		}
		link = s.PasswordLinkURL(secret)
		msg, err := s.mail.Render("password_link", map[string]any{"Email": u.Email, "Name": u.Name, "Link": link, "Valid": s.tokenTTL})
		if err != nil {
			return err
		}
		msg.To, msg.ToName, msg.Sensitive = u.Email, u.Name, true
		_, err = s.mail.Enqueue(ctx, tx, msg)
		return err
	})
	return link, err
}

// NewPassword sets a password with an e-mailed link.
type NewPassword struct {
	Token, Password string
}

// SetPassword uses a set-password link: it checks the link and the password rules, stores
// the new hash, and signs the user out everywhere (the caller then starts a fresh
// session). Every other link of the user stops working. A password that breaks a rule
// leaves the link usable, so the person can try again.
func (s *Service) SetPassword(ctx context.Context, in NewPassword) (*User, error) {
	var u *User
	err := s.db.Bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		t, err := lockToken(ctx, tx, in.Token, PurposeSetPassword)
		if err != nil {
			return err
		}
		if u, err = userByID(ctx, tx, t.UserID); err != nil {
			return err
		}
		if u.Blocked() {
			return apperr.Forbiddenf("To konto jest zablokowane. Skontaktuj się z pomocą techniczną.")
		}
		if err := CheckPassword(in.Password, u.Email, u.Name); err != nil {
			return err
		}
		hash, err := s.hasher.hash(in.Password)
		if err != nil {
			return err
		}
		if err := useToken(ctx, tx, t); err != nil {
			return err
		}
		// Reaching the mailbox proves the address, so it counts as verified from now on.
		if _, err := tx.NewRaw(`UPDATE users SET password_hash = ?, password_changed_at = now(), updated_at = now(),
			email_verified_at = coalesce(email_verified_at, now()) WHERE id = ?`, hash, u.ID).Exec(ctx); err != nil {
			return err
		}
		if _, err := tx.NewRaw(`DELETE FROM email_tokens WHERE user_id = ? AND used_at IS NULL`, u.ID).Exec(ctx); err != nil {
			return err
		}
		if err := endUserSessions(ctx, tx, u.ID); err != nil {
			return err
		}
		u, err = userByID(ctx, tx, u.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("password set", "user_id", u.ID)
	return u, nil
}

// Credentials are what a person types to sign in.
type Credentials struct {
	Email, Password string
	ClientIP        string
}

// ErrBadCredentials is the one answer for an unknown address, a user without a password
// and a wrong password.
var ErrBadCredentials = apperr.New(apperr.Unauthorized, "Nieprawidłowy adres e-mail lub hasło.")

// Login checks an e-mail and password and returns the user; the caller starts the
// session. Unknown addresses and contacts without a password are verified against a
// dummy hash, so every failure takes as long as a wrong password and answers the same.
// A blocked user learns so only after giving the right password.
func (s *Service) Login(ctx context.Context, in Credentials) (*User, error) {
	in.Email = strings.TrimSpace(in.Email)
	var problems []apperr.FieldError
	if len(in.Email) == 0 {
		problems = append(problems, apperr.Field("email", "Podaj adres e-mail."))
	}
	if len(in.Password) == 0 {
		problems = append(problems, apperr.Field("password", "Podaj hasło."))
	}
	if err := apperr.InvalidFields(problems...); err != nil {
		return nil, err
	}
	if len(in.Email) > 254 || len(in.Password) > maxPasswordLength*4 {
		return nil, ErrBadCredentials
	}
	emailK := emailKey("login", in.Email)
	if err := s.check(ctx, counter{ipKey("login", in.ClientIP), s.limits.LoginPerIP}, counter{emailK, s.limits.LoginPerEmail}); err != nil {
		return nil, err
	}
	// One query for known and unknown addresses alike.
	var row struct {
		User
		PasswordHash *string `bun:"password_hash"`
	}
	var u *User
	err := s.db.Bun.NewRaw("SELECT "+userColumns+", u.password_hash FROM users u WHERE u.email = ?::citext", in.Email).Scan(ctx, &row)
	switch {
	case err == nil:
		u = &row.User
	case !errors.Is(err, sql.ErrNoRows):
		return nil, err
	}
	hash := row.PasswordHash
	encoded := s.dummyHash
	if hash != nil {
		encoded = *hash
	}
	ok, stale, err := s.hasher.verify(encoded, in.Password)
	if err != nil {
		return nil, err
	}
	if !ok || hash == nil {
		return nil, ErrBadCredentials
	}
	if u.Blocked() {
		return nil, apperr.Forbiddenf("To konto jest zablokowane. Skontaktuj się z pomocą techniczną.")
	}
	if stale {
		s.rehash(ctx, u.ID, *hash, in.Password)
	}
	if err := s.limiter.Reset(ctx, emailK); err != nil {
		s.log.Warn("reset sign-in limit", "err", err)
	}
	return u, nil
}

// rehash replaces a hash made with older parameters; a failure only costs a log line.
func (s *Service) rehash(ctx context.Context, userID int64, old, password string) {
	h, err := s.hasher.hash(password)
	if err == nil {
		_, err = s.db.Pool.Exec(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2 AND password_hash = $3`, h, userID, old)
	}
	if err != nil {
		s.log.Warn("rehash password", "user_id", userID, "err", err)
	}
}

// linkJobTimeout bounds one run of the link job.
const linkJobTimeout = time.Minute

func (w *linkWorker) Timeout(*river.Job[LinkArgs]) time.Duration { return linkJobTimeout }
