package ticket

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/uptrace/bun"

	"github.com/helpcenter/helpcenter/policy"
)

// The e-mails of requests are written here, in Polish (customers' language), and queued
// through Mailer in the transaction of the change. Internal notes are never passed in:
// only CreateRequest, public replies and decisions call these.

// notifyCreated confirms a new request to its requester and tells the agents who asked
// for it. A visitor's confirmation does not repeat the message: anyone can type any
// address into the form, and the help center must not relay their text to it.
func (s *Service) notifyCreated(ctx context.Context, tx bun.Tx, t *Ticket, signedIn bool) error {
	if s.opt.Mailer == nil {
		return nil
	}
	link := s.link("/requests/" + strconv.FormatInt(t.ID, 10))
	var b strings.Builder
	fmt.Fprintf(&b, "Dzień dobry,\n\notrzymaliśmy Twoje zlecenie nr %d „%s”. Odpowiemy najszybciej, jak to możliwe.\n\n", t.ID, t.Subject)
	if signedIn {
		fmt.Fprintf(&b, "Twoja wiadomość:\n\n%s\n\n", quote(t.Messages[0].Body))
		fmt.Fprintf(&b, "Zlecenie i odpowiedzi znajdziesz w zakładce „Moje działania”:\n%s\n", link)
	} else {
		fmt.Fprintf(&b, "Odpowiedź wyślemy na ten adres. Zlecenie możesz też śledzić w zakładce „Moje działania”: %s\n", link)
		fmt.Fprintf(&b, "Jeśli nie masz jeszcze hasła, ustaw je tutaj: %s\n", s.link("/password"))
	}
	b.WriteString(signature)
	err := s.opt.Mailer.Enqueue(ctx, tx, Mail{
		To: t.Requester.Email, ToName: t.Requester.Name, Template: "ticket.received",
		Subject: fmt.Sprintf("[#%d] Otrzymaliśmy Twoje zlecenie: %s", t.ID, t.Subject),
		Text:    b.String(),
	})
	if err != nil {
		return err
	}
	return s.notifyAgents(ctx, tx, t)
}

// notifyAgents tells every staff member who turned on "new request" e-mails and may read
// the inbox.
func (s *Service) notifyAgents(ctx context.Context, tx bun.Tx, t *Ticket) error {
	var agents []struct {
		ID        int64  `bun:"id"`
		Name      string `bun:"name"`
		Email     string `bun:"email"`
		StaffRole string `bun:"staff_role"`
	}
	if err := tx.NewRaw(`SELECT u.id, u.name, u.email, u.staff_role FROM ticket_agent_settings st
		JOIN users u ON u.id = st.user_id
		WHERE st.notify_new AND u.staff_role IS NOT NULL AND u.blocked_at IS NULL`).Scan(ctx, &agents); err != nil {
		return fmt.Errorf("agents to notify: %w", err)
	}
	for _, a := range agents {
		if a.ID == t.Requester.ID || !s.pol.Can(policy.Subject{UserID: a.ID, StaffRole: a.StaffRole}, policy.TicketRead) {
			continue
		}
		text := fmt.Sprintf("Nowe zgłoszenie nr %d od %s <%s>:\n\n%s\n\n%s\n\nOtwórz w konsoli: %s\n",
			t.ID, t.Requester.DisplayName(), t.Requester.Email, t.Subject, quote(t.Messages[0].Body),
			s.link("/admin/tickets/"+strconv.FormatInt(t.ID, 10)))
		if err := s.opt.Mailer.Enqueue(ctx, tx, Mail{
			To: a.Email, ToName: a.Name, Template: "ticket.new_for_agent",
			Subject: fmt.Sprintf("[#%d] Nowe zgłoszenie: %s", t.ID, t.Subject), Text: text,
		}); err != nil {
			return err
		}
	}
	return nil
}

// notifyReply sends a public staff reply to the requester.
func (s *Service) notifyReply(ctx context.Context, tx bun.Tx, t *Ticket, m *Message) error {
	if s.opt.Mailer == nil || m.Internal {
		return nil
	}
	from := "Zespół wsparcia"
	if m.Author != nil && m.Author.Name != "" {
		from = m.Author.Name
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Dzień dobry,\n\n%s odpowiada na Twoje zlecenie nr %d „%s”:\n\n%s\n\n", from, t.ID, t.Subject, quote(m.Body))
	fmt.Fprintf(&b, "Całą rozmowę zobaczysz i odpowiesz na nią tutaj:\n%s\n", s.link("/requests/"+strconv.FormatInt(t.ID, 10)))
	if t.Status == StatusSolved {
		b.WriteString("\nUznaliśmy sprawę za rozwiązaną. Jeśli coś jest jeszcze niejasne, po prostu odpowiedz na stronie zlecenia.\n")
	}
	b.WriteString(signature)
	return s.opt.Mailer.Enqueue(ctx, tx, Mail{
		To: t.Requester.Email, ToName: t.Requester.Name, Template: "ticket.reply",
		Subject: fmt.Sprintf("Re: [#%d] %s", t.ID, t.Subject), Text: b.String(),
	})
}

const signature = "\n-- \nCentrum pomocy\n"

// quote indents a message as a block, so it stands apart from the e-mail's own words.
func quote(body string) string {
	lines := strings.Split(body, "\n")
	for i, l := range lines {
		lines[i] = "> " + l
	}
	return strings.Join(lines, "\n")
}
