// Package config reads the server's configuration from the environment once, at start,
// and validates it, so that a wrong value stops the process with a message that names
// the variable instead of failing later in some request.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is everything the process needs to know about its surroundings.
// It is built by FromEnv and passed down explicitly; nothing reads the environment later.
type Config struct {
	// DatabaseURL points at an external PostgreSQL. Empty means: run a private cluster
	// from the machine's PostgreSQL binaries under DataDir.
	DatabaseURL string
	// Addr is the listen address of the HTTP server.
	Addr string
	// BaseURL is the public address of the help center, used in e-mails, feeds and
	// canonical links. An https base URL also marks cookies Secure.
	BaseURL *url.URL
	// DataDir holds the private PostgreSQL cluster and other local state.
	DataDir string
	// LogLevel and LogFormat ("text" or "json") shape the process log.
	LogLevel  slog.Level
	LogFormat string
	// Demo loads the built-in demo content into an empty database at start.
	Demo bool
	// ShutdownTimeout bounds how long in-flight requests may take to drain on stop.
	ShutdownTimeout time.Duration
	// CORSOrigins lists the browser origins allowed to make credentialed API calls.
	CORSOrigins []string
	// SMTPURL and SMTPFrom configure mail delivery; without SMTPURL mail goes to the outbox.
	SMTPURL  string
	SMTPFrom string
	// EmailTokenTTL is how long a password or verification link stays valid.
	EmailTokenTTL time.Duration
	// APIRateLimit is the number of API requests a token or IP may make per minute.
	APIRateLimit int
	// Google, Microsoft and Facebook configure social sign-in; a provider is enabled when
	// its client id and secret are set.
	Google    OAuthClient
	Microsoft OAuthClient
	Facebook  OAuthClient
}

// OAuthClient is the registration of the help center with one sign-in provider.
type OAuthClient struct {
	ClientID, ClientSecret string
	// Issuer is the OpenID Connect issuer (Google, Microsoft); for Facebook, the login
	// dialog URL.
	Issuer string
	// Tenant is Microsoft's tenant: common, organizations, consumers or a tenant id.
	Tenant string
	// GraphURL is Facebook's Graph API base.
	GraphURL string
}

// Enabled reports whether the provider is configured.
func (o OAuthClient) Enabled() bool { return o.ClientID != "" && o.ClientSecret != "" }

// Var documents one environment variable: the README's configuration table is kept
// in step with this list by a test.
type Var struct {
	Name    string
	Default string
	Help    string
}

