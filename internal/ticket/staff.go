package ticket

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/audit"
	"github.com/helpcenter/helpcenter/policy"
)

// Ticket returns a ticket with its whole conversation, internal notes included, for
// staff (policy.TicketRead).
func (s *Service) Ticket(ctx context.Context, sub policy.Subject, id int64) (*Ticket, error) {
	ts, err := s.TicketsWithMessages(ctx, sub, []int64{id})
	if err != nil {
		return nil, err
	}
	if len(ts) == 0 {
		return nil, errNoTicket
	}
	return &ts[0], nil
}

// TicketsWithMessages returns tickets with their whole conversations (internal notes
// included, each message marked FromStaff and Internal) and their requesters' account
// types, in the order of ids; ids that do not exist are left out. It serves staff
// (policy.TicketRead), e.g. turning tickets into a FAQ draft.
func (s *Service) TicketsWithMessages(ctx context.Context, sub policy.Subject, ids []int64) ([]Ticket, error) {
	if err := s.pol.Require(sub, policy.TicketRead); err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, nil
	}
	if len(ids) > 500 {
		return nil, apperr.InvalidFields(apperr.Field("ticket_ids", "Najwyżej 500 zgłoszeń naraz."))
	}
	var rows []ticketRow
	if err := s.db.NewRaw(ticketSelect+`FROM tickets t`+ticketJoins+`WHERE t.id = ANY(?)`, pgdialect.Array(ids)).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("load tickets: %w", err)
	}
	msgs, err := loadMessages(ctx, s.db, ids, false)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*ticketRow, len(rows))
	for i := range rows {
		byID[rows[i].ID] = &rows[i]
	}
	out := make([]Ticket, 0, len(rows))
	for _, id := range ids {
		if r, ok := byID[id]; ok {
			t := r.ticket()
			t.Messages = msgs[id]
			out = append(out, t)
			delete(byID, id)
		}
	}
	return out, nil
}

// TicketUpdate changes a ticket's status and/or assignee; nil fields stay as they are.
type TicketUpdate struct {
	Status *Status
	// AssigneeID assigns the ticket to a staff member; a pointer to 0 unassigns it.
	AssigneeID *int64
}

// UpdateTicket changes status and assignee (policy.TicketAssign), writes the change to
// the audit log and returns the ticket as it is now.
func (s *Service) UpdateTicket(ctx context.Context, sub policy.Subject, id int64, u TicketUpdate) (*Ticket, error) {
	if err := s.pol.Require(sub, policy.TicketAssign); err != nil {
		return nil, err
	}
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := s.checkUpdate(ctx, tx, u); err != nil {
			return err
		}
		t, err := loadTicket(ctx, tx, id, 0, true)
		if err != nil {
			return err
		}
		return s.applyUpdate(ctx, tx, sub, t, u)
	})
	if err != nil {
		return nil, err
	}
	return s.Ticket(ctx, sub, id)
}

// BulkUpdate applies one change to several tickets (the inbox's multi-select) in one
// transaction: either every ticket changes or none does. It returns how many changed.
func (s *Service) BulkUpdate(ctx context.Context, sub policy.Subject, ids []int64, u TicketUpdate) (int, error) {
	if err := s.pol.Require(sub, policy.TicketAssign); err != nil {
		return 0, err
	}
	ids = uniqueIDs(ids)
	switch {
	case len(ids) == 0:
		return 0, apperr.InvalidFields(apperr.Field("ticket_ids", "Zaznacz co najmniej jedno zgłoszenie."))
	case len(ids) > 100:
		return 0, apperr.InvalidFields(apperr.Field("ticket_ids", "Najwyżej 100 zgłoszeń naraz."))
	case u.Status == nil && u.AssigneeID == nil:
		return 0, apperr.InvalidFields(apperr.Field("action", "Wybierz, co zmienić."))
	}
	changed := 0
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := s.checkUpdate(ctx, tx, u); err != nil {
			return err
		}
		for _, id := range ids {
			t, err := loadTicket(ctx, tx, id, 0, true)
			if err != nil {
				return err
			}
			before := t.Status
			beforeAssignee := assigneeID(t)
			if err := s.applyUpdate(ctx, tx, sub, t, u); err != nil {
				if ae := apperr.As(err); ae != nil {
					// Name the ticket; copy, as ae may be a shared error value.
					named := *ae
					named.Message = fmt.Sprintf("Zgłoszenie #%d: %s", id, ae.Message)
					return &named
				}
				return err
			}
			if t.Status != before || assigneeID(t) != beforeAssignee {
				changed++
			}
		}
		return nil
	})
	return changed, err
}

