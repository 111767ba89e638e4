package web_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestValueEquationAPI: two responses with all four items through the API,
// worked by hand — (5 + 5) ÷ ((6 − 5) + (6 − 4)) = 10/3 and (2 + 3) ÷ ((6 −
// 1) + (6 − 2)) = 5/9, mean 65/18 ÷ 2 = 1.9444 — by month, and a grouping
// the report does not know refused naming by.
func TestValueEquationAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		post := func(at string, scores ...int) float64 {
			var answers []any
			for i, item := range []string{"results", "process_quality", "price", "access_costs"} {
				answers = append(answers, map[string]any{"type": "value", "item": item, "score": scores[i]})
			}
			r := f.call(fresco.RoleAgent, "POST", "/api/v1/responses", map[string]any{"listening_post": "survey",
				"responded_at": at, "answers": answers}, 201)
			return r["value_index"].(float64)
		}
		if got := post("2024-03-05T10:00:00Z", 5, 5, 5, 4); math.Abs(got-10.0/3) > 1e-9 {
			t.Errorf("the response's value_index %v, want 10/3", got)
		}
		post("2024-04-05T10:00:00Z", 2, 3, 1, 2)
		r := f.call(fresco.RoleAnalyst, "GET", "/api/v1/reports/value-equation?from=2024-01-01&to=2024-12-31&by=period", nil, 200)
		overall := r["overall"].(map[string]any)["index"].(map[string]any)
		if overall["n"] != 2.0 || math.Abs(overall["mean"].(float64)-(10.0/3+5.0/9)/2) > 1e-9 {
			t.Errorf("overall %v", overall)
		}
		groups := r["groups"].([]any)
		if len(groups) != 2 || groups[0].(map[string]any)["key"] != "2024-03-01" {
			t.Fatalf("groups %v", groups)
		}
		if got := groups[1].(map[string]any)["index"].(map[string]any)["mean"].(float64); math.Abs(got-5.0/9) > 1e-9 {
			t.Errorf("April index %v, want 5/9", got)
		}
		if !strings.Contains(fmt.Sprint(r["definition"]), "(6 − price)") {
			t.Errorf("definition %v", r["definition"])
		}
		bad := f.call(fresco.RoleAnalyst, "GET", "/api/v1/reports/value-equation?by=weekday", nil, 422)
		if !strings.Contains(fmt.Sprint(bad), "query.by") {
			t.Errorf("by=weekday: %v, want the error to name query.by", bad)
		}
		bad = f.call(fresco.RoleAnalyst, "GET", "/api/v1/reports/value-equation?from=yesterday", nil, 422)
		if !strings.Contains(fmt.Sprint(bad), "from") {
			t.Errorf("from=yesterday: %v", bad)
		}
	})
}
