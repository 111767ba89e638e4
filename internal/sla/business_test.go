package sla

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the DST tests must not depend on the host's zoneinfo
)

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // time/tzdata is embedded, so this cannot happen
	}
	return loc
}

var (
	london  = mustZone("Europe/London")
	newYork = mustZone("America/New_York")
)

func nineToFive(loc *time.Location) Calendar {
	return Weekdays(loc, Interval{TimeOf(9, 0), TimeOf(17, 0)})
}

func withHolidays(c Calendar, dates ...string) Calendar {
	for _, s := range dates {
		d, err := ParseDate(s)
		if err != nil {
			panic(err)
		}
		c.Holidays = append(c.Holidays, d)
	}
	return c
}

func everyDay(loc *time.Location, iv Interval) Calendar {
	c := Calendar{Location: loc}
	for d := range c.Weekly {
		c.Weekly[d] = []Interval{iv}
	}
	return c
}

// wall builds a wall-clock instant in loc: the way tests state deadlines.
func wall(loc *time.Location, y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, loc)
}

// 2026 calendar facts used below: Fri 27 Mar, Sun 29 Mar (UK clocks go
// forward 01:00 GMT → 02:00 BST), Sun 25 Oct (back 02:00 BST → 01:00 GMT);
// US clocks go forward Sun 8 Mar and back Sun 1 Nov. 2 Jan 2026 is a Friday.
func TestAddBusiness(t *testing.T) {
	t.Parallel()
	lunch := Weekdays(london, Interval{TimeOf(9, 0), TimeOf(12, 0)}, Interval{TimeOf(13, 0), TimeOf(17, 0)})
	tests := []struct {
		name string
		cal  Calendar
		from time.Time
		d    time.Duration
		want time.Time
	}{
		{"24x7 same day", Always(london), wall(london, 2026, 1, 5, 10, 0), 2 * time.Hour, wall(london, 2026, 1, 5, 12, 0)},
		{"24x7 runs through the weekend", Always(london), wall(london, 2026, 1, 2, 16, 30), 2 * time.Hour, wall(london, 2026, 1, 2, 18, 30)},
		{"9-17 Friday 16:30 + 2h is Monday 10:30", nineToFive(london), wall(london, 2026, 1, 2, 16, 30), 2 * time.Hour, wall(london, 2026, 1, 5, 10, 30)},
		{"ends exactly at closing", nineToFive(london), wall(london, 2026, 1, 2, 15, 0), 2 * time.Hour, wall(london, 2026, 1, 2, 17, 0)},
		{"starts on Saturday", nineToFive(london), wall(london, 2026, 1, 3, 12, 0), time.Hour, wall(london, 2026, 1, 5, 10, 0)},
		{"starts before opening", nineToFive(london), wall(london, 2026, 1, 5, 7, 0), time.Hour, wall(london, 2026, 1, 5, 10, 0)},
		{"starts after closing", nineToFive(london), wall(london, 2026, 1, 5, 18, 0), 30 * time.Minute, wall(london, 2026, 1, 6, 9, 30)},
		{"skips lunch", lunch, wall(london, 2026, 1, 5, 11, 30), time.Hour, wall(london, 2026, 1, 5, 13, 30)},
		{"Monday holiday skipped", withHolidays(nineToFive(london), "2026-01-05"), wall(london, 2026, 1, 2, 16, 30), 2 * time.Hour, wall(london, 2026, 1, 6, 10, 30)},
		{"several business days", nineToFive(london), wall(london, 2026, 1, 5, 9, 0), 40 * time.Hour, wall(london, 2026, 1, 9, 17, 0)},
		{"zero duration", nineToFive(london), wall(london, 2026, 1, 3, 12, 0), 0, wall(london, 2026, 1, 3, 12, 0)},

		// Daylight saving: 24x7 days are 23 or 25 real hours, so 24h of
		// business time shows up as 25 or 23 wall-clock hours.
		{"London 24x7 across spring forward", Always(london), wall(london, 2026, 3, 28, 12, 0), 24 * time.Hour, wall(london, 2026, 3, 29, 13, 0)},
		{"London 24x7 across fall back", Always(london), wall(london, 2026, 10, 24, 12, 0), 24 * time.Hour, wall(london, 2026, 10, 25, 11, 0)},
		{"New York 24x7 across spring forward", Always(newYork), wall(newYork, 2026, 3, 7, 12, 0), 24 * time.Hour, wall(newYork, 2026, 3, 8, 13, 0)},
		{"New York 24x7 across fall back", Always(newYork), wall(newYork, 2026, 10, 31, 12, 0), 24 * time.Hour, wall(newYork, 2026, 11, 1, 11, 0)},
		// Wall-clock business hours keep their local meaning.
		{"London 9-17 Friday to Monday across spring forward", nineToFive(london), wall(london, 2026, 3, 27, 16, 0), 2 * time.Hour, wall(london, 2026, 3, 30, 10, 0)},
		{"London 9-17 Friday to Monday across fall back", nineToFive(london), wall(london, 2026, 10, 23, 16, 0), 2 * time.Hour, wall(london, 2026, 10, 26, 10, 0)},
		{"New York 9-17 across spring forward", nineToFive(newYork), wall(newYork, 2026, 3, 6, 16, 0), 2 * time.Hour, wall(newYork, 2026, 3, 9, 10, 0)},
		{"London every day 9-17 on the change day", everyDay(london, Interval{TimeOf(9, 0), TimeOf(17, 0)}), wall(london, 2026, 3, 28, 16, 0), 2 * time.Hour, wall(london, 2026, 3, 29, 10, 0)},
		// 00:00–03:00 on the spring-forward night holds only 2 real hours.
		{"London night shift loses an hour", everyDay(london, Interval{0, TimeOf(3, 0)}), wall(london, 2026, 3, 29, 0, 0), 150 * time.Minute, wall(london, 2026, 3, 30, 0, 30)},
		{"London night shift gains an hour", everyDay(london, Interval{0, TimeOf(3, 0)}), wall(london, 2026, 10, 25, 0, 0), 210 * time.Minute, wall(london, 2026, 10, 25, 2, 30)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := AddBusiness(tt.cal, tt.from, tt.d)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(tt.want) || got.Location() != tt.cal.Location {
				t.Errorf("AddBusiness = %s, want %s", got.Format(time.RFC3339), tt.want.Format(time.RFC3339))
			}
			back, err := BusinessDuration(tt.cal, tt.from, got)
			if err != nil || back != tt.d {
				t.Errorf("BusinessDuration back = %v, %v; want %v", back, err, tt.d)
			}
		})
	}
}

func TestBusinessDuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		cal      Calendar
		from, to time.Time
		want     time.Duration
	}{
		{"spring-forward day is 23 hours", Always(london), wall(london, 2026, 3, 29, 0, 0), wall(london, 2026, 3, 30, 0, 0), 23 * time.Hour},
		{"fall-back day is 25 hours", Always(london), wall(london, 2026, 10, 25, 0, 0), wall(london, 2026, 10, 26, 0, 0), 25 * time.Hour},
		{"a working week is 40 hours", nineToFive(london), wall(london, 2026, 3, 23, 0, 0), wall(london, 2026, 3, 30, 0, 0), 40 * time.Hour},
		{"the DST week is still 40 hours", nineToFive(london), wall(london, 2026, 3, 27, 0, 0), wall(london, 2026, 4, 3, 0, 0), 40 * time.Hour},
		{"weekend counts nothing", nineToFive(london), wall(london, 2026, 1, 2, 17, 0), wall(london, 2026, 1, 5, 9, 0), 0},
		{"holiday counts nothing", withHolidays(nineToFive(london), "2026-12-25"), wall(london, 2026, 12, 24, 16, 0), wall(london, 2026, 12, 28, 10, 0), 2 * time.Hour},
		{"reversed is negative", nineToFive(london), wall(london, 2026, 1, 5, 12, 0), wall(london, 2026, 1, 5, 10, 0), -2 * time.Hour},
		{"instants in another zone", nineToFive(london), wall(newYork, 2026, 1, 5, 4, 0), wall(newYork, 2026, 1, 5, 5, 0), time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := BusinessDuration(tt.cal, tt.from, tt.to)
			if err != nil || got != tt.want {
				t.Errorf("BusinessDuration = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func TestCalendarValidation(t *testing.T) {
	t.Parallel()
	bad := func(edit func(*Calendar)) Calendar {
		c := nineToFive(london)
		edit(&c)
		return c
	}
	tests := []struct {
		name  string
		cal   Calendar
		field string
	}{
		{"no location", bad(func(c *Calendar) { c.Location = nil }), "calendar.location"},
		{"no hours", Calendar{Location: london}, "calendar.weekly"},
		{"start after end", bad(func(c *Calendar) { c.Weekly[time.Monday] = []Interval{{TimeOf(17, 0), TimeOf(9, 0)}} }), "calendar.weekly[monday][0]"},
		{"overlap", bad(func(c *Calendar) {
			c.Weekly[time.Tuesday] = []Interval{{TimeOf(9, 0), TimeOf(12, 0)}, {TimeOf(11, 0), TimeOf(17, 0)}}
		}), "calendar.weekly[tuesday][1]"},
		{"past midnight", bad(func(c *Calendar) { c.Weekly[time.Sunday] = []Interval{{TimeOf(22, 0), TimeOf(25, 0)}} }), "calendar.weekly[sunday][0]"},
		{"bad holiday", bad(func(c *Calendar) { c.Holidays = []Date{{2026, time.February, 30}} }), "calendar.holidays[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.cal.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.field) {
				t.Fatalf("Validate() = %v, want an error naming %s", err, tt.field)
			}
			if _, err := AddBusiness(tt.cal, time.Now(), time.Hour); err == nil {
				t.Error("AddBusiness accepted an invalid calendar")
			}
			if _, err := BusinessDuration(tt.cal, time.Now(), time.Now()); err == nil {
				t.Error("BusinessDuration accepted an invalid calendar")
			}
		})
	}
	if _, err := AddBusiness(nineToFive(london), time.Now(), -time.Second); err == nil {
		t.Error("negative duration accepted")
	}
}

// propertyCalendars cover the shapes that stress the arithmetic: 24x7 and
// split shifts in DST zones, holidays, and intervals with boundaries inside
// the spring-forward gap (01:00–02:00 in London), where wall times map to
// instants out of order.
func propertyCalendars() []Calendar {
	gap := Calendar{Location: london}
	gap.Weekly[time.Sunday] = []Interval{{TimeOf(0, 30), TimeOf(1, 30)}, {TimeOf(1, 45), TimeOf(3, 0)}}
	gap.Weekly[time.Wednesday] = []Interval{{TimeOf(9, 0), TimeOf(10, 0)}}
	return []Calendar{
		Always(london),
		Always(newYork),
		nineToFive(london),
		withHolidays(Weekdays(newYork, Interval{TimeOf(8, 0), TimeOf(12, 0)}, Interval{TimeOf(12, 30), TimeOf(18, 0)}),
			"2026-01-01", "2026-05-25", "2026-07-03", "2026-11-26", "2026-12-25"),
		everyDay(london, Interval{0, TimeOf(3, 0)}),
		gap,
	}
}

// checkRoundTrip asserts the inverse property and additivity of AddBusiness.
func checkRoundTrip(t *testing.T, cal Calendar, from time.Time, d, split time.Duration) {
	t.Helper()
	due, err := AddBusiness(cal, from, d)
	if err != nil {
		t.Fatal(err)
	}
	back, err := BusinessDuration(cal, from, due)
	if err != nil || back != d {
		t.Fatalf("%s: BusinessDuration(%s, AddBusiness(+%v) = %s) = %v, %v",
			cal.Location, from.Format(time.RFC3339Nano), d, due.Format(time.RFC3339Nano), back, err)
	}
	halfway, _ := AddBusiness(cal, from, split)
	stepwise, _ := AddBusiness(cal, halfway, d-split)
	if !stepwise.Equal(due) {
		t.Fatalf("%s from %s: +%v then +%v = %s, but +%v = %s", cal.Location, from.Format(time.RFC3339),
			split, d-split, stepwise.Format(time.RFC3339), d, due.Format(time.RFC3339))
	}
}

func TestRoundTripProperty(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(2026, 3))
	calendars := propertyCalendars()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for range 3000 {
		cal := calendars[rng.IntN(len(calendars))]
		from := start.Add(time.Duration(rng.Int64N(int64(366 * 24 * time.Hour))))
		d := time.Duration(rng.Int64N(int64(300 * time.Hour)))
		split := time.Duration(rng.Int64N(int64(d) + 1))
		checkRoundTrip(t, cal, from, d, split)
	}
}

