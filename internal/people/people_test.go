package people

import (
	"math"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

func TestValueAtRiskByHand(t *testing.T) {
	t.Parallel()
	cust := func(byLeaver bool, purchases, after int, clv float64) store.ServedCustomer {
		return store.ServedCustomer{ByLeaver: byLeaver, ByStayer: !byLeaver, Purchases: purchases, After: after, CLV: clv}
	}
	cases := []struct {
		name   string
		served []store.ServedCustomer
		want   fresco.Money
	}{
		{"no baseline: cannot tell", []store.ServedCustomer{cust(true, 1, 0, 10000)}, 0},
		{
			// One-purchase stratum: leaver 3 of 4 lapsed, baseline 1 of 4.
			// Excess 3 − 4/4 = 2, worth the retained mean (100.00).
			"one stratum",
			[]store.ServedCustomer{cust(true, 1, 1, 10000), cust(true, 1, 0, 500), cust(true, 1, 0, 500), cust(true, 1, 0, 500),
				cust(false, 1, 0, 500), cust(false, 1, 2, 10000), cust(false, 1, 1, 10000), cust(false, 1, 1, 10000)},
			20000,
		},
		{
			// Stratum 1 as above (+200.00); frequent buyers (4+): leaver 1 of
			// 2 lapsed, baseline 0 of 2 → excess 1, retained mean
			// (300 + 300 + 600) / 3 = 400.00 → +400.00.
			"two strata",
			[]store.ServedCustomer{cust(true, 1, 1, 10000), cust(true, 1, 0, 500), cust(true, 1, 0, 500), cust(true, 1, 0, 500),
				cust(false, 1, 0, 500), cust(false, 1, 2, 10000), cust(false, 1, 1, 10000), cust(false, 1, 1, 10000),
				cust(true, 5, 0, 100), cust(true, 6, 3, 30000), cust(false, 4, 1, 30000), cust(false, 9, 2, 60000)},
			60000,
		},
		{
			// The leaver's customers lapsed less than the baseline's: 0.
			"better than the baseline",
			[]store.ServedCustomer{cust(true, 2, 1, 10000), cust(false, 2, 0, 500), cust(false, 3, 1, 10000)},
			0,
		},
		{
			// No baseline in the leaver's stratum: the pooled rate (1/2).
			// Excess 2 − 2 × 1/2 = 1; nobody in the stratum was retained,
			// so the stratum's mean CLV (5.00 + 7.00) / 2 = 6.00.
			"pooled baseline",
			[]store.ServedCustomer{cust(true, 2, 0, 500), cust(true, 3, 0, 700), cust(false, 1, 0, 100), cust(false, 1, 1, 100)},
			600,
		},
	}
	for _, c := range cases {
		if got := ValueAtRisk(c.served); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

func TestRetentionByHand(t *testing.T) {
	t.Parallel()
	d := func(s string) time.Time { x, _ := time.Parse(time.DateOnly, s); return x }
	dp := func(s string) *time.Time { x := d(s); return &x }
	a, b := int64(1), int64(2)
	spells := []*fresco.Spell{
		{EmployeeID: 1, StartedOn: d("2023-01-01"), TeamID: &a},
		{EmployeeID: 2, StartedOn: d("2023-01-01"), LeftOn: dp("2024-01-31"), TeamID: &a, Regretted: true}, // last day in January
		{EmployeeID: 3, StartedOn: d("2023-06-01"), LeftOn: dp("2024-02-01"), TeamID: &a},                  // counted in February
		{EmployeeID: 4, StartedOn: d("2024-02-01"), TeamID: &b},                                            // hired on the 1st
		{EmployeeID: 5, StartedOn: d("2024-02-10"), TeamID: nil},
	}
	got := retention(spells, ByTeam, map[int64]string{1: "Desk", 2: "Café"}, d("2024-01-01"), d("2024-02-29"))
	type cell struct {
		unit             string
		month            string
		head, left, regr int
		retention        float64
	}
	want := []cell{
		{"Desk", "2024-01", 3, 1, 1, 2.0 / 3},
		{"Desk", "2024-02", 2, 1, 0, 0.5},
		{"Café", "2024-02", 1, 0, 0, 1},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d cells %+v, want %d", len(got), got, len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Unit.Name != w.unit || g.Month.Format("2006-01") != w.month || g.Headcount != w.head || g.Leavers != w.left ||
			g.Regretted != w.regr || g.Retention == nil || math.Abs(*g.Retention-w.retention) > 1e-12 {
			t.Errorf("cell %d = %+v (retention %v), want %+v", i, g, g.Retention, w)
		}
	}
}
