package web_test

import (
	"encoding/json"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/chain/chaintest"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

func chainMatrix() []endpoint {
	none := func(fresco.Role) any { return nil }
	return []endpoint{
		{"GET", "/api/v1/chain?by=location&period=quarter&from=2024-Q1&to=2024-Q4&lag=1&pairs=employee_satisfaction:profit", none, 200, aggregates},
	}
}

type chainBody struct {
	Units []struct {
		Unit struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		} `json:"unit"`
		Period               string   `json:"period"`
		EmployeeCapability   *float64 `json:"employee_capability"`
		EmployeeSatisfaction *float64 `json:"employee_satisfaction"`
		EmployeeRetention    *float64 `json:"employee_retention"`
		CustomerSatisfaction *float64 `json:"customer_satisfaction"`
		N                    struct {
			Pulse     *int `json:"pulse"`
			Headcount int  `json:"headcount"`
			Leavers   int  `json:"leavers"`
			Responses int  `json:"responses"`
		} `json:"n"`
	} `json:"units"`
	Links []struct {
		From, To    string
		Lag         int
		R           *float64 `json:"r"`
		CILow       *float64 `json:"ci_low"`
		CIHigh      *float64 `json:"ci_high"`
		N           int      `json:"n"`
		Significant bool     `json:"significant"`
		Reason      string   `json:"reason"`
	} `json:"links"`
	AsOf *time.Time `json:"as_of"`
}

func getChain(t *testing.T, f *fixture, query string) chainBody {
	t.Helper()
	res := f.do(request{method: "GET", path: "/api/v1/chain?" + query, role: fresco.RoleAnalyst})
	if res.Code != http.StatusOK {
		t.Fatalf("GET /api/v1/chain?%s = %s", query, res)
	}
	var b chainBody
	if err := json.Unmarshal(res.Body, &b); err != nil {
		t.Fatal(err)
	}
	return b
}

// TestChainAPI measures the chain of chaintest's world through the API on both
// engines: the figures per location, r and its interval for a link with a
// known answer (with and without lag), r null with a reason where too few
// unit-periods have both values, and the pulse's anonymity floor.
func TestChainAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		locations := chaintest.Build(t, f.app)

		b := getChain(t, f, "by=location&period=month&from=2024-03&to=2024-03&pairs=employee_satisfaction:customer_satisfaction")
		if len(b.Units) != 6 {
			t.Fatalf("%d units, want 6: %+v", len(b.Units), b.Units)
		}
		for i, u := range b.Units {
			if u.Unit.ID != locations[i] || u.Period != "2024-03" {
				t.Fatalf("unit %d is %+v", i, u)
			}
			wantRet := 1 - float64(chaintest.Leavers[i])/10
			if u.EmployeeRetention == nil || math.Abs(*u.EmployeeRetention-wantRet) > 1e-9 || u.N.Headcount != 10 || u.N.Leavers != chaintest.Leavers[i] {
				t.Errorf("%s retention %v (n %+v), want %.1f", u.Unit.Name, u.EmployeeRetention, u.N, wantRet)
			}
			wantNPS := float64(10 * (2*chaintest.Promoters[i] - 10))
			if u.CustomerSatisfaction == nil || *u.CustomerSatisfaction != wantNPS || u.N.Responses != 10 {
				t.Errorf("%s NPS %v (n %d), want %v", u.Unit.Name, u.CustomerSatisfaction, u.N.Responses, wantNPS)
			}
			// The floor: only the third and fourth locations are shown.
			shown := i == 2 || i == 3
			if got := u.EmployeeSatisfaction != nil; got != shown || (u.N.Pulse != nil) != shown || (u.EmployeeCapability != nil) != shown {
				t.Errorf("%s pulse: satisfaction %v capability %v n %v; want shown = %v", u.Unit.Name, u.EmployeeSatisfaction,
					u.EmployeeCapability, u.N.Pulse, shown)
			}
			if shown && *u.N.Pulse != chaintest.Pulse[i] {
				t.Errorf("%s pulse n = %d, want %d", u.Unit.Name, *u.N.Pulse, chaintest.Pulse[i])
			}
		}
		if b.AsOf != nil {
			t.Errorf("as of %v for March 2024, long over: want null", b.AsOf)
		}
		// This month, under way, is read as of when it was stored: here by
		// the first view, the job not having run.
		current := getChain(t, f, "by=location&period=month")
		if current.AsOf == nil || current.AsOf.After(time.Now()) {
			t.Errorf("as of %v for the months up to now, want when this month's customers were worked out", current.AsOf)
		}
		// The chain's five links, then the pair asked for.
		want := [][2]string{{"employee_capability", "employee_satisfaction"}, {"employee_satisfaction", "employee_retention"},
			{"employee_retention", "customer_satisfaction"}, {"customer_satisfaction", "customer_loyalty"},
			{"customer_loyalty", "profit"}, {"employee_satisfaction", "customer_satisfaction"}}
		if len(b.Links) != len(want) {
			t.Fatalf("%d links, want %d: %+v", len(b.Links), len(want), b.Links)
		}
		for i, l := range b.Links {
			if l.From != want[i][0] || l.To != want[i][1] {
				t.Errorf("link %d is %s→%s, want %s→%s", i, l.From, l.To, want[i][0], want[i][1])
			}
		}
		link := b.Links[2]
		if link.R == nil || math.Abs(*link.R-chaintest.RetentionNPS) > 5e-5 || link.N != 6 || !link.Significant || *link.CILow > *link.R || *link.CIHigh < *link.R {
			t.Errorf("retention→NPS: %+v, want r = 0.99273 over 6, significant", link)
		}
		for _, l := range []int{1, 5} { // two shown pulse cells: too few
			if b.Links[l].R != nil || b.Links[l].Reason == "" || b.Links[l].CILow != nil || b.Links[l].N != 2 {
				t.Errorf("%s→%s: %+v, want r null with a reason over 2 unit-periods", b.Links[l].From, b.Links[l].To, b.Links[l])
			}
		}

		// With lag 1, March's retention meets April's NPS (reversed).
		lagged := getChain(t, f, "by=location&period=month&from=2024-03&to=2024-03&lag=1")
		if len(lagged.Units) != 6 {
			t.Errorf("lag 1: %d units, want March's 6", len(lagged.Units))
		}
		if l := lagged.Links[2]; l.Lag != 1 || l.R == nil || math.Abs(*l.R-chaintest.RetentionNPSLagged) > 5e-5 || l.N != 6 || !l.Significant {
			t.Errorf("lag 1 retention→NPS: %+v, want r = −0.93257", l)
		}

		// Bad input names the field.
		for q, field := range map[string]string{"by=shop": "by", "period=week": "period", "lag=4": "lag", "from=2024-13": "from",
			"pairs=profit:happiness": "pairs", "pairs=profit": "pairs", "from=2025-01&to=2024-01": "from"} {
			res := f.do(request{method: "GET", path: "/api/v1/chain?" + q, role: fresco.RoleOwner})
			if res.Code != http.StatusUnprocessableEntity || !strings.Contains(string(res.Body), field) {
				t.Errorf("%s = %s, want 422 naming %s", q, res, field)
			}
		}
	})
}
