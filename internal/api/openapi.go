package api

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"sync"

	"github.com/gofiber/fiber/v2"
)

// The OpenAPI document is kept as one fragment per feature (openapi/*.json, each a partial
// OpenAPI 3.1 document with paths and components) and merged at start, so features can be
// documented beside their handlers without editing one shared file.
//
//go:embed openapi/*.json
var openapiFS embed.FS

var (
	openapiOnce sync.Once
	openapiDoc  []byte
	openapiErr  error
)

// OpenAPIDocument returns the merged document.
func OpenAPIDocument() ([]byte, error) {
	openapiOnce.Do(func() { openapiDoc, openapiErr = mergeOpenAPI(openapiFS) })
	return openapiDoc, openapiErr
}

func mergeOpenAPI(fsys fs.FS) ([]byte, error) {
	names, err := fs.Glob(fsys, "openapi/*.json")
	if err != nil {
		return nil, err
	}
	sort.Strings(names) // 00-base.json first
	doc := map[string]any{}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var part map[string]any
		if err := json.Unmarshal(b, &part); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if err := mergeInto(doc, part, name); err != nil {
			return nil, err
		}
	}
	return json.MarshalIndent(doc, "", "  ")
}

// mergeInto merges objects key by key; two fragments defining the same leaf is an error.
func mergeInto(dst, src map[string]any, name string) error {
	for k, v := range src {
		existing, ok := dst[k]
		if !ok {
			dst[k] = v
			continue
		}
		em, ok1 := existing.(map[string]any)
		vm, ok2 := v.(map[string]any)
		if !ok1 || !ok2 {
			if fmt.Sprint(existing) == fmt.Sprint(v) {
				continue
			}
			return fmt.Errorf("openapi: %s redefines %q", name, k)
		}
		if err := mergeInto(em, vm, name); err != nil {
			return err
		}
	}
	return nil
}

func serveOpenAPI(c *fiber.Ctx) error {
	b, err := OpenAPIDocument()
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.Send(b)
}
