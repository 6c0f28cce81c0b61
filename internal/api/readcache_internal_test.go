package api

import (
	"fmt"
	"testing"
	"time"
)

func TestReadCacheGenerationsAndBudget(t *testing.T) {
	rc := newReadCache(nil, nil, 10_000)
	body := make([]byte, 1000)
	put := func(key string, gen uint64) { rc.put(key, gen, &reply{status: 200, body: body}) }

	put("a", 1)
	if rc.get("a", 1) == nil {
		t.Fatal("a fresh entry is missing")
	}
	// A change anywhere (a new generation) empties the cache.
	if rc.get("a", 2) != nil {
		t.Fatal("an entry survived a content change")
	}
	// An answer computed before the change is not stored afterwards.
	put("b", 1)
	if rc.get("b", 2) != nil {
		t.Fatal("an answer from older content was stored")
	}

	// The budget holds, and what is read stays while the rest ages out.
	put("hot", 2)
	for i := range 50 {
		put(fmt.Sprint("cold", i), 2)
		if rc.get("hot", 2) == nil {
			t.Fatalf("a frequently read entry was dropped after %d others", i)
		}
	}
	size := 0
	for k, r := range rc.young {
		size += cost(k, r)
	}
	for k, r := range rc.old {
		size += cost(k, r)
	}
	if size > rc.budget {
		t.Errorf("cache holds %d bytes, budget %d", size, rc.budget)
	}
	if rc.get("cold0", 2) != nil {
		t.Error("an entry nobody read survived 50 newer ones")
	}
}

func TestETagMatches(t *testing.T) {
	tag := `"abc"`
	for header, want := range map[string]bool{"": false, `"abc"`: true, `W/"abc"`: true, `"x", "abc"`: true, "*": true, `"abd"`: false} {
		if got := etagMatches(header, tag); got != want {
			t.Errorf("etagMatches(%q) = %v, want %v", header, got, want)
		}
	}
}

func TestRateLimiterWindows(t *testing.T) {
	rl := newRateLimiter(2)
	now := time.Date(2026, 1, 1, 10, 0, 30, 0, time.UTC)
	rl.now = func() time.Time { return now }
	for i, want := range []int64{1, 2, 3} {
		if n, reset := rl.hit("ip:1"); n != want || reset != 30 {
			t.Fatalf("hit %d = %d (reset %d), want %d (30)", i, n, reset, want)
		}
	}
	if n, _ := rl.hit("ip:2"); n != 1 {
		t.Errorf("another client's count = %d, want 1", n)
	}
	now = now.Add(time.Minute)
	if n, _ := rl.hit("ip:1"); n != 1 {
		t.Errorf("count in the next minute = %d, want 1", n)
	}
}
