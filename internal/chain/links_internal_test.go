package chain

import (
	"strings"
	"testing"
	"time"
)

// The words never claim a cause, say plainly when a link is not clear,
// and give r with its range.
func TestLinkWords(t *testing.T) {
	r, lo, hi := 0.41, 0.12, 0.64
	clear := ChainLink{From: EmployeeSatisfaction, To: CustomerSatisfaction, R: &r, CILow: &lo, CIHigh: &hi, N: 30, Significant: true}
	if got, want := linkWords(clear, ByTeam, Month), "Teams whose staff are more satisfied tend to have higher NPS, r = 0.41 (0.12 to 0.64), over 30 team-months."; got != want {
		t.Errorf("clear link: %q, want %q", got, want)
	}
	neg, nlo, nhi := -0.5, -0.8, -0.1
	clear.R, clear.CILow, clear.CIHigh, clear.Lag = &neg, &nlo, &nhi, 1
	if got := linkWords(clear, ByLocation, Quarter); !strings.HasPrefix(got, "Locations whose staff are more satisfied tend to have lower NPS 1 quarter later") {
		t.Errorf("negative, lagged: %q", got)
	}
	lo2 := -0.2
	unclear := ChainLink{From: CustomerLoyalty, To: Profit, R: &r, CILow: &lo2, CIHigh: &hi, N: 12}
	if got := linkWords(unclear, ByTeam, Month); !strings.HasPrefix(got, "No clear link between customers coming back and gross profit per customer") ||
		!strings.Contains(got, "includes zero") {
		t.Errorf("unclear link: %q", got)
	}
	none := ChainLink{From: EmployeeCapability, To: EmployeeSatisfaction, N: 2, Reason: "fewer than 6 pairs (2)"}
	if got := linkWords(none, ByTeam, Month); !strings.Contains(got, "Not enough data") || !strings.Contains(got, "fewer than 6") {
		t.Errorf("no r: %q", got)
	}
	for _, w := range []string{linkWords(clear, ByTeam, Month), linkWords(unclear, ByTeam, Month)} {
		for _, causal := range []string{"cause", "drive", "because", "leads to", "makes"} {
			if strings.Contains(w, causal) {
				t.Errorf("%q makes a causal claim (%q)", w, causal)
			}
		}
	}
}

// figures: loyalty only once the next period is over; profit per customer
// is (revenue − cost) ÷ customers; NPS from 10 answers.
func TestCellFigures(t *testing.T) {
	c := &cell{customers: 20, returned: 5, revenue: 300000, cost: 100000, againKnown: true, promoters: 6, passives: 2, det: 2,
		headcount: 8, leavers: 2}
	u := c.figures(UnitRef{Kind: ByTeam, ID: 1, Name: "A"}, "2025-03")
	if u.CustomerLoyalty == nil || *u.CustomerLoyalty != 0.25 || u.Profit == nil || *u.Profit != 10000 ||
		u.CustomerSatisfaction == nil || *u.CustomerSatisfaction != 40 || u.EmployeeRetention == nil || *u.EmployeeRetention != 0.75 {
		t.Errorf("figures %+v", u)
	}
	if u.EmployeeSatisfaction != nil || u.N.Pulse != nil {
		t.Errorf("no pulse, yet %v %v", u.EmployeeSatisfaction, u.N.Pulse)
	}
	c.againKnown, c.promoters = false, 5
	u = c.figures(UnitRef{}, "2025-03")
	if u.CustomerLoyalty != nil || u.CustomerSatisfaction != nil {
		t.Errorf("loyalty before the next period is over %v, NPS from 9 answers %v", u.CustomerLoyalty, u.CustomerSatisfaction)
	}
	c.customers = 9
	if u = c.figures(UnitRef{}, "2025-03"); u.Profit != nil {
		t.Errorf("profit from 9 customers: %v", *u.Profit)
	}
}

func TestPeriodWords(t *testing.T) {
	for label, want := range map[string]string{
		"2026-05": "May 2026", "2026-Q1": "Jan–Mar 2026", "2026-Q2": "Apr–Jun 2026", "2025-Q4": "Oct–Dec 2025",
		"2026-Q5": "2026-Q5", "soon": "soon",
	} {
		if got := PeriodWords(label); got != want {
			t.Errorf("PeriodWords(%q) = %q, want %q", label, got, want)
		}
	}
	for v, want := range map[float64]string{12: "+12", -56.4: "−56", -0.3: "0", 0: "0"} {
		if got := signedWhole(v); got != want {
			t.Errorf("signedWhole(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestPeriods(t *testing.T) {
	ps := periodsBetween(Quarter, time.Date(2024, 11, 5, 0, 0, 0, 0, time.UTC), time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC))
	if len(ps) != 3 || ps[0].Label != "2024-Q4" || ps[2].Label != "2025-Q2" || strings.Join(ps[1].Months, ",") != "2025-01,2025-02,2025-03" {
		t.Errorf("quarters %+v", ps)
	}
	if p := periodOf(Quarter, time.Date(2025, 1, 10, 0, 0, 0, 0, time.UTC)).prev(Quarter); p.Label != "2024-Q4" || !p.End.Equal(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("previous quarter %+v", p)
	}
}
