package admin

import (
	"context"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/internal/audit"
	"github.com/helpcenter/helpcenter/internal/ui"
	"github.com/helpcenter/helpcenter/internal/web"
	"github.com/helpcenter/helpcenter/policy"
)

// AuditReader reads the audit log.
type AuditReader interface {
	FindAudit(ctx context.Context, f audit.Filter) ([]audit.Entry, error)
}

// AuditView is the audit log screen.
type AuditView struct {
	Frame
	Filter  AuditFilterForm
	Entries []audit.Entry
	// NextBefore is the id to continue from ("older entries"), 0 at the end.
	NextBefore int64
}

// AuditFilterForm keeps the filter form's input.
type AuditFilterForm struct {
	Actor, Action, Object, Since, Until string
}

const auditPage = 50

func (con *console) auditLog(c *fiber.Ctx) error {
	ctx := c.UserContext()
	if err := con.Policy.Require(web.Subject(c), policy.AuditRead); err != nil {
		return err
	}
	form := AuditFilterForm{Actor: c.Query("actor"), Action: c.Query("action"), Object: c.Query("object"), Since: c.Query("since"), Until: c.Query("until")}
	f := audit.Filter{Actor: form.Actor, Action: form.Action, Object: form.Object, Limit: auditPage + 1}
	if t, err := time.Parse("2006-01-02", form.Since); err == nil {
		f.Since = t
	}
	if t, err := time.Parse("2006-01-02", form.Until); err == nil {
		f.Until = t.AddDate(0, 0, 1)
	}
	f.BeforeID, _ = strconv.ParseInt(c.Query("before"), 10, 64)
	entries, err := con.Audit.FindAudit(ctx, f)
	if err != nil {
		return err
	}
	v := AuditView{Frame: con.frame(c, ui.T(ctx, "admin.nav.audit"), "audit"), Filter: form, Entries: entries}
	if len(entries) > auditPage {
		v.Entries = entries[:auditPage]
		v.NextBefore = v.Entries[auditPage-1].ID
	}
	return web.Render(c, AuditPage(v))
}

// nextAuditURL keeps the filters when paging.
func nextAuditURL(v AuditView) string {
	q := "?before=" + strconv.FormatInt(v.NextBefore, 10)
	for k, val := range map[string]string{"actor": v.Filter.Actor, "action": v.Filter.Action, "object": v.Filter.Object, "since": v.Filter.Since, "until": v.Filter.Until} {
		if val != "" {
			q += "&" + k + "=" + urlQueryEscape(val)
		}
	}
	return "/admin/audit" + q
}
