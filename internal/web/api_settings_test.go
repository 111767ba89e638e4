package web_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/settings"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

const parisSettings = `{"business_name":"Hôtel du Lac","currency":{"code":"EUR","symbol":"€","decimals":2},
	"time_zone":"Europe/Paris","locale":"fr-FR",
	"business_hours":{"monday":[{"start":"08:00","end":"12:00"},{"start":"14:00","end":"18:00"}],"saturday":[{"start":"10:00","end":"16:00"}]}}`

func TestSettingsAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		for _, role := range fresco.Roles { // every signed-in role reads them
			if got := f.call(role, "GET", "/api/v1/settings", nil, http.StatusOK); got["time_zone"] != "UTC" || got["version"] != float64(0) {
				t.Fatalf("defaults as %s: %v", role, got)
			}
		}
		for _, role := range []fresco.Role{fresco.RoleManager, fresco.RoleAgent, fresco.RoleAnalyst} {
			f.call(role, "PUT", "/api/v1/settings", parisSettings, http.StatusForbidden)
		}
		res := f.do(request{method: "PUT", path: "/api/v1/settings", role: fresco.RoleOwner, body: parisSettings,
			header: http.Header{"If-Match": {`"0"`}}})
		if res.Code != http.StatusOK || res.Header.Get("ETag") != `"1"` {
			t.Fatalf("put: %s etag %s", res, res.Header.Get("ETag"))
		}
		got := f.call(fresco.RoleAgent, "GET", "/api/v1/settings", nil, http.StatusOK)
		hours, _ := got["business_hours"].(map[string]any)
		if got["time_zone"] != "Europe/Paris" || got["locale"] != "fr-FR" || len(hours) != 2 || got["version"] != float64(1) {
			t.Fatalf("read back: %v", got)
		}
		// A stale If-Match writes nothing.
		res = f.do(request{method: "PUT", path: "/api/v1/settings", role: fresco.RoleOwner,
			body: strings.Replace(parisSettings, "Hôtel du Lac", "Lost", 1), header: http.Header{"If-Match": {`"0"`}}})
		if res.Code != http.StatusPreconditionFailed {
			t.Fatalf("stale put: %s", res)
		}
		// Bad input names the field.
		for field, body := range map[string]string{
			"time_zone":                      strings.Replace(parisSettings, "Europe/Paris", "Europe/Atlantis", 1),
			"locale":                         strings.Replace(parisSettings, "fr-FR", "fr", 1),
			"currency.decimals":              strings.Replace(parisSettings, `"decimals":2`, `"decimals":4`, 1),
			"business_hours.funday":          strings.Replace(parisSettings, `"saturday"`, `"funday"`, 1),
			"business_hours.monday[1].start": strings.Replace(parisSettings, `"14:00"`, `"2pm"`, 1),
			"business_hours.saturday[0]":     strings.Replace(parisSettings, `"16:00"`, `"09:00"`, 1),
			"business_name":                  strings.Replace(parisSettings, "Hôtel du Lac", "", 1),
		} {
			errs := problem(t, f.do(request{method: "PUT", path: "/api/v1/settings", role: fresco.RoleOwner, body: body}), http.StatusUnprocessableEntity)
			if _, ok := errs["body."+field]; !ok {
				t.Errorf("%s: errors %v do not name it", field, errs)
			}
		}
		// An SLA policy without a calendar runs on the business hours.
		pol := f.call(fresco.RoleManager, "PUT", "/api/v1/sla-policies/0", `{"first_response":"4h"}`, http.StatusOK)
		cal := pol["policy"].(map[string]any)["calendar"].(map[string]any)
		weekly, _ := cal["weekly"].(map[string]any)
		if cal["time_zone"] != "Europe/Paris" || len(weekly) != 2 || weekly["saturday"] == nil {
			t.Fatalf("default calendar: %v", cal)
		}
	})
}

func TestSurveyFormShowsTheBusiness(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, storetest.SQLiteURL(t))
	w := newFBWorld(t, db)
	_, path := surveyFixture(t, w)
	w.call(fresco.RoleOwner, "PUT", "/api/v1/settings", parisSettings, http.StatusOK)
	var logo bytes.Buffer
	if err := png.Encode(&logo, image.NewGray(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	set, err := w.app.Settings.SetLogo(context.Background(), settings.Actor{Ref: "cli", Role: fresco.RoleOwner}, logo.Bytes(), settings.Any)
	if err != nil {
		t.Fatal(err)
	}
	page := w.do(request{method: "GET", path: path})
	body := string(page.Body)
	if !strings.Contains(body, "Hôtel du Lac") || !strings.Contains(body, fmt.Sprintf(`<img src="/logo?v=%d"`, set.Version)) ||
		!strings.Contains(page.Header.Get("Content-Security-Policy"), "img-src 'self'") {
		t.Fatalf("survey form lacks the business: %s", body)
	}
	res := w.do(request{method: "GET", path: "/logo"}) // public, like the form
	if res.Code != http.StatusOK || res.Header.Get("Content-Type") != "image/png" || !bytes.Equal(res.Body, logo.Bytes()) {
		t.Fatalf("logo: %d %s", res.Code, res.Header.Get("Content-Type"))
	}
}
