// Package ticket is support requests: customers send them ("Wyślij zlecenie") and follow
// them ("Moje działania"); agents work them in the console inbox. The portal, the console
// and the JSON API all call Service, so every rule below lives here once.
//
// # Who sees what
//
// A customer sees only their own requests: another customer's request answers NotFound,
// exactly like one that does not exist. Customers never see internal notes, whatever the
// face (API, portal, e-mail): the customer-facing methods select public messages in SQL.
// Staff methods require a Casbin permission: policy.TicketRead to look, policy.TicketReply
// to reply or write notes, policy.TicketAssign to change the status or the assignee, and
// policy.UserManage to approve an account-type change. Every staff change is written to the
// audit log in the transaction that makes it.
//
// # Status
//
//	new ──staff reply──▶ open | pending | solved (as the agent chooses; open by default)
//	open ◀──▶ pending ◀──▶ solved      (staff: status change or reply)
//	pending ──customer reply──▶ open
//	solved  ──customer reply──▶ open    (the request is reopened)
//	solved  ──AutoCloseAfter without activity (periodic job)──▶ closed
//	any but closed ──staff──▶ closed   (e.g. spam)
//
// A request stays new until staff answers publicly; a customer writing more to a new
// request keeps it new. Closed is final: nothing changes its status again, customers can no
// longer reply (they send a new request), staff may still add internal notes. solved_at is
// set when a request becomes solved and cleared when it is reopened; the auto-close job
// closes requests solved longer than Options.AutoCloseAfter ago.
//
// # Limits
//
// Subjects are 1-200 characters, message bodies 1-20,000 characters (after trimming
// spaces), e-mail addresses at most 254 characters, names at most 200 characters.
//
// # Search
//
// Each ticket carries the search terms of its subject and all its messages (internal
// notes included: only staff search) in tickets.search, a tsvector built with
// array_to_tsvector from terms computed in Go by internal/polish (stems, diacritics
// folded), so "faktura" also finds "faktury" and "usuniete" finds "usunięte", and
// synonyms ("korekta", "faktura korygująca") match each other. A query that is a number
// also finds the ticket with that id; an e-mail address finds that requester's tickets.
// findByText explains how a page of matches is found fast at a million tickets.
package ticket
