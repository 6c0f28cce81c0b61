package faqdraft

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/audit"
	"github.com/helpcenter/helpcenter/internal/mail"
	"github.com/helpcenter/helpcenter/policy"
)

// When a FAQ written from tickets is published, the people who asked can be told that the
// answer is now in the help center: a short e-mail with the public link, once per person
// and article, and only to those who may read the article. Someone who would get "not
// found" from the link (the article is for another account type) is never sent it.

// What happens to each requester.
const (
	// RecipientWillNotify: the requester may read the article and has not been told yet.
	RecipientWillNotify = "will_notify"
	// RecipientNotified: the requester was told already.
	RecipientNotified = "notified"
	// RecipientCannotRead: the article is not for the requester's audiences.
	RecipientCannotRead = "cannot_read"
	// RecipientBlocked: the requester's account is blocked.
	RecipientBlocked = "blocked"
)

// Recipient is a requester of a FAQ's source tickets.
type Recipient struct {
	UserID      int64
	Name, Email string
	AccountType string
	// TicketIDs are the requester's tickets among the sources.
	TicketIDs []int64
	// Status is RecipientWillNotify, RecipientNotified, RecipientCannotRead or
	// RecipientBlocked; NotifiedAt is set for RecipientNotified.
	Status     string
	NotifiedAt *time.Time
}

// DisplayName is the name, or the e-mail address when no name is known.
func (r Recipient) DisplayName() string {
	if r.Name != "" {
		return r.Name
	}
	return r.Email
}

// NotifyPlan is who would be told about a published FAQ and who not, and why.
type NotifyPlan struct {
	Article ArticleRef
	// Live is set when readers can open the article; only then can anyone be told.
	Live bool
	// Public is set when the article needs no sign-in.
	Public bool
	// Link is the article's public address.
	Link       string
	Recipients []Recipient
}

// Pending counts the requesters who would be told now.
func (p *NotifyPlan) Pending() int {
	n := 0
	for _, r := range p.Recipients {
		if r.Status == RecipientWillNotify {
			n++
		}
	}
	return n
}

// RequesterNotice is the plan for telling the requesters of a FAQ's source tickets about
// it (policy.ArticleEdit and policy.TicketRead: it names the requesters).
func (s *Service) RequesterNotice(ctx context.Context, actor policy.Subject, articleID int64) (*NotifyPlan, error) {
	if err := s.policy.Require(actor, policy.TicketRead); err != nil {
		return nil, err
	}
	a, err := s.content.ManagedArticle(ctx, actor, articleID)
	if err != nil {
		return nil, err
	}
	return s.notifyPlan(ctx, a)
}

func (s *Service) notifyPlan(ctx context.Context, a *content.ManagedArticle) (*NotifyPlan, error) {
	p := &NotifyPlan{
		Article: ArticleRef{ID: a.ID, Title: a.Title, Slug: a.Slug, State: a.State},
		Live:    a.Live(),
		Link:    s.articleLink(a.Slug),
	}
	if len(a.SourceTicketIDs) == 0 {
		return p, nil
	}
	id := strconv.FormatInt(a.ID, 10)
	if p.Live {
		_, err := s.content.Article(ctx, policy.Subject{}, id)
		p.Public = err == nil
		if err != nil && !apperr.Is(err, apperr.NotFound) {
			return nil, err
		}
		// Readers get the published revision's title.
		if pub, err := s.content.Article(ctx, jobReader, id); err == nil {
			p.Article.Title = pub.Title
		}
	}
	rows, err := s.db.Pool.Query(ctx, `SELECT u.id, coalesce(u.name, ''), u.email, coalesce(u.account_type, ''),
			coalesce(u.staff_role, ''), u.blocked_at IS NOT NULL, array_agg(t.id ORDER BY t.id), n.sent_at
		FROM tickets t
		JOIN users u ON u.id = t.requester_id
		LEFT JOIN faq_notifications n ON n.article_id = $1 AND n.user_id = u.id
		WHERE t.id = ANY($2)
		GROUP BY u.id, n.sent_at
		ORDER BY min(t.id)`, a.ID, a.SourceTicketIDs)
	if err != nil {
		return nil, fmt.Errorf("faq notice: requesters: %w", err)
	}
	type row struct {
		Recipient
		staffRole string
		blocked   bool
	}
	var rs []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.UserID, &r.Name, &r.Email, &r.AccountType, &r.staffRole, &r.blocked, &r.TicketIDs, &r.NotifiedAt); err != nil {
			rows.Close()
			return nil, fmt.Errorf("faq notice: requesters: %w", err)
		}
		rs = append(rs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, r := range rs {
		rec := r.Recipient
		switch {
		case rec.NotifiedAt != nil:
			rec.Status = RecipientNotified
		case r.blocked:
			rec.Status = RecipientBlocked
		default:
			// The requester's own view of the article: exactly what the link would give
			// them once signed in. Not found means they must not get the link.
			subj := policy.Subject{UserID: rec.UserID, AccountType: rec.AccountType, StaffRole: r.staffRole, Name: rec.Name, Email: rec.Email}
			_, err := s.content.Article(ctx, subj, id)
			switch {
			case err == nil && p.Live:
				rec.Status = RecipientWillNotify
			case err == nil || apperr.Is(err, apperr.NotFound):
				rec.Status = RecipientCannotRead
			default:
				return nil, err
			}
		}
		p.Recipients = append(p.Recipients, rec)
	}
	return p, nil
}

