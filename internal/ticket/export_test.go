package ticket

// SetTextSearchBounds shrinks the text search's window and match cap for a test, so that
// each of its steps runs on a handful of tickets; the returned func restores them.
func SetTextSearchBounds(window, matchCap int) func() {
	w, c := textWindow, textMatchCap
	textWindow, textMatchCap = window, matchCap
	return func() { textWindow, textMatchCap = w, c }
}
