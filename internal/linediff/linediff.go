// Package linediff compares two texts line by line (Myers' algorithm) and lays the result
// out side by side, the way reviewers read article revisions: unchanged lines on both
// sides, removed lines on the left, added lines on the right, a changed line paired with
// its replacement and the changed words inside it marked. Long runs of unchanged lines
// are folded to a few lines of context.
//
// The comparison is bounded: texts that differ in more than a few thousand lines are shown
// as one block removed and one block added, instead of spending quadratic time and memory
// on a diff nobody can read anyway.
package linediff

import (
	"strings"
	"unicode"
)

// Op is what happened to one line (or word).
type Op int8

// The kinds of edit.
const (
	Equal Op = iota
	Delete
	Insert
)

// edit is one step of a shortest edit script: an element kept (both indices), removed
// from a (A) or added from b (B).
type edit struct {
	op   Op
	a, b int
}

// maxEdits bounds the work of one comparison: Myers' algorithm keeps O(D²) state for D
// differences, and beyond this many a line-by-line listing stops being useful.
const maxEdits = 2000

// script returns a shortest edit script turning a into b, or, when they differ in more
// than maxEdits elements, one that removes the differing middle and adds it again.
func script(a, b []string) []edit {
	// Common prefix and suffix cost nothing and usually make the problem tiny.
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	out := make([]edit, 0, len(a)+len(b))
	for i := 0; i < pre; i++ {
		out = append(out, edit{Equal, i, i})
	}
	mid := myers(a[pre:len(a)-suf], b[pre:len(b)-suf])
	for _, e := range mid {
		out = append(out, edit{e.op, e.a + pre, e.b + pre})
	}
	for i := 0; i < suf; i++ {
		out = append(out, edit{Equal, len(a) - suf + i, len(b) - suf + i})
	}
	return out
}

// myers is the greedy O((N+M)·D) algorithm from "An O(ND) Difference Algorithm and Its
// Variations" (1986), keeping each round's frontier for the backtrack.
func myers(a, b []string) []edit {
	n, m := len(a), len(b)
	if n == 0 || m == 0 {
		return replaceAll(n, m)
	}
	limit := min(n+m, maxEdits)
	off := limit + 1
	v := make([]int32, 2*off+1)
	// trace[d] is the frontier before round d, for diagonals -(d+1)..d+1.
	var trace [][]int32
	for d := 0; d <= limit; d++ {
		trace = append(trace, append([]int32(nil), v[off-d-1:off+d+2]...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = int(v[off+k+1])
			} else {
				x = int(v[off+k-1]) + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[off+k] = int32(x)
			if x >= n && y >= m {
				return backtrack(trace, n, m)
			}
		}
	}
	return replaceAll(n, m)
}

func backtrack(trace [][]int32, n, m int) []edit {
	var rev []edit
	x, y := n, m
	for d := len(trace) - 1; d > 0; d-- {
		frontier := trace[d]
		at := func(k int) int { return int(frontier[k+d+1]) }
		k := x - y
		var prevK int
		if k == -d || (k != d && at(k-1) < at(k+1)) {
			prevK = k + 1
		} else {
			prevK = k - 1
		}
		prevX := at(prevK)
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			x--
			y--
			rev = append(rev, edit{Equal, x, y})
		}
		if x == prevX {
			y--
			rev = append(rev, edit{Insert, x, y})
		} else {
			x--
			rev = append(rev, edit{Delete, x, y})
		}
	}
	for x > 0 && y > 0 {
		x--
		y--
		rev = append(rev, edit{Equal, x, y})
	}
	out := make([]edit, len(rev))
	for i, e := range rev {
		out[len(rev)-1-i] = e
	}
	return out
}

func replaceAll(n, m int) []edit {
	out := make([]edit, 0, n+m)
	for i := 0; i < n; i++ {
		out = append(out, edit{Delete, i, 0})
	}
	for j := 0; j < m; j++ {
		out = append(out, edit{Insert, n, j})
	}
	return out
}

// SplitLines splits a text into lines, accepting \n and \r\n; a final newline does not
// make an extra empty line.
func SplitLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// Segment is a piece of a line; Changed marks the words that differ from the other side.
type Segment struct {
	Text    string
	Changed bool
}

// Cell is one side of a row: a line with its 1-based number, or nothing (Number 0).
type Cell struct {
	Number   int
	Segments []Segment
}

// Text is the cell's whole line.
func (c Cell) Text() string {
	var b strings.Builder
	for _, s := range c.Segments {
		b.WriteString(s.Text)
	}
	return b.String()
}

// Empty reports a cell with no line on its side (an insertion's left, a deletion's right).
func (c Cell) Empty() bool { return c.Number == 0 }

// Kind says how a row reads.
type Kind string

