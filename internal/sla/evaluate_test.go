package sla

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// jan is a wall-clock instant in London in January 2026, when UK time is
// UTC. Fri 2, Mon 5, Tue 6, Wed 7.
func jan(day, hour, minute int) time.Time { return wall(london, 2026, time.January, day, hour, minute) }

// basePolicy: 9–17 Mon–Fri in London; first response 2h, next response 4h,
// resolution 16h (two business days); warn with 25% of the target left.
func basePolicy() Policy {
	return Policy{
		Calendar:           nineToFive(london),
		FirstResponse:      Duration(2 * time.Hour),
		NextResponse:       Duration(4 * time.Hour),
		Resolution:         Duration(16 * time.Hour),
		WarnBeforeFraction: 0.25,
		PauseStates:        []string{"waiting_on_customer", "waiting_on_supplier"},
	}
}

func opened(at time.Time) Event          { return Event{Kind: EventOpened, At: at} }
func responded(at time.Time) Event       { return Event{Kind: EventAgentResponded, At: at} }
func customerReplied(at time.Time) Event { return Event{Kind: EventCustomerReplied, At: at} }
func resolved(at time.Time) Event        { return Event{Kind: EventResolved, At: at} }
func reopened(at time.Time) Event        { return Event{Kind: EventReopened, At: at} }
func changedTo(at time.Time, state, reason string) Event {
	return Event{Kind: EventStateChanged, At: at, State: state, Reason: reason}
}

// wantClock lists what a test asserts about a clock; zero times mean "nil".
type wantClock struct {
	status             ClockStatus
	elapsed, remaining time.Duration
	pausedFor          time.Duration
	pauseReason        string
	deadline           time.Time
	warnAt             time.Time
	warning            bool
	breachedAt         time.Time
	stoppedAt          time.Time
}

func checkClock(t *testing.T, label string, got *Clock, want wantClock) {
	t.Helper()
	if got == nil {
		t.Fatalf("%s: clock missing", label)
	}
	var problems []string
	expect := func(field string, ok bool, g, w any) {
		if !ok {
			problems = append(problems, field+" = "+show(g)+", want "+show(w))
		}
	}
	expect("status", got.Status == want.status, got.Status, want.status)
	expect("elapsed", time.Duration(got.Elapsed) == want.elapsed, got.Elapsed, want.elapsed)
	expect("remaining", time.Duration(got.Remaining) == want.remaining, got.Remaining, want.remaining)
	expect("paused_for", time.Duration(got.PausedFor) == want.pausedFor, got.PausedFor, want.pausedFor)
	expect("pause_reason", got.PauseReason == want.pauseReason, got.PauseReason, want.pauseReason)
	expect("deadline", got.Deadline.Equal(want.deadline), got.Deadline, want.deadline)
	expect("warn_at", sameOptional(got.WarnAt, want.warnAt), got.WarnAt, want.warnAt)
	expect("warning", got.Warning == want.warning, got.Warning, want.warning)
	expect("breached_at", sameOptional(got.BreachedAt, want.breachedAt), got.BreachedAt, want.breachedAt)
	expect("stopped_at", sameOptional(got.StoppedAt, want.stoppedAt), got.StoppedAt, want.stoppedAt)
	if len(problems) > 0 {
		t.Errorf("%s:\n  %s", label, strings.Join(problems, "\n  "))
	}
}

func sameOptional(got *time.Time, want time.Time) bool {
	if got == nil {
		return want.IsZero()
	}
	return got.Equal(want)
}

