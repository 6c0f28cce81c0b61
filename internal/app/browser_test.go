package app_test

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/helpcenter/helpcenter/internal/app/apptest"
)

// The start page renders in a real browser, its stylesheet and script load under the
// CSP (no inline script), and the language switch works by clicking.
func TestBrowserHomeAndLanguageSwitch(t *testing.T) {
	s := apptest.New(t)
	ctx := apptest.Browser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(s.URL+"/")); err != nil {
		t.Fatal(err)
	}
	h1, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main h1")))
	if err != nil || h1 != "Jak możemy pomóc?" {
		t.Fatalf("h1 = %q, %v", h1, err)
	}
	// The stylesheet applied: the header has the soft background, not the default.
	bg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector('.site-header')).backgroundColor`))
	if err != nil || bg == "rgba(0, 0, 0, 0)" {
		t.Fatalf("stylesheet not applied: background %q, %v", bg, err)
	}
	apptest.Screenshot(t, ctx, "home-pl")

	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`a[hreflang=en]`))); err != nil {
		t.Fatal(err)
	}
	h1, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main h1")))
	if err != nil || h1 != "How can we help?" {
		t.Fatalf("after switching to English h1 = %q, %v", h1, err)
	}
}
