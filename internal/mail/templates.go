package mail

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	"sync"
	texttemplate "text/template"
	"time"
)

// Templates live in templates/: NAME.tmpl is a text/template that defines the block
// "subject" and whose main body is the plain-text part; NAME.html, when present, is an
// html/template for the HTML part. Both get the caller's data as dot and the functions
// siteURL, siteName and duration.
//
//go:embed templates/*
var templateFS embed.FS

type compiled struct {
	text *texttemplate.Template
	html *htmltemplate.Template // nil when the template has no HTML part
}

var (
	templatesMu sync.Mutex
	templates   = map[string]*compiled{}
)

// SiteName is how mails name the help center.
const SiteName = "Centrum pomocy"

func (m *Mailer) funcs() map[string]any {
	return map[string]any{
		"siteURL":  func() string { return m.base.String() },
		"siteName": func() string { return SiteName },
		"duration": PolishDuration,
	}
}

func (m *Mailer) load(name string) (*compiled, error) {
	templatesMu.Lock()
	defer templatesMu.Unlock()
	if c, ok := templates[name]; ok {
		return c, nil
	}
	src, err := templateFS.ReadFile("templates/" + name + ".tmpl")
	if err != nil {
		return nil, fmt.Errorf("mail template %q: %w", name, err)
	}
	// The functions are bound per Mailer at execution time (Funcs on a clone); parsing
	// only needs their names.
	c := &compiled{}
	if c.text, err = texttemplate.New(name).Option("missingkey=error").Funcs(m.funcs()).Parse(string(src)); err != nil {
		return nil, fmt.Errorf("mail template %q: %w", name, err)
	}
	if c.text.Lookup("subject") == nil {
		return nil, fmt.Errorf("mail template %q defines no subject", name)
	}
	if html, err := templateFS.ReadFile("templates/" + name + ".html"); err == nil {
		if c.html, err = htmltemplate.New(name).Option("missingkey=error").Funcs(m.funcs()).Parse(string(html)); err != nil {
			return nil, fmt.Errorf("mail template %q (HTML): %w", name, err)
		}
	}
	templates[name] = c
	return c, nil
}

// Render builds a message (without recipient) from the named template and data.
func (m *Mailer) Render(name string, data any) (Message, error) {
	c, err := m.load(name)
	if err != nil {
		return Message{}, err
	}
	text, err := c.text.Clone()
	if err != nil {
		return Message{}, err
	}
	text.Funcs(m.funcs())
	var subject, body bytes.Buffer
	if err := text.ExecuteTemplate(&subject, "subject", data); err != nil {
		return Message{}, fmt.Errorf("mail template %q: %w", name, err)
	}
	if err := text.Execute(&body, data); err != nil {
		return Message{}, fmt.Errorf("mail template %q: %w", name, err)
	}
	msg := Message{
		Subject:  strings.Join(strings.Fields(subject.String()), " "),
		Text:     strings.TrimSpace(body.String()) + "\n",
		Template: name,
	}
	if c.html != nil {
		html, err := c.html.Clone()
		if err != nil {
			return Message{}, err
		}
		html.Funcs(m.funcs())
		var b bytes.Buffer
		if err := html.Execute(&b, data); err != nil {
			return Message{}, fmt.Errorf("mail template %q (HTML): %w", name, err)
		}
		msg.HTML = b.String()
	}
	return msg, nil
}

// PolishDuration says how long something lasts the way a Polish sentence needs it after
// "przez" (accusative): "1 godzinę", "24 godziny", "5 godzin", "2 dni", "30 minut".
func PolishDuration(d time.Duration) string {
	switch {
	case d >= 48*time.Hour && d%(24*time.Hour) == 0:
		return fmt.Sprintf("%d dni", int(d/(24*time.Hour)))
	case d >= time.Hour && d%time.Hour == 0:
		n := int(d / time.Hour)
		return fmt.Sprintf("%d %s", n, polishPlural(n, "godzinę", "godziny", "godzin"))
	default:
		n := int((d + time.Minute - 1) / time.Minute)
		return fmt.Sprintf("%d %s", n, polishPlural(n, "minutę", "minuty", "minut"))
	}
}

func polishPlural(n int, one, few, many string) string {
	switch {
	case n == 1:
		return one
	case n%10 >= 2 && n%10 <= 4 && (n%100 < 12 || n%100 > 14):
		return few
	default:
		return many
	}
}
