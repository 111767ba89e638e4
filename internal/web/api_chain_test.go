package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/people"
	"github.com/fresco-cx/fresco/internal/pulse"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

func chainMatrix() []endpoint {
	none := func(fresco.Role) any { return nil }
	return []endpoint{
		{"GET", "/api/v1/chain?by=location&period=quarter&from=2024-Q1&to=2024-Q4&lag=1&pairs=employee_satisfaction:profit", none, 200, aggregates},
	}
}

// chainWorld is six locations with ten staff each, hired in 2023. In March
// 2024 location i loses leavers[i] of them and its customers give ten NPS
// answers of which promoters[i] are 9s and the rest 3s; in April the
// answers are March's in the reverse order of locations. Hand-computed:
//
//	retention x = 1, .9, .9, .8, .7, .6 (mean 0.816 67, Sxx = 0.108 333)
//	March NPS y = 80, 60, 60, 20, 0, −40 (mean 30, Syy = 10 200)
//	Sxy = 33, r = 33/√(0.108 333 × 10 200) = 33/33.241 5 = 0.992 73
//	April NPS (reversed): Sxy = −31, r = −31/33.241 5 = −0.932 57
//
// Pulse answers for March: 6, 2, 6 and 6 at the first four locations. The
// floor hides the second (2 < 5) and, so that all staff (20) minus the
// shown locations cannot reveal those 2, the first as well.
type chainWorld struct {
	locations []int64
}

var (
	chainLeavers   = []int{0, 1, 1, 2, 3, 4}
	chainPromoters = []int{9, 8, 8, 6, 5, 3}
	chainPulse     = []int{6, 2, 6, 6, 0, 0}
)

func buildChainWorld(t *testing.T, f *fixture) chainWorld {
	t.Helper()
	ctx := context.Background()
	db := f.db
	var w chainWorld
	hired := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	owner := people.Actor{Ref: "test", Role: fresco.RoleOwner}
	for i := range 6 {
		l := &fresco.Location{Name: fmt.Sprintf("Site %d", i), Timezone: "UTC"}
		if err := db.CreateLocation(ctx, l); err != nil {
			t.Fatal(err)
		}
		w.locations = append(w.locations, l.ID)
		for j := range 10 {
			e := &fresco.Employee{Email: fmt.Sprintf("s%d-%d@example.com", i, j), Name: fmt.Sprintf("Staff %d-%d", i, j),
				Role: fresco.RoleAgent, LocationID: &l.ID, Active: true, HiredAt: &hired}
			if err := db.CreateEmployee(ctx, e); err != nil {
				t.Fatal(err)
			}
			if j < chainLeavers[i] {
				if _, err := f.app.People.RecordExit(ctx, owner, e.ID, fresco.Exit{LeftOn: time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC),
					Reason: "pay"}); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	answer := func(location int64, at time.Time, score int) {
		f.call(fresco.RoleOwner, "POST", "/api/v1/responses", map[string]any{"location_id": location, "responded_at": at,
			"answers": []map[string]any{{"type": "nps", "score": score}}}, http.StatusCreated)
	}
	for i, l := range w.locations {
		for k := range 10 {
			march, april := 3, 3
			if k < chainPromoters[i] {
				march = 9
			}
			if k < chainPromoters[5-i] {
				april = 9
			}
			answer(l, time.Date(2024, 3, 10, 10, k, 0, 0, time.UTC), march)
			answer(l, time.Date(2024, 4, 10, 10, k, 0, 0, time.UTC), april)
		}
	}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		qs := &fresco.PulseQuestionSet{Questions: pulse.DefaultQuestions, CreatedBy: "test"}
		if err := tx.InsertPulseQuestions(ctx, qs); err != nil {
			return err
		}
		p := &fresco.Pulse{Period: "2024-03", QuestionVersion: qs.Version, OpenedAt: time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC),
			ClosesAt: time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)}
		if err := tx.InsertPulse(ctx, p); err != nil {
			return err
		}
		for i, n := range chainPulse {
			for k := range n {
				score := 2 + (i+k)%4
				if err := tx.InsertPulseResponse(ctx, &fresco.PulseResponse{PulseID: p.ID, LocationID: &w.locations[i],
					Answers: map[string]fresco.PulseAnswer{pulse.KeySatisfaction: {Score: &score}, pulse.KeyCapability: {Score: &score}}}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
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

// TestChainAPI measures the chain of chainWorld through the API on both
// engines: the figures per location, r and its interval for a link with a
// known answer (with and without lag), r null with a reason where too few
// unit-periods have both values, and the pulse's anonymity floor.
func TestChainAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		w := buildChainWorld(t, f)

		b := getChain(t, f, "by=location&period=month&from=2024-03&to=2024-03&pairs=employee_satisfaction:customer_satisfaction")
		if len(b.Units) != 6 {
			t.Fatalf("%d units, want 6: %+v", len(b.Units), b.Units)
		}
		for i, u := range b.Units {
			if u.Unit.ID != w.locations[i] || u.Period != "2024-03" {
				t.Fatalf("unit %d is %+v", i, u)
			}
			wantRet := 1 - float64(chainLeavers[i])/10
			if u.EmployeeRetention == nil || math.Abs(*u.EmployeeRetention-wantRet) > 1e-9 || u.N.Headcount != 10 || u.N.Leavers != chainLeavers[i] {
				t.Errorf("%s retention %v (n %+v), want %.1f", u.Unit.Name, u.EmployeeRetention, u.N, wantRet)
			}
			wantNPS := float64(10 * (2*chainPromoters[i] - 10))
			if u.CustomerSatisfaction == nil || *u.CustomerSatisfaction != wantNPS || u.N.Responses != 10 {
				t.Errorf("%s NPS %v (n %d), want %v", u.Unit.Name, u.CustomerSatisfaction, u.N.Responses, wantNPS)
			}
			// The floor: only the third and fourth locations are shown.
			shown := i == 2 || i == 3
			if got := u.EmployeeSatisfaction != nil; got != shown || (u.N.Pulse != nil) != shown || (u.EmployeeCapability != nil) != shown {
				t.Errorf("%s pulse: satisfaction %v capability %v n %v; want shown = %v", u.Unit.Name, u.EmployeeSatisfaction,
					u.EmployeeCapability, u.N.Pulse, shown)
			}
			if shown && *u.N.Pulse != chainPulse[i] {
				t.Errorf("%s pulse n = %d, want %d", u.Unit.Name, *u.N.Pulse, chainPulse[i])
			}
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
		if link.R == nil || math.Abs(*link.R-0.99273) > 5e-5 || link.N != 6 || !link.Significant || *link.CILow > *link.R || *link.CIHigh < *link.R {
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
		if l := lagged.Links[2]; l.Lag != 1 || l.R == nil || math.Abs(*l.R+0.93257) > 5e-5 || l.N != 6 || !l.Significant {
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
