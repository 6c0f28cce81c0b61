package portal

import (
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/helpcenter/helpcenter/content"
)

// readCache keeps what many readers ask for alike (the category tree, the home page's
// lists, the sitemap and the feed) for a short while, keyed by the audiences the reader
// may read, so readers with the same rights share entries and nobody gets another
// audience's. Any committed change to the knowledge base, on any instance, empties it
// (content.Service.Generation); entries also expire after their time to live, for what
// no change notifies (view counts).
type readCache struct {
	content *content.Service

	mu      sync.Mutex
	gen     uint64
	entries map[string]cacheEntry
}

type cacheEntry struct {
	at  time.Time
	val any
}

// maxCacheEntries bounds the cache; when full it starts over.
const maxCacheEntries = 4096

func newReadCache(svc *content.Service) *readCache {
	return &readCache{content: svc, entries: map[string]cacheEntry{}}
}

// cached returns the value under key if it is younger than ttl and the content has not
// changed since, else loads, keeps and returns it. Errors are not kept.
func cached[T any](rc *readCache, key string, ttl time.Duration, load func() (T, error)) (T, error) {
	gen := rc.content.Generation()
	rc.mu.Lock()
	if rc.gen != gen {
		rc.gen, rc.entries = gen, map[string]cacheEntry{}
	}
	e, ok := rc.entries[key]
	rc.mu.Unlock()
	if ok && time.Since(e.at) < ttl {
		return e.val.(T), nil
	}
	v, err := load()
	if err != nil {
		return v, err
	}
	rc.mu.Lock()
	if rc.gen == gen {
		if len(rc.entries) >= maxCacheEntries {
			rc.entries = map[string]cacheEntry{}
		}
		rc.entries[key] = cacheEntry{at: time.Now(), val: v}
	}
	rc.mu.Unlock()
	return v, nil
}

// audienceKey names a set of readable audiences in cache keys.
func audienceKey(allowed []string) string {
	s := slices.Clone(allowed)
	slices.Sort(s)
	return strings.Join(s, ",")
}