// checkUpdate validates an update's values before any ticket is touched.
func (s *Service) checkUpdate(ctx context.Context, idb bun.IDB, u TicketUpdate) error {
	var problems []apperr.FieldError
	if u.Status != nil && !u.Status.Valid() {
		problems = append(problems, apperr.Field("status", "Nieznany status."))
	} else if u.Status != nil && *u.Status == StatusNew {
		problems = append(problems, apperr.Field("status", "Status „nowe” ma tylko zgłoszenie, na które nikt jeszcze nie odpowiedział."))
	}
	if u.AssigneeID != nil && *u.AssigneeID != 0 {
		ok, err := s.isAssignable(ctx, idb, *u.AssigneeID)
		if err != nil {
			return err
		}
		if !ok {
			problems = append(problems, apperr.Field("assignee_id", "Zgłoszenie można przypisać tylko pracownikowi obsługi."))
		}
	}
	return apperr.InvalidFields(problems...)
}

// applyUpdate changes a locked ticket and records the change; a no-op records nothing.
func (s *Service) applyUpdate(ctx context.Context, tx bun.Tx, sub policy.Subject, t *Ticket, u TicketUpdate) error {
	before := ticketState{Status: t.Status, AssigneeID: assigneeID(t)}
	after := before
	if u.Status != nil {
		after.Status = *u.Status
	}
	if u.AssigneeID != nil {
		after.AssigneeID = *u.AssigneeID
	}
	if after == before {
		return nil
	}
	if t.Status == StatusClosed {
		return apperr.Conflictf("Zamkniętego zgłoszenia nie można już zmieniać.")
	}
	_, err := tx.NewRaw(`UPDATE tickets SET status = ?, assignee_id = NULLIF(?, 0), updated_at = now(),
			solved_at = CASE WHEN ? IN ('solved', 'closed') THEN coalesce(solved_at, now()) END
		WHERE id = ?`, after.Status, after.AssigneeID, after.Status, t.ID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("update ticket %d: %w", t.ID, err)
	}
	t.Status = after.Status
	if after.AssigneeID == 0 {
		t.Assignee = nil
	} else {
		t.Assignee = &Person{ID: after.AssigneeID}
	}
	return audit.Record(ctx, tx, sub, "ticket.update", ticketObject(t.ID), before, after)
}

// ticketState is what the audit log records of a status or assignee change.
type ticketState struct {
	Status     Status `json:"status"`
	AssigneeID int64  `json:"assignee_id,omitempty"`
}

func assigneeID(t *Ticket) int64 {
	if t.Assignee == nil {
		return 0
	}
	return t.Assignee.ID
}

func ticketObject(id int64) string { return "ticket:" + strconv.FormatInt(id, 10) }

// StaffReply is an agent's answer or internal note.
type StaffReply struct {
	Body string
	// Internal makes an internal note: staff sees it, the customer never does.
	Internal bool
	// Status is where the ticket goes with the reply; "" means: a new ticket becomes open
	// on a public reply, any other status stays. Choosing one needs policy.TicketAssign.
	Status Status
}

