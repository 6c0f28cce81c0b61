package ticket

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/policy"
)

// NewRequest is what a customer sends with "Wyślij zlecenie" or POST /requests.
type NewRequest struct {
	Subject string
	Body    string
	// Email and Name identify a sender who is not signed in (a visitor, or a frontend
	// calling with an API token); the address becomes a contact. Ignored for signed-in
	// users, whose requests are always their own.
	Email, Name string
	// Kind is question (the default) or account_type_change.
	Kind Kind
	// RequestedAccountType is the account type key an account_type_change asks for. Such
	// a request may leave Subject and Body empty: they then say what is asked.
	RequestedAccountType string
	// Channel is how the request arrived (the portal: web, the API: api).
	Channel Channel
}

// CreateRequest records a new request from the subject (or, for visitors, from the
// contact behind in.Email) and sends the confirmation e-mail. Invalid input answers
// apperr Invalid with every problem at once, and nothing is saved.
func (s *Service) CreateRequest(ctx context.Context, sub policy.Subject, in NewRequest) (*Ticket, error) {
	in.Subject, in.Body = cleanLine(in.Subject), cleanText(in.Body)
	in.Name = cleanLine(in.Name)
	if in.Kind == "" {
		in.Kind = KindQuestion
	}
	if !in.Channel.Valid() {
		in.Channel = ChannelWeb
	}
	var problems []apperr.FieldError
	signedIn := sub.UserID != 0

	var typeLabel string
	switch in.Kind {
	case KindQuestion:
		in.RequestedAccountType = ""
	case KindAccountTypeChange:
		var err error
		switch typeLabel, err = s.accountTypeLabel(ctx, in.RequestedAccountType); {
		case err != nil:
			return nil, err
		case in.RequestedAccountType == "":
			problems = append(problems, apperr.Field("requested_account_type", "Wybierz typ konta."))
		case typeLabel == "":
			problems = append(problems, apperr.Field("requested_account_type", "Nie ma takiego typu konta."))
		default:
			if in.Subject == "" {
				in.Subject = fmt.Sprintf("Zmiana typu konta na „%s”", typeLabel)
			}
			if in.Body == "" {
				in.Body = fmt.Sprintf("Proszę o zmianę typu mojego konta na „%s”.", typeLabel)
			}
		}
	default:
		problems = append(problems, apperr.Field("kind", "Nieznany rodzaj zlecenia."))
	}
	// An account-type change says what it asks for by itself: subject and body may stay
	// empty (they are filled in above once the type is known).
	if in.Kind != KindAccountTypeChange || in.Subject != "" {
		problems = checkSubject(problems, "subject", in.Subject)
	}
	if in.Kind != KindAccountTypeChange || in.Body != "" {
		problems = checkBody(problems, "body", in.Body)
	}
	var email string
	if !signedIn {
		if email = normalizeEmail(in.Email); email == "" {
			if in.Email == "" {
				problems = append(problems, apperr.Field("email", "Podaj adres e-mail, na który odpowiemy."))
			} else {
				problems = append(problems, apperr.Field("email", "To nie jest poprawny adres e-mail."))
			}
		}
		switch n := utf8.RuneCountInString(in.Name); {
		case n == 0:
			problems = append(problems, apperr.Field("name", "Podaj imię i nazwisko."))
		case n > MaxNameLen:
			problems = append(problems, apperr.Field("name", fmt.Sprintf("Imię i nazwisko może mieć najwyżej %d znaków.", MaxNameLen)))
		}
	}
	if err := apperr.InvalidFields(problems...); err != nil {
		return nil, err
	}

	var t *Ticket
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var requester Person
		var err error
		if signedIn {
			requester, err = loadPerson(ctx, tx, sub.UserID)
		} else {
			requester, err = s.opt.Contacts(ctx, tx, email, in.Name)
		}
		if err != nil {
			return err
		}
		requesterID := requester.ID
		if in.Kind == KindAccountTypeChange && requester.AccountType == in.RequestedAccountType {
			return apperr.InvalidFields(apperr.Field("requested_account_type", "To już jest typ Twojego konta."))
		}
		var ids struct {
			ID        int64     `bun:"id"`
			MessageID int64     `bun:"message_id"`
			CreatedAt time.Time `bun:"created_at"`
		}
		// One round trip: the ticket, its first message and its search words.
		err = tx.NewRaw(`WITH t AS (
				INSERT INTO tickets (requester_id, subject, channel, kind, requested_account_type, search)
				VALUES (?, ?, ?, ?, NULLIF(?, ''), array_to_tsvector(?::text[]))
				RETURNING id, created_at
			), m AS (
				INSERT INTO ticket_messages (ticket_id, author_id, body, created_at)
				SELECT t.id, ?, ?, t.created_at FROM t
				RETURNING id
			)
			SELECT t.id, m.id AS message_id, t.created_at FROM t, m`,
			requesterID, in.Subject, in.Channel, in.Kind, in.RequestedAccountType, pgdialect.Array(SearchTerms(in.Subject, in.Body)),
			requesterID, in.Body).Scan(ctx, &ids)
		if err != nil {
			return fmt.Errorf("insert ticket: %w", err)
		}
		t = &Ticket{
			ID: ids.ID, Subject: in.Subject, Status: StatusNew, Channel: in.Channel, Kind: in.Kind,
			RequestedAccountType: in.RequestedAccountType, Requester: requester,
			CreatedAt: ids.CreatedAt, UpdatedAt: ids.CreatedAt, Preview: preview(in.Body),
			Messages: []Message{{ID: ids.MessageID, TicketID: ids.ID, Author: &requester, Body: in.Body, CreatedAt: ids.CreatedAt}},
		}
		return s.notifyCreated(ctx, tx, t, signedIn)
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// accountTypeLabel returns the Polish label of an account type, "" for an unknown key.
func (s *Service) accountTypeLabel(ctx context.Context, key string) (string, error) {
	if key == "" {
		return "", nil
	}
	var label string
	err := s.db.NewRaw(`SELECT label_pl FROM account_types WHERE key = ?`, key).Scan(ctx, &label)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("account type %q: %w", key, err)
	}
	return label, nil
}

// loadPerson reads a user as a Person.
func loadPerson(ctx context.Context, idb bun.IDB, id int64) (Person, error) {
	var p struct {
		Name        string `bun:"name"`
		Email       string `bun:"email"`
		AccountType string `bun:"account_type"`
	}
	err := idb.NewRaw(`SELECT name, email, account_type FROM users WHERE id = ?`, id).Scan(ctx, &p)
	if errors.Is(err, sql.ErrNoRows) {
		// A session of a user deleted a moment ago.
		return Person{}, apperr.New(apperr.Unauthorized, "Zaloguj się ponownie.")
	}
	if err != nil {
		return Person{}, fmt.Errorf("load user %d: %w", id, err)
	}
	return Person{ID: id, Name: p.Name, Email: p.Email, AccountType: p.AccountType}, nil
}

// preview is the start of a message as lists show it.
func preview(body string) string {
	if utf8.RuneCountInString(body) <= 240 {
		return body
	}
	return string([]rune(body)[:240])
}
