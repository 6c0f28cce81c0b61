package account

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// OIDCConfig configures an OpenID Connect provider.
type OIDCConfig struct {
	ClientID, ClientSecret string
	// Issuer is the provider's issuer URL; discovery reads Issuer/.well-known/openid-configuration.
	Issuer string
	// HTTPClient overrides the client used to talk to the provider.
	HTTPClient *http.Client
}

// oidcProvider signs in with OpenID Connect: authorization code flow with PKCE (S256),
// a nonce in the ID token, and the ID token's signature, issuer, audience and expiry
// checked by go-oidc against the provider's published keys.
type oidcProvider struct {
	name, label string
	cfg         OIDCConfig
	// multiTenant accepts any issuer of the form https://login.microsoftonline.com/{tid}/v2.0
	// whose tid is the token's own (Microsoft's common, organizations and consumers endpoints).
	multiTenant bool
	// verified decides whether the claims vouch for the e-mail address.
	verified func(c idClaims) bool

	mu       sync.Mutex
	provider *oidc.Provider
	verifier *oidc.IDTokenVerifier
	// issuerTemplate is the discovered issuer of a multi-tenant endpoint.
	issuerTemplate string
}

// idClaims are the ID token claims we read.
type idClaims struct {
	Subject       string `json:"sub"`
	Issuer        string `json:"iss"`
	Email         string `json:"email"`
	EmailVerified *bool  `json:"email_verified"`
	Name          string `json:"name"`
	Nonce         string `json:"nonce"`
	TenantID      string `json:"tid"`
	// DomainOwnerVerified is Microsoft's optional xms_edov claim: the address's domain is
	// verified by the tenant that issued the account.
	DomainOwnerVerified *bool `json:"xms_edov"`
}

func isTrue(b *bool) bool { return b != nil && *b }

// NewGoogle returns the Google provider. Google's ID token carries email_verified, and
// only a verified address is trusted.
func NewGoogle(cfg OIDCConfig) Provider {
	if cfg.Issuer == "" {
		cfg.Issuer = "https://accounts.google.com"
	}
	return &oidcProvider{name: "google", label: "Google", cfg: cfg,
		verified: func(c idClaims) bool { return isTrue(c.EmailVerified) }}
}

// microsoftConsumerTenant is the tenant of personal Microsoft accounts, whose addresses
// Microsoft has verified.
const microsoftConsumerTenant = "9188040d-6c67-4c5b-b112-36a304b66dad"

// NewMicrosoft returns the Microsoft (Entra ID and personal accounts) provider for a
// tenant: "common" (default), "organizations", "consumers" or a tenant id. Work-account
// addresses in Entra ID can be set by a tenant's admin to anything, so an address counts
// as verified only with email_verified, with the xms_edov claim (configure it as an
// optional claim in the app registration), or for personal accounts.
func NewMicrosoft(cfg OIDCConfig, tenant string) Provider {
	if tenant == "" {
		tenant = "common"
	}
	multi := tenant == "common" || tenant == "organizations" || tenant == "consumers"
	if cfg.Issuer == "" {
		cfg.Issuer = "https://login.microsoftonline.com/" + tenant + "/v2.0"
	}
	return &oidcProvider{name: "microsoft", label: "Microsoft", cfg: cfg, multiTenant: multi,
		verified: func(c idClaims) bool {
			return isTrue(c.EmailVerified) || isTrue(c.DomainOwnerVerified) || c.TenantID == microsoftConsumerTenant
		}}
}

func (p *oidcProvider) Name() string  { return p.name }
func (p *oidcProvider) Label() string { return p.label }

func (p *oidcProvider) client() *http.Client {
	if p.cfg.HTTPClient != nil {
		return p.cfg.HTTPClient
	}
	return httpClient
}

