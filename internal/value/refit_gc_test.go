package value

import (
	"runtime/debug"
	"testing"
)

// gcPercent reads the collector's target.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// TestHoldRefitGC: refits under way lower the target to refitGCPercent
// until the last ends, then it is what it was; a lower target, or
// collection off, is left alone. Not parallel: the target is the process's.
func TestHoldRefitGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	first := holdRefitGC()
	second := holdRefitGC()
	if got := gcPercent(); got != refitGCPercent {
		t.Fatalf("two refits under way: GC percent %d, want %d", got, refitGCPercent)
	}
	first()
	first() // twice: counted once
	if got := gcPercent(); got != refitGCPercent {
		t.Fatalf("one refit still under way: GC percent %d, want %d", got, refitGCPercent)
	}
	second()
	if got := gcPercent(); got != 100 {
		t.Fatalf("after the refits: GC percent %d, want 100", got)
	}
	for _, set := range []int{20, -1} {
		debug.SetGCPercent(set)
		release := holdRefitGC()
		if got := gcPercent(); got != set {
			t.Fatalf("GOGC %d: during a refit %d, want it left alone", set, got)
		}
		release()
		if got := gcPercent(); got != set {
			t.Fatalf("GOGC %d: after a refit %d", set, got)
		}
	}
}