// Vars lists every variable FromEnv reads, with its default.
var Vars = []Var{
	{"DATABASE_URL", "", "PostgreSQL connection URL; when empty a private cluster runs under HELPCENTER_DATA_DIR/postgres"},
	{"HELPCENTER_ADDR", ":8080", "HTTP listen address"},
	{"HELPCENTER_BASE_URL", "http://localhost:8080", "public address used in links, e-mails and feeds; https makes cookies Secure"},
	{"HELPCENTER_DATA_DIR", "./var", "local state: the private PostgreSQL cluster"},
	{"HELPCENTER_LOG_LEVEL", "info", "debug, info, warn or error"},
	{"HELPCENTER_LOG_FORMAT", "text", "text or json"},
	{"HELPCENTER_DEMO", "false", "load the built-in demo content into an empty database at start"},
	{"HELPCENTER_SHUTDOWN_TIMEOUT", "10s", "how long in-flight requests may drain on stop"},
	{"HELPCENTER_CORS_ORIGINS", "", "comma-separated origins allowed to call the API with credentials"},
	{"SMTP_URL", "", "smtp://host:port, smtp://user:pass@host:587?starttls=required or smtps://host:465; empty keeps mail in the outbox"},
	{"SMTP_FROM", "Helpcenter <helpcenter@localhost>", "sender address of outgoing mail"},
	{"HELPCENTER_EMAIL_TOKEN_TTL", "24h", "validity of password and verification links"},
	{"HELPCENTER_API_RATE_LIMIT", "600", "API requests per minute per token or IP"},
	{"HELPCENTER_GOOGLE_CLIENT_ID", "", "OAuth client id for \"Sign in with Google\"; with the secret it enables the button"},
	{"HELPCENTER_GOOGLE_CLIENT_SECRET", "", "OAuth client secret for Google"},
	{"HELPCENTER_GOOGLE_ISSUER", "https://accounts.google.com", "OpenID Connect issuer for Google (tests point it at a fake provider)"},
	{"HELPCENTER_MICROSOFT_CLIENT_ID", "", "application (client) id for \"Sign in with Microsoft\"; with the secret it enables the button"},
	{"HELPCENTER_MICROSOFT_CLIENT_SECRET", "", "client secret for Microsoft"},
	{"HELPCENTER_MICROSOFT_TENANT", "common", "common, organizations, consumers or a tenant id"},
	{"HELPCENTER_MICROSOFT_ISSUER", "", "OpenID Connect issuer for Microsoft; empty means https://login.microsoftonline.com/TENANT/v2.0"},
	{"HELPCENTER_FACEBOOK_CLIENT_ID", "", "app id for \"Sign in with Facebook\"; with the secret it enables the button"},
	{"HELPCENTER_FACEBOOK_CLIENT_SECRET", "", "app secret for Facebook"},
	{"HELPCENTER_FACEBOOK_DIALOG_URL", "https://www.facebook.com/v21.0/dialog/oauth", "Facebook login dialog"},
	{"HELPCENTER_FACEBOOK_GRAPH_URL", "https://graph.facebook.com/v21.0", "Facebook Graph API base (token endpoint and /me)"},
}

