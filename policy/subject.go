package policy

import "strconv"

// Subject is who is asking: an anonymous visitor, a signed-in user or an API token.
// Delivery code builds it once per request (from the session or the bearer token) and
// passes it to every service method, which asks the policy what the subject may do.
type Subject struct {
	// UserID is set for signed-in users.
	UserID int64
	// AccountType is the user's account type key, "" when none is set.
	AccountType string
	// StaffRole is the user's or token's staff role, "" for customers.
	StaffRole string
	// TokenID is set for API-token callers; the audiences a token reads are policy lines
	// "p, token:<id>, audience:<a>, read".
	TokenID int64
	// Name and Email describe a signed-in user for display and audit entries.
	Name, Email string
}

// Anonymous is the subject of a request without credentials.
var Anonymous = Subject{}

// IsAnonymous reports whether nobody is signed in and no token was given.
func (s Subject) IsAnonymous() bool { return s.UserID == 0 && s.TokenID == 0 }

// IsStaff reports whether the subject acts with a staff role.
func (s Subject) IsStaff() bool { return s.StaffRole != "" }

// Key is the subject's name in Casbin policies: anonymous, user:<id> or token:<id>.
func (s Subject) Key() string {
	switch {
	case s.TokenID != 0:
		return "token:" + strconv.FormatInt(s.TokenID, 10)
	case s.UserID != 0:
		return "user:" + strconv.FormatInt(s.UserID, 10)
	default:
		return "anonymous"
	}
}

// Label names the subject in the audit log.
func (s Subject) Label() string {
	if s.Email != "" {
		return s.Email
	}
	return s.Key()
}

// AuditUserID is the user id recorded with the subject's changes in the audit log.
func (s Subject) AuditUserID() int64 { return s.UserID }
