// Package apitest checks the JSON API against its OpenAPI document in end-to-end tests:
// every exchange a test makes can be validated (the response's status, headers and body
// against the operation the request matches), and a coverage check finds routes the
// document does not describe. Any feature's tests can use it:
//
//	v := apitest.NewValidator(t)
//	resp, body := v.Get(t, s, "/api/v1/articles?limit=5")       // request + validation
//	v.CheckResponse(t, req, resp, body)                         // for requests made elsewhere
package apitest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/helpcenter/helpcenter/internal/api"
	"github.com/helpcenter/helpcenter/internal/app/apptest"
)

// Validator holds the merged OpenAPI document and a router over it.
type Validator struct {
	Doc    *openapi3.T
	router routers.Router
}

var (
	loadOnce sync.Once
	loaded   *Validator
	loadErr  error
)

// NewValidator loads and validates the document the server serves at /api/openapi.json
// (once per test binary).
func NewValidator(t testing.TB) *Validator {
	t.Helper()
	loadOnce.Do(func() {
		var b []byte
		if b, loadErr = api.OpenAPIDocument(); loadErr != nil {
			return
		}
		loader := openapi3.NewLoader()
		var doc *openapi3.T
		if doc, loadErr = loader.LoadFromData(b); loadErr != nil {
			return
		}
		if loadErr = doc.Validate(loader.Context); loadErr != nil {
			return
		}
		var r routers.Router
		if r, loadErr = legacy.NewRouter(doc); loadErr != nil {
			return
		}
		loaded = &Validator{Doc: doc, router: r}
	})
	if loadErr != nil {
		t.Fatalf("OpenAPI document: %v", loadErr)
	}
	return loaded
}

// CheckResponse validates one exchange: the request must match an operation of the
// document, and the response's status, headers and body must be what that operation
// documents. body is the response body as read.
func (v *Validator) CheckResponse(t testing.TB, req *http.Request, resp *http.Response, body string) {
	t.Helper()
	route, params, err := v.router.FindRoute(routeRequest(req))
	if err != nil {
		t.Errorf("OpenAPI: %s %s matches no documented operation: %v", req.Method, req.URL.Path, err)
		return
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 resp.StatusCode,
		Header:                 resp.Header,
		Body:                   io.NopCloser(strings.NewReader(body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Errorf("OpenAPI: %s %s answered %d, which the document does not allow:\n%v\nbody: %.500s",
			req.Method, req.URL.RequestURI(), resp.StatusCode, err, body)
	}
}

// CheckRequest validates a request (parameters and body) against its operation, for
// tests that want to be sure their well-formed requests are documented as such.
// Authentication is not checked here.
func (v *Validator) CheckRequest(t testing.TB, req *http.Request, body []byte) {
	t.Helper()
	r := routeRequest(req)
	route, params, err := v.router.FindRoute(r)
	if err != nil {
		t.Errorf("OpenAPI: %s %s matches no documented operation: %v", req.Method, req.URL.Path, err)
		return
	}
	if body != nil {
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		t.Errorf("OpenAPI: request %s %s does not match the document:\n%v", req.Method, req.URL.RequestURI(), err)
	}
}

// routeRequest strips scheme and host, so the document's relative server "/" matches.
func routeRequest(req *http.Request) *http.Request {
	r := req.Clone(context.Background())
	r.URL.Scheme, r.URL.Host, r.Host = "", "", ""
	return r
}

// Do sends req with client and returns the response with its body, after validating
// the response and, unless the server refused it as invalid input (400), the request:
// a request the server accepts must be one the document allows, while tests of bad
// input send requests the document forbids on purpose.
func (v *Validator) Do(t testing.TB, client *http.Client, req *http.Request) (*http.Response, string) {
	t.Helper()
	var reqBody []byte
	if req.GetBody != nil {
		if rc, err := req.GetBody(); err == nil {
			reqBody, _ = io.ReadAll(rc)
		}
	}
	resp, body := apptest.Do(t, client, req)
	if resp.StatusCode != http.StatusBadRequest {
		v.CheckRequest(t, req, reqBody)
	}
	v.CheckResponse(t, req, resp, body)
	return resp, body
}

// Get fetches path from the server with header pairs ("Authorization", "Bearer ...")
// and validates the exchange. It does not follow redirects.
func (v *Validator) Get(t testing.TB, s *apptest.Server, path string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return v.Do(t, s.Client(), req)
}

// Undocumented lists the server's routes under prefix (e.g. "/api/v1/articles") that
// have no operation in the document, as "METHOD /path" with Fiber's :params turned into
// OpenAPI's {params}. HEAD and OPTIONS are ignored.
func (v *Validator) Undocumented(s *apptest.Server, prefix string) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range s.Fiber.GetRoutes(true) {
		if r.Method == http.MethodHead || r.Method == http.MethodOptions || !strings.HasPrefix(r.Path, prefix) {
			continue
		}
		path := fiberToOpenAPI(r.Path)
		key := r.Method + " " + path
		if seen[key] {
			continue
		}
		seen[key] = true
		if !v.documents(r.Method, r.Path) {
			out = append(out, key)
		}
	}
	return out
}

// documents reports whether a Fiber route pattern has an operation, comparing paths
// with every parameter name ignored.
func (v *Validator) documents(method, fiberPath string) bool {
	want := shape(fiberToOpenAPI(fiberPath))
	for path, item := range v.Doc.Paths.Map() {
		if shape(path) == want && item.GetOperation(method) != nil {
			return true
		}
	}
	return false
}

func fiberToOpenAPI(p string) string {
	parts := strings.Split(p, "/")
	for i, part := range parts {
		if strings.HasPrefix(part, ":") {
			name := strings.TrimSuffix(strings.TrimPrefix(part, ":"), "?")
			if j := strings.IndexByte(name, '<'); j >= 0 { // a constraint such as :id<int>
				name = name[:j]
			}
			parts[i] = "{" + name + "}"
		}
	}
	return strings.Join(parts, "/")
}

func shape(p string) string {
	parts := strings.Split(p, "/")
	for i, part := range parts {
		if strings.HasPrefix(part, "{") {
			parts[i] = "{}"
		}
	}
	return strings.Join(parts, "/")
}
