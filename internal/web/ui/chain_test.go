package ui_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// The chain page: for owners, managers and analysts, not agents; bad
// choices are a 422 page naming the field, never a 500.
func TestChainPage(t *testing.T) {
	t.Parallel()
	f := newFixture(t, storetest.Open(t, storetest.SQLiteURL(t)))
	for role, want := range map[fresco.Role]int{fresco.RoleOwner: 200, fresco.RoleManager: 200, fresco.RoleAnalyst: 200, fresco.RoleAgent: 403} {
		if res := f.do(role, "GET", "/chain?by=location&period=quarter", nil); res.status != want {
			t.Errorf("GET /chain as %s = %d, want %d", role, res.status, want)
		}
	}
	for query, field := range map[string]string{"from=someday": "from", "lag=9": "lag", "from=2025-06&to=2025-01": "from"} {
		res := f.do(fresco.RoleOwner, "GET", "/chain?"+query, nil)
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, field) {
			t.Errorf("GET /chain?%s = %d, want 422 naming %s", query, res.status, field)
		}
	}
	res := f.do(fresco.RoleOwner, "GET", "/chain", nil)
	// The month under way is shown as of when its customers were worked
	// out; a range long over has nothing still open.
	for _, want := range []string{`id="chain-boxes"`, "Employee capability", "Profit per customer", "Not enough data",
		`id="chain-as-of"`, "worked out again every 15 minutes"} {
		if !strings.Contains(res.body, want) {
			t.Errorf("the empty business's chain page lacks %q", want)
		}
	}
	if res := f.do(fresco.RoleOwner, "GET", "/chain?from=2024-01&to=2024-03", nil); strings.Contains(res.body, `id="chain-as-of"`) {
		t.Error("a chain of months long over says as of when its open periods were worked out")
	}
}
