package ui

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"path"
	"strings"
)

//go:embed static
var staticFS embed.FS

// Asset is one embedded static file served under a content-hashed URL, so that it can be
// cached for a year and a new build still reaches every browser at once.
type Asset struct {
	Body        []byte
	ContentType string
}

var (
	assetURLs   = map[string]string{} // "app.css" -> "/static/app.3f2a9c1b.css"
	assetByPath = map[string]Asset{}  // "/static/app.3f2a9c1b.css" -> content
)

func init() {
	// Hashing the embedded files at start-up is cheap and keeps URLs right without a
	// build step; it is static data, not wiring.
	_ = fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		name := strings.TrimPrefix(p, "static/")
		ext := path.Ext(name)
		hashed := "/static/" + strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
		assetURLs[name] = hashed
		ct := mime.TypeByExtension(ext)
		if ct == "" {
			ct = "application/octet-stream"
		}
		assetByPath[hashed] = Asset{Body: body, ContentType: ct}
		return nil
	})
}

// AssetURL returns the hashed URL of a static file, e.g. AssetURL("app.css").
func AssetURL(name string) string {
	if u, ok := assetURLs[name]; ok {
		return u
	}
	return "/static/missing/" + name
}

// LookupAsset finds the file behind a hashed URL.
func LookupAsset(urlPath string) (Asset, bool) {
	a, ok := assetByPath[urlPath]
	return a, ok
}
