package demo

import (
	"context"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/pulse"
	"github.com/fresco-cx/fresco/internal/store"
)

// testDemoPulse checks the demo's two years of pulses: stored as counted,
// the month of End still open, and Seaside's satisfaction and capability
// falling in the second year while the rest of the staff's hold — read
// through the results a viewer gets, behind the anonymity floor.
func testDemoPulse(t *testing.T, db *store.DB, w *world) {
	ctx := context.Background()
	if got := count(t, db, `SELECT COUNT(*) FROM pulses`); got != pulseMonths || w.summary.Pulses != got {
		t.Errorf("%d pulses (summary %d), want %d", got, w.summary.Pulses, pulseMonths)
	}
	if got := count(t, db, `SELECT COUNT(*) FROM pulse_responses`); got != w.summary.PulseAnswers || got < 300 {
		t.Errorf("%d answers (summary %d), want ≥ 300", got, w.summary.PulseAnswers)
	}
	if got := count(t, db, `SELECT COUNT(*) FROM pulse_respondents`); got != w.summary.PulseAnswers {
		t.Errorf("%d respondents recorded for %d answers", got, w.summary.PulseAnswers)
	}
	svc := pulse.New(db, pulse.Options{Now: func() time.Time { return testEnd }})
	cells, err := svc.UnitMonths(ctx, pulse.UnitLocation, "2024-01", "2026-12")
	if err != nil {
		t.Fatal(err)
	}
	seaside := w.sites[seasideHotel].loc.ID
	secondYear := monthStart(testEnd).AddDate(0, -11, 0).Format("2006-01")
	type mean struct{ sum, n float64 }
	var before, after, othersAfter mean
	shown, hidden := 0, 0
	for _, c := range cells {
		if c.Hidden {
			hidden++
			continue
		}
		shown++
		x := (c.Satisfaction.Mean + c.Capability.Mean) / 2
		switch {
		case c.Unit.ID == seaside && c.Month < secondYear:
			before.sum, before.n = before.sum+x, before.n+1
		case c.Unit.ID == seaside:
			after.sum, after.n = after.sum+x, after.n+1
		case c.Month >= secondYear:
			othersAfter.sum, othersAfter.n = othersAfter.sum+x, othersAfter.n+1
		}
	}
	t.Logf("by location: %d cells shown, %d hidden; Seaside %v months shown in year 1, %v in year 2", shown, hidden, before.n, after.n)
	if before.n == 0 || after.n == 0 || othersAfter.n == 0 {
		t.Fatalf("too few cells shown to see the story: %+v %+v %+v", before, after, othersAfter)
	}
	b, a, o := before.sum/before.n, after.sum/after.n, othersAfter.sum/othersAfter.n
	t.Logf("Seaside satisfaction+capability %.2f in year 1, %.2f in year 2; other locations %.2f in year 2", b, a, o)
	if a > b-0.4 || a > o-0.4 {
		t.Errorf("Seaside satisfaction+capability: %.2f in year 1, %.2f in year 2 (others %.2f): want a clear fall", b, a, o)
	}
}