// discover reads the provider's configuration once, on first use, so the help center
// starts even while a provider is unreachable; a failure is retried on the next sign-in.
func (p *oidcProvider) discover() (*oidc.Provider, *oidc.IDTokenVerifier, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.provider != nil {
		return p.provider, p.verifier, nil
	}
	// go-oidc keeps this context for fetching signing keys later: it must outlive the
	// request that triggered discovery.
	ctx := oidc.ClientContext(context.Background(), p.client())
	if p.multiTenant {
		// The discovery document of a multi-tenant endpoint names a templated issuer
		// (https://login.microsoftonline.com/{tenantid}/v2.0); each token's issuer is
		// checked against its own tenant in Exchange instead.
		var meta struct {
			Issuer string `json:"issuer"`
		}
		pr, derr := oidc.NewProvider(oidc.InsecureIssuerURLContext(ctx, p.cfg.Issuer), p.cfg.Issuer)
		if derr != nil {
			return nil, nil, derr
		}
		if err := pr.Claims(&meta); err != nil {
			return nil, nil, err
		}
		p.provider = pr
		p.verifier = pr.Verifier(&oidc.Config{ClientID: p.cfg.ClientID, SkipIssuerCheck: true})
		p.issuerTemplate = meta.Issuer
		return p.provider, p.verifier, nil
	}
	prov, err := oidc.NewProvider(ctx, p.cfg.Issuer)
	if err != nil {
		return nil, nil, err
	}
	p.provider = prov
	p.verifier = prov.Verifier(&oidc.Config{ClientID: p.cfg.ClientID})
	return p.provider, p.verifier, nil
}

func (p *oidcProvider) oauth(prov *oidc.Provider, redirectURL string) *oauth2.Config {
	return &oauth2.Config{
		ClientID: p.cfg.ClientID, ClientSecret: p.cfg.ClientSecret, RedirectURL: redirectURL,
		Endpoint: prov.Endpoint(), Scopes: []string{oidc.ScopeOpenID, "email", "profile"},
	}
}

func (p *oidcProvider) AuthURL(_ context.Context, redirectURL, state, nonce, verifier string) (string, error) {
	prov, _, err := p.discover()
	if err != nil {
		return "", err
	}
	return p.oauth(prov, redirectURL).AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), nil
}

func (p *oidcProvider) Exchange(ctx context.Context, redirectURL, code, verifier, nonce string) (Profile, error) {
	prov, v, err := p.discover()
	if err != nil {
		return Profile{}, err
	}
	ctx = oidc.ClientContext(ctx, p.client())
	tok, err := p.oauth(prov, redirectURL).Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		return Profile{}, fmt.Errorf("%s: exchange code: %w", p.name, err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		return Profile{}, fmt.Errorf("%s: no id_token in the token response", p.name)
	}
	idt, err := v.Verify(ctx, raw)
	if err != nil {
		return Profile{}, fmt.Errorf("%s: verify ID token: %w", p.name, err)
	}
	var c idClaims
	if err := idt.Claims(&c); err != nil {
		return Profile{}, err
	}
	if c.Nonce == "" || c.Nonce != nonce {
		return Profile{}, fmt.Errorf("%s: ID token nonce does not match", p.name)
	}
	if p.multiTenant {
		if c.TenantID == "" || strings.Contains(c.TenantID, "/") || p.issuerTemplate == "" ||
			c.Issuer != strings.Replace(p.issuerTemplate, "{tenantid}", c.TenantID, 1) {
			return Profile{}, fmt.Errorf("%s: issuer %q does not match tenant %q", p.name, c.Issuer, c.TenantID)
		}
	}
	// Google may leave the address out of the ID token; the userinfo endpoint has it.
	if c.Email == "" && prov.UserInfoEndpoint() != "" {
		ui, err := prov.UserInfo(ctx, oauth2.StaticTokenSource(tok))
		if err != nil {
			return Profile{}, fmt.Errorf("%s: userinfo: %w", p.name, err)
		}
		var uc idClaims
		if err := ui.Claims(&uc); err != nil {
			return Profile{}, err
		}
		if uc.Subject != c.Subject {
			return Profile{}, errors.New(p.name + ": userinfo is about someone else")
		}
		c.Email, c.EmailVerified = uc.Email, uc.EmailVerified
		if c.Name == "" {
			c.Name = uc.Name
		}
	}
	return Profile{Subject: c.Subject, Email: c.Email, EmailVerified: c.Email != "" && p.verified(c), Name: c.Name}, nil
}
