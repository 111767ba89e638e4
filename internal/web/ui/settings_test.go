package ui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

func settingsForm(version string, edits map[string]string) url.Values {
	form := url.Values{"version": {version}, "business_name": {"Hôtel du Lac"}, "currency.code": {"eur"},
		"currency.symbol": {"€"}, "currency.decimals": {"2"}, "time_zone": {"Europe/Paris"}, "locale": {"de-DE"},
		"business_hours.monday": {"08:00–12:00, 14:00-18:00"}, "business_hours.saturday": {"10:00-16:00"}}
	for k, v := range edits {
		form.Set(k, v)
	}
	return form
}

func TestSettingsPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		// 13:05 UTC on 3 Dec is 14:05 in Paris.
		now := time.Date(2026, 12, 3, 13, 5, 0, 0, time.UTC)
		f := newFixture(t, db, func(c *app.Config) { c.Now = func() time.Time { return now } })
		for _, role := range []fresco.Role{fresco.RoleManager, fresco.RoleAgent, fresco.RoleAnalyst} {
			if res := f.do(role, "GET", "/settings", nil); res.status != http.StatusForbidden {
				t.Fatalf("%s sees settings: %d", role, res.status)
			}
		}
		res := f.do(fresco.RoleOwner, "GET", "/", nil)
		if !strings.Contains(res.body, `href="/settings"`) {
			t.Fatal("the owner's navigation has no settings")
		}
		c := &fresco.Customer{Name: "Ada Lovelace"}
		if err := db.CreateCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
		owner := f.people[fresco.RoleOwner]
		cs, err := f.app.Recovery.Open(ctx, recovery.Actor{Ref: fmt.Sprintf("employee:%d", owner.ID), Role: owner.Role, EmployeeID: &owner.ID},
			recovery.OpenInput{CustomerID: c.ID, Summary: "Cold soup"})
		if err != nil {
			t.Fatal(err)
		}
		casePage := fmt.Sprintf("/cases/%d", cs.ID)
		if res := f.do(fresco.RoleAgent, "GET", casePage, nil); !strings.Contains(res.body, "today 13:05") {
			t.Fatalf("case page in UTC lacks today 13:05")
		}

		// A bad zone is refused beside its field, keeping what was typed.
		res = f.do(fresco.RoleOwner, "POST", "/settings", settingsForm("0", map[string]string{"time_zone": "Mars/Olympus",
			"business_hours.tuesday": "9 to 5"}))
		if res.status != http.StatusUnprocessableEntity {
			t.Fatalf("bad zone = %d", res.status)
		}
		for _, want := range []string{`value="Mars/Olympus"`, `value="Hôtel du Lac"`, "is not an IANA zone", `value="9 to 5"`,
			"write each opening as", `<option value="de-DE" selected>`} {
			if !strings.Contains(res.body, want) {
				t.Errorf("refused form lacks %q", want)
			}
		}
		res = f.do(fresco.RoleOwner, "POST", "/settings", settingsForm("0", nil))
		if res.status != http.StatusSeeOther {
			t.Fatalf("save = %d %s", res.status, res.body)
		}
		// A second save from the page as it was read before is stale.
		res = f.do(fresco.RoleOwner, "POST", "/settings", settingsForm("0", map[string]string{"business_name": "Lost"}))
		if res.status != http.StatusPreconditionFailed || !strings.Contains(res.body, "changed since you read them") ||
			!strings.Contains(res.body, `value="Lost"`) {
			t.Fatalf("stale save = %d", res.status)
		}
		got := f.app.Settings.Current(ctx)
		if got.BusinessName != "Hôtel du Lac" || got.Currency.Code != "EUR" || len(got.Hours[time.Monday]) != 2 || got.Hours[time.Tuesday] != nil {
			t.Fatalf("stored %+v", got)
		}
		res = f.do(fresco.RoleAgent, "GET", casePage, nil)
		for _, want := range []string{"today 14:05", "Hôtel du Lac"} {
			if !strings.Contains(res.body, want) {
				t.Errorf("case page after the change lacks %q", want)
			}
		}
		if strings.Contains(res.body, "today 13:05") {
			t.Error("the case page still shows UTC")
		}
		// CSV downloads write local times with their offset.
		res = f.do(fresco.RoleOwner, "GET", "/cases?view=all&format=csv", nil)
		if !strings.Contains(res.body, "2026-12-03T14:05:00+01:00") || strings.Contains(res.body, "2026-12-03T13:05:00Z") {
			t.Errorf("CSV times are not local:\n%s", res.body)
		}
	})
}
