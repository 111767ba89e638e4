package jobs

import (
	"context"
	"fmt"
	"time"
)

// Tick is the payload of a periodic job: the start of the slot it is for.
// A handler that works "per day" should use Slot, not the clock, because a
// job may run late (a retry, a deploy) and must still do that slot's work.
type Tick struct {
	Slot time.Time `json:"slot"`
}

// schedule enqueues one job of kind per slot. slotOf returns the slot that
// contains t and the start of the following one.
type schedule struct {
	kind   string
	slotOf func(t time.Time) (start, next time.Time)
	// recheck, when set, wakes the schedule at least this often, for slots
	// that move (a zone the business may change): a new slot is enqueued
	// within recheck of the change, a slot already enqueued stays one job.
	recheck time.Duration
}

// Every enqueues a job of kind once per interval, in slots aligned to the
// interval (Every(kind, time.Hour) runs on the hour, UTC). Each job carries a
// Tick and the unique key kind:slot, so that however many replicas run the
// schedule, each slot gets one job: periodic work needs no leader election.
//
// When Run starts it also enqueues the current slot if nobody has yet, so a
// slot missed during a deploy still runs. Call Every before Run.
func (q *Queue) Every(kind string, interval time.Duration) {
	if interval <= 0 {
		panic("jobs: Every needs a positive interval")
	}
	q.addSchedule(schedule{kind: kind, slotOf: func(t time.Time) (time.Time, time.Time) {
		start := t.UTC().Truncate(interval)
		return start, start.Add(interval)
	}})
}

// DailyAt enqueues a job of kind once a day at hour:minute in loc (UTC if
// nil), with the same one-job-per-slot guarantee as Every. On a day when a
// clock change skips or repeats that time, time.Date's normalisation decides
// (02:30 on a spring-forward day becomes 03:30). Call DailyAt before Run.
func (q *Queue) DailyAt(kind string, hour, minute int, loc *time.Location) {
	q.dailyAt(kind, hour, minute, func() *time.Location { return loc }, 0)
}

// DailyAtZone is DailyAt in the zone that zone returns when the schedule
// looks (nil: UTC), for a time of day in a zone that may change while the
// queue runs, such as the business's own. It looks at least hourly, so a
// changed zone moves the next job within the hour. On the day of a change
// the new zone's slot is a new slot: moving the zone east of the old one
// past the hour may run that day's job a second time.
func (q *Queue) DailyAtZone(kind string, hour, minute int, zone func() *time.Location) {
	q.dailyAt(kind, hour, minute, zone, time.Hour)
}

func (q *Queue) dailyAt(kind string, hour, minute int, zone func() *time.Location, recheck time.Duration) {
	if hour < 0 || hour > 23 || minute < 0 || minute > 59 {
		panic(fmt.Sprintf("jobs: DailyAt(%q, %d, %d): no such time of day", kind, hour, minute))
	}
	q.addSchedule(schedule{kind: kind, recheck: recheck, slotOf: func(t time.Time) (time.Time, time.Time) {
		loc := zone()
		if loc == nil {
			loc = time.UTC
		}
		local := t.In(loc)
		at := func(dayOffset int) time.Time {
			return time.Date(local.Year(), local.Month(), local.Day()+dayOffset, hour, minute, 0, 0, loc)
		}
		if today := at(0); !today.After(local) {
			return today, at(1)
		}
		return at(-1), at(0)
	}})
}

func (q *Queue) addSchedule(s schedule) {
	if s.kind == "" {
		panic("jobs: a schedule needs a kind")
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.running {
		panic("jobs: add schedules before calling Run")
	}
	q.schedules = append(q.schedules, s)
}

// runSchedule enqueues the current slot, sleeps until the next one, and
// repeats until ctx ends. A failed enqueue is retried within the slot.
func (q *Queue) runSchedule(ctx context.Context, s schedule) {
	for {
		now := time.Now()
		start, next := s.slotOf(now)
		wakeAt := next
		if s.recheck > 0 && now.Add(s.recheck).Before(wakeAt) {
			wakeAt = now.Add(s.recheck)
		}
		if err := q.enqueueSlot(ctx, s.kind, start); err != nil {
			if ctx.Err() != nil {
				return
			}
			q.log.Error("enqueueing periodic job", "kind", s.kind, "slot", start, "err", err)
			wakeAt = time.Now().Add(q.opts.PollInterval)
		}
		if !sleepUntil(ctx, wakeAt) {
			return
		}
	}
}

func (q *Queue) enqueueSlot(ctx context.Context, kind string, start time.Time) error {
	_, err := q.Enqueue(ctx, Job{
		Kind:      kind,
		Payload:   Tick{Slot: start.UTC()},
		RunAt:     start,
		UniqueKey: slotKey(kind, start),
	})
	return err
}

// slotKey names a slot identically on every replica.
func slotKey(kind string, start time.Time) string {
	return kind + ":" + start.UTC().Format(time.RFC3339Nano)
}

func sleepUntil(ctx context.Context, t time.Time) bool {
	timer := time.NewTimer(time.Until(t))
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-timer.C:
		return true
	}
}