func FuzzAddBusinessRoundTrip(f *testing.F) {
	f.Add(int64(1774629000), int64(7200), int64(1800), uint8(2)) // Fri 27 Mar 2026 16:30 UTC
	f.Add(int64(1774742400), int64(86400), int64(0), uint8(0))
	f.Add(int64(1792800000), int64(12600), int64(3600), uint8(4))
	f.Add(int64(1774744200), int64(5400), int64(900), uint8(5))
	calendars := propertyCalendars()
	f.Fuzz(func(t *testing.T, unixSeconds, seconds, splitSeconds int64, which uint8) {
		const span = 200 * 366 * 24 * 3600 // 1900–2100
		from := time.Unix(-2208988800+mod(unixSeconds, span), mod(unixSeconds, 1e9))
		d := time.Duration(mod(seconds, 2000*3600)) * time.Second
		split := time.Duration(mod(splitSeconds, int64(d/time.Second)+1)) * time.Second
		checkRoundTrip(t, calendars[int(which)%len(calendars)], from, d, split)
	})
}

func mod(a, m int64) int64 { return (a%m + m) % m }

// A BusinessClock measures as BusinessDuration does, and refuses the calendars it refuses.
func TestBusinessClockMatchesBusinessDuration(t *testing.T) {
	cal := Weekdays(time.UTC, Interval{TimeOf(9, 0), TimeOf(17, 0)})
	cal.Holidays = []Date{{2024, 3, 4}}
	clock, err := NewBusinessClock(cal)
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2024, 3, 1, 16, 0, 0, 0, time.UTC)
	for _, to := range []time.Time{from.Add(30 * time.Minute), from.Add(90 * time.Hour), from.Add(-20 * time.Hour)} {
		want, _ := BusinessDuration(cal, from, to)
		if got, err := clock.Between(from, to); got != want || err != nil {
			t.Errorf("%v → %v: clock %v, BusinessDuration %v", from, to, got, want)
		}
	}
	if _, err := NewBusinessClock(Calendar{}); err == nil {
		t.Error("a calendar without a zone accepted")
	}
}
