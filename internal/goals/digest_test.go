package goals_test

import (
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/goals"
	"github.com/fresco-cx/fresco/internal/stats"
)

// TestDigestBody: off track first, then can't tell, then on track, each in
// plain words with its figure, likely range, target and the answers that
// would tell; a hidden figure shows only why.
func TestDigestBody(t *testing.T) {
	t.Parallel()
	f := func(v float64) *float64 { return &v }
	from, to := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
	body := goals.DigestBody([]goals.Progress{
		{Goal: &fresco.Goal{Name: "Calm NPS", Metric: fresco.MetricNPS, Direction: stats.AtLeast, Target: 30}, ScopeName: "Whole business",
			From: from, To: to, Elapsed: 0.5, Value: f(50), CILow: f(35.4666), CIHigh: f(61.6208), N: 100, Unit: "points", Status: stats.OnTrack},
		{Goal: &fresco.Goal{Name: "Quick closes", Metric: fresco.MetricFollowUpClosure, Direction: stats.AtMost, Target: 5}, ScopeName: "North",
			From: from, To: to, Elapsed: 0.5, Value: f(5.2), CILow: f(2.2236), CIHigh: f(7.7764), N: 5, Unit: "hours", Status: stats.CantTell, NeededN: 1000},
		{Goal: &fresco.Goal{Name: "Happy staff", Metric: fresco.MetricPulseSatisfaction, Direction: stats.AtLeast, Target: 4}, ScopeName: "Beta",
			From: from, To: to, Elapsed: 0.5, Unit: "of 5", Status: stats.CantTell, Reason: "staff answers are shown only from 5 answers a month"},
		{Goal: &fresco.Goal{Name: "Satisfied guests", Metric: fresco.MetricCSAT, Direction: stats.AtLeast, Target: 90}, ScopeName: "South",
			From: from, To: to, Elapsed: 0.5, Value: f(80), CILow: f(66.7694), CIHigh: f(88.9498), N: 50, Unit: "%", Status: stats.OffTrack},
	})
	lines := strings.Split(body, "\n")
	want := []string{
		"- Satisfied guests (South): Off track. 80% so far from 50 answers, likely 67% to 89%; target at least 90% (1 Oct 2026 to 31 Dec 2026, 50% gone).",
		"- Quick closes (North): Can't tell yet. 5.2 hours so far from 5 follow-ups, likely 2.2 to 7.8 hours; target at most 5.0 hours (1 Oct 2026 to 31 Dec 2026, 50% gone). About 1000 follow-ups in all would tell, if it stays where it is.",
		"- Happy staff (Beta): Can't tell yet. Target at least 4.0 of 5; staff answers are shown only from 5 answers a month (1 Oct 2026 to 31 Dec 2026, 50% gone).",
		"- Calm NPS (Whole business): On track. 50 so far from 100 answers, likely 35 to 62; target at least 30 (1 Oct 2026 to 31 Dec 2026, 50% gone).",
	}
	if len(lines) < 2+len(want) {
		t.Fatalf("body:\n%s", body)
	}
	for i, w := range want {
		if lines[2+i] != w {
			t.Errorf("line %d:\n got %s\nwant %s", i+1, lines[2+i], w)
		}
	}
}

// TestEndedGoalsReadAsVerdicts: once a fixed period is over, a goal is met,
// missed or too close to call, its figure is the period's in all, and no
// number of answers "would tell" any more.
func TestEndedGoalsReadAsVerdicts(t *testing.T) {
	t.Parallel()
	f := func(v float64) *float64 { return &v }
	from, to := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC)
	nps := &fresco.Goal{Name: "NPS", Metric: fresco.MetricNPS, Direction: stats.AtLeast, Target: 30}
	p := goals.Progress{Goal: nps, ScopeName: "Whole business", From: from, To: to, Elapsed: 1, Ended: true,
		Value: f(31), CILow: f(20.2), CIHigh: f(41.9), N: 120, Unit: "points", Status: stats.CantTell, NeededN: 9000}
	for status, want := range map[string]string{stats.OnTrack: "Met", stats.OffTrack: "Missed", stats.CantTell: "Too close to call"} {
		p.Status = status
		if got := goals.StatusWords(p); got != want {
			t.Errorf("ended %s reads %q, want %q", status, got, want)
		}
	}
	p.Status = stats.CantTell
	wantText := "31 in all from 120 answers, likely 20 to 42; target at least 30 (1 Jul 2026 to 30 Sep 2026, ended)."
	if got := goals.Describe(p); got != wantText {
		t.Errorf("ended goal described as\n %s\nwant\n %s", got, wantText)
	}
	p.Ended = false
	if got := goals.StatusWords(p); got != "Can't tell yet" {
		t.Errorf("running goal reads %q", got)
	}
	if got := goals.Describe(p); !strings.Contains(got, "so far") || !strings.Contains(got, "About 9000 answers in all would tell") {
		t.Errorf("running goal described as %s", got)
	}
}