// Reply adds a staff message (policy.TicketReply). A public reply is e-mailed to the
// requester; an internal note never leaves the console. Closed tickets take internal
// notes only.
func (s *Service) Reply(ctx context.Context, sub policy.Subject, id int64, r StaffReply) (*Message, error) {
	if err := s.pol.Require(sub, policy.TicketReply); err != nil {
		return nil, err
	}
	if r.Status != "" {
		if err := s.pol.Require(sub, policy.TicketAssign); err != nil {
			return nil, err
		}
	}
	r.Body = cleanText(r.Body)
	problems := checkBody(nil, "body", r.Body)
	if r.Status != "" && (!r.Status.Valid() || r.Status == StatusNew) {
		problems = append(problems, apperr.Field("status", "Nieznany status."))
	}
	if err := apperr.InvalidFields(problems...); err != nil {
		return nil, err
	}
	var msg *Message
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		t, err := loadTicket(ctx, tx, id, 0, true)
		if err != nil {
			return err
		}
		from := t.Status
		next := from
		switch {
		case r.Status != "":
			next = r.Status
		case from == StatusNew && !r.Internal:
			next = StatusOpen
		}
		if from == StatusClosed && (!r.Internal || next != StatusClosed) {
			return apperr.Conflictf("To zgłoszenie jest zamknięte: można dodać tylko notatkę wewnętrzną.")
		}
		if msg, err = addMessage(ctx, tx, t, newMessage{authorID: sub.UserID, fromStaff: true, internal: r.Internal, body: r.Body}, next); err != nil {
			return err
		}
		if sub.UserID != 0 {
			author, err := loadPerson(ctx, tx, sub.UserID)
			if err != nil {
				return err
			}
			msg.Author = &author
		}
		action := "ticket.reply"
		if r.Internal {
			action = "ticket.note"
		}
		type change struct {
			MessageID int64  `json:"message_id"`
			Status    Status `json:"status"`
		}
		if err := audit.Record(ctx, tx, sub, action, ticketObject(id), ticketState{Status: from}, change{MessageID: msg.ID, Status: next}); err != nil {
			return err
		}
		if r.Internal {
			return nil
		}
		return s.notifyReply(ctx, tx, t, msg)
	})
	if err != nil {
		return nil, err
	}
	return msg, nil
}

// DecideAccountType approves or declines an account_type_change request
// (policy.UserManage). Approval sets the requester's account type at once, so their next
// request already reads that type's articles. Either way the requester gets a public
// answer (with note, when given) by e-mail and the request is solved.
func (s *Service) DecideAccountType(ctx context.Context, sub policy.Subject, id int64, approve bool, note string) (*Ticket, error) {
	if err := s.pol.Require(sub, policy.UserManage); err != nil {
		return nil, err
	}
	note = cleanText(note)
	if n := len([]rune(note)); n > MaxBodyLen {
		return nil, apperr.InvalidFields(apperr.Field("note", fmt.Sprintf("Treść może mieć najwyżej %d znaków.", MaxBodyLen)))
	}
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		t, err := loadTicket(ctx, tx, id, 0, true)
		if err != nil {
			return err
		}
		switch {
		case t.Kind != KindAccountTypeChange:
			return apperr.Conflictf("To zgłoszenie nie dotyczy zmiany typu konta.")
		case t.Decision != "":
			return apperr.Conflictf("O tej zmianie typu konta już zdecydowano.")
		case t.Status == StatusClosed:
			return apperr.Conflictf("Zamkniętego zgłoszenia nie można już zmieniać.")
		}
		label, err := s.accountTypeLabel(ctx, t.RequestedAccountType)
		if err != nil {
			return err
		}
		decision, body := DecisionDeclined, fmt.Sprintf("Nie możemy zmienić typu Twojego konta na „%s”.", label)
		if approve {
			decision = DecisionApproved
			body = fmt.Sprintf("Zmieniliśmy typ Twojego konta na „%s”. Materiały dla tego typu konta widzisz już po zalogowaniu.", label)
			res, err := tx.NewRaw(`UPDATE users SET account_type = ?, updated_at = now() WHERE id = ?`, t.RequestedAccountType, t.Requester.ID).Exec(ctx)
			if err != nil {
				return fmt.Errorf("set account type: %w", err)
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return apperr.Conflictf("Konto zgłaszającego już nie istnieje.")
			}
			type accountType struct {
				AccountType *string `json:"account_type"`
			}
			var was *string
			if t.Requester.AccountType != "" {
				was = &t.Requester.AccountType
			}
			if err := audit.Record(ctx, tx, sub, "user.account_type", "user:"+strconv.FormatInt(t.Requester.ID, 10),
				accountType{was}, accountType{&t.RequestedAccountType}); err != nil {
				return err
			}
			t.Requester.AccountType = t.RequestedAccountType
		}
		if note != "" {
			body += "\n\n" + note
		}
		if _, err := tx.NewRaw(`UPDATE tickets SET decision = ?, decided_by = NULLIF(?, 0), decided_at = now() WHERE id = ?`,
			decision, sub.UserID, id).Exec(ctx); err != nil {
			return fmt.Errorf("record decision: %w", err)
		}
		from := t.Status
		msg, err := addMessage(ctx, tx, t, newMessage{authorID: sub.UserID, fromStaff: true, body: body}, StatusSolved)
		if err != nil {
			return err
		}
		type change struct {
			Decision    Decision `json:"decision"`
			AccountType string   `json:"account_type"`
			MessageID   int64    `json:"message_id"`
			Status      Status   `json:"status"`
		}
		if err := audit.Record(ctx, tx, sub, "ticket.account_type_"+string(decision), ticketObject(id),
			ticketState{Status: from}, change{decision, t.RequestedAccountType, msg.ID, StatusSolved}); err != nil {
			return err
		}
		return s.notifyReply(ctx, tx, t, msg)
	})
	if err != nil {
		return nil, err
	}
	return s.Ticket(ctx, sub, id)
}

