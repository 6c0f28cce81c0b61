package portal

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/ui"
	"github.com/helpcenter/helpcenter/internal/web"
	"github.com/helpcenter/helpcenter/policy"
)

// Query parameters that links add to an article's address to say where the reader came
// from; the article is the same (its canonical link has none of them).
const (
	// searchParam carries the id of the logged search whose result was opened.
	searchParam = "sid"
	// suggestParam carries what the reader typed in the request form when they opened
	// the article from its suggestions.
	suggestParam = "sq"
)

// ArticleView is an article page.
type ArticleView struct {
	Chrome   ui.Chrome
	Article  *content.Article
	Category content.Category
	Section  content.Section
	TOC      []Heading
	Related  []content.ArticleSummary
	Votes    content.VoteSummary
	Threads  []content.Thread
	// CommentCount counts the comments shown (hidden ones and their answers aside).
	CommentCount int
	// SignedIn readers may comment; moderators may hide comments; those who also work
	// requests may turn a comment into one.
	SignedIn    bool
	CanModerate bool
	CanConvert  bool
	// Draft, DraftParent and Errors refill the comment form after invalid input.
	Draft       string
	DraftParent int64
	Errors      FormErrors
	// FromRequestForm is what the reader typed in the request form, when they opened the
	// article from its suggestions.
	FromRequestForm string
}

// articleRef returns the article the reader asked for, or a redirect to its current
// address when they used an old slug or an id (301, so links and search engines learn
// the new one).
func (p *pages) articleRef(c *fiber.Ctx) (*content.Article, bool, error) {
	ref := c.Params("ref")
	a, err := p.Content.Article(c.UserContext(), web.Subject(c), ref)
	if err != nil {
		return nil, false, err
	}
	if a.Slug != ref {
		loc := articlePath(a.Slug)
		if q := string(c.Request().URI().QueryString()); q != "" {
			loc += "?" + q
		}
		return a, true, c.Redirect(loc, fiber.StatusMovedPermanently)
	}
	return a, false, nil
}

func (p *pages) article(c *fiber.Ctx) error {
	a, redirected, err := p.articleRef(c)
	if err != nil || redirected {
		return err
	}
	ctx, subj := c.UserContext(), web.Subject(c)
	v, err := p.articleView(c, a)
	if err != nil {
		return err
	}
	if sid, err := strconv.ParseInt(c.Query(searchParam), 10, 64); err == nil {
		if err := p.Engagement.RecordSearchClick(ctx, sid, a.ID); err != nil {
			return err
		}
	}
	if q := strings.TrimSpace(c.Query(suggestParam)); q != "" {
		if err := p.Engagement.RecordSuggestionOpen(ctx, subj, a.ID, q, p.ensureVisitorKey(c)); err != nil {
			return err
		}
		v.FromRequestForm = q
	}
	if c.Method() == fiber.MethodGet && !isRobot(c) {
		p.Engagement.CountView(a.ID)
	}
	return web.Render(c, ArticlePage(v))
}

// articleView gathers everything the article page shows besides the article itself.
func (p *pages) articleView(c *fiber.Ctx, a *content.Article) (ArticleView, error) {
	ctx, subj := c.UserContext(), web.Subject(c)
	v := ArticleView{Article: a, TOC: tableOfContents(a.BodyHTML), SignedIn: subj.UserID != 0}
	cats, err := p.categories(c)
	if err != nil {
		return v, err
	}
	v.Category, v.Section, _ = findSection(cats, a.SectionID, "")
	key := "related:" + strconv.FormatInt(a.ID, 10) + ":" + audienceKey(p.Policy.Audiences(subj))
	if v.Related, err = cached(p.cache, key, 5*time.Minute, func() ([]content.ArticleSummary, error) {
		return p.Engagement.RelatedArticles(ctx, subj, a.ID, 5)
	}); err != nil {
		return v, err
	}
	act, err := p.Engagement.ArticleActivity(ctx, subj, a.ID, visitorKey(c))
	if err != nil {
		return v, err
	}
	v.Votes, v.Threads = act.Votes, act.Threads
	for _, t := range v.Threads {
		if !t.Hidden {
			v.CommentCount++
			for _, r := range t.Replies {
				if !r.Hidden {
					v.CommentCount++
				}
			}
		}
	}
	v.CanModerate = p.Policy.Can(subj, policy.CommentModerate)
	v.CanConvert = v.CanModerate && p.Policy.Can(subj, policy.TicketRead)

	v.Chrome = p.chrome(c, a.Title, articlePath(a.Slug), plainText(a.BodyHTML, 160))
	// Pages only some readers may open stay out of search engines even when a crawler
	// signs in somehow; public ones are indexed under their canonical address.
	v.Chrome.NoIndex = !p.Policy.CanRead(policy.Anonymous, a.Audiences)
	return v, nil
}

