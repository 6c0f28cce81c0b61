package faqdraft

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/helpcenter/helpcenter/internal/polish"
)

// personalData is everything personal the seed tickets contain, collected by the test's own
// simple means (not by the scrubber under test).
type personalData struct {
	emails    map[string]bool
	numbers   map[string]bool // digits of phone numbers, NIP, PESEL, account numbers
	names     map[string]bool // folded first names and surnames (and vocative forms)
	companies map[string]bool // folded company names from signatures
}

var (
	testEmail     = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+`)
	testLongDigit = regexp.MustCompile(`\+?\(?\d[\d \-()]{7,}\d`)
	testNameLine  = regexp.MustCompile(`^\p{Lu}\p{Ll}+(?: \p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?){0,2}$`)
	testVocative  = regexp.MustCompile(`^(?:Dzień dobry |Witam )?(?:Pani|Panie) (\p{Lu}\p{Ll}+),$`)
	// testCompany finds company names the agents and requesters wrote in sentences.
	testCompany = regexp.MustCompile(`(?:konto firmy|Firma:|Dane:|Biuro:|Firma) (\p{Lu}[^()\n,]*?)(?: \(NIP|,|\.(?:\s|$))`)
	testClosing = regexp.MustCompile(`(?i)^(?:pozdr|pozdrawiam|z pozdrowieniami|z poważaniem|z powazaniem|dzięki|dzieki|dziękuję|dziekuje|z góry|z gory|życzę|proszę o szybką|prosze o szybka)`)
)

func collectPersonalData(t *testing.T, tickets []Ticket, users map[string]seedUser) personalData {
	t.Helper()
	pd := personalData{emails: map[string]bool{}, numbers: map[string]bool{}, names: map[string]bool{}, companies: map[string]bool{}}
	addName := func(n string) {
		for _, w := range strings.Fields(n) {
			if len([]rune(w)) >= 3 {
				pd.names[fold(w)] = true
			}
		}
	}
	for _, u := range users {
		pd.emails[strings.ToLower(u.Email)] = true
		addName(u.Name)
	}
	for _, tk := range tickets {
		addName(tk.RequesterName)
		texts := []string{tk.Subject, tk.Body}
		for _, m := range tk.Messages {
			texts = append(texts, m.Body)
		}
		for _, text := range texts {
			for _, e := range testEmail.FindAllString(text, -1) {
				pd.emails[strings.ToLower(e)] = true
			}
			for _, n := range testLongDigit.FindAllString(text, -1) {
				d := onlyDigits(n)
				if len(d) >= 9 {
					pd.numbers[d] = true
					if len(d) == 11 && strings.HasPrefix(d, "48") {
						pd.numbers[d[2:]] = true
					}
				}
			}
			for _, m := range testCompany.FindAllStringSubmatch(text, -1) {
				if c := strings.TrimSpace(m[1]); len(strings.Fields(c)) >= 2 {
					pd.companies[fold(c)] = true
				}
			}
			lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
			for i, l := range lines {
				l = strings.TrimSpace(l)
				if m := testVocative.FindStringSubmatch(l); m != nil {
					pd.names[fold(m[1])] = true
				}
				// A signature: the lines after a closing phrase, or a name on the last line.
				after := i > 0 && testClosing.MatchString(strings.TrimSpace(lines[i-1]))
				last := i == len(lines)-1 && i > 0 && strings.TrimSpace(lines[i-1]) == ""
				if (after || last) && testNameLine.MatchString(l) {
					addName(l)
					// The next lines without digits are the company.
					for _, c := range lines[i+1:] {
						c = strings.TrimSpace(c)
						if c == "" || strings.ContainsAny(c, "0123456789@") || strings.HasPrefix(c, "Zespół wsparcia") {
							break
						}
						if len(strings.Fields(c)) >= 2 {
							pd.companies[fold(c)] = true
						}
					}
				}
			}
		}
	}
	return pd
}

// leaks returns the personal data found in a draft.
func (pd personalData) leaks(text string) []string {
	var out []string
	for _, e := range testEmail.FindAllString(text, -1) {
		out = append(out, "e-mail "+e)
	}
	for _, n := range testLongDigit.FindAllString(text, -1) {
		if d := onlyDigits(n); len(d) >= 9 {
			out = append(out, "number "+n)
		}
	}
	for _, n := range numberSpan.FindAllString(text, -1) {
		if pd.numbers[onlyDigits(n)] {
			out = append(out, "known number "+n)
		}
	}
	for _, w := range words(text) {
		if pd.names[fold(w)] {
			out = append(out, "name "+w)
		}
	}
	folded := fold(text)
	for c := range pd.companies {
		if strings.Contains(folded, c) {
			out = append(out, "company "+c)
		}
	}
	sort.Strings(out)
	return out
}

// TestDraftsFromSeedTicketsHoldNoPersonalData builds a draft from every solved seed ticket,
// and from every hand-labelled group of tickets, and checks that no e-mail address, phone
// number, NIP, PESEL, account number, requester name (first name or surname, from users.jsonl,
// signatures or salutations) or signature company from any ticket is in any draft.
func TestDraftsFromSeedTicketsHoldNoPersonalData(t *testing.T) {
	tickets, _, users := loadSeed(t)
	pd := collectPersonalData(t, tickets, users)
	if len(pd.names) < 60 || len(pd.numbers) < 50 || len(pd.emails) < 60 || len(pd.companies) < 20 {
		t.Fatalf("collected too little personal data to test with: %d names, %d numbers, %d e-mails, %d companies",
			len(pd.names), len(pd.numbers), len(pd.emails), len(pd.companies))
	}
	b := Builder{Terms: polish.Terms}
	check := func(name string, ts []Ticket) {
		d, err := b.Build(ts)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		text := d.Title + "\n" + d.BodyMarkdown + "\n" + strings.Join(d.Tags, " ")
		if leaks := pd.leaks(text); len(leaks) > 0 {
			t.Errorf("%s: personal data in the draft: %v\n%s", name, leaks, text)
		}
	}
	solved := 0
	for _, tk := range tickets {
		if tk.Status != "solved" {
			continue
		}
		solved++
		check(fmt.Sprintf("ticket %d", tk.ID), []Ticket{tk})
	}
	byID := seedByID(tickets)
	for _, c := range loadLabels(t).Clusters {
		var ts []Ticket
		for _, s := range c.Tickets {
			ts = append(ts, byID[seedTicketID(t, s)])
		}
		check("group "+c.Name, ts)
	}
	t.Logf("checked %d drafts of single solved tickets and %d drafts of groups against %d names, %d numbers, %d e-mail addresses, %d companies",
		solved, len(loadLabels(t).Clusters), len(pd.names), len(pd.numbers), len(pd.emails), len(pd.companies))
}
