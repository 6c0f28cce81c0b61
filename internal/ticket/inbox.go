package ticket

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/policy"
)

// Sort orders lists of tickets.
type Sort string

// The orders of the inbox.
const (
	SortNewest  Sort = "newest"  // created, newest first (the default)
	SortOldest  Sort = "oldest"  // created, oldest first
	SortUpdated Sort = "updated" // last activity, most recent first
)

// Sorts lists every order.
var Sorts = []Sort{SortNewest, SortOldest, SortUpdated}

// StatusUnsolved is the status filter for the working queue: new, open and pending.
const StatusUnsolved = "unsolved"

// Filter selects tickets in the inbox. Zero fields do not filter.
type Filter struct {
	// Status is a Status, StatusUnsolved, or "" / "all".
	Status string
	// Assignee is "me", "none" (unassigned), a staff member's id, or "" / "any".
	Assignee string
	// Kind is a Kind, or "" / "all".
	Kind string
	// Query searches subjects and messages; a number also finds that ticket id and an
	// e-mail address that requester's tickets.
	Query string
	// RequesterID lists one requester's tickets; ExternalID finds an imported ticket.
	RequesterID int64
	ExternalID  string
	Sort        Sort
	// Cursor continues a list where the previous page's NextCursor left it.
	Cursor string
	// Limit is the page size: 25 by default, at most 100.
	Limit int
}

// FindTickets lists tickets for staff (policy.TicketRead). Every combination of filters
// is served by an index (migration 0040) and keyset pagination, so the first page and
// every next one stay fast however many tickets there are.
func (s *Service) FindTickets(ctx context.Context, sub policy.Subject, f Filter) (Page, error) {
	if err := s.pol.Require(sub, policy.TicketRead); err != nil {
		return Page{}, err
	}
	q := query{requesterID: f.RequesterID, externalID: strings.TrimSpace(f.ExternalID), sort: f.Sort, cursor: f.Cursor, limit: f.Limit}
	var problems []apperr.FieldError
	switch f.Status {
	case "", "all":
	case StatusUnsolved:
		q.unsolved = true
	default:
		if st := Status(f.Status); st.Valid() {
			q.status = st
		} else {
			problems = append(problems, apperr.Field("status", "Nieznany status."))
		}
	}
	switch f.Kind {
	case "", "all":
	default:
		if k := Kind(f.Kind); k.Valid() {
			q.kind = k
		} else {
			problems = append(problems, apperr.Field("kind", "Nieznany rodzaj zlecenia."))
		}
	}
	switch a := strings.TrimSpace(f.Assignee); a {
	case "", "any":
	case "none":
		q.unassigned = true
	case "me":
		if sub.UserID == 0 {
			problems = append(problems, apperr.Field("assignee", "Filtr „moje” wymaga zalogowanego pracownika."))
		}
		q.assigneeID = sub.UserID
	default:
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil || id <= 0 {
			problems = append(problems, apperr.Field("assignee", "Podaj „me”, „none” albo identyfikator pracownika."))
			break
		}
		ok, err := s.isAssignable(ctx, s.db, id)
		if err != nil {
			return Page{}, err
		}
		if !ok {
			problems = append(problems, apperr.Field("assignee", "Nie ma takiego pracownika."))
		}
		q.assigneeID = id
	}
	q.text = strings.TrimSpace(f.Query)
	if err := apperr.InvalidFields(problems...); err != nil {
		return Page{}, err
	}
	return s.findTickets(ctx, q)
}

// query is a validated list request.
type query struct {
	status      Status
	unsolved    bool
	assigneeID  int64
	unassigned  bool
	kind        Kind
	text        string
	requesterID int64
	externalID  string
	sort        Sort
	cursor      string
	limit       int
	// forCustomer drops what customers are not told from the results.
	forCustomer bool
}

// textWindow is how many tickets a text search checks in list order before it asks the
// index of words instead (see findTickets).
const textWindow = 3000

