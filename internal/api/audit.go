package api

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/audit"
	"github.com/helpcenter/helpcenter/internal/web"
	"github.com/helpcenter/helpcenter/policy"
)

// auditAPI serves GET /admin/audit: the audit log, newest first, with filters.
type auditAPI struct {
	e *policy.Enforcer
	r audit.Reader
}

func mountAudit(r fiber.Router, e *policy.Enforcer, reader audit.Reader) {
	h := auditAPI{e, reader}
	r.Get("/admin/audit", h.list)
}

func (h auditAPI) list(c *fiber.Ctx) error {
	if err := h.e.Require(web.Subject(c), policy.AuditRead); err != nil {
		return err
	}
	limit, err := parseLimit(c)
	if err != nil {
		return err
	}
	f := audit.Filter{Actor: c.Query("actor"), Action: c.Query("action"), Object: c.Query("object"), Limit: limit + 1}
	var problems []apperr.FieldError
	for name, dst := range map[string]*time.Time{"since": &f.Since, "until": &f.Until} {
		if v := c.Query(name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				problems = append(problems, apperr.Field(name, "Oczekiwano czasu RFC 3339, np. 2026-01-31T00:00:00Z."))
			}
			*dst = t
		}
	}
	if v := c.Query("cursor"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			problems = append(problems, apperr.Field("cursor", "Nieprawidłowy kursor."))
		}
		f.BeforeID = id
	}
	if err := apperr.InvalidFields(problems...); err != nil {
		return err
	}
	entries, err := h.r.FindAudit(c.UserContext(), f)
	if err != nil {
		return err
	}
	out := listResponse[audit.Entry]{Data: entries}
	if len(entries) > limit {
		out.Data = entries[:limit]
		next := strconv.FormatInt(out.Data[limit-1].ID, 10)
		out.NextCursor = &next
	}
	if out.Data == nil {
		out.Data = []audit.Entry{}
	}
	return c.JSON(out)
}

// parseLimit reads ?limit= (default 20, at most 100).
func parseLimit(c *fiber.Ctx) (int, error) {
	v := c.Query("limit")
	if v == "" {
		return 20, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 100 {
		return 0, apperr.InvalidFields(apperr.Field("limit", "Limit musi być liczbą od 1 do 100."))
	}
	return n, nil
}
