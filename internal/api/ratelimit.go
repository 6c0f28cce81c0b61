package api

import (
	"hash/maphash"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/internal/apperr"
	"github.com/helpcenter/helpcenter/internal/web"
)

// rateLimiter is the API's fair-use limit: each token (or, without a token, each client
// address) may make limit requests per minute. Counts live in this instance's memory
// in fixed one-minute windows, so with N instances behind a load balancer a client gets
// up to N times the limit; that keeps the hot path free of database writes, and the
// limit is about fairness between frontends, not security (sign-in limits are stored in
// PostgreSQL by the accounts code). Every answer carries RateLimit-Limit,
// RateLimit-Remaining and RateLimit-Reset; a refused one answers 429 with Retry-After.
type rateLimiter struct {
	limit  int64
	seed   maphash.Seed
	shards [64]limiterShard
	now    func() time.Time
}

type limiterShard struct {
	mu     sync.RWMutex
	window int64 // unix minute the counts belong to
	counts map[string]*atomic.Int64
}

func newRateLimiter(perMinute int) *rateLimiter {
	rl := &rateLimiter{limit: int64(perMinute), seed: maphash.MakeSeed(), now: time.Now}
	for i := range rl.shards {
		rl.shards[i].counts = map[string]*atomic.Int64{}
	}
	return rl
}

// hit counts one request for key and returns the count within the current window and
// the seconds until the window ends.
func (rl *rateLimiter) hit(key string) (count int64, reset int64) {
	now := rl.now()
	window := now.Unix() / 60
	reset = 60 - now.Unix()%60
	sh := &rl.shards[maphash.String(rl.seed, key)%uint64(len(rl.shards))]
	sh.mu.RLock()
	ctr := sh.counts[key]
	current := sh.window == window
	sh.mu.RUnlock()
	if ctr != nil && current {
		return ctr.Add(1), reset
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.window != window {
		sh.window, sh.counts = window, map[string]*atomic.Int64{}
	}
	if ctr = sh.counts[key]; ctr == nil {
		ctr = &atomic.Int64{}
		sh.counts[key] = ctr
	}
	return ctr.Add(1), reset
}

func (rl *rateLimiter) handler(c *fiber.Ctx) error {
	key := "ip:" + c.IP()
	if s := web.Subject(c); s.TokenID != 0 {
		key = "token:" + strconv.FormatInt(s.TokenID, 10)
	}
	n, reset := rl.hit(key)
	remaining := max(rl.limit-n, 0)
	c.Set("RateLimit-Limit", strconv.FormatInt(rl.limit, 10))
	c.Set("RateLimit-Remaining", strconv.FormatInt(remaining, 10))
	c.Set("RateLimit-Reset", strconv.FormatInt(reset, 10))
	if n > rl.limit {
		c.Set(fiber.HeaderRetryAfter, strconv.FormatInt(reset, 10))
		return apperr.New(apperr.RateLimited, "Za dużo zapytań. Spróbuj ponownie za %d s.", reset)
	}
	return c.Next()
}
