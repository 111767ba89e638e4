package goals_test

import (
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/goals"
)

// TestPeriod: a month or quarter goal runs over the calendar month or
// quarter holding today; a fixed one over its own days, whatever today is.
func TestPeriod(t *testing.T) {
	t.Parallel()
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	starts, ends := day(2025, 1, 15), day(2025, 3, 14)
	for _, c := range []struct {
		period   string
		today    time.Time
		from, to time.Time
	}{
		{fresco.PeriodMonth, day(2024, 2, 10), day(2024, 2, 1), day(2024, 2, 29)}, // a leap February
		{fresco.PeriodMonth, day(2025, 12, 31), day(2025, 12, 1), day(2025, 12, 31)},
		{fresco.PeriodQuarter, day(2025, 1, 1), day(2025, 1, 1), day(2025, 3, 31)},
		{fresco.PeriodQuarter, day(2025, 6, 30), day(2025, 4, 1), day(2025, 6, 30)},
		{fresco.PeriodQuarter, day(2025, 8, 15), day(2025, 7, 1), day(2025, 9, 30)},
		{fresco.PeriodQuarter, day(2025, 12, 31), day(2025, 10, 1), day(2025, 12, 31)},
		{fresco.PeriodFixed, day(2030, 1, 1), starts, ends},
	} {
		g := &fresco.Goal{Period: c.period}
		if c.period == fresco.PeriodFixed {
			g.StartsOn, g.EndsOn = &starts, &ends
		}
		from, to := goals.Period(g, c.today)
		if !from.Equal(c.from) || !to.Equal(c.to) {
			t.Errorf("%s on %s: %s to %s, want %s to %s", c.period, c.today.Format(time.DateOnly),
				from.Format(time.DateOnly), to.Format(time.DateOnly), c.from.Format(time.DateOnly), c.to.Format(time.DateOnly))
		}
	}
}

// TestWeek names ISO weeks in the business's zone: Sunday evening in Los
// Angeles is already Monday in UTC, and the week of 29 December 2025 is
// the first of 2026.
func TestWeek(t *testing.T) {
	t.Parallel()
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Fatal(err)
	}
	sundayEvening := time.Date(2026, 11, 29, 20, 0, 0, 0, la)
	if got := goals.Week(sundayEvening, la); got != "2026-W48" {
		t.Errorf("Sunday evening in Los Angeles: %s, want 2026-W48", got)
	}
	if got := goals.Week(sundayEvening, time.UTC); got != "2026-W49" {
		t.Errorf("the same instant in UTC: %s, want 2026-W49", got)
	}
	if got := goals.Week(time.Date(2025, 12, 29, 8, 0, 0, 0, time.UTC), time.UTC); got != "2026-W01" {
		t.Errorf("29 December 2025: %s, want 2026-W01", got)
	}
}
