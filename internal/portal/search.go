package portal

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/ui"
	"github.com/helpcenter/helpcenter/internal/web"
)

// searchPageSize is how many results a search page shows.
const searchPageSize = 10

// maxSearchPage keeps page numbers within what the search service pages through.
const maxSearchPage = 100

// SearchView is the search page: the query with its filters, a page of results, and
// the way to the request form when nothing was found.
type SearchView struct {
	Chrome     ui.Chrome
	Query      string
	Category   string // slug, "" for all
	Kind       string // "article", "faq" or ""
	Categories []content.Category
	Hits       []content.SearchHit
	Total      int
	Page       int
	Pages      int
	// SearchID is the logged search; result links carry it so a click counts.
	SearchID int64
	// Problem is a message about the query itself (too long, ...).
	Problem string
}

func (p *pages) search(c *fiber.Ctx) error {
	ctx, subj := c.UserContext(), web.Subject(c)
	v := SearchView{Query: strings.TrimSpace(c.Query("q")), Category: c.Query("category"), Kind: c.Query("kind"), Page: 1}
	if n, err := strconv.Atoi(c.Query("page")); err == nil && n > 1 {
		v.Page = min(n, maxSearchPage)
	}
	cats, err := p.categories(c)
	if err != nil {
		return err
	}
	v.Categories = cats
	// Filters that do not apply (an unknown kind, a category the reader cannot see) are
	// dropped rather than failing the search.
	if v.Kind != content.KindArticle && v.Kind != content.KindFAQ {
		v.Kind = ""
	}
	if _, ok := findCategory(cats, v.Category); !ok {
		v.Category = ""
	}
	title := ui.T(ctx, "search.title")
	if v.Query != "" {
		title = ui.T(ctx, "search.title_for", v.Query)
	}
	v.Chrome = p.chrome(c, title, "", "")
	v.Chrome.Query = v.Query
	v.Chrome.NoIndex = true // result pages are for people, not for search engines
	if v.Query == "" {
		return web.Render(c, SearchPage(v))
	}
	res, err := p.Content.Search(ctx, subj, content.SearchQuery{Text: v.Query, Kind: v.Kind, Category: v.Category,
		Limit: searchPageSize, Cursor: content.SearchCursor((v.Page - 1) * searchPageSize)})
	if err != nil {
		if ae := apperr.As(err); ae != nil && ae.Code == apperr.Invalid {
			v.Problem = ae.Message
			if len(ae.Fields) > 0 {
				v.Problem = ae.Fields[0].Message
			}
			return web.RenderStatus(c, fiber.StatusUnprocessableEntity, SearchPage(v))
		}
		return err
	}
	v.Hits, v.Total = res.Hits, res.Total
	v.Pages = min((res.Total+searchPageSize-1)/searchPageSize, maxSearchPage)
	if v.Page == 1 {
		if v.SearchID, err = p.Engagement.RecordSearch(ctx, subj, content.SearchEvent{Query: v.Query, Results: res.Total, Source: content.SourcePortal}); err != nil {
			return err
		}
	}
	return web.Render(c, SearchPage(v))
}

// searchURL is the search page for the view's query and filters at a page.
func (v SearchView) searchURL(page int, category, kind string) string {
	q := url.Values{"q": {v.Query}}
	if category != "" {
		q.Set("category", category)
	}
	if kind != "" {
		q.Set("kind", kind)
	}
	if page > 1 {
		q.Set("page", strconv.Itoa(page))
	}
	return "/search?" + q.Encode()
}

// resultURL opens a result, telling which logged search it came from.
func (v SearchView) resultURL(slug string) string {
	if v.SearchID == 0 {
		return articlePath(slug)
	}
	return articlePath(slug) + "?" + searchParam + "=" + strconv.FormatInt(v.SearchID, 10)
}

// pageNumbers is the window of page links around the current page; 0 stands for a gap.
func (v SearchView) pageNumbers() []int {
	var out []int
	for n := 1; n <= v.Pages; n++ {
		if n == 1 || n == v.Pages || (n >= v.Page-2 && n <= v.Page+2) {
			out = append(out, n)
		} else if len(out) > 0 && out[len(out)-1] != 0 {
			out = append(out, 0)
		}
	}
	return out
}

// categoryName names the category of a result.
func (v SearchView) categoryName(id int64) string {
	for _, c := range v.Categories {
		if c.ID == id {
			return c.Name
		}
	}
	return ""
}

// sectionName names the section of a result.
func (v SearchView) sectionName(id int64) string {
	_, s, _ := findSection(v.Categories, id, "")
	return s.Name
}
