package ticket

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
)

// ImportStaffEmail is the address of the user that imported staff messages are written
// by: the source names no agents, only "staff". The .invalid domain never receives mail.
const ImportStaffEmail = "zespol-wsparcia@helpcenter.invalid"

// ImportStaffName is that user's name, shown as the author of imported replies.
const ImportStaffName = "Zespół wsparcia"

// ImportResult counts what an import did.
type ImportResult struct {
	Created, Updated int
}

// importLine is one line of tickets.jsonl (see shared data README).
type importLine struct {
	ID             string          `json:"id"`
	RequesterEmail string          `json:"requester_email"`
	Subject        string          `json:"subject"`
	Body           string          `json:"body"`
	Channel        string          `json:"channel"`
	Status         string          `json:"status"`
	CreatedAt      string          `json:"created_at"`
	Messages       []importMessage `json:"messages"`
}

type importMessage struct {
	Author    string `json:"author"`
	Body      string `json:"body"`
	CreatedAt string `json:"created_at"`
}

// importTicket is a validated line.
type importTicket struct {
	line                int
	externalID, email   string
	subject             string
	status              Status
	channel             Channel
	createdAt, lastAt   time.Time
	messages            []importMessage
	messageTimes        []time.Time
	requesterID, ticket int64
}

// importBatch is how many lines go to the database together.
const importBatch = 500

// maxImportErrors stops collecting problems after this many.
const maxImportErrors = 20

// Import loads tickets.jsonl from r into tx (the caller's one transaction for the whole
// run). Requesters unknown to the help center become contacts; staff messages are written
// by the ImportStaffEmail user. A ticket is matched by its external_id (the file's "id"),
// so running the same file again changes nothing, and a changed file updates the tickets
// and the messages it brought while keeping the messages written in the help center
// since. Invalid lines fail the run with their line numbers, as "file:line: problem".
func Import(ctx context.Context, tx bun.Tx, r io.Reader, file string) error {
	_, err := ImportTickets(ctx, tx, r, file)
	return err
}

// ImportTickets is Import, also telling how many tickets it created and updated.
func ImportTickets(ctx context.Context, tx bun.Tx, r io.Reader, file string) (ImportResult, error) {
	var res ImportResult
	staffID, err := ensureImportStaff(ctx, tx)
	if err != nil {
		return res, err
	}
	contacts := map[string]int64{}
	seen := map[string]int{}
	var problems []string
	var batch []*importTicket

	br := bufio.NewReaderSize(r, 1<<20)
	for lineNo := 1; ; lineNo++ {
		raw, readErr := br.ReadBytes('\n')
		if readErr != nil && !errors.Is(readErr, io.EOF) {
			return res, fmt.Errorf("%s:%d: %w", file, lineNo, readErr)
		}
		if line := bytes.TrimSpace(raw); len(line) > 0 {
			t, err := parseImportLine(line, lineNo)
			switch {
			case err != nil:
				problems = append(problems, fmt.Sprintf("%s:%d: %v", file, lineNo, err))
			case seen[t.externalID] != 0:
				problems = append(problems, fmt.Sprintf("%s:%d: id %q repeats line %d", file, lineNo, t.externalID, seen[t.externalID]))
			default:
				seen[t.externalID] = lineNo
				batch = append(batch, t)
			}
			if len(problems) >= maxImportErrors {
				break
			}
		}
		if len(batch) == importBatch || (errors.Is(readErr, io.EOF) && len(batch) > 0) {
			if len(problems) == 0 {
				c, u, err := importBatchTx(ctx, tx, batch, staffID, contacts)
				if err != nil {
					return res, fmt.Errorf("%s: lines %d-%d: %w", file, batch[0].line, batch[len(batch)-1].line, err)
				}
				res.Created += c
				res.Updated += u
			}
			batch = batch[:0]
		}
		if errors.Is(readErr, io.EOF) {
			break
		}
	}
	if len(problems) > 0 {
		return res, errors.New(strings.Join(problems, "\n"))
	}
	return res, nil
}

