package portal

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/ui"
	"github.com/helpcenter/helpcenter/internal/web"
)

// HomeView is the start page: the categories with their sections, the most read FAQ
// and the recently updated articles, all of them what the reader may read.
type HomeView struct {
	Chrome     ui.Chrome
	Categories []content.Category
	PopularFAQ []content.PopularArticle
	Recent     []content.ArticleSummary
}

// homeLists are the start page's lists, kept for a minute per set of audiences.
type homeLists struct {
	popular []content.PopularArticle
	recent  []content.ArticleSummary
}

func (p *pages) home(c *fiber.Ctx) error {
	ctx, subj := c.UserContext(), web.Subject(c)
	cats, err := p.categories(c)
	if err != nil {
		return err
	}
	key := "home:" + audienceKey(p.Policy.Audiences(subj))
	lists, err := cached(p.cache, key, time.Minute, func() (homeLists, error) {
		popular, err := p.Engagement.MostRead(ctx, subj, content.PopularFilter{Kind: content.KindFAQ, Limit: 6})
		if err != nil {
			return homeLists{}, err
		}
		recent, err := p.Content.FindArticles(ctx, subj, content.ArticleFilter{Limit: 6})
		if err != nil {
			return homeLists{}, err
		}
		return homeLists{popular: popular, recent: recent.Articles}, nil
	})
	if err != nil {
		return err
	}
	ch := p.chrome(c, "", "/", ui.T(ctx, "home.lead"))
	return web.Render(c, Home(HomeView{Chrome: ch, Categories: cats, PopularFAQ: lists.popular, Recent: lists.recent}))
}

// categories is the category tree the reader may see, shared by readers with the same
// audiences.
func (p *pages) categories(c *fiber.Ctx) ([]content.Category, error) {
	ctx, subj := c.UserContext(), web.Subject(c)
	return cached(p.cache, "categories:"+audienceKey(p.Policy.Audiences(subj)), 5*time.Minute, func() ([]content.Category, error) {
		return p.Content.Categories(ctx, subj)
	})
}