func (s *Service) articleLink(slug string) string {
	base := ""
	if s.opt.BaseURL != nil {
		base = strings.TrimRight(s.opt.BaseURL.String(), "/")
	}
	return base + "/articles/" + slug
}

// NotifyResult tells what NotifyRequesters did.
type NotifyResult struct {
	// Sent counts the e-mails queued now.
	Sent int
	Plan *NotifyPlan
}

// NotifyRequesters tells the requesters of a published FAQ's source tickets that the
// answer is in the help center (policy.ArticlePublish: it is part of publishing). Each
// requester who may read the article and was not told before gets one short e-mail with
// the public link; the others are left out. The e-mails are queued in the transaction
// that records them, so a requester is told once even if two editors click at once.
func (s *Service) NotifyRequesters(ctx context.Context, actor policy.Subject, articleID int64) (*NotifyResult, error) {
	if err := s.policy.Require(actor, policy.ArticlePublish); err != nil {
		return nil, err
	}
	a, err := s.content.ManagedArticle(ctx, actor, articleID)
	if err != nil {
		return nil, err
	}
	switch {
	case len(a.SourceTicketIDs) == 0:
		return nil, apperr.New(apperr.Conflict, "Ten artykuł nie powstał ze zgłoszeń: nie ma kogo powiadomić.")
	case !a.Live():
		return nil, apperr.New(apperr.Conflict, "Najpierw opublikuj artykuł: zgłaszający dostaliby link, który jeszcze nie działa.")
	case s.opt.Mailer == nil:
		return nil, apperr.New(apperr.Conflict, "Wysyłanie e-maili nie jest skonfigurowane.")
	}
	plan, err := s.notifyPlan(ctx, a)
	if err != nil {
		return nil, err
	}
	res := &NotifyResult{Plan: plan}
	err = s.db.Bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var told []int64
		for i := range plan.Recipients {
			r := &plan.Recipients[i]
			if r.Status != RecipientWillNotify {
				continue
			}
			var inserted []int64
			if err := tx.NewRaw(`INSERT INTO faq_notifications (article_id, user_id, sent_by) VALUES (?, ?, NULLIF(?, 0))
				ON CONFLICT DO NOTHING RETURNING user_id`, a.ID, r.UserID, actor.UserID).Scan(ctx, &inserted); err != nil {
				return err
			}
			if len(inserted) == 0 {
				continue // someone else told them a moment ago
			}
			mailID, err := s.opt.Mailer.Enqueue(ctx, tx, s.noticeMail(plan, *r))
			if err != nil {
				return err
			}
			if _, err := tx.NewRaw(`UPDATE faq_notifications SET mail_id = ? WHERE article_id = ? AND user_id = ?`, mailID, a.ID, r.UserID).Exec(ctx); err != nil {
				return err
			}
			now := s.opt.Now()
			r.Status, r.NotifiedAt = RecipientNotified, &now
			told = append(told, r.UserID)
		}
		res.Sent = len(told)
		if len(told) == 0 {
			return nil
		}
		return audit.Record(ctx, tx, actor, "faq.notify_requesters", "article:"+strconv.FormatInt(a.ID, 10), nil,
			map[string]any{"user_ids": told, "link": plan.Link})
	})
	if err != nil {
		return nil, fmt.Errorf("faq notice: %w", err)
	}
	return res, nil
}

// noticeMail is the e-mail to one requester: short, in Polish, naming their own tickets
// and the public link.
func (s *Service) noticeMail(p *NotifyPlan, r Recipient) mail.Message {
	var b strings.Builder
	b.WriteString("Dzień dobry,\n\n")
	if len(r.TicketIDs) == 1 {
		fmt.Fprintf(&b, "odpowiedź na pytanie z Państwa zgłoszenia %s jest teraz opisana w naszym centrum pomocy:\n\n", joinIDs(r.TicketIDs, ", "))
	} else {
		fmt.Fprintf(&b, "odpowiedź na pytanie z Państwa zgłoszeń %s jest teraz opisana w naszym centrum pomocy:\n\n", joinIDs(r.TicketIDs, ", "))
	}
	fmt.Fprintf(&b, "%s\n%s\n\n", p.Article.Title, p.Link)
	if !p.Public {
		b.WriteString("Artykuł jest dostępny po zalogowaniu.\n\n")
	}
	b.WriteString("Dziękujemy za zgłoszenie – pomogło nam przygotować tę odpowiedź dla wszystkich.\n\n")
	b.WriteString("Zespół wsparcia\n" + mail.SiteName + "\n")
	return mail.Message{
		To: r.Email, ToName: r.Name,
		Subject:  truncateRunes("Odpowiedź na Państwa pytanie: "+p.Article.Title, 200),
		Text:     b.String(),
		Template: "faq.published",
	}
}
