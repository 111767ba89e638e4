package ui

import (
	"reflect"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/eventlog"
	"github.com/fresco-cx/fresco/internal/mining"
)

func drawnLog(activities ...string) *mining.Log {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var traces []eventlog.Trace
	for c := range 3 {
		tr := eventlog.Trace{Case: string(rune('a' + c))}
		for i, a := range activities {
			tr.Events = append(tr.Events, eventlog.Event{Activity: a, Time: t0.Add(time.Duration(c*10+i) * time.Hour), Resource: "Ann", Role: "agent"})
		}
		traces = append(traces, tr)
	}
	return mining.FromTraces(traces, false)
}

// TestProcessDrawingsKeptWithTheirLog: a kept log's drawing is kept, per
// view, and equals drawing it afresh; another log (the kept one replaced
// after a change) is drawn afresh; a filtered log is never kept.
func TestProcessDrawingsKeptWithTheirLog(t *testing.T) {
	t.Parallel()
	var d processDrawings
	l := drawnLog("Open", "Respond", "Resolve")
	for _, perf := range []bool{false, true, false} {
		got, want := processView{Performance: perf, Paths: 20}, processView{Performance: perf, Paths: 20}
		d.draw(&got, l, true)
		fillProcessView(&want, l)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("performance %v: kept drawing\n%+v\nwant\n%+v", perf, got, want)
		}
	}
	if len(d.kept) != 2 {
		t.Errorf("%d drawings kept; want 2 (frequency, performance)", len(d.kept))
	}
	changed := drawnLog("Open", "Resolve")
	got, want := processView{Paths: 20}, processView{Paths: 20}
	d.draw(&got, changed, true)
	fillProcessView(&want, changed)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("another log drew\n%+v\nwant\n%+v", got, want)
	}
	d.draw(&processView{}, drawnLog("Open"), false)
	if len(d.kept) != 3 {
		t.Errorf("%d drawings kept; want 3: a log not kept is drawn, not kept", len(d.kept))
	}
}
