package clv

import (
	"fmt"
	"time"
)

// Unit is a length of time counted in whole days. Recency, age, horizons and
// discount rates are expressed in a Unit.
type Unit int

const (
	Day  Unit = 1
	Week Unit = 7
)

// ParseUnit accepts "day" or "week" (and their plurals).
func ParseUnit(s string) (Unit, error) {
	switch s {
	case "week", "weeks", "w", "W":
		return Week, nil
	case "day", "days", "d", "D":
		return Day, nil
	}
	return 0, fmt.Errorf("unknown time unit %q (want day or week)", s)
}

func (u Unit) String() string {
	switch u {
	case Day:
		return "day"
	case Week:
		return "week"
	}
	return fmt.Sprintf("%d days", int(u))
}

// Options controls how transactions become summaries.
type Options struct {
	// Unit is the unit of recency and T. Zero means Week, the unit of the
	// published CDNOW analyses.
	Unit Unit
	// Period is the granularity within which several purchases count once.
	// Zero means Day, which reproduces the published CDNOW summary; Week counts
	// at most one purchase per Monday-based calendar week.
	Period Unit
	// CalibrationEnd is the last day (inclusive) of the calibration period;
	// later transactions are left out of the summary. Zero means the last
	// transaction day seen.
	CalibrationEnd time.Time
}

func (o Options) unit() Unit {
	if o.Unit == 0 {
		return Week
	}
	return o.Unit
}

func (o Options) period() Unit {
	if o.Period == 0 {
		return Day
	}
	return o.Period
}

func (o Options) validate() error {
	if u := o.unit(); u != Day && u != Week {
		return fmt.Errorf("clv: unsupported time unit %d days", int(u))
	}
	if p := o.period(); p != Day && p != Week {
		return fmt.Errorf("clv: unsupported period %d days", int(p))
	}
	return nil
}

// periodOf maps a day number (days since 1970-01-01) to its period index.
// Weeks start on Monday; 1970-01-01 was a Thursday, so day -3 is a Monday.
func periodOf(day int32, period Unit) int32 {
	if period == Week {
		return floorDiv(day+3, 7)
	}
	return day
}

func floorDiv(a, b int32) int32 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// dayNumber is the number of days from 1970-01-01 to the civil date y-m-d
// (Howard Hinnant's days_from_civil), so dates never go through time.Parse.
func dayNumber(y, m, d int) int32 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int32(era*146097 + doe - 719468)
}

// dayOf is the day number of t's calendar date in t's own location.
func dayOf(t time.Time) int32 {
	y, m, d := t.Date()
	return dayNumber(y, int(m), d)
}

// civilDate is the inverse of dayNumber.
func civilDate(day int32) time.Time {
	return time.Unix(int64(day)*86400, 0).UTC()
}

// daysInMonth reports the number of days in month m of year y.
func daysInMonth(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
