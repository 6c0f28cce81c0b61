package api

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/content"
	"github.com/helpcenter/helpcenter/internal/web"
	"github.com/helpcenter/helpcenter/policy"
)

// reply is a public read's answer before headers: a status, a JSON body or a redirect.
type reply struct {
	status   int
	body     []byte
	location string
	etag     string
}

// readCache keeps the encoded answers of public reads in memory, keyed by what decides
// them: the request's path and query, and the audiences the caller may read. It is
// emptied whenever the content generation changes, which happens on every committed
// change on any instance (a trigger notifies all of them; see content.Service.Watch), so
// a publish, an unpublish or an audience change is served on the next request. Policy
// changes need no flush: they change the callers' audiences, hence the keys. The cache
// is per instance and bounded; when it is full it starts over.
type readCache struct {
	content  *content.Service
	policy   *policy.Enforcer
	maxBytes int
	// now is replaceable for tests of expiry.
	now func() time.Time

	mu         sync.RWMutex
	generation uint64
	entries    map[string]*reply
	created    map[string]time.Time
	size       int
}

// readCacheBytes bounds the memory the read cache holds (bodies and keys).
const readCacheBytes = 32 << 20

// cacheTTL bounds how long an entry lives even without changes, for what no trigger
// watches (a commenter renaming themselves).
const cacheTTL = 5 * time.Minute

func newReadCache(svc *content.Service, e *policy.Enforcer, maxBytes int) *readCache {
	return &readCache{content: svc, policy: e, maxBytes: maxBytes, now: time.Now,
		entries: map[string]*reply{}, created: map[string]time.Time{}}
}

func (rc *readCache) get(key string, gen uint64) *reply {
	rc.mu.RLock()
	defer rc.mu.RUnlock()
	if rc.generation != gen {
		return nil
	}
	r := rc.entries[key]
	if r != nil && rc.now().Sub(rc.created[key]) > cacheTTL {
		return nil
	}
	return r
}

func (rc *readCache) put(key string, gen uint64, r *reply) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.generation != gen || rc.size+len(r.body)+len(key) > rc.maxBytes {
		if gen < rc.generation {
			return // computed from older content than the cache already holds
		}
		rc.generation, rc.entries, rc.created, rc.size = gen, map[string]*reply{}, map[string]time.Time{}, 0
	}
	if old := rc.entries[key]; old != nil {
		rc.size -= len(old.body) + len(key)
	}
	rc.entries[key], rc.created[key] = r, rc.now()
	rc.size += len(r.body) + len(key)
}

// serve wraps a public read: answers come from the cache when possible, carry a strong
// ETag, honour If-None-Match with 304, and say who may cache them: shared caches for
// anonymous callers (public, max-age=60), only the caller's own otherwise (private).
// Errors are never cached; they go to the error handler as usual.
func (rc *readCache) serve(h func(c *fiber.Ctx) (reply, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		subj := web.Subject(c)
		gen := rc.content.Generation()
		key := strings.Join(rc.policy.Audiences(subj), ",") + "|" + c.OriginalURL()
		r := rc.get(key, gen)
		if r == nil {
			fresh, err := h(c)
			if err != nil {
				return err
			}
			if fresh.body != nil {
				sum := sha256.Sum256(fresh.body)
				fresh.etag = `"` + hex.EncodeToString(sum[:16]) + `"`
			}
			r = &fresh
			rc.put(strings.Clone(key), gen, r)
		}
		if subj.IsAnonymous() {
			c.Set(fiber.HeaderCacheControl, "public, max-age=60")
		} else {
			c.Set(fiber.HeaderCacheControl, "private")
		}
		c.Vary(fiber.HeaderAuthorization, fiber.HeaderCookie)
		if r.location != "" {
			c.Set(fiber.HeaderLocation, r.location)
			return c.SendStatus(r.status)
		}
		c.Set(fiber.HeaderETag, r.etag)
		if etagMatches(c.Get(fiber.HeaderIfNoneMatch), r.etag) {
			return c.SendStatus(fiber.StatusNotModified)
		}
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
		c.Status(r.status)
		return c.Send(r.body)
	}
}

// etagMatches applies If-None-Match's weak comparison: "*" or any listed tag equal to
// etag once W/ prefixes are ignored.
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}
