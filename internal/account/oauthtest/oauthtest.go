// Package oauthtest is a fake social sign-in provider served over real HTTP in the test
// process: an OpenID Connect provider (discovery, authorize redirect, token endpoint with
// PKCE, userinfo, JWKS, ID tokens signed with a fresh RSA key) or, in Facebook mode, the
// Facebook Login dialog, token endpoint and Graph API /me. Tests choose who signs in
// next and can tamper with what the provider returns.
package oauthtest

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// User is the person the provider signs in next.
type User struct {
	Subject       string
	Email         string
	EmailVerified bool
	Name          string
	// TenantID is Microsoft's tid claim (multi-tenant mode).
	TenantID string
}

// Mode selects what the fake speaks.
type Mode int

const (
	// OIDC is a standard OpenID Connect provider (Google-like).
	OIDC Mode = iota
	// MultiTenant is an OIDC provider whose discovery names a templated issuer
	// ({tenantid}) and whose tokens carry their tenant's issuer, like Microsoft's common
	// endpoint.
	MultiTenant
	// Facebook is Facebook Login plus the Graph API.
	Facebook
)

// Provider is a running fake provider.
type Provider struct {
	srv  *httptest.Server
	mode Mode
	// URL is the base URL (the issuer in OIDC mode).
	URL                    string
	ClientID, ClientSecret string

	key *rsa.PrivateKey

	mu     sync.Mutex
	next   User
	codes  map[string]grant
	tokens map[string]User
	// nonceOverride and issuerOverride, when set, replace the nonce and the issuer in
	// ID tokens.
	nonceOverride, issuerOverride string
	// lastAuthorize is the query of the latest authorize request.
	lastAuthorize url.Values
}

type grant struct {
	user          User
	clientID      string
	redirectURI   string
	nonce         string
	challenge     string
	challengeMeth string
	expires       time.Time
}

