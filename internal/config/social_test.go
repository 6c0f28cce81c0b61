package config_test

import (
	"strings"
	"testing"

	"github.com/helpcenter/helpcenter/internal/config"
)

func TestSocialSignInConfig(t *testing.T) {
	cfg, err := config.FromEnv(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Google.Enabled() || cfg.Microsoft.Enabled() || cfg.Facebook.Enabled() || cfg.Microsoft.Tenant != "common" ||
		cfg.Google.Issuer != "https://accounts.google.com" || cfg.Facebook.GraphURL != "https://graph.facebook.com/v21.0" {
		t.Fatalf("defaults: %+v %+v %+v", cfg.Google, cfg.Microsoft, cfg.Facebook)
	}
	cfg, err = config.FromEnv(env(map[string]string{"HELPCENTER_GOOGLE_CLIENT_ID": "id", "HELPCENTER_GOOGLE_CLIENT_SECRET": "secret"}))
	if err != nil || !cfg.Google.Enabled() {
		t.Fatalf("google enabled: %v %+v", err, cfg.Google)
	}
	for name, vars := range map[string]map[string]string{
		"HELPCENTER_FACEBOOK_CLIENT_SECRET": {"HELPCENTER_FACEBOOK_CLIENT_ID": "id"},
		"HELPCENTER_MICROSOFT_ISSUER":       {"HELPCENTER_MICROSOFT_ISSUER": "login.example"},
		"HELPCENTER_MICROSOFT_TENANT":       {"HELPCENTER_MICROSOFT_TENANT": "../x"},
	} {
		if _, err := config.FromEnv(env(vars)); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%v: err = %v, want one naming %s", vars, err, name)
		}
	}
}
