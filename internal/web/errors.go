package web

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/internal/apperr"
)

// Problem is an RFC 9457 problem document.
type Problem struct {
	Type     string              `json:"type"`
	Title    string              `json:"title"`
	Status   int                 `json:"status"`
	Detail   string              `json:"detail,omitempty"`
	Instance string              `json:"instance,omitempty"`
	Errors   []apperr.FieldError `json:"errors,omitempty"`
}

// StatusOf maps an application error code to its HTTP status.
func StatusOf(code apperr.Code) int {
	switch code {
	case apperr.Invalid:
		return http.StatusBadRequest
	case apperr.Unauthorized:
		return http.StatusUnauthorized
	case apperr.Forbidden:
		return http.StatusForbidden
	case apperr.NotFound:
		return http.StatusNotFound
	case apperr.Conflict:
		return http.StatusConflict
	case apperr.RateLimited:
		return http.StatusTooManyRequests
	case apperr.Unavailable:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

// HTMLErrorPage renders an error page for browsers; the UI package provides it.
type HTMLErrorPage func(c *fiber.Ctx, status int, title, detail string) error

// ErrorHandler is the one place that turns errors into responses: problem+json under
// /api/, a friendly HTML page elsewhere. Unexpected errors are logged with the request
// id and answered with "internal error" and nothing more.
func ErrorHandler(log *slog.Logger, page HTMLErrorPage) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		status, title, detail := http.StatusInternalServerError, "Internal error", "Wystąpił nieoczekiwany błąd. Spróbuj ponownie za chwilę."
		var fields []apperr.FieldError
		var fe *fiber.Error
		switch ae := apperr.As(err); {
		case ae != nil && ae.Code != apperr.Internal:
			status, title, detail, fields = StatusOf(ae.Code), http.StatusText(StatusOf(ae.Code)), ae.Message, ae.Fields
		case errors.As(err, &fe):
			status, title, detail = fe.Code, http.StatusText(fe.Code), fe.Message
			if status == http.StatusNotFound {
				detail = "Nie znaleziono strony."
			}
		}
		if status >= 500 {
			log.ErrorContext(c.UserContext(), "request failed", "err", err, "method", c.Method(), "path", c.Path(), "request_id", RequestID(c))
		}
		if status == http.StatusTooManyRequests && c.GetRespHeader(fiber.HeaderRetryAfter) == "" {
			c.Set(fiber.HeaderRetryAfter, "60")
		}
		if IsAPI(c) {
			return WriteProblem(c, Problem{Title: title, Status: status, Detail: detail, Errors: fields})
		}
		if page == nil {
			return c.Status(status).SendString(detail)
		}
		return page(c, status, title, detail)
	}
}

// WriteProblem writes a problem+json response.
func WriteProblem(c *fiber.Ctx, p Problem) error {
	if p.Type == "" {
		p.Type = "about:blank"
	}
	if p.Title == "" {
		p.Title = http.StatusText(p.Status)
	}
	p.Instance = c.OriginalURL()
	c.Status(p.Status)
	c.Set(fiber.HeaderContentType, "application/problem+json")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(p, "application/problem+json")
}

// IsAPI reports whether the request is for the JSON API.
func IsAPI(c *fiber.Ctx) bool {
	p := c.Path()
	return p == "/api" || strings.HasPrefix(p, "/api/")
}