// New starts a fake provider and stops it when the test ends.
func New(t testing.TB, mode Mode) *Provider {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &Provider{mode: mode, ClientID: "test-client", ClientSecret: "test-secret", key: key,
		codes: map[string]grant{}, tokens: map[string]User{},
		next: User{Subject: "subject-1", Email: "someone@example.com", EmailVerified: true, Name: "Someone"}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("GET /dialog/oauth", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	mux.HandleFunc("POST /oauth/access_token", p.token)
	mux.HandleFunc("GET /userinfo", p.userinfo)
	mux.HandleFunc("GET /jwks", p.jwks)
	mux.HandleFunc("GET /me", p.me)
	p.srv = httptest.NewServer(mux)
	p.URL = p.srv.URL
	t.Cleanup(p.srv.Close)
	return p
}

// SignInNext sets who signs in at the next authorize request.
func (p *Provider) SignInNext(u User) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.next = u
}

// TamperNonce makes the provider put this nonce into ID tokens instead of the requested one.
func (p *Provider) TamperNonce(nonce string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.nonceOverride = nonce
}

// TamperIssuer makes the provider put this issuer into ID tokens.
func (p *Provider) TamperIssuer(iss string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.issuerOverride = iss
}

// LastAuthorize returns the query of the latest authorize request.
func (p *Provider) LastAuthorize() url.Values {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lastAuthorize
}

// DialogURL and GraphURL are the Facebook-mode endpoints.
func (p *Provider) DialogURL() string { return p.URL + "/dialog/oauth" }

// GraphURL is the Graph API base in Facebook mode.
func (p *Provider) GraphURL() string { return p.URL }

func (p *Provider) issuerFor(u User) string {
	if p.mode == MultiTenant {
		return p.URL + "/" + u.TenantID + "/v2.0"
	}
	return p.URL
}

func (p *Provider) discovery(w http.ResponseWriter, _ *http.Request) {
	issuer := p.URL
	if p.mode == MultiTenant {
		issuer = p.URL + "/{tenantid}/v2.0"
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                issuer,
		"authorization_endpoint":                p.URL + "/authorize",
		"token_endpoint":                        p.URL + "/token",
		"userinfo_endpoint":                     p.URL + "/userinfo",
		"jwks_uri":                              p.URL + "/jwks",
		"response_types_supported":              []string{"code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"code_challenge_methods_supported":      []string{"S256"},
	})
}

// authorize signs the next user in at once and redirects back with a code.
func (p *Provider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p.mu.Lock()
	p.lastAuthorize = q
	u := p.next
	p.mu.Unlock()
	if q.Get("client_id") != p.ClientID || q.Get("response_type") != "code" || q.Get("redirect_uri") == "" {
		http.Error(w, "bad authorize request", http.StatusBadRequest)
		return
	}
	code := random()
	p.mu.Lock()
	p.codes[code] = grant{user: u, clientID: q.Get("client_id"), redirectURI: q.Get("redirect_uri"), nonce: q.Get("nonce"),
		challenge: q.Get("code_challenge"), challengeMeth: q.Get("code_challenge_method"), expires: time.Now().Add(time.Minute)}
	p.mu.Unlock()
	back, _ := url.Parse(q.Get("redirect_uri"))
	bq := back.Query()
	bq.Set("code", code)
	bq.Set("state", q.Get("state"))
	back.RawQuery = bq.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

// token checks the code, the client, the redirect URI and the PKCE verifier.
func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request"})
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	code := r.PostForm.Get("code")
	p.mu.Lock()
	g, found := p.codes[code]
	delete(p.codes, code) // a code works once
	p.mu.Unlock()
	switch {
	case id != p.ClientID || secret != p.ClientSecret:
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
		return
	case !found || time.Now().After(g.expires) || g.redirectURI != r.PostForm.Get("redirect_uri"):
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"})
		return
	case g.challenge == "" || g.challengeMeth != "S256" || s256(r.PostForm.Get("code_verifier")) != g.challenge:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant", "error_description": "PKCE verification failed"})
		return
	}
	access := random()
	p.mu.Lock()
	p.tokens[access] = g.user
	nonce, issuer := g.nonce, p.issuerFor(g.user)
	if p.nonceOverride != "" {
		nonce = p.nonceOverride
	}
	if p.issuerOverride != "" {
		issuer = p.issuerOverride
	}
	p.mu.Unlock()
	resp := map[string]any{"access_token": access, "token_type": "Bearer", "expires_in": 3600}
	if p.mode != Facebook {
		claims := map[string]any{
			"iss": issuer, "sub": g.user.Subject, "aud": g.clientID,
			"iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix(), "nonce": nonce,
			"email": g.user.Email, "email_verified": g.user.EmailVerified, "name": g.user.Name,
		}
		if g.user.TenantID != "" {
			claims["tid"] = g.user.TenantID
		}
		idt, err := p.sign(claims)
		if err != nil {
			writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
			return
		}
		resp["id_token"] = idt
	}
	writeJSON(w, http.StatusOK, resp)
}

func (p *Provider) bearer(r *http.Request) (User, bool) {
	tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if tok == "" {
		tok = r.URL.Query().Get("access_token")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	u, ok := p.tokens[tok]
	return u, ok
}

func (p *Provider) userinfo(w http.ResponseWriter, r *http.Request) {
	u, ok := p.bearer(r)
	if !ok {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_token"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"sub": u.Subject, "email": u.Email, "email_verified": u.EmailVerified, "name": u.Name})
}

func (p *Provider) jwks(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &p.key.PublicKey, KeyID: "test-key", Algorithm: "RS256", Use: "sig"}}})
}

// me is the Graph API profile; it insists on a valid appsecret_proof like Facebook can.
func (p *Provider) me(w http.ResponseWriter, r *http.Request) {
	u, ok := p.bearer(r)
	if !ok {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": map[string]string{"message": "Invalid OAuth access token."}})
		return
	}
	tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	mac := hmac.New(sha256.New, []byte(p.ClientSecret))
	mac.Write([]byte(tok))
	if r.URL.Query().Get("appsecret_proof") != hex.EncodeToString(mac.Sum(nil)) {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": map[string]string{"message": "Invalid appsecret_proof"}})
		return
	}
	out := map[string]any{"id": u.Subject, "name": u.Name}
	if u.Email != "" && strings.Contains(r.URL.Query().Get("fields"), "email") {
		out["email"] = u.Email
	}
	writeJSON(w, http.StatusOK, out)
}

func (p *Provider) sign(claims map[string]any) (string, error) {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: p.key, KeyID: "test-key"}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	obj, err := signer.Sign(payload)
	if err != nil {
		return "", err
	}
	return obj.CompactSerialize()
}

func s256(verifier string) string {
	h := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(h[:])
}

func random() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
