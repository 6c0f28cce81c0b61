package ticket

import (
	"fmt"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/helpcenter/helpcenter/internal/apperr"
)

// cleanText makes user input storable and comparable: valid UTF-8, no NUL bytes (which
// PostgreSQL text refuses), Windows line ends turned into plain ones, spaces trimmed.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\x00", "")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.TrimSpace(s)
}

// cleanLine is cleanText for one-line fields: every run of white space (line breaks
// included) becomes a single space.
func cleanLine(s string) string {
	return strings.Join(strings.FieldsFunc(cleanText(s), unicode.IsSpace), " ")
}

// checkSubject appends a field error for an empty or oversized subject.
func checkSubject(problems []apperr.FieldError, field, subject string) []apperr.FieldError {
	switch n := utf8.RuneCountInString(subject); {
	case n == 0:
		return append(problems, apperr.Field(field, "Podaj temat."))
	case n > MaxSubjectLen:
		return append(problems, apperr.Field(field, fmt.Sprintf("Temat może mieć najwyżej %d znaków (ma %d).", MaxSubjectLen, n)))
	}
	return problems
}

// checkBody appends a field error for an empty or oversized message.
func checkBody(problems []apperr.FieldError, field, body string) []apperr.FieldError {
	switch n := utf8.RuneCountInString(body); {
	case n == 0:
		return append(problems, apperr.Field(field, "Wpisz treść wiadomości."))
	case n > MaxBodyLen:
		return append(problems, apperr.Field(field, fmt.Sprintf("Treść może mieć najwyżej %d znaków (ma %d).", MaxBodyLen, n)))
	}
	return problems
}

// normalizeEmail checks an address typed into a form and returns it in the stored form
// (the address alone, domain lower-cased), or "" when it is not a usable address.
func normalizeEmail(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > MaxEmailLen || strings.ContainsAny(s, " <>\"(),;:\\[]") {
		return ""
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return ""
	}
	at := strings.LastIndexByte(s, '@')
	local, domain := s[:at], strings.ToLower(s[at+1:])
	if local == "" || !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") {
		return ""
	}
	return local + "@" + domain
}
