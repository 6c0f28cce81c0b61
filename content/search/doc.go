// Package search is the full-text index of published articles: the content service puts an
// article in when it is published and takes it out when it is unpublished (inside its own
// transaction), and readers search it through Search.
//
// Terms come from internal/polish (Polish stemming, diacritic folding, stop words and
// synonyms, all in Go) and are stored as a 'simple' tsvector in PostgreSQL, so the index
// works on any PostgreSQL, managed ones included. Visibility is filtered in SQL
// (audiences && the reader's audiences), so results, totals and snippets never include an
// article the reader may not see. Ranking combines an IDF-weighted coordination score with
// title matches and ts_rank_cd; the last query word also matches as a prefix
// (search-as-you-type); when exact matches are few, unknown words are corrected with
// pg_trgm against the index's vocabulary. docs/search.md has the measurements.
package search
