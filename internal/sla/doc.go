// Package sla does the clock arithmetic for service-recovery cases: how
// much business time has passed, when a target falls due, and where each of
// a case's SLA clocks stands.
//
// The package is pure (no storage, no I/O). Its types carry snake_case JSON
// tags so the server can store policies and event logs as they are.
//
// # Calendars and business time
//
// A [Calendar] is a time zone, weekly business hours (several intervals a
// day if needed, or 24×7 via [Always]) and holidays. [BusinessDuration]
// measures the business time between two instants and [AddBusiness] finds
// the instant at which a given amount has elapsed:
//
//	cal := sla.Weekdays(london, sla.Interval{Start: sla.TimeOf(9, 0), End: sla.TimeOf(17, 0)})
//	due, err := sla.AddBusiness(cal, fridayAt1630, 2*time.Hour) // Monday 10:30
//
// Business hours are wall-clock times in the calendar's zone, so they keep
// their local meaning across daylight-saving changes; business time itself
// is real elapsed time, so a 24×7 day is 23 or 25 hours long on a change
// day. The two functions are exact inverses:
// BusinessDuration(cal, t, AddBusiness(cal, t, d)) == d.
//
// # Clocks
//
// A [Policy] sets first-response, next-response and resolution targets on a
// calendar, a warning threshold and the case states that pause the clocks.
// [Evaluate] replays a case's [Event] log against a policy at an instant and
// returns an [Evaluation]: for every clock its status (running, paused, met,
// breached), elapsed and remaining business time, deadline, warning instant
// and breach instant. Nothing is cached between evaluations, so changing a
// policy and evaluating again recomputes every clock; [Evaluation.NextCheck]
// tells the server when to evaluate again to send a warning or escalate a
// breach to the manager.
package sla
