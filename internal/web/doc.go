// Package web is the Fiber plumbing shared by the portal, the console and the JSON API:
// the one error handler, rendering templ components, the current subject, request
// logging and metrics.
package web
