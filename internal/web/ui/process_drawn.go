package ui

// The Process page's drawing of a kept log, kept with it. Drawing Fresco's
// own log at a million customers (50,000 cases: the map, throughput,
// handovers, variants) costs about 80 ms of CPU a view; the log itself is
// kept in memory while unchanged (processlog's caches), the same pointer
// for every view, so its drawing is kept beside it, by a weak pointer to
// the log: a log dropped or replaced takes its drawings' keys with it and
// they are never matched again.

import (
	"sync"
	"weak"

	"github.com/fresco-cx/fresco/internal/mining"
)

// processDrawingsKept bounds the drawings kept: a few logs, each in a few
// views (frequency or performance, a paths threshold).
const processDrawingsKept = 16

type processDrawKey struct {
	log         weak.Pointer[mining.Log]
	performance bool
	paths       int
}

// processDrawings keeps drawings; its fields are those fillProcessView
// sets, shared read-only by the views that use them.
type processDrawings struct {
	mu   sync.Mutex
	kept map[processDrawKey]processView
}

// draw fills view from l, from a kept drawing when l is kept (a
// processlog.Mined's Kept) and was drawn so before.
func (d *processDrawings) draw(view *processView, l *mining.Log, kept bool) {
	if !kept {
		fillProcessView(view, l)
		return
	}
	key := processDrawKey{log: weak.Make(l), performance: view.Performance, paths: view.Paths}
	d.mu.Lock()
	drawn, ok := d.kept[key]
	d.mu.Unlock()
	if !ok {
		drawn = processView{Performance: view.Performance, Paths: view.Paths}
		fillProcessView(&drawn, l) // two views at once may both draw: the same drawing
		d.keep(key, drawn)
	}
	view.Cases, view.Events, view.Hidden, view.Map = drawn.Cases, drawn.Events, drawn.Hidden, drawn.Map
	view.Variants, view.Activities, view.Handovers, view.Rework = drawn.Variants, drawn.Activities, drawn.Handovers, drawn.Rework
	view.MedianThroughput = drawn.MedianThroughput
}

// keep adds a drawing, first dropping those of logs gone, then all when
// still full.
func (d *processDrawings) keep(key processDrawKey, drawn processView) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.kept == nil {
		d.kept = map[processDrawKey]processView{}
	}
	if len(d.kept) >= processDrawingsKept {
		for k := range d.kept {
			if k.log.Value() == nil {
				delete(d.kept, k)
			}
		}
	}
	if len(d.kept) >= processDrawingsKept {
		clear(d.kept)
	}
	d.kept[key] = drawn
}
