package admin

import (
	"context"
	"strconv"
	"strings"
	"time"
	// The console shows times in Poland's zone whether or not the host has zone data.
	_ "time/tzdata"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/ui"
	"github.com/helpcenter/helpcenter/internal/web"
	"github.com/helpcenter/helpcenter/policy"
)

// What the article screens (list, editor, history) and the structure screen share:
// audience and section choices, state labels, times in the console's zone.

// consoleZone is the zone staff think in: times are shown and schedules are read in it.
var consoleZone = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Warsaw"); err == nil {
		return l
	}
	return time.UTC
}()

// localTime formats a moment for the console, e.g. "2026-03-01 14:30".
func localTime(t time.Time) string { return t.In(consoleZone).Format("2006-01-02 15:04") }

// isoTime is a moment for <time datetime>.
func isoTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// datetimeLocalLayout is the value format of <input type="datetime-local">.
const datetimeLocalLayout = "2006-01-02T15:04"

// AudienceOption is one audience as a checkbox or a filter choice.
type AudienceOption struct {
	Key, Label string
}

// audienceOptions lists every audience the policy knows, labelled in the reader's
// language: the built-in ones from the catalogue, account types by their names.
func (con *console) audienceOptions(ctx context.Context) ([]AudienceOption, error) {
	types, err := con.Policy.AccountTypes(ctx)
	if err != nil {
		return nil, err
	}
	labels := map[string]string{}
	for _, t := range types {
		labels[t.Key] = typeLabel(ctx, t)
	}
	var out []AudienceOption
	for _, a := range con.Policy.AllAudiences() {
		label := labels[a]
		switch a {
		case policy.AudiencePublic, policy.AudienceSignedIn, policy.AudienceStaff:
			label = ui.T(ctx, "admin.audience."+a)
		}
		if label == "" {
			label = a
		}
		out = append(out, AudienceOption{Key: a, Label: label})
	}
	return out, nil
}

// audienceLabel finds an audience's label among the options, the key itself otherwise.
func audienceLabel(opts []AudienceOption, key string) string {
	for _, o := range opts {
		if o.Key == key {
			return o.Label
		}
	}
	return key
}

// SectionGroup is a category with its sections, for selects with option groups.
type SectionGroup struct {
	CategoryID int64
	Name       string
	Sections   []SectionOption
}

// SectionOption is one section a piece of content can go to; Audiences are its own,
// which new articles in it take by default.
type SectionOption struct {
	ID        int64
	Name      string
	Audiences []string
}

func sectionGroups(cats []content.Category) []SectionGroup {
	out := make([]SectionGroup, 0, len(cats))
	for _, c := range cats {
		g := SectionGroup{CategoryID: c.ID, Name: c.Name}
		for _, s := range c.Sections {
			g.Sections = append(g.Sections, SectionOption{ID: s.ID, Name: s.Name, Audiences: s.Audiences})
		}
		out = append(out, g)
	}
	return out
}

// findSection returns a section's option and its category's name.
func findSection(groups []SectionGroup, id int64) (SectionOption, string, bool) {
	for _, g := range groups {
		for _, s := range g.Sections {
			if s.ID == id {
				return s, g.Name, true
			}
		}
	}
	return SectionOption{}, "", false
}

// sectionPath names a section with its category, e.g. "Faktury › Korekty".
func sectionPath(groups []SectionGroup, id int64) string {
	s, cat, ok := findSection(groups, id)
	if !ok {
		return "—"
	}
	return cat + " › " + s.Name
}

// stateLabel names an article state in the reader's language.
func stateLabel(ctx context.Context, state string) string {
	return ui.T(ctx, "admin.state."+state)
}

// kindLabel names an article kind.
func kindLabel(ctx context.Context, kind string) string {
	return ui.T(ctx, "admin.kind."+kind)
}

// paramID reads a positive numeric route parameter; anything else is "not found".
func paramID(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.NotFoundf("Nie ma takiej strony.")
	}
	return id, nil
}

// formInt reads a numeric form field, 0 when it is missing or not a number.
func formInt(c *fiber.Ctx, name string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(c.FormValue(name)), 10, 64)
	return n
}

// posted reports whether a form posted a field at all (disabled fields are not posted).
func posted(c *fiber.Ctx, name string) bool {
	return c.Request().PostArgs().Has(name) || formHasMultipart(c, name)
}

func formHasMultipart(c *fiber.Ctx, name string) bool {
	mf, err := c.MultipartForm()
	if err != nil || mf == nil {
		return false
	}
	_, ok := mf.Value[name]
	return ok
}

// splitTags reads a comma-separated tag list as typed.
func splitTags(s string) []string {
	out := []string{}
	for _, t := range strings.Split(s, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// idString formats an id for URLs and form values.
func idString(id int64) string { return strconv.FormatInt(id, 10) }

// articleURL is an article's page in the console; suffix adds a sub-page ("/revisions").
func articleURL(id int64, suffix string) string { return "/admin/articles/" + idString(id) + suffix }

// flashError finishes a form that the service refused as a whole (a conflict, a
// non-empty section): back to a page with the reason on top.
func flashError(c *fiber.Ctx, to, message string) error {
	web.SetFlash(c, "error", message)
	return c.Redirect(to, fiber.StatusSeeOther)
}
