package portal

import (
	"bytes"
	"encoding/xml"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/ui"
	"github.com/helpcenter/helpcenter/policy"
)

// The sitemap and the feed are built for an anonymous reader whoever asks: they are for
// search engines and feed readers, which must only ever learn about public articles.

const (
	// maxSitemapURLs is the sitemap protocol's limit for one file.
	maxSitemapURLs = 50000
	// feedEntries is how many recently updated articles the feed carries.
	feedEntries = 30
	// publicTTL bounds how long the sitemap and feed are reused without a content change.
	publicTTL = 10 * time.Minute
)

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type urlset struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapURL `xml:"url"`
}

func (p *pages) sitemap(c *fiber.Ctx) error {
	ctx := c.UserContext()
	body, err := cached(p.cache, "sitemap", publicTTL, func() ([]byte, error) {
		set := urlset{URLs: []sitemapURL{{Loc: p.canonical("/")}}}
		cats, err := p.Content.Categories(ctx, policy.Anonymous)
		if err != nil {
			return nil, err
		}
		for _, cat := range cats {
			set.URLs = append(set.URLs, sitemapURL{Loc: p.canonical(categoryPath(cat.Slug))})
			for _, s := range cat.Sections {
				set.URLs = append(set.URLs, sitemapURL{Loc: p.canonical(sectionPath(s.Slug))})
			}
		}
		cursor := ""
		for len(set.URLs) < maxSitemapURLs {
			page, err := p.Content.FindArticles(ctx, policy.Anonymous, content.ArticleFilter{Limit: content.MaxLimit, Cursor: cursor})
			if err != nil {
				return nil, err
			}
			for _, a := range page.Articles {
				set.URLs = append(set.URLs, sitemapURL{Loc: p.canonical(articlePath(a.Slug)), LastMod: a.UpdatedAt.UTC().Format(time.RFC3339)})
			}
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		if len(set.URLs) > maxSitemapURLs {
			set.URLs = set.URLs[:maxSitemapURLs]
		}
		return marshalXML(set)
	})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/xml; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=600")
	return c.Send(body)
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomText struct {
	Type string `xml:"type,attr,omitempty"`
	Text string `xml:",chardata"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomEntry struct {
	Title      string         `xml:"title"`
	ID         string         `xml:"id"`
	Link       atomLink       `xml:"link"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published,omitempty"`
	Summary    *atomText      `xml:"summary,omitempty"`
	Categories []atomCategory `xml:"category"`
}

type atomFeed struct {
	XMLName  xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang     string      `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	Title    string      `xml:"title"`
	Subtitle string      `xml:"subtitle,omitempty"`
	ID       string      `xml:"id"`
	Links    []atomLink  `xml:"link"`
	Updated  string      `xml:"updated"`
	Author   *atomAuthor `xml:"author,omitempty"`
	Entries  []atomEntry `xml:"entry"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

func (p *pages) feed(c *fiber.Ctx) error {
	ctx := c.UserContext()
	lang := ui.LangOf(ctx)
	body, err := cached(p.cache, "feed:"+string(lang), publicTTL, func() ([]byte, error) {
		page, err := p.Content.FindArticles(ctx, policy.Anonymous, content.ArticleFilter{Limit: feedEntries})
		if err != nil {
			return nil, err
		}
		cats, err := p.Content.Categories(ctx, policy.Anonymous)
		if err != nil {
			return nil, err
		}
		f := atomFeed{
			Lang: "pl", Title: ui.T(ctx, "site.name"), Subtitle: ui.T(ctx, "home.lead"), ID: p.canonical("/"),
			Links: []atomLink{
				{Rel: "self", Type: "application/atom+xml", Href: p.canonical("/feed.atom")},
				{Rel: "alternate", Type: "text/html", Href: p.canonical("/")},
			},
			Updated: time.Unix(0, 0).UTC().Format(time.RFC3339),
			Author:  &atomAuthor{Name: ui.T(ctx, "site.name")},
		}
		for i, s := range page.Articles {
			if i == 0 {
				f.Updated = s.UpdatedAt.UTC().Format(time.RFC3339)
			}
			a, err := p.Content.Article(ctx, policy.Anonymous, strconv.FormatInt(s.ID, 10))
			if err != nil {
				return nil, err
			}
			e := atomEntry{
				Title: a.Title, ID: p.canonical("/articles/" + strconv.FormatInt(a.ID, 10)),
				Link:    atomLink{Rel: "alternate", Type: "text/html", Href: p.canonical(articlePath(a.Slug))},
				Updated: a.UpdatedAt.UTC().Format(time.RFC3339), Published: a.PublishedAt.UTC().Format(time.RFC3339),
				Summary: &atomText{Type: "text", Text: plainText(a.BodyHTML, 400)},
			}
			if _, sec, ok := findSection(cats, a.SectionID, ""); ok {
				e.Categories = append(e.Categories, atomCategory{Term: sec.Name})
			}
			f.Entries = append(f.Entries, e)
		}
		return marshalXML(f)
	})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/atom+xml; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=600")
	return c.Send(body)
}

func marshalXML(v any) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// robots lets crawlers read the knowledge base and points them to the sitemap; the
// console, the API and personal pages are none of their business.
func (p *pages) robots(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "text/plain; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.SendString("User-agent: *\nDisallow: /admin/\nDisallow: /api/\nDisallow: /requests\nDisallow: /login\nDisallow: /register\nDisallow: /password\n\nSitemap: " +
		p.canonical("/sitemap.xml") + "\n")
}