// parseImportLine validates one line with the same limits as the forms.
func parseImportLine(line []byte, lineNo int) (*importTicket, error) {
	var in importLine
	dec := json.NewDecoder(bytes.NewReader(line))
	if err := dec.Decode(&in); err != nil {
		return nil, fmt.Errorf("not a JSON object: %v", err)
	}
	t := &importTicket{line: lineNo, externalID: strings.TrimSpace(in.ID), subject: cleanLine(in.Subject),
		status: Status(in.Status), channel: Channel(in.Channel)}
	var problems []string
	if t.externalID == "" {
		problems = append(problems, "id: missing")
	}
	if t.email = normalizeEmail(in.RequesterEmail); t.email == "" {
		problems = append(problems, fmt.Sprintf("requester_email: %q is not an e-mail address", in.RequesterEmail))
	}
	for _, fe := range checkSubject(nil, "subject", t.subject) {
		problems = append(problems, "subject: "+fe.Message)
	}
	if !t.status.Valid() {
		problems = append(problems, fmt.Sprintf("status: unknown %q", in.Status))
	}
	if !t.channel.Valid() {
		problems = append(problems, fmt.Sprintf("channel: unknown %q", in.Channel))
	}
	var err error
	if t.createdAt, err = time.Parse(time.RFC3339, in.CreatedAt); err != nil {
		problems = append(problems, fmt.Sprintf("created_at: %q is not an RFC 3339 time", in.CreatedAt))
	}
	t.messages = in.Messages
	if len(t.messages) == 0 {
		// A ticket without a conversation still has its first message: the body.
		t.messages = []importMessage{{Author: "requester", Body: in.Body, CreatedAt: in.CreatedAt}}
	}
	t.lastAt = t.createdAt
	for i := range t.messages {
		m := &t.messages[i]
		m.Body = cleanText(m.Body)
		for _, fe := range checkBody(nil, "body", m.Body) {
			problems = append(problems, fmt.Sprintf("messages[%d].body: %s", i, fe.Message))
		}
		if m.Author != "requester" && m.Author != "staff" {
			problems = append(problems, fmt.Sprintf("messages[%d].author: %q is neither requester nor staff", i, m.Author))
		}
		at, err := time.Parse(time.RFC3339, m.CreatedAt)
		if err != nil {
			problems = append(problems, fmt.Sprintf("messages[%d].created_at: %q is not an RFC 3339 time", i, m.CreatedAt))
		}
		t.messageTimes = append(t.messageTimes, at)
		if at.After(t.lastAt) {
			t.lastAt = at
		}
	}
	if len(problems) > 0 {
		return nil, errors.New(strings.Join(problems, "; "))
	}
	return t, nil
}

// ensureImportStaff finds or creates the author of imported staff messages. It has no
// staff role and no password: it only signs messages.
func ensureImportStaff(ctx context.Context, idb bun.IDB) (int64, error) {
	if _, err := idb.NewRaw(`INSERT INTO users (email, name, source) VALUES (?, ?, 'admin') ON CONFLICT (email) DO NOTHING`,
		ImportStaffEmail, ImportStaffName).Exec(ctx); err != nil {
		return 0, fmt.Errorf("import staff user: %w", err)
	}
	var id int64
	if err := idb.NewRaw(`SELECT id FROM users WHERE email = ?`, ImportStaffEmail).Scan(ctx, &id); err != nil {
		return 0, fmt.Errorf("import staff user: %w", err)
	}
	return id, nil
}

