package ticket

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

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

// Text search bounds (see findByText); variables so that tests can make every step run
// on a few tickets.
var (
	// textWindow is how many tickets, in list order, the first step checks for the words.
	textWindow = 3000
	// textMatchCap is how many matching tickets the second step sorts at most.
	textMatchCap = 5000
)

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
	// wordWhere are the same conditions for the step of a text search that reads the
	// index of words (findByText): the broad ones (status, unassigned) are checked on the
	// rows, "IS TRUE" keeping the planner from intersecting the words with an index of a
	// hundred thousand tickets; the working-queue predicate is stated plainly, which
	// selects the working queue's own index of words.
	var wordWhere []string
	add := func(cond string, a ...any) {
		where, wordWhere = append(where, cond), append(wordWhere, cond)
		args = append(args, a...)
	}
	addBroad := func(cond string, a ...any) {
		where, wordWhere = append(where, cond), append(wordWhere, "("+cond+") IS TRUE")
		args = append(args, a...)
	}
	const unsolvedPredicate = "t.status IN ('new', 'open', 'pending')" // as in the partial indexes
	switch {
	case q.status != "" && q.status.Unsolved():
		addBroad("t.status = ?", q.status)
		wordWhere = append(wordWhere, unsolvedPredicate)
	case q.status != "":
		add("t.status = ?", q.status)
	case q.unsolved:
		where, wordWhere = append(where, unsolvedPredicate), append(wordWhere, unsolvedPredicate)
	}
	switch {
	case q.unassigned && (q.unsolved || q.status.Unsolved()):
		addBroad("t.assignee_id IS NULL")
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
	filters, wordFilters := "true", "true"
	if len(where) > 0 {
		filters, wordFilters = strings.Join(where, " AND "), strings.Join(wordWhere, " AND ")
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
		if err := s.findByText(ctx, q, key, order, filters, wordFilters, args, cond, textArgs, run, &rows); err != nil {
			return Page{}, err
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

// findByText finds a page of tickets with words, in three steps, because no estimate of
// how many tickets a word matches is good enough to let the planner choose:
//
//  1. The first textWindow tickets in list order that pass the other filters are checked
//     for the words. A common word fills the page from them: done.
//  2. Otherwise the word is rare among recent tickets. The index of words alone (bitmap
//     scans only) lists the matching tickets, up to textMatchCap; if that is all of them
//     they are sorted here and the page is their start: done.
//  3. Otherwise the word is common but not recent (an old topic, or a burst of other
//     tickets since): walk the list in order until the page is full.
//
// Step 1 costs at most textWindow row checks, step 2 at most textMatchCap row reads;
// only step 3 depends on the data, and it runs only for words with many old matches.
func (s *Service) findByText(ctx context.Context, q query, key, order, filters, wordFilters string, args []any,
	cond string, textArgs []any, run func(string, ...any) error, rows *[]ticketRow) error {
	allArgs := append(append([]any{}, args...), textArgs...)
	window := fmt.Sprintf(`SELECT %s FROM (SELECT %s, t.search FROM tickets t WHERE %s ORDER BY %s LIMIT %d) t
		WHERE %s ORDER BY %s LIMIT %d`, ticketColumns, ticketColumns, filters, order, textWindow, cond, order, q.limit+1)
	if err := run(window, allArgs...); err != nil {
		return err
	}
	if len(*rows) > q.limit {
		return nil
	}

	var cands []struct {
		ID  int64     `bun:"id"`
		Key time.Time `bun:"key"`
	}
	err := s.db.RunInTx(ctx, &sql.TxOptions{ReadOnly: true}, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, `SELECT set_config('enable_seqscan', 'off', true),
			set_config('enable_indexscan', 'off', true), set_config('enable_indexonlyscan', 'off', true)`); err != nil {
			return err
		}
		return tx.NewRaw(fmt.Sprintf(`SELECT t.id, t.%s AS key FROM tickets t WHERE %s AND %s LIMIT %d`,
			key, wordFilters, cond, textMatchCap+1), allArgs...).Scan(ctx, &cands)
	})
	if err != nil {
		return fmt.Errorf("find tickets by words: %w", err)
	}
	*rows = (*rows)[:0]
	if len(cands) <= textMatchCap {
		if len(cands) == 0 {
			return nil
		}
		asc := q.sort == SortOldest
		slices.SortFunc(cands, func(a, b struct {
			ID  int64     `bun:"id"`
			Key time.Time `bun:"key"`
		}) int {
			c := a.Key.Compare(b.Key)
			if c == 0 {
				c = cmp.Compare(a.ID, b.ID)
			}
			if asc {
				return c
			}
			return -c
		})
		ids := make([]int64, 0, q.limit+1)
		for _, c := range cands[:min(len(cands), q.limit+1)] {
			ids = append(ids, c.ID)
		}
		return run(fmt.Sprintf(`SELECT %s FROM tickets t WHERE t.id = ANY(?)`, ticketColumns), pgdialect.Array(ids))
	}

	return s.db.RunInTx(ctx, &sql.TxOptions{ReadOnly: true}, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, `SELECT set_config('enable_bitmapscan', 'off', true), set_config('enable_seqscan', 'off', true)`); err != nil {
			return err
		}
		page := fmt.Sprintf(`SELECT %s FROM tickets t WHERE %s AND %s ORDER BY %s LIMIT %d`, ticketColumns, filters, cond, order, q.limit+1)
		stmt := ticketSelect + "FROM (" + page + ") t" + ticketJoins + "ORDER BY " + order
		if err := tx.NewRaw(stmt, allArgs...).Scan(ctx, rows); err != nil {
			return fmt.Errorf("find tickets by words: %w", err)
		}
		return nil
	})
}
