package ui_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/processlog"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// processCSV: Register→Decide→Pay in three cases (waits 1h, 2h), and once
// Register→Pay directly, the rare path.
const processCSV = "case:concept:name,concept:name,time:timestamp,org:role,location\n" +
	"c1,Register,2025-01-06T08:00:00Z,agent,Harbour\nc1,Decide,2025-01-06T09:00:00Z,manager,Harbour\nc1,Pay,2025-01-06T11:00:00Z,agent,Harbour\n" +
	"c2,Register,2025-01-07T08:00:00Z,agent,Harbour\nc2,Decide,2025-01-07T09:00:00Z,manager,Harbour\nc2,Pay,2025-01-07T11:00:00Z,agent,Harbour\n" +
	"c3,Register,2025-01-08T08:00:00Z,agent,Airport\nc3,Decide,2025-01-08T09:00:00Z,manager,Airport\nc3,Pay,2025-01-08T11:00:00Z,agent,Airport\n" +
	"c4,Register,2025-01-09T08:00:00Z,agent,Airport\nc4,Pay,2025-01-09T08:30:00Z,agent,Airport\n"

// TestProcessPage: the map of a stored log with arc counts, the
// performance view with median waits, the slider hiding the rare path,
// the tables, and who may open it.
func TestProcessPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		l, err := f.app.ProcessLog.Import(context.Background(), processlog.Actor{Ref: "cli", Role: fresco.RoleOwner},
			processlog.ImportInput{Name: "claims", Format: "csv", Body: strings.NewReader(processCSV)})
		if err != nil {
			t.Fatal(err)
		}
		if res := f.do(fresco.RoleAgent, "GET", "/process", nil); res.status != http.StatusForbidden {
			t.Errorf("agent opens the Process page: %d", res.status)
		}
		if res := f.do(fresco.RoleAnalyst, "GET", "/", nil); !strings.Contains(res.body, `href="/process"`) {
			t.Error("the analyst's navigation has no Process link")
		}
		own := f.do(fresco.RoleManager, "GET", "/process", nil)
		if own.status != http.StatusOK || !strings.Contains(own.body, `<option value="own" selected>`) || !strings.Contains(own.body, "claims (4 cases)") {
			t.Fatalf("own work page: %d", own.status)
		}
		page := fmt.Sprintf("/process?log=%d", l.ID)
		res := f.do(fresco.RoleAnalyst, "GET", page, nil)
		for _, want := range []string{
			`<svg xmlns="http://www.w3.org/2000/svg" id="process-map"`,
			`data-from="Register" data-to="Decide" data-count="3"`,
			`data-from="Register" data-to="Pay" data-count="1"`,
			`<td>Register → Decide → Pay</td><td class="num">3</td><td class="num">75%</td>`,
			`<td>Agent</td><td>Manager</td><td class="num">3</td>`,
		} {
			if !strings.Contains(res.body, want) {
				t.Errorf("frequency view lacks %s", want)
			}
		}
		res = f.do(fresco.RoleAnalyst, "GET", page+"&view=performance", nil)
		if !strings.Contains(res.body, `data-view="performance"`) || !strings.Contains(res.body, `class="process-arc-label">2 h</text>`) {
			t.Errorf("performance view lacks the median wait of Decide→Pay")
		}
		res = f.do(fresco.RoleAnalyst, "GET", page+"&paths=50", nil)
		if strings.Contains(res.body, `data-from="Register" data-to="Pay"`) || !strings.Contains(res.body, `1 rare paths hidden.`) ||
			!strings.Contains(res.body, `data-from="Decide" data-to="Pay"`) {
			t.Errorf("paths=50 keeps the rare arc Register→Pay or hides the main one")
		}
		res = f.do(fresco.RoleAnalyst, "GET", page+"&where=location:Airport", nil)
		if !strings.Contains(res.body, "2 cases, 5 events") {
			t.Errorf("where=location:Airport does not keep the two airport cases")
		}
		if res := f.do(fresco.RoleAnalyst, "GET", page+"&where=nothing", nil); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "attribute:value") {
			t.Errorf("a bad filter: %d", res.status)
		}
	})
}
