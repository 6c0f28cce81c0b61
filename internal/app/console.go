package app

import (
	"context"

	"github.com/helpcenter/helpcenter/admin"
	"github.com/helpcenter/helpcenter/content"
)

// visibilityPreview adapts the knowledge base to the console's audience-matrix preview.
type visibilityPreview struct{ content *content.Service }

func (p visibilityPreview) PreviewVisibility(ctx context.Context, before, after []string) (gained, lost []admin.ArticleRef, err error) {
	g, l, err := p.content.VisibilityDiff(ctx, before, after)
	if err != nil {
		return nil, nil, err
	}
	conv := func(in []content.ArticleRef) []admin.ArticleRef {
		out := make([]admin.ArticleRef, len(in))
		for i, a := range in {
			out[i] = admin.ArticleRef{ID: a.ID, Title: a.Title, Slug: a.Slug}
		}
		return out
	}
	return conv(g), conv(l), nil
}