// FromEnv builds a Config from getenv (os.Getenv in production, a map in tests).
// All problems are reported together, each naming its variable.
func FromEnv(getenv func(string) string) (Config, error) {
	get := func(name string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		for _, v := range Vars {
			if v.Name == name {
				return v.Default
			}
		}
		return ""
	}
	var errs []error
	bad := func(name, value, why string) {
		errs = append(errs, fmt.Errorf("%s=%q: %s", name, value, why))
	}

	cfg := Config{
		DatabaseURL: get("DATABASE_URL"),
		Addr:        get("HELPCENTER_ADDR"),
		LogFormat:   get("HELPCENTER_LOG_FORMAT"),
		SMTPURL:     get("SMTP_URL"),
		SMTPFrom:    get("SMTP_FROM"),
	}

	if cfg.DatabaseURL != "" {
		u, err := url.Parse(cfg.DatabaseURL)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			bad("DATABASE_URL", redact(cfg.DatabaseURL), "must be a postgres:// URL")
		}
	}
	if _, port, err := net.SplitHostPort(cfg.Addr); err != nil {
		bad("HELPCENTER_ADDR", cfg.Addr, "must be host:port, e.g. :8080")
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		bad("HELPCENTER_ADDR", cfg.Addr, "port must be a number from 0 to 65535")
	}

	base := get("HELPCENTER_BASE_URL")
	if u, err := url.Parse(base); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("HELPCENTER_BASE_URL", base, "must be an absolute http:// or https:// URL")
	} else {
		u.Path = strings.TrimRight(u.Path, "/")
		cfg.BaseURL = u
	}

	dir, err := filepath.Abs(get("HELPCENTER_DATA_DIR"))
	if err != nil {
		bad("HELPCENTER_DATA_DIR", get("HELPCENTER_DATA_DIR"), err.Error())
	}
	cfg.DataDir = dir

	if err := cfg.LogLevel.UnmarshalText([]byte(get("HELPCENTER_LOG_LEVEL"))); err != nil {
		bad("HELPCENTER_LOG_LEVEL", get("HELPCENTER_LOG_LEVEL"), "must be debug, info, warn or error")
	}
	if cfg.LogFormat != "text" && cfg.LogFormat != "json" {
		bad("HELPCENTER_LOG_FORMAT", cfg.LogFormat, "must be text or json")
	}
	if cfg.Demo, err = strconv.ParseBool(get("HELPCENTER_DEMO")); err != nil {
		bad("HELPCENTER_DEMO", get("HELPCENTER_DEMO"), "must be true or false")
	}
	if cfg.ShutdownTimeout, err = time.ParseDuration(get("HELPCENTER_SHUTDOWN_TIMEOUT")); err != nil || cfg.ShutdownTimeout <= 0 {
		bad("HELPCENTER_SHUTDOWN_TIMEOUT", get("HELPCENTER_SHUTDOWN_TIMEOUT"), "must be a positive duration such as 10s")
	}
	if cfg.EmailTokenTTL, err = time.ParseDuration(get("HELPCENTER_EMAIL_TOKEN_TTL")); err != nil || cfg.EmailTokenTTL <= 0 {
		bad("HELPCENTER_EMAIL_TOKEN_TTL", get("HELPCENTER_EMAIL_TOKEN_TTL"), "must be a positive duration such as 24h")
	}
	if cfg.APIRateLimit, err = strconv.Atoi(get("HELPCENTER_API_RATE_LIMIT")); err != nil || cfg.APIRateLimit <= 0 {
		bad("HELPCENTER_API_RATE_LIMIT", get("HELPCENTER_API_RATE_LIMIT"), "must be a positive whole number")
	}
	for _, o := range strings.Split(get("HELPCENTER_CORS_ORIGINS"), ",") {
		o = strings.TrimSpace(o)
		if o == "" {
			continue
		}
		if u, err := url.Parse(o); err != nil || u.Host == "" || (u.Path != "" && u.Path != "/") {
			bad("HELPCENTER_CORS_ORIGINS", o, "each origin must look like https://example.com")
			continue
		}
		cfg.CORSOrigins = append(cfg.CORSOrigins, strings.TrimRight(o, "/"))
	}
	if cfg.SMTPURL != "" {
		u, err := url.Parse(cfg.SMTPURL)
		if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
			bad("SMTP_URL", redact(cfg.SMTPURL), "must be smtp://host:port or smtps://host:port")
		}
	}

	oauth := func(prefix string, issuerVar, graphVar string) OAuthClient {
		o := OAuthClient{ClientID: get(prefix + "_CLIENT_ID"), ClientSecret: get(prefix + "_CLIENT_SECRET")}
		if (o.ClientID == "") != (o.ClientSecret == "") {
			bad(prefix+"_CLIENT_SECRET", "", prefix+"_CLIENT_ID and "+prefix+"_CLIENT_SECRET must be set together")
		}
		for _, name := range []string{issuerVar, graphVar} {
			if name == "" || get(name) == "" {
				continue
			}
			if u, err := url.Parse(get(name)); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				bad(name, get(name), "must be an absolute https:// URL")
			}
		}
		if issuerVar != "" {
			o.Issuer = get(issuerVar)
		}
		if graphVar != "" {
			o.GraphURL = get(graphVar)
		}
		return o
	}
	cfg.Google = oauth("HELPCENTER_GOOGLE", "HELPCENTER_GOOGLE_ISSUER", "")
	cfg.Microsoft = oauth("HELPCENTER_MICROSOFT", "HELPCENTER_MICROSOFT_ISSUER", "")
	cfg.Microsoft.Tenant = get("HELPCENTER_MICROSOFT_TENANT")
	if t := cfg.Microsoft.Tenant; strings.ContainsAny(t, "/?#. ") {
		bad("HELPCENTER_MICROSOFT_TENANT", t, "must be common, organizations, consumers or a tenant id")
	}
	cfg.Facebook = oauth("HELPCENTER_FACEBOOK", "HELPCENTER_FACEBOOK_DIALOG_URL", "HELPCENTER_FACEBOOK_GRAPH_URL")

	if len(errs) > 0 {
		return Config{}, fmt.Errorf("configuration: %w", errors.Join(errs...))
	}
	return cfg, nil
}

// Secure reports whether cookies must carry the Secure flag.
func (c Config) Secure() bool { return c.BaseURL != nil && c.BaseURL.Scheme == "https" }

// redact hides a password in a URL so that it never reaches a log or an error message.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
