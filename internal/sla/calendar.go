package sla

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Calendar says when the SLA clocks run: weekly business hours in a time
// zone, minus holidays. Intervals are wall-clock times, so a 09:00–17:00
// day is 09:00–17:00 local on both sides of a daylight-saving change, and a
// 24-hour day (00:00–24:00) is 23 or 25 real hours on the change days.
//
// In JSON the zone is an IANA name and the week is keyed by lower-case day
// name:
//
//	{"time_zone": "Europe/London",
//	 "weekly": {"monday": [{"start": "09:00", "end": "17:00"}], ...},
//	 "holidays": ["2026-12-25"]}
type Calendar struct {
	Location *time.Location
	// Weekly is indexed by time.Weekday (Sunday = 0). Each day's intervals
	// must be ordered and must not overlap; a day without intervals is closed.
	Weekly [7][]Interval
	// Holidays are closed all day, in the calendar's zone.
	Holidays []Date
}

// Always returns a 24×7 calendar in loc.
func Always(loc *time.Location) Calendar {
	c := Calendar{Location: loc}
	for day := range c.Weekly {
		c.Weekly[day] = []Interval{{0, EndOfDay}}
	}
	return c
}

// Weekdays returns a calendar open Monday to Friday during the given
// intervals, e.g. Weekdays(loc, Interval{TimeOf(9, 0), TimeOf(17, 0)}).
func Weekdays(loc *time.Location, intervals ...Interval) Calendar {
	c := Calendar{Location: loc}
	for day := time.Monday; day <= time.Friday; day++ {
		c.Weekly[day] = append([]Interval(nil), intervals...)
	}
	return c
}

// Validate reports the first problem with the calendar, naming the field.
func (c Calendar) Validate() error {
	if c.Location == nil {
		return errors.New("sla: calendar.location is required")
	}
	open := false
	for day, intervals := range c.Weekly {
		if err := validateDay(time.Weekday(day), intervals); err != nil {
			return err
		}
		open = open || len(intervals) > 0
	}
	if !open {
		// Without any business hours no deadline could ever be reached.
		return errors.New("sla: calendar.weekly has no business hours on any day")
	}
	for i, h := range c.Holidays {
		if !h.Valid() {
			return fmt.Errorf("sla: calendar.holidays[%d]: %s is not a valid date", i, h)
		}
	}
	return nil
}

func validateDay(day time.Weekday, intervals []Interval) error {
	field := "calendar.weekly[" + dayName(day) + "]"
	for i, iv := range intervals {
		switch {
		case iv.Start < 0 || iv.End > EndOfDay:
			return fmt.Errorf("sla: %s[%d]: %s–%s is outside 00:00..24:00", field, i, iv.Start, iv.End)
		case iv.Start >= iv.End:
			return fmt.Errorf("sla: %s[%d]: start %s is not before end %s", field, i, iv.Start, iv.End)
		case i > 0 && iv.Start < intervals[i-1].End:
			return fmt.Errorf("sla: %s[%d]: %s–%s overlaps or precedes the interval before it", field, i, iv.Start, iv.End)
		}
	}
	return nil
}

func dayName(d time.Weekday) string { return strings.ToLower(d.String()) }

type calendarJSON struct {
	TimeZone string                `json:"time_zone"`
	Weekly   map[string][]Interval `json:"weekly"`
	Holidays []Date                `json:"holidays,omitempty"`
}

func (c Calendar) MarshalJSON() ([]byte, error) {
	out := calendarJSON{Weekly: map[string][]Interval{}, Holidays: c.Holidays}
	if c.Location != nil {
		out.TimeZone = c.Location.String()
	}
	for day, intervals := range c.Weekly {
		if len(intervals) > 0 {
			out.Weekly[dayName(time.Weekday(day))] = intervals
		}
	}
	return json.Marshal(out)
}

func (c *Calendar) UnmarshalJSON(b []byte) error {
	var in calendarJSON
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	loc, err := time.LoadLocation(in.TimeZone)
	if err != nil || in.TimeZone == "" {
		return fmt.Errorf("sla: calendar.time_zone %q is not a known IANA zone", in.TimeZone)
	}
	out := Calendar{Location: loc, Holidays: in.Holidays}
	for name, intervals := range in.Weekly {
		day, ok := weekdayNamed(name)
		if !ok {
			return fmt.Errorf("sla: calendar.weekly: %q is not a day name", name)
		}
		out.Weekly[day] = intervals
	}
	*c = out
	return nil
}

func weekdayNamed(name string) (time.Weekday, bool) {
	for d := time.Sunday; d <= time.Saturday; d++ {
		if dayName(d) == name {
			return d, true
		}
	}
	return 0, false
}