func (p *pages) postComment(c *fiber.Ctx) error {
	a, redirected, err := p.articleRef(c)
	if err != nil || redirected {
		return err
	}
	ctx, subj := c.UserContext(), web.Subject(c)
	body := c.FormValue("body")
	parent, _ := strconv.ParseInt(c.FormValue("parent_id"), 10, 64)
	cm, err := p.Engagement.PostComment(ctx, subj, a.ID, content.NewComment{Body: body, ParentID: parent})
	if err != nil {
		if apperr.Is(err, apperr.Unauthorized) {
			return redirect(c, "/login?next="+url.QueryEscape(articlePath(a.Slug)))
		}
		errs, status, ok := formErrors(err)
		if !ok {
			return err
		}
		v, verr := p.articleView(c, a)
		if verr != nil {
			return verr
		}
		v.Draft, v.DraftParent, v.Errors = body, parent, errs
		v.Chrome.NoIndex = true
		return web.RenderStatus(c, status, ArticlePage(v))
	}
	web.SetFlash(c, "ok", ui.T(ctx, "kb.comments.posted"))
	return redirect(c, articlePath(a.Slug)+"#comment-"+strconv.FormatInt(cm.ID, 10))
}

func (p *pages) vote(c *fiber.Ctx) error {
	a, redirected, err := p.articleRef(c)
	if err != nil || redirected {
		return err
	}
	var helpful bool
	switch c.FormValue("helpful") {
	case "yes":
		helpful = true
	case "no":
	default:
		return apperr.InvalidFields(apperr.Field("helpful", "Wybierz „Tak” albo „Nie”."))
	}
	subj := web.Subject(c)
	var visitor content.VisitorKey
	if subj.UserID == 0 {
		visitor = p.ensureVisitorKey(c)
	}
	if err := p.Engagement.Vote(c.UserContext(), subj, a.ID, helpful, visitor); err != nil {
		return err
	}
	return redirect(c, articlePath(a.Slug)+"#helpful")
}

// commentID reads the comment id of a moderation route.
func commentID(c *fiber.Ctx) int64 {
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	return id
}

// backToComment returns to the comment on its article (the id address redirects to the
// current slug, and browsers keep the fragment).
func backToComment(c *fiber.Ctx, articleID, commentID int64) error {
	return redirect(c, "/articles/"+strconv.FormatInt(articleID, 10)+"#comment-"+strconv.FormatInt(commentID, 10))
}

func (p *pages) setHidden(c *fiber.Ctx, hidden bool, flashKey string) error {
	id := commentID(c)
	articleID, err := p.Engagement.SetCommentHidden(c.UserContext(), web.Subject(c), id, hidden)
	if err != nil {
		return err
	}
	web.SetFlash(c, "ok", ui.T(c.UserContext(), flashKey))
	return backToComment(c, articleID, id)
}

func (p *pages) hideComment(c *fiber.Ctx) error {
	return p.setHidden(c, true, "kb.comments.hidden_flash")
}
func (p *pages) showComment(c *fiber.Ctx) error {
	return p.setHidden(c, false, "kb.comments.shown_flash")
}

func (p *pages) commentToRequest(c *fiber.Ctx) error {
	ctx, subj := c.UserContext(), web.Subject(c)
	id := commentID(c)
	r, err := p.Engagement.CommentToRequest(ctx, subj, id)
	if err != nil {
		return err
	}
	web.SetFlash(c, "ok", ui.T(ctx, "kb.comments.request_flash", r.RequestID))
	return backToComment(c, r.ArticleID, id)
}