// Assignees lists the staff members tickets can be assigned to (those who may read the
// inbox), by name.
func (s *Service) Assignees(ctx context.Context, sub policy.Subject) ([]Person, error) {
	if err := s.pol.Require(sub, policy.TicketRead); err != nil {
		return nil, err
	}
	var rows []struct {
		ID        int64  `bun:"id"`
		Name      string `bun:"name"`
		Email     string `bun:"email"`
		StaffRole string `bun:"staff_role"`
	}
	if err := s.db.NewRaw(`SELECT id, name, email, staff_role FROM users
		WHERE staff_role IS NOT NULL AND blocked_at IS NULL ORDER BY name, email`).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("list staff: %w", err)
	}
	var out []Person
	for _, r := range rows {
		if s.pol.Can(policy.Subject{UserID: r.ID, StaffRole: r.StaffRole}, policy.TicketRead) {
			out = append(out, Person{ID: r.ID, Name: r.Name, Email: r.Email})
		}
	}
	return out, nil
}

// isAssignable reports whether a user is a staff member who may work the inbox.
func (s *Service) isAssignable(ctx context.Context, idb bun.IDB, userID int64) (bool, error) {
	var role string
	err := idb.NewRaw(`SELECT staff_role FROM users WHERE id = ? AND staff_role IS NOT NULL AND blocked_at IS NULL`, userID).Scan(ctx, &role)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("check assignee: %w", err)
	}
	return s.pol.Can(policy.Subject{UserID: userID, StaffRole: role}, policy.TicketRead), nil
}

// AgentSettings are one staff member's inbox preferences.
type AgentSettings struct {
	// NotifyNew sends an e-mail for every new request.
	NotifyNew bool
}

// AgentSettings returns the subject's inbox preferences.
func (s *Service) AgentSettings(ctx context.Context, sub policy.Subject) (AgentSettings, error) {
	if err := s.requireStaffUser(sub); err != nil {
		return AgentSettings{}, err
	}
	var st AgentSettings
	err := s.db.NewRaw(`SELECT notify_new FROM ticket_agent_settings WHERE user_id = ?`, sub.UserID).Scan(ctx, &st.NotifyNew)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return AgentSettings{}, fmt.Errorf("agent settings: %w", err)
	}
	return st, nil
}

// SetAgentSettings saves the subject's inbox preferences.
func (s *Service) SetAgentSettings(ctx context.Context, sub policy.Subject, st AgentSettings) error {
	if err := s.requireStaffUser(sub); err != nil {
		return err
	}
	_, err := s.db.NewRaw(`INSERT INTO ticket_agent_settings (user_id, notify_new) VALUES (?, ?)
		ON CONFLICT (user_id) DO UPDATE SET notify_new = EXCLUDED.notify_new, updated_at = now()`, sub.UserID, st.NotifyNew).Exec(ctx)
	if err != nil {
		return fmt.Errorf("save agent settings: %w", err)
	}
	return nil
}

func (s *Service) requireStaffUser(sub policy.Subject) error {
	if err := s.pol.Require(sub, policy.TicketRead); err != nil {
		return err
	}
	if sub.UserID == 0 {
		return apperr.Forbiddenf("Ustawienia ma tylko zalogowany pracownik.")
	}
	return nil
}

func uniqueIDs(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	out = slices.Compact(out)
	return slices.DeleteFunc(out, func(id int64) bool { return id <= 0 })
}
