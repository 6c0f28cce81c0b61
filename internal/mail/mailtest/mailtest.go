// Package mailtest runs a real SMTP server in the test process (emersion/go-smtp), so tests
// deliver mail over the network exactly as production does, then read what arrived: the
// headers, the decoded text and HTML parts, and the links in them.
package mailtest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Message is one mail the server accepted.
type Message struct {
	From    string
	To      []string
	Header  mail.Header
	Subject string
	// Text and HTML are the decoded plain-text and HTML parts ("" when absent).
	Text, HTML string
	Raw        []byte
	// Auth is the user name the client authenticated as ("" without SMTP AUTH).
	Auth string
	// TLS reports whether the message travelled over an encrypted connection.
	TLS bool
}

var linkRE = regexp.MustCompile(`https?://[^\s<>"]+`)

// Links returns the URLs in the plain-text part, in order.
func (m Message) Links() []string { return linkRE.FindAllString(m.Text, -1) }

// Link returns the first URL in the plain-text part that contains substr, or "".
func (m Message) Link(substr string) string {
	for _, l := range m.Links() {
		if strings.Contains(l, substr) {
			return l
		}
	}
	return ""
}

// Server is a running SMTP server.
type Server struct {
	srv       *smtp.Server
	ln        net.Listener
	scheme    string
	query     string
	user      string
	password  string
	clientTLS *tls.Config

	mu       sync.Mutex
	messages []Message
	arrived  chan struct{}
}

type config struct {
	addr               string
	implicitTLS, start bool
	user, password     string
}

// Option changes how the server runs.
type Option func(*config)

// At listens on addr (e.g. one taken from FreeAddr earlier) instead of a free port.
func At(addr string) Option { return func(c *config) { c.addr = addr } }

// ImplicitTLS serves TLS from the first byte (smtps://).
func ImplicitTLS() Option { return func(c *config) { c.implicitTLS = true } }

// StartTLS offers STARTTLS and URL asks for it (smtp://...?starttls=required).
func StartTLS() Option { return func(c *config) { c.start = true } }

// Auth requires SMTP AUTH PLAIN with this user and password.
func Auth(user, password string) Option {
	return func(c *config) { c.user, c.password = user, password }
}

// FreeAddr reserves nothing but returns an address that was free a moment ago: tests of
// a server that is down start one At it later.
func FreeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

// NewServer starts a server and stops it when the test ends.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	cfg := config{addr: "127.0.0.1:0"}
	for _, o := range opts {
		o(&cfg)
	}
	s := &Server{scheme: "smtp", user: cfg.user, password: cfg.password, arrived: make(chan struct{}, 1000)}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{s: s, conn: c}, nil
	}))
	s.srv.Domain = "localhost"
	s.srv.ReadTimeout = 10 * time.Second
	s.srv.WriteTimeout = 10 * time.Second
	s.srv.MaxMessageBytes = 10 << 20
	s.srv.MaxRecipients = 50
	if cfg.implicitTLS || cfg.start {
		serverTLS, clientTLS := selfSigned(t)
		s.srv.TLSConfig = serverTLS
		s.clientTLS = clientTLS
	}
	var (
		ln  net.Listener
		err error
	)
	// The address may have just been released by a previous server in the same test.
	for i := 0; i < 50; i++ {
		if ln, err = net.Listen("tcp", cfg.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case cfg.implicitTLS:
		s.scheme = "smtps"
		ln = tls.NewListener(ln, s.srv.TLSConfig)
	case cfg.start:
		s.query = "?starttls=required"
	default:
		s.srv.AllowInsecureAuth = true
	}
	s.ln = ln
	go func() { _ = s.srv.Serve(ln) }()
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// Addr is the host:port the server listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// URL is the SMTP_URL that reaches this server, with credentials when Auth was given.
func (s *Server) URL() string {
	u := url.URL{Scheme: s.scheme, Host: s.Addr(), RawQuery: strings.TrimPrefix(s.query, "?")}
	if s.user != "" {
		u.User = url.UserPassword(s.user, s.password)
	}
	return u.String()
}

// ClientTLS is a TLS configuration that trusts the server's certificate.
func (s *Server) ClientTLS() *tls.Config {
	if s.clientTLS == nil {
		return nil
	}
	return s.clientTLS.Clone()
}

// Close stops the server.
func (s *Server) Close() error { return s.srv.Close() }

// Messages returns what arrived so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// WaitFor waits until a message to the given address has arrived (any letter case) and
// returns the newest such message.
func (s *Server) WaitFor(t testing.TB, to string, timeout time.Duration) Message {
	t.Helper()
	deadline := time.After(timeout)
	for {
		msgs := s.Messages()
		for i := len(msgs) - 1; i >= 0; i-- {
			for _, r := range msgs[i].To {
				if strings.EqualFold(r, to) {
					return msgs[i]
				}
			}
		}
		select {
		case <-s.arrived:
		case <-deadline:
			t.Fatalf("no mail to %s within %s (got %d other messages)", to, timeout, len(msgs))
		}
	}
}

// WaitCount waits until n messages in total have arrived.
func (s *Server) WaitCount(t testing.TB, n int, timeout time.Duration) []Message {
	t.Helper()
	deadline := time.After(timeout)
	for {
		if msgs := s.Messages(); len(msgs) >= n {
			return msgs
		}
		select {
		case <-s.arrived:
		case <-deadline:
			t.Fatalf("%d mails within %s, want %d", len(s.Messages()), timeout, n)
		}
	}
}

type session struct {
	s    *Server
	conn *smtp.Conn
	auth string
	from string
	to   []string
}

func (ss *session) AuthMechanisms() []string {
	if ss.s.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, password string) error {
		if user != ss.s.user || password != ss.s.password {
			return errors.New("invalid credentials")
		}
		ss.auth = user
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.user != "" && ss.auth == "" {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m := Message{From: ss.from, To: append([]string(nil), ss.to...), Raw: raw, Auth: ss.auth}
	_, m.TLS = ss.conn.TLSConnectionState()
	if err := parse(&m); err != nil {
		return err
	}
	ss.s.mu.Lock()
	ss.s.messages = append(ss.s.messages, m)
	ss.s.mu.Unlock()
	select {
	case ss.s.arrived <- struct{}{}:
	default:
	}
	return nil
}

func (ss *session) Reset()        { ss.from, ss.to = "", nil }
func (ss *session) Logout() error { return nil }

// parse decodes the headers and the text and HTML parts.
func parse(m *Message) error {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Raw))
	if err != nil {
		return err
	}
	m.Header = msg.Header
	dec := new(mime.WordDecoder)
	if m.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return err
	}
	return walk(m, msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
}

func walk(m *Message, contentType, encoding string, body io.Reader) error {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		mediaType = "text/plain"
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			if err := walk(m, p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p); err != nil {
				return err
			}
		}
	}
	switch strings.ToLower(encoding) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = newBase64Reader(body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	switch mediaType {
	case "text/plain":
		m.Text = strings.ReplaceAll(string(b), "\r\n", "\n")
	case "text/html":
		m.HTML = string(b)
	}
	return nil
}

// selfSigned makes a certificate for 127.0.0.1 and localhost, and a client configuration
// that trusts it.
func selfSigned(t testing.TB) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "mailtest"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:              []string{"localhost"},
		IsCA:                  true,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}}, MinVersion: tls.VersionTLS12}
	client = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
	return server, client
}
