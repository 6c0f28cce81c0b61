package mail

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/url"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// smtpTransport delivers over SMTP as SMTP_URL says:
//
//	smtp://host[:25]                                plain SMTP, e.g. a local relay
//	smtp://host:587?starttls=required               STARTTLS, refused if the server lacks it
//	smtp://host:587?starttls=opportunistic          STARTTLS when the server offers it
//	smtps://host[:465]                              TLS from the first byte
//	smtp[s]://user:password@host...                 SMTP AUTH (the best mechanism the server
//	                                                offers; passwords only travel encrypted)
type smtpTransport struct {
	host string
	opts []gomail.Option
}

func newSMTPTransport(raw string, tlsConfig *tls.Config, timeout time.Duration) (*smtpTransport, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return nil, fmt.Errorf("SMTP_URL: must be smtp://host:port or smtps://host:port")
	}
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	host := u.Hostname()
	t := &smtpTransport{host: host}
	if tlsConfig == nil {
		tlsConfig = &tls.Config{}
	} else {
		tlsConfig = tlsConfig.Clone()
	}
	if tlsConfig.ServerName == "" {
		tlsConfig.ServerName = host
	}
	tlsConfig.MinVersion = tls.VersionTLS12
	t.opts = append(t.opts, gomail.WithTimeout(timeout), gomail.WithTLSConfig(tlsConfig))

	port := 25
	switch u.Scheme {
	case "smtps":
		port = 465
		t.opts = append(t.opts, gomail.WithSSL())
	case "smtp":
		switch mode := u.Query().Get("starttls"); mode {
		case "", "none", "off":
			t.opts = append(t.opts, gomail.WithTLSPolicy(gomail.NoTLS))
		case "required", "mandatory":
			t.opts = append(t.opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
		case "opportunistic":
			t.opts = append(t.opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
		default:
			return nil, fmt.Errorf("SMTP_URL: starttls=%q: use required, opportunistic or none", mode)
		}
	default:
		return nil, fmt.Errorf("SMTP_URL: scheme %q: use smtp or smtps", u.Scheme)
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil || port <= 0 || port > 65535 {
			return nil, fmt.Errorf("SMTP_URL: bad port %q", p)
		}
	}
	t.opts = append(t.opts, gomail.WithPort(port))
	if u.User != nil && u.User.Username() != "" {
		pw, _ := u.User.Password()
		t.opts = append(t.opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(u.User.Username()), gomail.WithPassword(pw))
	}
	return t, nil
}

// send delivers one message in its own SMTP conversation. Mail volume is small (sign-in
// links and ticket notifications), so a connection per message keeps failures isolated.
func (t *smtpTransport) send(ctx context.Context, msg *gomail.Msg) error {
	c, err := gomail.NewClient(t.host, t.opts...)
	if err != nil {
		return err
	}
	return c.DialAndSendWithContext(ctx, msg)
}
