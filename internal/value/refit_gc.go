package value

import (
	"runtime/debug"
	"sync"
)

// refitGCPercent is the collector's target while a refit runs. The refit
// holds about 170 bytes a customer for a while (its inputs, and the
// models' summaries while they are fitted): with Go's default of 100 the
// heap may grow to twice that before a collection, which at a million
// customers put the process past 600 MB. At 50 it stays within half again
// what is live. The extra collections are cheap: the inputs hold no
// pointers, so there is little to mark.
const refitGCPercent = 50

var refitGC struct {
	sync.Mutex
	running int // refits under way in this process
	prev    int // the GC percent before the first of them
}

// holdRefitGC lowers the collector's target for the process while a refit
// runs and returns what restores it when the last refit under way ends. A
// target the operator set lower (GOGC), or collection turned off, is left
// alone.
func holdRefitGC() (release func()) {
	refitGC.Lock()
	defer refitGC.Unlock()
	if refitGC.running == 0 {
		refitGC.prev = debug.SetGCPercent(refitGCPercent)
		if refitGC.prev < refitGCPercent { // lower, or off (-1): as it was
			debug.SetGCPercent(refitGC.prev)
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
			}
		})
	}
}