func show(v any) string {
	switch v := v.(type) {
	case *time.Time:
		if v == nil {
			return "nil"
		}
		return v.Format("Mon 2 Jan 15:04 MST")
	case time.Time:
		if v.IsZero() {
			return "nil"
		}
		return v.Format("Mon 2 Jan 15:04 MST")
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func evaluate(t *testing.T, p Policy, now time.Time, events ...Event) Evaluation {
	t.Helper()
	ev, err := Evaluate(p, events, now)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func TestFirstResponseClock(t *testing.T) {
	t.Parallel()
	openFriday := opened(jan(2, 16, 30))
	tests := []struct {
		name   string
		now    time.Time
		events []Event
		want   wantClock
	}{
		{
			// 30 min on Friday, 90 on Monday; warn at 1h30 elapsed.
			name: "Friday 16:30 is due Monday 10:30", now: jan(5, 9, 0), events: []Event{openFriday},
			want: wantClock{status: StatusRunning, elapsed: 30 * time.Minute, remaining: 90 * time.Minute,
				deadline: jan(5, 10, 30), warnAt: jan(5, 10, 0)},
		},
		{
			name: "warning after 75% elapsed", now: jan(5, 10, 15), events: []Event{openFriday},
			want: wantClock{status: StatusRunning, elapsed: 105 * time.Minute, remaining: 15 * time.Minute,
				deadline: jan(5, 10, 30), warnAt: jan(5, 10, 0), warning: true},
		},
		{
			name: "breached and still running", now: jan(5, 11, 0), events: []Event{openFriday},
			want: wantClock{status: StatusBreached, elapsed: 150 * time.Minute, remaining: -30 * time.Minute,
				deadline: jan(5, 10, 30), warnAt: jan(5, 10, 0), breachedAt: jan(5, 10, 30)},
		},
		{
			name: "met by a response at the warning", now: jan(5, 11, 0), events: []Event{openFriday, responded(jan(5, 10, 0))},
			want: wantClock{status: StatusMet, elapsed: 90 * time.Minute, remaining: 30 * time.Minute,
				deadline: jan(5, 10, 30), warnAt: jan(5, 10, 0), stoppedAt: jan(5, 10, 0)},
		},
		{
			name: "met early: no warning instant", now: jan(5, 11, 0), events: []Event{openFriday, responded(jan(2, 16, 45))},
			want: wantClock{status: StatusMet, elapsed: 15 * time.Minute, remaining: 105 * time.Minute,
				deadline: jan(5, 10, 30), stoppedAt: jan(2, 16, 45)},
		},
		{
			name: "a late response stays breached", now: jan(5, 12, 0), events: []Event{openFriday, responded(jan(5, 11, 0))},
			want: wantClock{status: StatusBreached, elapsed: 150 * time.Minute, remaining: -30 * time.Minute,
				deadline: jan(5, 10, 30), warnAt: jan(5, 10, 0), breachedAt: jan(5, 10, 30), stoppedAt: jan(5, 11, 0)},
		},
		{
			name: "events after now are ignored", now: jan(5, 9, 0), events: []Event{openFriday, responded(jan(5, 10, 0))},
			want: wantClock{status: StatusRunning, elapsed: 30 * time.Minute, remaining: 90 * time.Minute,
				deadline: jan(5, 10, 30), warnAt: jan(5, 10, 0)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkClock(t, "first_response", evaluate(t, basePolicy(), tt.now, tt.events...).FirstResponse, tt.want)
		})
	}
}

// pausedCase opens Monday 09:00, is answered at 09:30 and waits on the
// customer from Monday 10:00 to Tuesday 10:00: 7h + 1h = 8h of business
// time paused.
func pausedCase() []Event {
	return []Event{
		opened(jan(5, 9, 0)),
		responded(jan(5, 9, 30)),
		changedTo(jan(5, 10, 0), "waiting_on_customer", "awaiting photos"),
		changedTo(jan(6, 10, 0), StateOpen, "photos received"),
	}
}

func TestPausesShiftTheDeadline(t *testing.T) {
	t.Parallel()
	eightHours := basePolicy()
	eightHours.Resolution = Duration(8 * time.Hour)
	noPauses := eightHours
	noPauses.PauseStates = nil
	tests := []struct {
		name   string
		policy Policy
		now    time.Time
		want   wantClock
	}{
		{
			// Without the pause 16h from Mon 09:00 is Tue 17:00; the 8h
			// pause moves it to Wed 17:00. Elapsed: Mon 09–10 + Tue 10–12.
			name: "resumed", policy: basePolicy(), now: jan(6, 12, 0),
			want: wantClock{status: StatusRunning, elapsed: 3 * time.Hour, remaining: 13 * time.Hour, pausedFor: 8 * time.Hour,
				deadline: jan(7, 17, 0), warnAt: jan(7, 13, 0)},
		},
		{
			// Deadline assumes the pause ends now: 15h left from Tue 09:30.
			name: "while paused", policy: basePolicy(), now: jan(6, 9, 30),
			want: wantClock{status: StatusPaused, elapsed: time.Hour, remaining: 15 * time.Hour, pausedFor: 7*time.Hour + 30*time.Minute,
				pauseReason: "awaiting photos", deadline: jan(7, 16, 30), warnAt: jan(7, 12, 30)},
		},
		{
			name: "policy change: 8h resolution", policy: eightHours, now: jan(6, 12, 0),
			want: wantClock{status: StatusRunning, elapsed: 3 * time.Hour, remaining: 5 * time.Hour, pausedFor: 8 * time.Hour,
				deadline: jan(6, 17, 0), warnAt: jan(6, 15, 0), warning: false},
		},
		{
			// Waiting no longer pauses: the whole of Monday counts, so the
			// 8h target was exceeded at Mon 17:00.
			name: "policy change: no pause states", policy: noPauses, now: jan(6, 12, 0),
			want: wantClock{status: StatusBreached, elapsed: 11 * time.Hour, remaining: -3 * time.Hour,
				deadline: jan(5, 17, 0), warnAt: jan(5, 15, 0), breachedAt: jan(5, 17, 0)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev := evaluate(t, tt.policy, tt.now, pausedCase()...)
			checkClock(t, "resolution", ev.Resolution, tt.want)
			if ev.Paused != (tt.want.status == StatusPaused) {
				t.Errorf("evaluation paused = %v", ev.Paused)
			}
		})
	}
}

func TestNextResponseCycles(t *testing.T) {
	t.Parallel()
	events := []Event{
		opened(jan(5, 9, 0)),
		customerReplied(jan(5, 9, 5)), // before the first response: no cycle
		responded(jan(5, 9, 10)),
		customerReplied(jan(5, 10, 0)),
		customerReplied(jan(5, 11, 0)), // still waiting: does not restart
		responded(jan(5, 13, 0)),
		customerReplied(jan(5, 16, 0)),
	}
	ev := evaluate(t, basePolicy(), jan(6, 12, 30), events...)
	if len(ev.NextResponses) != 2 {
		t.Fatalf("got %d next-response cycles, want 2", len(ev.NextResponses))
	}
	checkClock(t, "cycle 1", &ev.NextResponses[0], wantClock{status: StatusMet, elapsed: 3 * time.Hour, remaining: time.Hour,
		deadline: jan(5, 14, 0), warnAt: jan(5, 13, 0), stoppedAt: jan(5, 13, 0)})
	// Mon 16–17 and Tue 09–12:30: 4h30 against 4h, exceeded Tue 12:00.
	checkClock(t, "cycle 2", ev.CurrentNextResponse(), wantClock{status: StatusBreached, elapsed: 4*time.Hour + 30*time.Minute,
		remaining: -30 * time.Minute, deadline: jan(6, 12, 0), warnAt: jan(6, 11, 0), breachedAt: jan(6, 12, 0)})
}

func TestResolveAndReopen(t *testing.T) {
	t.Parallel()
	events := []Event{
		opened(jan(5, 9, 0)),
		responded(jan(5, 9, 30)),
		changedTo(jan(5, 12, 0), "waiting_on_supplier", "part on order"),
		changedTo(jan(5, 12, 30), StateOpen, ""),
		resolved(jan(5, 13, 30)),
		reopened(jan(6, 10, 0)),
	}
	t.Run("resolved", func(t *testing.T) {
		t.Parallel()
		ev := evaluate(t, basePolicy(), jan(5, 15, 0), events...)
		// 4h30 open less 30 min waiting; the deadline that applied at
		// resolution: 12h left from Mon 13:30 → Tue 17:00 + 30 min.
		checkClock(t, "resolution", ev.Resolution, wantClock{status: StatusMet, elapsed: 4 * time.Hour, remaining: 12 * time.Hour,
			pausedFor: 30 * time.Minute, deadline: jan(7, 9, 30), stoppedAt: jan(5, 13, 30)})
		if ev.State != StateResolved || ev.Paused || len(ev.NextResponses) != 0 {
			t.Errorf("evaluation = %+v", ev)
		}
		if _, ok := ev.NextCheck(); ok {
			t.Error("a resolved case should need no further check")
		}
	})
	t.Run("reopened", func(t *testing.T) {
		t.Parallel()
		ev := evaluate(t, basePolicy(), jan(6, 11, 0), events...)
		checkClock(t, "resolution", ev.Resolution, wantClock{status: StatusRunning, elapsed: 5 * time.Hour, remaining: 11 * time.Hour,
			pausedFor: 30 * time.Minute, deadline: jan(7, 14, 0), warnAt: jan(7, 10, 0)})
		checkClock(t, "next response", ev.CurrentNextResponse(), wantClock{status: StatusRunning, elapsed: time.Hour,
			remaining: 3 * time.Hour, deadline: jan(6, 14, 0), warnAt: jan(6, 13, 0)})
		if ev.State != StateOpen {
			t.Errorf("state = %q", ev.State)
		}
		if next, ok := ev.NextCheck(); !ok || !next.Equal(jan(6, 13, 0)) {
			t.Errorf("NextCheck = %v, %v; want Tue 13:00 (next-response warning)", next, ok)
		}
	})
}

func TestWarnBeforeDuration(t *testing.T) {
	t.Parallel()
	p := basePolicy()
	p.WarnBeforeFraction, p.WarnBefore = 0, Duration(20*time.Minute)
	ev := evaluate(t, p, jan(5, 10, 15), opened(jan(5, 9, 0)))
	checkClock(t, "first_response", ev.FirstResponse, wantClock{status: StatusRunning, elapsed: 75 * time.Minute,
		remaining: 45 * time.Minute, deadline: jan(5, 11, 0), warnAt: jan(5, 10, 40)})
	if next, ok := ev.NextCheck(); !ok || !next.Equal(jan(5, 10, 40)) {
		t.Errorf("NextCheck = %v, %v", next, ok)
	}
}

func TestUntrackedClocksAreOmitted(t *testing.T) {
	t.Parallel()
	p := Policy{Calendar: Always(london), Resolution: Duration(48 * time.Hour)}
	ev := evaluate(t, p, jan(5, 12, 0), opened(jan(5, 9, 0)), responded(jan(5, 9, 30)), customerReplied(jan(5, 10, 0)))
	if ev.FirstResponse != nil || len(ev.NextResponses) != 0 || ev.CurrentNextResponse() != nil {
		t.Errorf("untracked clocks present: %+v", ev)
	}
	checkClock(t, "resolution", ev.Resolution, wantClock{status: StatusRunning, elapsed: 3 * time.Hour,
		remaining: 45 * time.Hour, deadline: jan(7, 9, 0)})
}

// TestDSTDeadlineFromEvents runs a 24x7 case through the UK spring change:
// 24h of resolution time from Saturday noon ends at 13:00 BST on Sunday.
func TestDSTDeadlineFromEvents(t *testing.T) {
	t.Parallel()
	p := Policy{Calendar: Always(london), Resolution: Duration(24 * time.Hour)}
	ev := evaluate(t, p, wall(london, 2026, 3, 29, 12, 30), opened(wall(london, 2026, 3, 28, 12, 0)))
	checkClock(t, "resolution", ev.Resolution, wantClock{status: StatusRunning, elapsed: 23*time.Hour + 30*time.Minute,
		remaining: 30 * time.Minute, deadline: wall(london, 2026, 3, 29, 13, 0)})
	if got := ev.Resolution.Deadline.Format("15:04 MST"); got != "13:00 BST" {
		t.Errorf("deadline shows %s, want 13:00 BST", got)
	}
}

func TestEvaluateRejectsBadInput(t *testing.T) {
	t.Parallel()
	valid := basePolicy()
	withPolicy := func(edit func(*Policy)) Policy {
		p := basePolicy()
		edit(&p)
		return p
	}
	tests := []struct {
		name    string
		policy  Policy
		events  []Event
		message string
	}{
		{"no opened event", valid, []Event{responded(jan(5, 9, 0))}, "opened"},
		{"opened after now", valid, []Event{opened(jan(9, 9, 0))}, "opened"},
		{"second opened", valid, []Event{opened(jan(5, 9, 0)), opened(jan(5, 10, 0))}, "reopened"},
		{"unknown kind", valid, []Event{opened(jan(5, 9, 0)), {Kind: "escalated", At: jan(5, 9, 0)}}, `"escalated"`},
		{"state change without state", valid, []Event{opened(jan(5, 9, 0)), {Kind: EventStateChanged, At: jan(5, 9, 0)}}, "event.state"},
		{"missing time", valid, []Event{{Kind: EventOpened}}, "event.at"},
		{"negative target", withPolicy(func(p *Policy) { p.NextResponse = -1 }), nil, "policy.next_response"},
		{"no targets", Policy{Calendar: Always(london)}, nil, "no target"},
		{"both warnings", withPolicy(func(p *Policy) { p.WarnBefore = Duration(time.Minute) }), nil, "warn_before"},
		{"fraction of 1", withPolicy(func(p *Policy) { p.WarnBeforeFraction = 1 }), nil, "policy.warn_before_fraction"},
		{"pausing on open", withPolicy(func(p *Policy) { p.PauseStates = []string{StateOpen} }), nil, "policy.pause_states[0]"},
		{"bad calendar", withPolicy(func(p *Policy) { p.Calendar.Location = nil }), nil, "calendar.location"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Evaluate(tt.policy, tt.events, jan(6, 9, 0))
			if err == nil || !strings.Contains(err.Error(), tt.message) {
				t.Errorf("error = %v, want one mentioning %s", err, tt.message)
			}
		})
	}
}

func TestJSONRoundTrip(t *testing.T) {
	t.Parallel()
	p := basePolicy()
	p.Calendar = withHolidays(p.Calendar, "2026-12-25")
	p.Calendar.Weekly[time.Saturday] = []Interval{{TimeOf(10, 0), EndOfDay}}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, fragment := range []string{`"time_zone":"Europe/London"`, `"saturday":[{"start":"10:00","end":"24:00"}]`,
		`"holidays":["2026-12-25"]`, `"first_response":"2h0m0s"`, `"pause_states":["waiting_on_customer"`} {
		if !strings.Contains(string(b), fragment) {
			t.Errorf("JSON %s lacks %s", b, fragment)
		}
	}
	var back Policy
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Calendar.Location.String() != "Europe/London" {
		t.Errorf("zone = %v", back.Calendar.Location)
	}
	back.Calendar.Location = p.Calendar.Location
	if !reflect.DeepEqual(back, p) {
		t.Errorf("round trip:\n got %+v\nwant %+v", back, p)
	}

	events := pausedCase()
	b, _ = json.Marshal(events)
	var eventsBack []Event
	if err := json.Unmarshal(b, &eventsBack); err != nil || !strings.Contains(string(b), `"kind":"state_changed"`) {
		t.Fatalf("events JSON %s: %v", b, err)
	}
	ev1, ev2 := evaluate(t, p, jan(6, 12, 0), events...), evaluate(t, back, jan(6, 12, 0), eventsBack...)
	if !ev1.Resolution.Deadline.Equal(ev2.Resolution.Deadline) {
		t.Errorf("deadline changed across JSON: %v vs %v", ev1.Resolution.Deadline, ev2.Resolution.Deadline)
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"9:00", "+9:00", "24:01", "12:60", "ab:cd"} {
		if _, err := ParseTimeOfDay(bad); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("ParseTimeOfDay(%q) error = %v", bad, err)
		}
	}
	for _, bad := range []string{"2026-02-30", "2026-13-01", "26-01-01"} {
		if _, err := ParseDate(bad); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("ParseDate(%q) error = %v", bad, err)
		}
	}
	var c Calendar
	if err := json.Unmarshal([]byte(`{"time_zone":"Mars/Olympus","weekly":{}}`), &c); err == nil || !strings.Contains(err.Error(), "Mars/Olympus") {
		t.Errorf("unknown zone error = %v", err)
	}
	if err := json.Unmarshal([]byte(`{"time_zone":"UTC","weekly":{"funday":[]}}`), &c); err == nil || !strings.Contains(err.Error(), "funday") {
		t.Errorf("unknown day error = %v", err)
	}
}
