// Package polish turns Polish text into search terms: it splits text into words, lowercases
// them, folds diacritics (so "usuniete" finds "usunięte"), drops stop words, stems with the
// Stempel stemmer (a port of Lucene's, table embedded) backed by a light suffix stripper, and
// expands queries with domain synonyms ("korekta" <-> "faktura korygująca").
//
// Everything happens in Go, so the same terms can be indexed in any PostgreSQL (managed
// ones included: no dictionary files on the server) as a 'simple' tsvector, and compared in
// Go by the recurring-questions finder. docs/search.md explains the choices and their
// measurements.
package polish
