// Package content is the knowledge base: categories, ordered sections, articles with
// their revisions, the publishing workflow (draft, in review, published, archived, and
// scheduled publication carried out by the job queue), Markdown rendering, and the
// import/export of the JSON Lines layout.
//
// Visibility has one rule, applied in SQL by every read (lists, counts, search, single
// articles, comments): a subject sees an article when it has a published revision, its
// audiences meet the audiences the policy lets the subject read, and so do its
// section's. Anything else answers "not found".
//
// The package never imports Fiber or templ: the console, the portal and the JSON API
// call the same methods with a context, a policy.Subject and plain structs, and get
// apperr errors back.
package content
