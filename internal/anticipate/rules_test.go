package anticipate

import (
	"fmt"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

var (
	ruleNow = time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)
	ruleFmt = fresco.NewFormatter(fresco.DefaultSettings())
)

func daysAgo(d int) time.Time { return ruleNow.AddDate(0, 0, -d) }

func bought(product string, ago ...int) []store.ProductPurchase {
	var out []store.ProductPurchase
	for _, d := range ago {
		out = append(out, store.ProductPurchase{CustomerID: 1, ProductID: int64(len(product)), Product: product, At: daysAgo(d)})
	}
	return out
}

// TestReplenishment: a product bought at a regular interval is due at the
// last purchase plus the median interval, from three days before until
// one more interval after; irregular buying, too few purchases or too
// short an interval make nothing due.
func TestReplenishment(t *testing.T) {
	for _, tc := range []struct {
		name string
		ago  []int
		want string // "" none; else the due date
	}{
		{"every 14 days, due today", []int{42, 28, 14}, "2026-06-15"},
		{"every 14 days, due in 3 days", []int{39, 25, 11}, "2026-06-18"},
		{"every 14 days, due in 4 days: not yet", []int{38, 24, 10}, ""},
		{"every 14 days, 14 days overdue: still", []int{56, 42, 28}, "2026-06-01"},
		{"every 14 days, 15 days overdue: gone", []int{57, 43, 29}, ""},
		{"twice only", []int{28, 14}, ""},
		{"irregular", []int{60, 58, 20, 14}, ""},
		{"same day twice counts once", []int{42, 42, 28}, ""},
		{"every 2 days is not replenishment", []int{6, 4, 2}, ""},
	} {
		a := replenishment(Facts{CustomerID: 1, Products: bought("Tea", tc.ago...)}, ruleNow, ruleFmt)
		got := ""
		if a != nil {
			got = a.Due.Format(time.DateOnly)
		}
		if got != tc.want {
			t.Errorf("%s: due %q, want %q (%v)", tc.name, got, tc.want, a)
		}
	}
	// Of two products due, the most overdue.
	products := append(bought("Tea", 42, 28, 14), bought("Coffee", 50, 36, 22)...)
	if a := replenishment(Facts{CustomerID: 1, Products: products}, ruleNow, ruleFmt); a == nil || a.Reason != "Buys Coffee about every 2 weeks; last on 24 May 2026, due 7 Jun 2026" {
		t.Errorf("two products: %+v", a)
	}
}

// TestRhythmAndMilestones: a regular's rhythm breaks past twice their
// median interval unless P(alive) says they are still buying (or long
// gone); visit counts and anniversaries in their windows.
func TestRhythmAndMilestones(t *testing.T) {
	gap := func(d int) [2]time.Duration { return [2]time.Duration{time.Duration(d) * day, time.Duration(d) * day} }
	p := func(v float64) *float64 { return &v }
	first := daysAgo(100)
	for _, tc := range []struct {
		name  string
		f     Facts
		kinds string
	}{
		{"slipping", Facts{Summary: &store.PurchaseSummary{Purchases: 5, LastAt: daysAgo(25), MiddleGaps: gap(10), FirstPositiveAt: &first}, PAlive: p(0.4)}, "[rhythm_broken]"},
		{"within twice the interval", Facts{Summary: &store.PurchaseSummary{Purchases: 5, LastAt: daysAgo(20), MiddleGaps: gap(10), FirstPositiveAt: &first}, PAlive: p(0.4)}, "[]"},
		{"the model says still buying", Facts{Summary: &store.PurchaseSummary{Purchases: 5, LastAt: daysAgo(25), MiddleGaps: gap(10), FirstPositiveAt: &first}, PAlive: p(0.7)}, "[]"},
		{"long gone", Facts{Summary: &store.PurchaseSummary{Purchases: 5, LastAt: daysAgo(25), MiddleGaps: gap(10), FirstPositiveAt: &first}, PAlive: p(0.01)}, "[]"},
		{"two purchases are not a rhythm", Facts{Summary: &store.PurchaseSummary{Purchases: 2, LastAt: daysAgo(25), MiddleGaps: gap(10), FirstPositiveAt: &first}}, "[]"},
		{"10th visit", Facts{Summary: &store.PurchaseSummary{Purchases: 10, LastAt: daysAgo(3), MiddleGaps: gap(10), FirstPositiveAt: &first}}, "[milestone]"},
		{"10th visit too long ago", Facts{Summary: &store.PurchaseSummary{Purchases: 10, LastAt: daysAgo(31), MiddleGaps: gap(10), FirstPositiveAt: &first}}, "[rhythm_broken]"},
		{"two years with us next week", Facts{Summary: &store.PurchaseSummary{Purchases: 3, LastAt: daysAgo(5), MiddleGaps: gap(100), FirstPositiveAt: ptrTime(ruleNow.AddDate(-2, 0, 6))}}, "[milestone]"},
		{"a year and 15 days", Facts{Summary: &store.PurchaseSummary{Purchases: 3, LastAt: daysAgo(5), MiddleGaps: gap(100), FirstPositiveAt: ptrTime(ruleNow.AddDate(-1, 0, -15))}}, "[]"},
		{"promoter who referred", Facts{NPS: &store.NPSAnswer{Score: 10, At: daysAgo(3)}, Referred: true}, "[]"},
		{"passive", Facts{NPS: &store.NPSAnswer{Score: 8, At: daysAgo(3)}}, "[]"},
		{"promoter", Facts{NPS: &store.NPSAnswer{Score: 9, At: daysAgo(3)}}, "[promoter]"},
	} {
		var kinds []string
		for _, a := range Actions(tc.f, ruleNow, ruleFmt) {
			kinds = append(kinds, a.Kind)
		}
		if got := fmt.Sprint(kinds); got != tc.kinds && !(got == "[]" && tc.kinds == "[]") {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.kinds)
		}
	}
	a := milestone(Facts{Summary: &store.PurchaseSummary{Purchases: 3, LastAt: daysAgo(5), FirstPositiveAt: ptrTime(ruleNow.AddDate(-2, 0, 6))}}, ruleNow, ruleFmt)
	if a == nil || a.Reason != "2 years with us on 21 Jun 2026 (first purchase 21 Jun 2024): thank them" {
		t.Errorf("anniversary: %+v", a)
	}
	for n, want := range map[int]string{1: "1st", 2: "2nd", 3: "3rd", 11: "11th", 12: "12th", 13: "13th", 21: "21st", 25: "25th", 102: "102nd"} {
		if got := ordinal(n); got != want {
			t.Errorf("ordinal(%d) = %s", n, got)
		}
	}
	for d, want := range map[int]string{3: "3 days", 14: "2 weeks", 105: "3 months", 800: "2 years"} {
		if got := span(time.Duration(d) * day); got != want {
			t.Errorf("span(%d days) = %s, want %s", d, got, want)
		}
	}
}

func ptrTime(t time.Time) *time.Time { return &t }
