package ui

import (
	"context"
	"net/url"
	"strconv"
)

func errorTitle(ctx context.Context, status int) string {
	switch status {
	case 403, 404, 500:
		return T(ctx, "error.title."+strconv.Itoa(status))
	default:
		return T(ctx, "error.title.other")
	}
}

// langURL switches the language and comes back to a local path (never another site).
func langURL(l Lang, path string) string {
	if path == "" || path[0] != '/' || (len(path) > 1 && (path[1] == '/' || path[1] == '\\')) {
		path = "/"
	}
	return "/lang/" + string(l) + "?next=" + url.QueryEscape(path)
}
