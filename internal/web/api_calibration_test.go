package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/demo"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// The owner chooses the refit's model in the settings (clv_model); the
// refit the app runs uses it, and GET /api/v1/clv/calibration and the
// calibration page show every model's holdout check with the one in use.
func TestCalibrationAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := demo.Generate(ctx, db, demo.Options{Customers: 300, End: time.Now().UTC(), Seed: 3}); err != nil {
			t.Fatal(err)
		}
		f := newFixture(t, db)
		owner, analyst := fresco.RoleOwner, fresco.RoleAnalyst
		if got := f.call(analyst, "GET", "/api/v1/settings", nil, 200); got["clv_model"] != "auto" {
			t.Fatalf("default clv_model %v", got["clv_model"])
		}
		f.call(analyst, "GET", "/api/v1/clv/calibration", nil, http.StatusNotFound)

		// Bad input names the field; a good one is kept, and left out
		// it stays as it is.
		res := f.do(request{method: "PUT", path: "/api/v1/settings", role: owner,
			body: strings.Replace(parisSettings, `"locale":"fr-FR"`, `"locale":"fr-FR","clv_model":"gompertz"`, 1)})
		if res.Code != http.StatusUnprocessableEntity || !strings.Contains(string(res.Body), "clv_model") {
			t.Fatalf("bad clv_model: %s", res)
		}
		f.call(owner, "PUT", "/api/v1/settings", strings.Replace(parisSettings, `"locale":"fr-FR"`, `"locale":"fr-FR","clv_model":"paretonbd"`, 1), 200)
		if got := f.call(owner, "PUT", "/api/v1/settings", parisSettings, 200); got["clv_model"] != "paretonbd" {
			t.Fatalf("clv_model left out became %v", got["clv_model"])
		}

		refit, err := f.app.Value.Refit(ctx)
		if err != nil {
			t.Fatal(err)
		}
		cal := f.call(analyst, "GET", "/api/v1/clv/calibration", nil, 200)
		if refit.Model != "paretonbd" || cal["choice"] != "paretonbd" || cal["model"] != "paretonbd" || cal["criterion"] != "holdout_mae" ||
			cal["skipped"] != nil || cal["calibration_end"] == nil || cal["customers"].(float64) < 100 {
			t.Fatalf("refit %q; calibration %v", refit.Model, cal)
		}
		models := cal["models"].([]any)
		if len(models) != 3 {
			t.Fatalf("%d models", len(models))
		}
		for i, name := range []string{"bgnbd", "mbgnbd", "paretonbd"} {
			m := models[i].(map[string]any)
			tracking, deciles := m["tracking"].([]any), m["deciles"].([]any)
			if m["model"] != name || m["in_use"] != (name == "paretonbd") || m["mae"].(float64) <= 0 || len(tracking) < 20 || len(deciles) != 10 {
				t.Errorf("%s: model %v in use %v, mae %v, %d weeks, %d deciles", name, m["model"], m["in_use"], m["mae"], len(tracking), len(deciles))
				continue
			}
			week := tracking[len(tracking)-1].(map[string]any)
			for _, k := range []string{"start", "holdout", "actual", "predicted", "cumulative_actual", "cumulative_predicted"} {
				if _, ok := week[k]; !ok {
					t.Errorf("%s: a tracking week has no %s", name, k)
				}
			}
			if week["holdout"] != true || deciles[9].(map[string]any)["decile"] != 10.0 {
				t.Errorf("%s: last week %v, last decile %v", name, week, deciles[9])
			}
		}
		// The summary's fits are the models, not the check.
		if fits := f.call(analyst, "GET", "/api/v1/clv/summary", nil, 200)["fits"].([]any); len(fits) != 2 ||
			fits[0].(map[string]any)["model"] != "paretonbd" {
			t.Errorf("fits %v", fits)
		}

		// The page: linked from /value, the tracking plot and a decile
		// chart per model, the model in use named; owners get the link to
		// choose.
		f.employee("cal-owner@example.com", owner, "a long enough password")
		cookie := f.login("cal-owner@example.com", "a long enough password")
		if page := f.do(request{method: "GET", path: "/value", cookie: cookie}); !strings.Contains(string(page.Body), `href="/value/calibration"`) {
			t.Errorf("/value has no link to the calibration page")
		}
		page := f.do(request{method: "GET", path: "/value/calibration", cookie: cookie})
		body := string(page.Body)
		for _, want := range []string{`<svg id="chart-tracking"`, `class="actual"`, `id="calibration-end"`, `<svg id="deciles-bgnbd"`,
			`<svg id="deciles-mbgnbd"`, `<svg id="deciles-paretonbd"`, "Model in use: Stop at any moment", "Chosen by the owner", `id="choose-model"`,
			`<tr data-model="paretonbd" class="in-use">`} {
			if !strings.Contains(body, want) {
				t.Errorf("GET /value/calibration = %d has no %s", page.Code, want)
			}
		}
		if strings.Count(body, `<polyline class="predicted"`) != 3 || strings.Count(body, "<rect ") != 60 {
			t.Errorf("%d predicted curves, %d decile bars", strings.Count(body, `<polyline class="predicted"`), strings.Count(body, "<rect "))
		}
		// The settings page offers the choice, as stored.
		if page := f.do(request{method: "GET", path: "/settings", cookie: cookie}); !strings.Contains(string(page.Body), `<option value="paretonbd" selected>`) {
			t.Errorf("the settings page does not show the model chosen")
		}
	})
}
