package faqdraft

import "time"

// Message authors.
const (
	AuthorRequester = "requester"
	AuthorStaff     = "staff"
)

// Ticket is what extraction needs from a support ticket. The caller loads it from storage;
// this package never does.
type Ticket struct {
	ID      int64
	Subject string
	// Body is the requester's original message (the same text as the first message).
	Body           string
	RequesterName  string
	RequesterEmail string
	// RequesterAccountType is the requester's account type key ("accountant",
	// "office_client", "partner", ...), "" or "none" when the requester has none.
	RequesterAccountType string
	// Status is the ticket status ("new", "open", "pending", "solved", "closed"); replies of
	// solved and closed tickets are preferred as answers.
	Status    string
	CreatedAt time.Time
	// Messages is the whole conversation in chronological order.
	Messages []Message
}

// Message is one message of a ticket conversation.
type Message struct {
	Author    string // AuthorRequester or AuthorStaff
	Body      string
	CreatedAt time.Time
	// Internal notes are staff-only and never reach a draft.
	Internal bool
}

// Draft is a FAQ draft built from tickets: the fields a FAQ article starts with.
type Draft struct {
	// Title is the question, in Polish, ending with a question mark.
	Title string
	// BodyMarkdown is the answer taken from the staff replies, without personal data; empty
	// when no ticket has a usable answer yet.
	BodyMarkdown string
	// SuggestedAudiences follows SuggestAudiences.
	SuggestedAudiences []string
	// SourceTicketIDs lists the tickets the draft was built from, in the order given.
	SourceTicketIDs []int64
	// AnswerTicketIDs lists the tickets whose staff replies make up the answer.
	AnswerTicketIDs []int64
	// Tags are a few keywords from the questions.
	Tags []string
}

// TermFunc turns text into index terms: folded, stemmed, without stop words. The
// application passes the shared Polish text pipeline.
type TermFunc func(text string) []string
