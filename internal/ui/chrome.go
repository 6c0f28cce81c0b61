// Package ui holds the shared templ layouts and widgets of the portal and the console.
// Templates take view models shaped like the screen, never database rows.
package ui

import "context"

// Chrome is what every page's frame needs to know about the request.
type Chrome struct {
	// Title is the page title (without the site name).
	Title string
	// Description feeds the meta description and Open Graph tags.
	Description string
	// Canonical is the absolute canonical URL, when the page has one.
	Canonical string
	// User is the signed-in user, nil for visitors.
	User *UserBadge
	// CSRF is the token every state-changing form posts back.
	CSRF string
	// Flash is a one-time message after a redirect.
	Flash *Flash
	// Query is the search box's current text.
	Query string
	// Path is the current path, used by the language switch to come back.
	Path string
	// NoIndex asks search engines not to index the page (forms, private pages).
	NoIndex bool
	// ViewingAs is set while an admin browses as a kind of reader ("type:accountant"); the
	// page then shows a banner with a way back.
	ViewingAs string
}

// UserBadge is the signed-in user as the header shows them.
type UserBadge struct {
	Name    string
	IsStaff bool
}

// Flash is a message shown once at the top of the next page.
type Flash struct {
	Kind    string // "ok" or "error"
	Message string
}

// pageTitle is the document title: "Page · Site", or the site's name alone.
func pageTitle(ctx context.Context, title string) string {
	if title == "" {
		return T(ctx, "site.name")
	}
	return title + " · " + T(ctx, "site.name")
}
