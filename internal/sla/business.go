package sla

import (
	"errors"
	"fmt"
	"iter"
	"time"
)

// maxSearchDays bounds every walk through a calendar. It is longer than the
// ~292 years a time.Duration can hold, so it only ever stops a walk that
// could not have produced a representable answer.
const maxSearchDays = 300 * 366

// errNoBusinessTime means a walk ran out of calendar before it was done.
var errNoBusinessTime = errors.New("sla: not enough business time within 300 years")

// schedule is a validated Calendar with its holidays indexed, so repeated
// clock arithmetic over one calendar does not re-validate it.
type schedule struct {
	loc      *time.Location
	weekly   [7][]Interval
	holidays map[Date]bool
}

func compile(c Calendar) (*schedule, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	s := &schedule{loc: c.Location, weekly: c.Weekly, holidays: make(map[Date]bool, len(c.Holidays))}
	for _, h := range c.Holidays {
		s.holidays[h] = true
	}
	return s, nil
}

// BusinessDuration returns the business time between two instants: the
// real (absolute) time that lies inside the calendar's business hours. It
// is negative when to is before from.
func BusinessDuration(cal Calendar, from, to time.Time) (time.Duration, error) {
	s, err := compile(cal)
	if err != nil {
		return 0, err
	}
	return s.between(from, to)
}

// BusinessClock measures business time on one calendar validated once, for many measurements
// (the waits of a process log) where BusinessDuration would validate the calendar each time.
// It is safe for concurrent use.
type BusinessClock struct{ s *schedule }

// NewBusinessClock validates cal and returns its clock.
func NewBusinessClock(cal Calendar) (*BusinessClock, error) {
	s, err := compile(cal)
	if err != nil {
		return nil, err
	}
	return &BusinessClock{s}, nil
}

// Between is BusinessDuration on the clock's calendar.
func (c *BusinessClock) Between(from, to time.Time) (time.Duration, error) {
	return c.s.between(from, to)
}

// AddBusiness returns the instant at which d of business time has elapsed
// since from: the deadline for a target of d. A d that runs out exactly at
// the end of an interval lands on that end (Friday 17:00, not Monday 09:00).
// d = 0 returns from itself; negative d is an error. The result is in the
// calendar's zone.
func AddBusiness(cal Calendar, from time.Time, d time.Duration) (time.Time, error) {
	if d < 0 {
		return time.Time{}, fmt.Errorf("sla: AddBusiness duration %v is negative", d)
	}
	s, err := compile(cal)
	if err != nil {
		return time.Time{}, err
	}
	return s.add(from, d)
}

func (s *schedule) between(from, to time.Time) (time.Duration, error) {
	if to.Before(from) {
		d, err := s.between(to, from)
		return -d, err
	}
	var total time.Duration
	for start, end := range s.spansFrom(from) {
		if !start.Before(to) {
			return total, nil
		}
		total += overlap(start, end, from, to)
	}
	// The walk only ends here when it hit maxSearchDays before reaching to.
	return 0, errNoBusinessTime
}

func (s *schedule) add(from time.Time, d time.Duration) (time.Time, error) {
	if d == 0 {
		return from.In(s.loc), nil
	}
	remaining := d
	for start, end := range s.spansFrom(from) {
		start = later(start, from)
		available := end.Sub(start)
		if available <= 0 {
			continue
		}
		if remaining <= available {
			return start.Add(remaining).In(s.loc), nil
		}
		remaining -= available
	}
	return time.Time{}, errNoBusinessTime
}

// spansFrom yields the calendar's business spans as absolute [start, end)
// instants in order, starting on the day before from's local date (so no
// span containing from is missed) and going forward until maxSearchDays.
//
// Each span starts no earlier than the previous one ended. Wall times inside
// a spring-forward gap can map to instants out of order; clipping keeps the
// spans disjoint so no business time is ever counted twice, and because
// BusinessDuration and AddBusiness walk the same spans they stay exact
// inverses of each other.
func (s *schedule) spansFrom(from time.Time) iter.Seq2[time.Time, time.Time] {
	return func(yield func(time.Time, time.Time) bool) {
		var previousEnd time.Time
		day := DateOf(from.In(s.loc)).AddDays(-1)
		for range maxSearchDays {
			for _, iv := range s.openIntervals(day) {
				start, end := later(day.At(iv.Start, s.loc), previousEnd), day.At(iv.End, s.loc)
				if !start.Before(end) {
					continue
				}
				if !yield(start, end) {
					return
				}
				previousEnd = end
			}
			day = day.AddDays(1)
		}
	}
}

func (s *schedule) openIntervals(day Date) []Interval {
	if s.holidays[day] {
		return nil
	}
	return s.weekly[day.Weekday()]
}

// overlap is the length of [a1, a2) ∩ [b1, b2), or 0.
func overlap(a1, a2, b1, b2 time.Time) time.Duration {
	start, end := later(a1, b1), earlier(a2, b2)
	if !start.Before(end) {
		return 0
	}
	return end.Sub(start)
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