// findTickets runs a list query: the page is chosen from tickets alone (so the planner
// can walk one index in order and stop after limit+1 rows) and only then joined with
// people and previews.
func (s *Service) findTickets(ctx context.Context, q query) (Page, error) {
	if q.limit <= 0 {
		q.limit = 25
	}
	if q.limit > 100 {
		q.limit = 100
	}
	if q.sort == "" {
		q.sort = SortNewest
	}
	key, dir := "created_at", "DESC"
	switch q.sort {
	case SortNewest:
	case SortOldest:
		dir = "ASC"
	case SortUpdated:
		key = "updated_at"
	default:
		return Page{}, apperr.InvalidFields(apperr.Field("sort", "Nieznany porządek sortowania."))
	}

	var where []string
	var args []any
	add := func(cond string, a ...any) { where = append(where, cond); args = append(args, a...) }
	switch {
	case q.status != "":
		add("t.status = ?", q.status)
	case q.unsolved:
		// Spelled exactly as in the partial indexes' predicate so the planner uses them.
		add("t.status IN ('new', 'open', 'pending')")
	}
	switch {
	case q.unassigned:
		add("t.assignee_id IS NULL")
	case q.assigneeID != 0:
		add("t.assignee_id = ?", q.assigneeID)
	}
	if q.kind != "" {
		if q.kind == KindQuestion {
			add("t.kind = 'question'")
		} else {
			add("t.kind = ?", q.kind)
		}
	}
	if q.requesterID != 0 {
		add("t.requester_id = ?", q.requesterID)
	}
	if q.externalID != "" {
		add("t.external_id = ?", q.externalID)
	}
	if q.cursor != "" {
		at, id, ok := decodeCursor(q.cursor, q.sort)
		if !ok {
			return Page{}, apperr.InvalidFields(apperr.Field("cursor", "Nieprawidłowy kursor strony."))
		}
		op := "<"
		if dir == "ASC" {
			op = ">"
		}
		add(fmt.Sprintf("(t.%s, t.id) %s (?, ?)", key, op), at, id)
	}
	order := fmt.Sprintf("t.%s %s, t.id %s", key, dir, dir)
	filters := "true"
	if len(where) > 0 {
		filters = strings.Join(where, " AND ")
	}

	var rows []ticketRow
	run := func(page string, pageArgs ...any) error {
		sql := ticketSelect + "FROM (" + page + ") t" + ticketJoins + "ORDER BY " + order
		if err := s.db.NewRaw(sql, pageArgs...).Scan(ctx, &rows); err != nil {
			return fmt.Errorf("find tickets: %w", err)
		}
		return nil
	}
	var cond string
	var textArgs []any
	words := false
	if q.text != "" {
		cond, textArgs, words = textCondition(q.text)
		if !words {
			filters += " AND " + cond
			args = append(args, textArgs...)
		}
	}
	if !words {
		// The filters and the order are served by one index (migration 0040): the scan
		// stops after limit+1 rows.
		page := fmt.Sprintf("SELECT %s FROM tickets t WHERE %s ORDER BY %s LIMIT %d", ticketColumns, filters, order, q.limit+1)
		if err := run(page, args...); err != nil {
			return Page{}, err
		}
	} else {
		// Text search in two steps, because no estimate of how many tickets a word
		// matches is good enough to choose the plan. First the newest (in the list's
		// order) textWindow tickets that pass the other filters are checked for the
		// words: a common word fills the page from them. When it does not, the words
		// are rare there, and the index of words finds all their tickets, which are then
		// sorted: few, since the word is rare.
		allArgs := append(append([]any{}, args...), textArgs...)
		window := fmt.Sprintf(`SELECT %s FROM (SELECT %s, t.search FROM tickets t WHERE %s ORDER BY %s LIMIT %d) t
			WHERE %s ORDER BY %s LIMIT %d`, ticketColumns, ticketColumns, filters, order, textWindow, cond, order, q.limit+1)
		if err := run(window, allArgs...); err != nil {
			return Page{}, err
		}
		if len(rows) <= q.limit {
			rows = rows[:0]
			matches := fmt.Sprintf(`WITH m AS MATERIALIZED (SELECT %s FROM tickets t WHERE %s AND %s)
				SELECT * FROM m t ORDER BY %s LIMIT %d`, ticketColumns, filters, cond, order, q.limit+1)
			if err := run(matches, allArgs...); err != nil {
				return Page{}, err
			}
		}
	}
	var p Page
	if len(rows) > q.limit {
		rows = rows[:q.limit]
		last := rows[len(rows)-1]
		at := last.CreatedAt
		if q.sort == SortUpdated {
			at = last.UpdatedAt
		}
		p.NextCursor = encodeCursor(q.sort, at, last.ID)
	}
	p.Tickets = make([]Ticket, len(rows))
	for i := range rows {
		p.Tickets[i] = rows[i].ticket()
		if q.forCustomer {
			t := &p.Tickets[i]
			t.Assignee, t.DecidedBy, t.UpdatedAt = nil, nil, t.CreatedAt
		}
	}
	return p, nil
}

// A cursor is the sort and the last row's key, e.g. "newest.1735689600000000.42",
// base64url-encoded so clients treat it as opaque.
func encodeCursor(sort Sort, at time.Time, id int64) string {
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "%s.%d.%d", sort, at.UnixMicro(), id))
}

func decodeCursor(c string, sort Sort) (time.Time, int64, bool) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return time.Time{}, 0, false
	}
	parts := strings.Split(string(b), ".")
	if len(parts) != 3 || Sort(parts[0]) != sort {
		return time.Time{}, 0, false
	}
	micros, err1 := strconv.ParseInt(parts[1], 10, 64)
	id, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil {
		return time.Time{}, 0, false
	}
	return time.UnixMicro(micros).UTC(), id, true
}