// importBatchTx writes a batch: requesters, tickets (upserted by external_id), their
// messages (upserted by position), and the search vectors.
func importBatchTx(ctx context.Context, tx bun.Tx, batch []*importTicket, staffID int64, contacts map[string]int64) (created, updated int, err error) {
	for _, t := range batch {
		id, ok := contacts[t.email]
		if !ok {
			if id, err = ensureContactID(ctx, tx, t.email, ""); err != nil {
				return 0, 0, err
			}
			contacts[t.email] = id
		}
		t.requesterID = id
	}
	n := len(batch)
	extIDs, subjects, statuses, channels := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	requesters := make([]int64, n)
	createdAts, updatedAts, solvedAts := make([]string, n), make([]string, n), make([]string, n)
	for i, t := range batch {
		extIDs[i], subjects[i], statuses[i], channels[i] = t.externalID, t.subject, string(t.status), string(t.channel)
		requesters[i] = t.requesterID
		createdAts[i], updatedAts[i] = t.createdAt.Format(time.RFC3339Nano), t.lastAt.Format(time.RFC3339Nano)
		if t.status == StatusSolved || t.status == StatusClosed {
			solvedAts[i] = updatedAts[i]
		}
	}
	var rows []struct {
		ID         int64  `bun:"id"`
		ExternalID string `bun:"external_id"`
		Inserted   bool   `bun:"inserted"`
	}
	err = tx.NewRaw(`INSERT INTO tickets (external_id, requester_id, subject, status, channel, created_at, updated_at, solved_at)
		SELECT x.external_id, x.requester_id, x.subject, x.status, x.channel, x.created_at::timestamptz,
			x.updated_at::timestamptz, NULLIF(x.solved_at, '')::timestamptz
		FROM unnest(?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
			AS x(external_id, requester_id, subject, status, channel, created_at, updated_at, solved_at)
		ON CONFLICT (external_id) DO UPDATE SET
			requester_id = EXCLUDED.requester_id, subject = EXCLUDED.subject, status = EXCLUDED.status,
			channel = EXCLUDED.channel, created_at = EXCLUDED.created_at,
			updated_at = greatest(tickets.updated_at, EXCLUDED.updated_at), solved_at = EXCLUDED.solved_at
		RETURNING id, external_id, (xmax = 0) AS inserted`,
		pgdialect.Array(extIDs), pgdialect.Array(requesters), pgdialect.Array(subjects), pgdialect.Array(statuses),
		pgdialect.Array(channels), pgdialect.Array(createdAts), pgdialect.Array(updatedAts), pgdialect.Array(solvedAts),
	).Scan(ctx, &rows)
	if err != nil {
		return 0, 0, fmt.Errorf("upsert tickets: %w", err)
	}
	ids := make(map[string]int64, n)
	ticketIDs := make([]int64, 0, n)
	for _, r := range rows {
		ids[r.ExternalID] = r.ID
		ticketIDs = append(ticketIDs, r.ID)
		if r.Inserted {
			created++
		} else {
			updated++
		}
	}

	var mTicket, mAuthor []int64
	var mBody, mAt []string
	var mStaff []bool
	var mSeq []int32
	var countTicket []int64
	var countN []int32
	for _, t := range batch {
		t.ticket = ids[t.externalID]
		for i, m := range t.messages {
			author := t.requesterID
			if m.Author == "staff" {
				author = staffID
			}
			mTicket, mAuthor, mBody = append(mTicket, t.ticket), append(mAuthor, author), append(mBody, m.Body)
			mAt = append(mAt, t.messageTimes[i].Format(time.RFC3339Nano))
			mStaff, mSeq = append(mStaff, m.Author == "staff"), append(mSeq, int32(i))
		}
		countTicket, countN = append(countTicket, t.ticket), append(countN, int32(len(t.messages)))
	}
	if _, err = tx.NewRaw(`INSERT INTO ticket_messages (ticket_id, author_id, body, from_staff, created_at, external_seq)
		SELECT x.ticket_id, x.author_id, x.body, x.from_staff, x.created_at::timestamptz, x.seq
		FROM unnest(?::bigint[], ?::bigint[], ?::text[], ?::boolean[], ?::text[], ?::integer[])
			AS x(ticket_id, author_id, body, from_staff, created_at, seq)
		ON CONFLICT (ticket_id, external_seq) DO UPDATE SET
			author_id = EXCLUDED.author_id, body = EXCLUDED.body, from_staff = EXCLUDED.from_staff,
			created_at = EXCLUDED.created_at, internal = false`,
		pgdialect.Array(mTicket), pgdialect.Array(mAuthor), pgdialect.Array(mBody), pgdialect.Array(mStaff),
		pgdialect.Array(mAt), pgdialect.Array(mSeq)).Exec(ctx); err != nil {
		return 0, 0, fmt.Errorf("upsert messages: %w", err)
	}
	if updated > 0 {
		// Messages the file no longer has (a shorter conversation than last time).
		if _, err = tx.NewRaw(`DELETE FROM ticket_messages m
			USING unnest(?::bigint[], ?::integer[]) AS x(ticket_id, n)
			WHERE m.ticket_id = x.ticket_id AND m.external_seq >= x.n`,
			pgdialect.Array(countTicket), pgdialect.Array(countN)).Exec(ctx); err != nil {
			return 0, 0, fmt.Errorf("remove messages: %w", err)
		}
	}
	if err := reindexTickets(ctx, tx, ticketIDs); err != nil {
		return 0, 0, err
	}
	return created, updated, nil
}

// reindexTickets recomputes the search terms of tickets from their subjects and all their
// messages (those imported and those written in the help center since).
func reindexTickets(ctx context.Context, tx bun.Tx, ids []int64) error {
	var texts []struct {
		ID   int64  `bun:"id"`
		Text string `bun:"text"`
	}
	if err := tx.NewRaw(`SELECT t.id, t.subject || E'\n' || coalesce(string_agg(m.body, E'\n'), '') AS text
		FROM tickets t LEFT JOIN ticket_messages m ON m.ticket_id = t.id
		WHERE t.id = ANY(?) GROUP BY t.id`, pgdialect.Array(ids)).Scan(ctx, &texts); err != nil {
		return fmt.Errorf("read tickets to index: %w", err)
	}
	tids, terms := make([]int64, len(texts)), make([]string, len(texts))
	for i, x := range texts {
		tids[i], terms[i] = x.ID, strings.Join(SearchTerms(x.Text), " ")
	}
	// Terms are letters and digits only, so a space joins and splits them safely.
	if _, err := tx.NewRaw(`UPDATE tickets t SET search = array_to_tsvector(array_remove(string_to_array(x.terms, ' '), ''))
		FROM unnest(?::bigint[], ?::text[]) AS x(id, terms) WHERE t.id = x.id`,
		pgdialect.Array(tids), pgdialect.Array(terms)).Exec(ctx); err != nil {
		return fmt.Errorf("index tickets: %w", err)
	}
	return nil
}
