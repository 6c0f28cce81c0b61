package admin

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/ui"
	"github.com/helpcenter/helpcenter/internal/web"
	"github.com/helpcenter/helpcenter/policy"
)

// CommentsView is the moderation screen: readers' comments newest first, to hide, show
// again or turn into a request.
type CommentsView struct {
	Frame
	Show     string // "", "hidden" or "visible"
	Comments []content.ModeratedComment
	Next     string
}

func (con *console) comments(c *fiber.Ctx) error {
	ctx, actor := c.UserContext(), web.Subject(c)
	v := CommentsView{Frame: con.frame(c, ui.T(ctx, "admin.nav.comments"), "comments"), Show: c.Query("show")}
	f := content.ModerationFilter{FromCustomers: c.Query("staff") == "", Limit: 50, Cursor: c.Query("cursor")}
	switch v.Show {
	case "hidden":
		h := true
		f.Hidden = &h
	case "visible":
		h := false
		f.Hidden = &h
	}
	page, err := con.Engagement.RecentComments(ctx, actor, f)
	if err != nil {
		return err
	}
	v.Comments, v.Next = page.Comments, page.NextCursor
	return web.Render(c, CommentsPage(v))
}

func (con *console) setCommentHidden(hidden bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ctx := c.UserContext()
		id, err := strconv.ParseInt(c.Params("id"), 10, 64)
		if err != nil {
			return fiber.ErrNotFound
		}
		if _, err := con.Engagement.SetCommentHidden(ctx, web.Subject(c), id, hidden); err != nil {
			return err
		}
		msg := "admin.comments.shown"
		if hidden {
			msg = "admin.comments.hidden"
		}
		return redirectWithFlash(c, "/admin/comments", ui.T(ctx, msg))
	}
}

func (con *console) commentToRequest(c *fiber.Ctx) error {
	ctx := c.UserContext()
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return fiber.ErrNotFound
	}
	r, err := con.Engagement.CommentToRequest(ctx, web.Subject(c), id)
	if err != nil {
		return err
	}
	return redirectWithFlash(c, "/admin/tickets/"+strconv.FormatInt(r.RequestID, 10), ui.T(ctx, "admin.comments.to_request_done"))
}

var _ = policy.CommentModerate // the service checks it on every action
