package portal_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/helpcenter/helpcenter/internal/account"
	"github.com/helpcenter/helpcenter/internal/app/apptest"
)

// A person signs in and out in a real browser: the forms work under the CSP, the session
// cookie and the CSRF field do their part, and the header follows.
func TestBrowserSignInAndOut(t *testing.T) {
	s := apptest.New(t)
	if _, err := s.Accounts.BootstrapUser(context.Background(), account.NewUser{Email: "zofia@example.com", Name: "Zofia Nowak",
		AccountType: "accountant", Password: "Poranna-Kawa-z-Mlekiem"}); err != nil {
		t.Fatal(err)
	}
	ctx := apptest.Browser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(s.URL+"/login?next=/password")); err != nil {
		t.Fatal(err)
	}
	// A wrong password first: the form comes back with the address kept.
	err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#f-email"), "Zofia@Example.com"),
		chromedp.SendKeys(chromedp.CSS("#f-password"), "nie to hasło"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`))); err != nil {
		t.Fatal(err)
	}
	msg, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".flash-error")))
	if err != nil || !strings.Contains(msg, "Nieprawidłowy") {
		t.Fatalf("error message %q, %v", msg, err)
	}
	if v, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#f-email"))); err != nil || v != "Zofia@Example.com" {
		t.Fatalf("e-mail kept as %q, %v", v, err)
	}
	apptest.Screenshot(t, ctx, "login-error-pl")

	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#f-password"), "Poranna-Kawa-z-Mlekiem")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`))); err != nil {
		t.Fatal(err)
	}
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	name, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".account summary")))
	if err != nil || name != "Zofia Nowak" || !strings.HasSuffix(loc, "/password") {
		t.Fatalf("after sign-in at %s the header shows %q, %v", loc, name, err)
	}
	apptest.Screenshot(t, ctx, "signed-in-pl")

	// Sign out from the header menu.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".account summary"))); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form[action="/logout"] button`))); err != nil {
		t.Fatal(err)
	}
	login, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.account a[href="/login"]`)))
	if err != nil || login != "Zaloguj" {
		t.Fatalf("after sign-out the header offers %q, %v", login, err)
	}
}
