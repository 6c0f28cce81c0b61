package search

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/helpcenter/helpcenter/internal/db"
)

// contentChannel is the notification the content tables' triggers send on every change
// (migration 0020); an index that watches it drops its cached results.
const contentChannel = "helpcenter_content"

// maxCachedResults bounds the result cache; when it is full it starts over, which keeps
// the popular queries (asked again within moments) and needs no bookkeeping per hit.
const maxCachedResults = 20_000

// resultCache keeps the pages of recent searches until the content changes. It is only
// enabled by Watch, because only then does every instance learn of every change.
type resultCache struct {
	generation atomic.Uint64
	mu         sync.RWMutex
	entries    map[string]cachedResult
}

type cachedResult struct {
	generation uint64
	hits       []Hit
	total      int
}

// Watch turns on the result cache and keeps it correct: every change to the content
// (published, unpublished, audiences changed) on any instance sends a notification that
// drops the cached results, and so does every reconnect of the listener. Register it
// before the listener starts listening. Without Watch nothing is cached.
func (ix *Index) Watch(ln *db.Listener) {
	ix.cacheMu.Lock()
	if ix.cache == nil {
		ix.cache = &resultCache{entries: map[string]cachedResult{}}
	}
	c := ix.cache
	ix.cacheMu.Unlock()
	ln.Handle(contentChannel, func(context.Context) {
		c.generation.Add(1)
		ix.markStatsStale()
	})
}

// Invalidate drops the cached results at once; the content service may call it right after
// committing a change so that this instance does not wait for the notification.
func (ix *Index) Invalidate() {
	if c := ix.resultCache(); c != nil {
		c.generation.Add(1)
	}
}

func (ix *Index) resultCache() *resultCache {
	ix.cacheMu.Lock()
	defer ix.cacheMu.Unlock()
	return ix.cache
}

// cacheKey identifies a search: the text as typed (a trailing space changes the meaning),
// the audiences in any order, the filters and the page.
func cacheKey(q Query) string {
	aud := slices.Clone(q.Audiences)
	slices.Sort(aud)
	var b strings.Builder
	b.WriteString(q.Text)
	b.WriteByte(0)
	b.WriteString(strings.Join(aud, ","))
	for _, v := range []string{q.Kind, strconv.FormatInt(q.CategoryID, 10), strconv.FormatInt(q.SectionID, 10), strconv.Itoa(q.Limit), strconv.Itoa(q.Offset)} {
		b.WriteByte(0)
		b.WriteString(v)
	}
	return b.String()
}

func (c *resultCache) get(key string) ([]Hit, int, bool) {
	gen := c.generation.Load()
	c.mu.RLock()
	e, ok := c.entries[key]
	c.mu.RUnlock()
	if !ok || e.generation != gen {
		return nil, 0, false
	}
	return slices.Clone(e.hits), e.total, true
}

// put stores a result computed while the generation was gen; a result computed across a
// change is stored under the old generation and so never served.
func (c *resultCache) put(key string, gen uint64, hits []Hit, total int) {
	c.mu.Lock()
	if len(c.entries) >= maxCachedResults {
		c.entries = make(map[string]cachedResult, 1024)
	}
	c.entries[key] = cachedResult{generation: gen, hits: slices.Clone(hits), total: total}
	c.mu.Unlock()
}
