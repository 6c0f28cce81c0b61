// Package apperr is the one application error type. Domain services return it for every
// failure a user may be told about (not found, forbidden, invalid input, conflict, ...);
// anything else is an internal error whose details stay in the log.
package apperr

import (
	"errors"
	"fmt"
)

// Code classifies an error; the HTTP layer maps each code to one status.
type Code string

// The codes a service may return.
const (
	Invalid      Code = "invalid"      // 400/422: the input is wrong; Fields says where
	Unauthorized Code = "unauthorized" // 401: not signed in, or bad credentials
	Forbidden    Code = "forbidden"    // 403: signed in, but not allowed
	NotFound     Code = "not_found"    // 404: missing, or not visible to the caller
	Conflict     Code = "conflict"     // 409: clashes with the current state
	RateLimited  Code = "rate_limited" // 429: too many attempts
	Internal     Code = "internal"     // 500: a bug or an outage; never shown in detail
	Unavailable  Code = "unavailable"  // 503: a dependency is down
)

// FieldError names one invalid input field with a message safe to show next to it.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is an application error with a code and a message safe to show to the user.
type Error struct {
	Code    Code
	Message string
	Fields  []FieldError
	Err     error // the cause, for the log only
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an error with a code and a message safe to show.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// NotFoundf is the usual "no such thing (for you)".
func NotFoundf(format string, args ...any) *Error { return New(NotFound, format, args...) }

// Forbiddenf is the usual "you may not".
func Forbiddenf(format string, args ...any) *Error { return New(Forbidden, format, args...) }

// Conflictf is the usual "the current state does not allow this".
func Conflictf(format string, args ...any) *Error { return New(Conflict, format, args...) }

// InvalidFields reports invalid input; it returns nil when fields is empty, so callers
// can collect problems and return InvalidFields(problems...) unconditionally.
func InvalidFields(fields ...FieldError) error {
	if len(fields) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Message: "Popraw zaznaczone pola.", Fields: fields}
}

// Field is shorthand for a FieldError.
func Field(name, message string) FieldError { return FieldError{Field: name, Message: message} }

// CodeOf returns the code of err, Internal for errors that are not ours, "" for nil.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// As returns err as *Error, or nil.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// Is reports whether err has the given code.
func Is(err error, code Code) bool { return CodeOf(err) == code }
