package search

import "github.com/helpcenter/helpcenter/internal/polish"

// SetAnalyzer replaces the analyzer while the index is in use, for example when staff
// edit the synonyms (internal/synonyms). Synonyms only expand queries, so the stored
// vectors stay valid; the cached results, made with the old synonyms, are dropped.
func (ix *Index) SetAnalyzer(a *polish.Analyzer) {
	ix.an.Store(a)
	ix.Invalidate()
}
