package api

import (
	"crypto/sha256"
	"encoding/hex"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/sync/singleflight"

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

// readCacheBytes bounds the memory the read cache holds (bodies and keys).
const readCacheBytes = 16 << 20

// readCache keeps the encoded answers of public reads in memory, keyed by what decides
// them: the route's path, the query parameters it reads, and the audiences the caller
// may read. It is emptied whenever the content generation changes, which happens on
// every committed change on any instance (a trigger notifies all of them; see
// content.Service.Watch), so a publish, an unpublish or an audience change is served on
// the next request. Policy changes need no flush: they change the callers' audiences,
// hence the keys. The cache is per instance.
//
// Memory is bounded with two generations: new answers go to the young map; when it
// holds half the budget it becomes the old map (the previous old one is dropped), and
// answers found in the old map move back to the young one. What is read often stays,
// the rest ages out, and the whole never exceeds the budget.
//
// Misses are computed once however many callers want the same answer at the same time
// (a burst right after a publish, or a cold start), and only a few misses run at once,
// so a flood of distinct uncached requests queues up instead of exhausting memory and
// the database pool. A request with "Cache-Control: no-cache" skips the cache, as HTTP
// has it, and gets a freshly computed answer.
type readCache struct {
	content *content.Service
	policy  *policy.Enforcer
	budget  int
	flight  singleflight.Group
	misses  chan struct{}

	mu         sync.Mutex
	generation uint64
	young, old map[string]*reply
	youngBytes int
}

func newReadCache(svc *content.Service, e *policy.Enforcer, budget int) *readCache {
	return &readCache{content: svc, policy: e, budget: budget,
		misses: make(chan struct{}, 4*runtime.GOMAXPROCS(0)),
		young:  map[string]*reply{}, old: map[string]*reply{}}
}

func cost(key string, r *reply) int { return len(key) + len(r.body) + len(r.location) + 64 }

// sync drops everything when the content generation moved on; callers hold mu.
func (rc *readCache) sync(gen uint64) bool {
	switch {
	case gen == rc.generation:
		return true
	case gen > rc.generation:
		rc.generation, rc.young, rc.old, rc.youngBytes = gen, map[string]*reply{}, map[string]*reply{}, 0
		return true
	}
	return false // an answer computed from older content than the cache already holds
}

func (rc *readCache) get(key string, gen uint64) *reply {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if !rc.sync(gen) {
		return nil
	}
	if r := rc.young[key]; r != nil {
		return r
	}
	r := rc.old[key]
	if r != nil {
		delete(rc.old, key)
		rc.addLocked(key, r)
	}
	return r
}

func (rc *readCache) put(key string, gen uint64, r *reply) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.sync(gen) {
		rc.addLocked(key, r)
	}
}

func (rc *readCache) addLocked(key string, r *reply) {
	if old := rc.young[key]; old != nil {
		rc.youngBytes -= cost(key, old)
	}
	rc.young[key] = r
	rc.youngBytes += cost(key, r)
	if rc.youngBytes > rc.budget/2 {
		rc.old, rc.young, rc.youngBytes = rc.young, map[string]*reply{}, 0
	}
}

// cacheKey names an answer: the caller's audiences, the path and the query parameters
// the route reads (in a fixed order), so that parameters it ignores cannot multiply the
// entries.
func cacheKey(c *fiber.Ctx, audiences []string, params []string) string {
	var b strings.Builder
	for i, a := range audiences {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(a)
	}
	b.WriteByte('|')
	b.WriteString(c.Path())
	for _, p := range params {
		if v := c.Query(p); v != "" {
			b.WriteByte('&')
			b.WriteString(p)
			b.WriteByte('=')
			b.WriteString(v)
		}
	}
	return b.String()
}

// serve wraps a public read whose answer depends on the path and the named query
// parameters: answers come from the cache when possible, carry a strong ETag, honour
// If-None-Match with 304, and say who may cache them: shared caches for anonymous
// callers (public, max-age=60), only the caller's own otherwise (private). Errors are
// never cached; they go to the error handler as usual.
func (rc *readCache) serve(h func(c *fiber.Ctx) (reply, error), params ...string) fiber.Handler {
	compute := func(c *fiber.Ctx) (*reply, error) {
		rc.misses <- struct{}{}
		defer func() { <-rc.misses }()
		fresh, err := h(c)
		if err != nil {
			return nil, err
		}
		if fresh.body != nil {
			sum := sha256.Sum256(fresh.body)
			fresh.etag = `"` + hex.EncodeToString(sum[:16]) + `"`
		}
		return &fresh, nil
	}
	return func(c *fiber.Ctx) error {
		subj := web.Subject(c)
		gen := rc.content.Generation()
		key := cacheKey(c, rc.policy.Audiences(subj), params)
		var r *reply
		if strings.Contains(c.Get(fiber.HeaderCacheControl), "no-cache") {
			fresh, err := compute(c)
			if err != nil {
				return err
			}
			r = fresh
			rc.put(key, gen, r)
		} else if r = rc.get(key, gen); r == nil {
			// Answers depend on the key alone, so one computation serves every caller
			// waiting for it; the generation is part of the flight's name, so nobody
			// gets an answer computed before a change they already know about.
			v, err, _ := rc.flight.Do(key+"|"+strconv.FormatUint(gen, 10), func() (any, error) {
				fresh, err := compute(c)
				if err == nil {
					rc.put(key, gen, fresh)
				}
				return fresh, err
			})
			if err != nil {
				return err
			}
			r = v.(*reply)
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
