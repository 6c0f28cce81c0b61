package admin

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/linediff"
	"github.com/helpcenter/helpcenter/internal/ui"
	"github.com/helpcenter/helpcenter/internal/web"
)

// An article's history: every saved revision, a side-by-side comparison of any two, and
// restoring an old one, which saves its title and body as a new revision on top (history
// is never rewritten, so a restore can itself be undone).

// RevisionsView lists an article's revisions, newest first.
type RevisionsView struct {
	Frame
	Article   *content.ManagedArticle
	Revisions []RevisionRow
	// From and To preselect the comparison: the previous revision and the current one.
	From, To int64
}

// RevisionRow is one revision with its role in the article.
type RevisionRow struct {
	content.Revision
	Current, Published, Scheduled bool
}

// DiffView compares two revisions side by side.
type DiffView struct {
	Frame
	Article   *content.ManagedArticle
	From, To  *content.Revision
	Diff      linediff.Result
	Revisions []content.Revision
}

// diffContext is how many unchanged lines the comparison keeps around each change.
const diffContext = 3

func (con *console) articleRevisions(c *fiber.Ctx) error {
	ctx := c.UserContext()
	actor := web.Subject(c)
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	a, err := con.Content.ManagedArticle(ctx, actor, id)
	if err != nil {
		return err
	}
	revs, err := con.Content.Revisions(ctx, actor, id)
	if err != nil {
		return err
	}
	v := RevisionsView{Frame: con.frame(c, ui.T(ctx, "admin.revisions.title", a.Title), "articles"), Article: a}
	for _, r := range revs {
		v.Revisions = append(v.Revisions, RevisionRow{Revision: r, Current: r.ID == a.CurrentRevisionID,
			Published: r.ID == a.PublishedRevisionID, Scheduled: a.PublishAt != nil && r.ID == a.ScheduledRevisionID})
	}
	if len(revs) > 0 {
		v.To = revs[0].ID
		v.From = revs[0].ID
		if len(revs) > 1 {
			v.From = revs[1].ID
		}
	}
	return web.Render(c, RevisionsPage(v))
}

func (con *console) articleDiff(c *fiber.Ctx) error {
	ctx := c.UserContext()
	actor := web.Subject(c)
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	a, err := con.Content.ManagedArticle(ctx, actor, id)
	if err != nil {
		return err
	}
	revs, err := con.Content.Revisions(ctx, actor, id)
	if err != nil {
		return err
	}
	fromID, _ := strconv.ParseInt(c.Query("from"), 10, 64)
	toID, _ := strconv.ParseInt(c.Query("to"), 10, 64)
	if toID == 0 && len(revs) > 0 {
		toID = revs[0].ID
	}
	if fromID == 0 {
		fromID = toID
		for i, r := range revs {
			if r.ID == toID && i+1 < len(revs) {
				fromID = revs[i+1].ID
			}
		}
	}
	from, err := con.Content.Revision(ctx, actor, id, fromID)
	if err != nil {
		return err
	}
	to, err := con.Content.Revision(ctx, actor, id, toID)
	if err != nil {
		return err
	}
	v := DiffView{
		Frame:   con.frame(c, ui.T(ctx, "admin.diff.title", from.Number, to.Number), "articles"),
		Article: a, From: from, To: to, Revisions: revs,
		Diff: linediff.SideBySide(from.BodyMD, to.BodyMD, diffContext),
	}
	return web.Render(c, DiffPage(v))
}

// restoreRevision saves an old revision as the newest one and goes back to the editor.
func (con *console) restoreRevision(c *fiber.Ctx) error {
	ctx := c.UserContext()
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	rev, err := paramID(c, "rev")
	if err != nil {
		return err
	}
	a, err := con.Content.RestoreRevision(ctx, web.Subject(c), id, rev, formInt(c, "base_revision_id"))
	if err != nil {
		if ae := apperr.As(err); ae != nil && ae.Code == apperr.Conflict {
			return flashError(c, articleURL(id, "/revisions"), ui.T(ctx, "admin.revisions.restore_conflict"))
		}
		return err
	}
	old, err := con.Content.Revision(ctx, web.Subject(c), id, rev)
	if err != nil {
		return err
	}
	return redirectWithFlash(c, articleURL(a.ID, ""), ui.T(ctx, "admin.revisions.restored", old.Number))
}

// diffURL compares two revisions of an article.
func diffURL(articleID, from, to int64) string {
	return articleURL(articleID, "/diff?from="+idString(from)+"&to="+idString(to))
}
