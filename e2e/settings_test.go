package e2e

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/app/apptest"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestBrowserSettingsTimeZone: the owner moves the business to another time
// zone on the settings page, and the case timeline shows its times there.
func TestBrowserSettingsTimeZone(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	bctx, jsErrors := browser(t, ctx)

	db := storetest.Open(t, storetest.SQLiteURL(t))
	s := seed(t, db)
	sam, err := db.EmployeeByEmail(ctx, "sam@example.com")
	if err != nil {
		t.Fatal(err)
	}
	// A still clock, so that "today" is the same day for the page and the
	// test; it stands at the real time so that the session cookie is fresh.
	now := time.Now().UTC().Truncate(time.Minute)
	a := apptest.New(t, db, func(c *app.Config) { c.Now = func() time.Time { return now } })
	c, err := a.Recovery.Open(ctx, recovery.Actor{Ref: fmt.Sprintf("employee:%d", sam.ID), Role: sam.Role, EmployeeID: &sam.ID},
		recovery.OpenInput{CustomerID: s.ada.ID, Summary: "Frames arrived scratched"})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(a.Server)
	defer func() {
		ts.CloseClientConnections() // the page's live-event stream stays open while the browser lives
		ts.Close()
	}()
	// Kolkata is UTC+05:30: no clock time there is the same as in UTC.
	const zone = "Asia/Kolkata"
	inZone := fresco.DefaultSettings()
	inZone.TimeZone = zone
	wantUTC := fresco.NewFormatter(fresco.DefaultSettings()).Relative(c.OpenedAt, now)
	wantZone := fresco.NewFormatter(inZone).Relative(c.OpenedAt, now)

	st := steps{t, bctx}
	do, load, text := st.do, st.load, st.text
	openedAt := `#case-timeline li[data-kind="opened"] time`
	casePage := fmt.Sprintf("%s/cases/%d", ts.URL, c.ID)

	load("open the case", chromedp.Navigate(casePage))
	do("log in", chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), "olivia@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), "a fine long password"))
	load("submit the login form", chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))
	if got := text(openedAt); got != wantUTC {
		t.Fatalf("opened at %q before the change, want %q (UTC)", got, wantUTC)
	}
	st.fromMenu("open the settings from the menu", "/settings")
	do("choose the time zone", chromedp.SetValue(chromedp.ID("time_zone"), zone))
	load("save the settings", chromedp.Click(chromedp.ID("settings-save")))
	if got := text(".flash"); got != "Settings saved." {
		t.Fatalf("after saving: %q", got)
	}
	if got := st.get("read the zone", chromedp.Value(chromedp.ID("time_zone"))); got != zone {
		t.Fatalf("the settings page shows zone %q, want %s", got, zone)
	}
	load("open the case again", chromedp.Navigate(casePage))
	got := text(openedAt)
	if got != wantZone || got == wantUTC {
		t.Fatalf("opened at %q after the change, want %q (%s)", got, wantZone, zone)
	}
	if !strings.HasPrefix(got, "today ") && !strings.HasPrefix(got, "tomorrow ") && !strings.HasPrefix(got, "yesterday ") {
		t.Errorf("a case opened just now reads %q, want a relative day", got)
	}
	if errs := jsErrors(); len(errs) > 0 {
		t.Errorf("JavaScript errors: %v", errs)
	}
}
