package config_test

import (
	"os"
	"strings"
	"testing"

	"github.com/helpcenter/helpcenter/internal/config"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	cfg, err := config.FromEnv(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != ":8080" || cfg.BaseURL.String() != "http://localhost:8080" || !strings.HasSuffix(cfg.DataDir, "/var") ||
		cfg.LogFormat != "text" || cfg.Demo || cfg.Secure() || cfg.DatabaseURL != "" {
		t.Fatalf("unexpected defaults: %+v", cfg)
	}
}

func TestBadValuesNameTheVariable(t *testing.T) {
	tests := map[string]string{
		"HELPCENTER_ADDR":             "8080",
		"HELPCENTER_BASE_URL":         "localhost:8080",
		"HELPCENTER_LOG_LEVEL":        "chatty",
		"HELPCENTER_LOG_FORMAT":       "xml",
		"HELPCENTER_DEMO":             "perhaps",
		"HELPCENTER_SHUTDOWN_TIMEOUT": "10",
		"DATABASE_URL":                "mysql://x",
		"SMTP_URL":                    "http://mail",
		"HELPCENTER_EMAIL_TOKEN_TTL":  "-1h",
		"HELPCENTER_API_RATE_LIMIT":   "lots",
		"HELPCENTER_CORS_ORIGINS":     "not a url",
	}
	for name, value := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := config.FromEnv(env(map[string]string{name: value}))
			if err == nil || !strings.Contains(err.Error(), name) {
				t.Fatalf("%s=%q: err = %v, want an error naming the variable", name, value, err)
			}
		})
	}
}

func TestPasswordsNeverInErrors(t *testing.T) {
	_, err := config.FromEnv(env(map[string]string{"DATABASE_URL": "mysql://u:secret@host/db"}))
	if err == nil || strings.Contains(err.Error(), "secret") {
		t.Fatalf("err = %v", err)
	}
}

func TestHTTPSBaseURLMakesCookiesSecure(t *testing.T) {
	cfg, err := config.FromEnv(env(map[string]string{"HELPCENTER_BASE_URL": "https://pomoc.example.com/"}))
	if err != nil || !cfg.Secure() || cfg.BaseURL.String() != "https://pomoc.example.com" {
		t.Fatalf("cfg=%v secure=%v err=%v", cfg.BaseURL, cfg.Secure(), err)
	}
}

// Every variable the program reads is documented in the README's configuration table.
func TestREADMEDocumentsEveryVariable(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range config.Vars {
		if !strings.Contains(string(b), "`"+v.Name+"`") {
			t.Errorf("README.md does not document %s", v.Name)
		}
	}
}
