package web

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/internal/account"
	"github.com/helpcenter/helpcenter/internal/ui"
	"github.com/helpcenter/helpcenter/policy"
)

// SessionCookie holds the session secret of a signed-in browser: HttpOnly, SameSite=Lax,
// Secure when the help center is served over https.
const SessionCookie = "hc_session"

const sessionKey = "helpcenter.session"

// sessionState is the request's live session.
type sessionState struct {
	token string
	csrf  string
	user  *account.User
}

// Sessions puts the account service's sessions on HTTP: the cookie, the authenticator
// that turns it into the request's subject, sign-in and sign-out.
type Sessions struct {
	accounts *account.Service
	secure   bool
}

// NewSessions returns the HTTP side of sessions; secure marks the cookie Secure.
func NewSessions(accounts *account.Service, secure bool) *Sessions {
	return &Sessions{accounts: accounts, secure: secure}
}

// Secure reports whether cookies are marked Secure (the help center is served over https).
func (s *Sessions) Secure() bool { return s.secure }

// Authenticator recognises the session cookie. A cookie without a live session (expired,
// signed out, user blocked) leaves the request anonymous.
func (s *Sessions) Authenticator() Authenticator {
	return func(c *fiber.Ctx) (policy.Subject, bool, error) {
		token := c.Cookies(SessionCookie)
		if token == "" {
			return policy.Anonymous, false, nil
		}
		sess, err := s.accounts.SessionByToken(c.UserContext(), token)
		if err != nil || sess == nil {
			return policy.Anonymous, false, err
		}
		c.Locals(sessionKey, &sessionState{token: strings.Clone(token), csrf: sess.CSRFToken, user: sess.User})
		// Pages of signed-in users are private; shared caches must not keep them.
		c.Set(fiber.HeaderCacheControl, "private, no-store")
		return sess.User.Subject(), true, nil
	}
}

// SignIn starts a new session for u in this browser and sets its cookie. The browser's
// previous session, if any, is ended: the id always changes at sign-in.
func (s *Sessions) SignIn(c *fiber.Ctx, u *account.User) error {
	ns, err := s.accounts.StartSession(c.UserContext(), u.ID, account.SessionMeta{
		IP: c.IP(), UserAgent: string(c.Request().Header.UserAgent()), Replace: strings.Clone(c.Cookies(SessionCookie)),
	})
	if err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{
		Name: SessionCookie, Value: ns.Token, Path: "/", MaxAge: int(ns.MaxAge / time.Second),
		Expires: time.Now().Add(ns.MaxAge), Secure: s.secure, HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
	})
	c.Locals(sessionKey, &sessionState{token: ns.Token, csrf: ns.CSRFToken, user: u})
	SetSubject(c, u.Subject())
	c.Set(fiber.HeaderCacheControl, "no-store")
	return nil
}

// SignOut ends the browser's session and removes its cookie.
func (s *Sessions) SignOut(c *fiber.Ctx) error {
	if err := s.accounts.EndSession(c.UserContext(), strings.Clone(c.Cookies(SessionCookie))); err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{
		Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, Expires: time.Unix(0, 0),
		Secure: s.secure, HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
	})
	c.Locals(sessionKey, nil)
	SetSubject(c, policy.Anonymous)
	return nil
}

func currentSession(c *fiber.Ctx) *sessionState {
	st, _ := c.Locals(sessionKey).(*sessionState)
	return st
}

// CSRFToken is the current session's CSRF token, "" without a session. Every form that
// changes state posts it back as the hidden field csrf_token; API clients send it in the
// X-CSRF-Token header (GET /api/v1/me tells it).
func CSRFToken(c *fiber.Ctx) string {
	if st := currentSession(c); st != nil {
		return st.csrf
	}
	return ""
}

// SessionUser is the user signed in with the session cookie, nil otherwise (also for
// API-token callers).
func SessionUser(c *fiber.Ctx) *account.User {
	if st := currentSession(c); st != nil {
		return st.user
	}
	return nil
}

// Chrome builds the page frame's view model for the current request: the title, the
// path for the language switch, the signed-in user's badge, the CSRF token for the
// header's sign-out form (and any other form) and the pending flash message, which it
// consumes. Screens set Description, Canonical, Query or NoIndex on the result as needed.
func Chrome(c *fiber.Ctx, title string) ui.Chrome {
	ch := ui.Chrome{Title: title, Path: c.Path(), CSRF: CSRFToken(c), Flash: TakeFlash(c), ViewingAs: ViewingAs(c)}
	if s := Subject(c); s.UserID != 0 {
		name := s.Name
		if name == "" {
			name = s.Email
		}
		ch.User = &ui.UserBadge{Name: name, IsStaff: s.IsStaff()}
	}
	return ch
}
