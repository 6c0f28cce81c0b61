package web_test

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/helpcenter/helpcenter/internal/account"
	"github.com/helpcenter/helpcenter/internal/db/dbtest"
	"github.com/helpcenter/helpcenter/internal/web"
)

func TestRateLimitMiddleware(t *testing.T) {
	d := dbtest.New(t)
	f := fiber.New(fiber.Config{ErrorHandler: web.ErrorHandler(slog.New(slog.NewTextHandler(io.Discard, nil)), nil)})
	f.Use(web.RateLimit(account.NewRateLimiter(d), "test", account.Limit{Max: 2, Window: time.Minute}))
	f.Post("/api/v1/thing", func(c *fiber.Ctx) error { return c.SendStatus(fiber.StatusNoContent) })

	for i, want := range []int{204, 204, 429, 429} {
		resp, err := f.Test(httptest.NewRequest("POST", "/api/v1/thing", nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != want {
			t.Fatalf("request %d = %d, want %d", i+1, resp.StatusCode, want)
		}
		if resp.Header.Get("RateLimit-Limit") != "2" || resp.Header.Get("RateLimit-Reset") == "" {
			t.Errorf("request %d headers: %v", i+1, resp.Header)
		}
		if want == 429 && (resp.Header.Get("Retry-After") == "" || resp.Header.Get("RateLimit-Remaining") != "0") {
			t.Errorf("refusal headers: %v", resp.Header)
		}
	}
}