// The kinds of row.
const (
	RowEqual  Kind = "equal"  // the same line on both sides
	RowChange Kind = "change" // a line replaced by another
	RowDelete Kind = "delete" // a line only on the left
	RowInsert Kind = "insert" // a line only on the right
	RowFold   Kind = "fold"   // Folded unchanged lines not shown
)

// Row is one line of the side-by-side view.
type Row struct {
	Kind        Kind
	Left, Right Cell
	// Folded counts the unchanged lines a fold row stands for.
	Folded int
}

// Result is a side-by-side comparison.
type Result struct {
	Rows []Row
	// Added and Removed count lines (a changed line counts once in each).
	Added, Removed int
}

// Same reports whether the texts had no difference.
func (r Result) Same() bool { return r.Added == 0 && r.Removed == 0 }

// SideBySide compares a (left, older) with b (right, newer). context is how many
// unchanged lines to keep around each change; a negative value keeps them all.
func SideBySide(a, b string, context int) Result {
	al, bl := SplitLines(a), SplitLines(b)
	edits := script(al, bl)
	var res Result
	var rows []Row
	var dels, ins []int
	flush := func() {
		for i := 0; i < max(len(dels), len(ins)); i++ {
			var r Row
			switch {
			case i < len(dels) && i < len(ins):
				r.Kind = RowChange
				r.Left, r.Right = wordDiff(al[dels[i]], bl[ins[i]])
				r.Left.Number, r.Right.Number = dels[i]+1, ins[i]+1
			case i < len(dels):
				r.Kind = RowDelete
				r.Left = Cell{Number: dels[i] + 1, Segments: []Segment{{Text: al[dels[i]]}}}
			default:
				r.Kind = RowInsert
				r.Right = Cell{Number: ins[i] + 1, Segments: []Segment{{Text: bl[ins[i]]}}}
			}
			rows = append(rows, r)
		}
		res.Removed += len(dels)
		res.Added += len(ins)
		dels, ins = dels[:0], ins[:0]
	}
	for _, e := range edits {
		switch e.op {
		case Delete:
			dels = append(dels, e.a)
		case Insert:
			ins = append(ins, e.b)
		default:
			flush()
			rows = append(rows, Row{Kind: RowEqual,
				Left:  Cell{Number: e.a + 1, Segments: []Segment{{Text: al[e.a]}}},
				Right: Cell{Number: e.b + 1, Segments: []Segment{{Text: bl[e.b]}}}})
		}
	}
	flush()
	res.Rows = fold(rows, context)
	return res
}

// fold replaces runs of unchanged rows longer than 2·context+1 by a fold row, keeping
// context rows next to each change.
func fold(rows []Row, context int) []Row {
	if context < 0 {
		return rows
	}
	var out []Row
	for i := 0; i < len(rows); {
		if rows[i].Kind != RowEqual {
			out = append(out, rows[i])
			i++
			continue
		}
		j := i
		for j < len(rows) && rows[j].Kind == RowEqual {
			j++
		}
		keepBefore, keepAfter := context, context
		if i == 0 {
			keepBefore = 0 // nothing above to give context to
		}
		if j == len(rows) {
			keepAfter = 0
		}
		if run := j - i; run > keepBefore+keepAfter+1 {
			out = append(out, rows[i:i+keepBefore]...)
			out = append(out, Row{Kind: RowFold, Folded: run - keepBefore - keepAfter})
			out = append(out, rows[j-keepAfter:j]...)
		} else {
			out = append(out, rows[i:j]...)
		}
		i = j
	}
	return out
}

// wordDiff marks the words that differ between two versions of a line.
func wordDiff(a, b string) (Cell, Cell) {
	at, bt := tokens(a), tokens(b)
	edits := script(at, bt)
	var left, right []Segment
	add := func(segs []Segment, text string, changed bool) []Segment {
		if n := len(segs); n > 0 && segs[n-1].Changed == changed {
			segs[n-1].Text += text
			return segs
		}
		return append(segs, Segment{Text: text, Changed: changed})
	}
	for _, e := range edits {
		switch e.op {
		case Equal:
			left = add(left, at[e.a], false)
			right = add(right, bt[e.b], false)
		case Delete:
			left = add(left, at[e.a], true)
		case Insert:
			right = add(right, bt[e.b], true)
		}
	}
	return Cell{Segments: left}, Cell{Segments: right}
}

// tokens splits a line into words (letters and digits) and single other characters, so
// that a changed word is marked whole and punctuation on its own.
func tokens(s string) []string {
	var out []string
	start := -1
	for i, r := range s {
		word := unicode.IsLetter(r) || unicode.IsDigit(r)
		switch {
		case word && start < 0:
			start = i
		case !word:
			if start >= 0 {
				out = append(out, s[start:i])
				start = -1
			}
			out = append(out, string(r))
		}
	}
	if start >= 0 {
		out = append(out, s[start:])
	}
	return out
}
