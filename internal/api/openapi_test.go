package api

import (
	"encoding/json"
	"testing"
)

func TestOpenAPIFragmentsMerge(t *testing.T) {
	b, err := OpenAPIDocument()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" || doc.Paths["/api/v1/admin/audiences"]["put"] == nil {
		t.Fatalf("merged document lacks expected parts: %s", b[:200])
	}
}
