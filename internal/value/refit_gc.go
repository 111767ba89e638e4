package value

import (
	"runtime/debug"
	"sync"
)

// refitGCPercent is the collector's target while a refit runs. The refit
// holds about 150 bytes a customer for a while (its inputs, and the
// models' compressed data while they are fitted): with Go's default of
// 100 the heap may grow to twice that before a collection. At 50 it stays
// within half again what is live. The extra collections are cheap: the
// inputs hold no pointers, so there is little to mark.
const refitGCPercent = 50

var refitGC struct {
	sync.Mutex
	running   int   // refits under way in this process
	prev      int   // the GC percent before the first of them
	prevLimit int64 // the memory limit before the first of them
}

// holdRefitGC lowers the collector's target for the process while a refit
// runs and, when limit is positive, sets Go's soft memory limit to it
// (debug.SetMemoryLimit: the collector then works harder, and hands freed
// memory back to the system sooner, to keep the runtime's memory under
// it). It returns what restores both when the last refit under way ends;
// the first refit's limit holds until then. A target or a limit the
// operator set lower (GOGC, GOMEMLIMIT), or collection turned off, is left
// alone.
func holdRefitGC(limit int64) (release func()) {
	refitGC.Lock()
	defer refitGC.Unlock()
	if refitGC.running == 0 {
		refitGC.prev = debug.SetGCPercent(refitGCPercent)
		if refitGC.prev < refitGCPercent { // lower, or off (-1): as it was
			debug.SetGCPercent(refitGC.prev)
		}
		refitGC.prevLimit = debug.SetMemoryLimit(-1) // -1 reads it
		if limit > 0 && limit < refitGC.prevLimit {
			debug.SetMemoryLimit(limit)
		}
	}
	refitGC.running++
	var once sync.Once
	return func() {
		once.Do(func() {
			refitGC.Lock()
			defer refitGC.Unlock()
			if refitGC.running--; refitGC.running == 0 {
				debug.SetGCPercent(refitGC.prev)
				debug.SetMemoryLimit(refitGC.prevLimit)
			}
		})
	}
}
