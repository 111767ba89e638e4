package value

import (
	"math"
	"runtime/debug"
	"testing"
)

// gcPercent reads the collector's target.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// TestHoldRefitGC: refits under way lower the target to refitGCPercent,
// and set the memory limit given, until the last ends, then both are what
// they were; a lower target or limit, or collection off, is left alone.
// Not parallel: the target and the limit are the process's.
func TestHoldRefitGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	const limit = 300 << 20
	first := holdRefitGC(limit)
	second := holdRefitGC(0)
	if got, lim := gcPercent(), debug.SetMemoryLimit(-1); got != refitGCPercent || lim != limit {
		t.Fatalf("two refits under way: GC percent %d, limit %d; want %d, %d", got, lim, refitGCPercent, limit)
	}
	first()
	first() // twice: counted once
	if got, lim := gcPercent(), debug.SetMemoryLimit(-1); got != refitGCPercent || lim != limit {
		t.Fatalf("one refit still under way: GC percent %d, limit %d", got, lim)
	}
	second()
	if got, lim := gcPercent(), debug.SetMemoryLimit(-1); got != 100 || lim != math.MaxInt64 {
		t.Fatalf("after the refits: GC percent %d, limit %d; want 100 and none", got, lim)
	}
	for _, set := range []int{20, -1} {
		debug.SetGCPercent(set)
		release := holdRefitGC(0)
		if got := gcPercent(); got != set {
			t.Fatalf("GOGC %d: during a refit %d, want it left alone", set, got)
		}
		release()
		if got := gcPercent(); got != set {
			t.Fatalf("GOGC %d: after a refit %d", set, got)
		}
	}
	debug.SetMemoryLimit(200 << 20) // the operator's GOMEMLIMIT, lower than the refit's
	release := holdRefitGC(limit)
	if lim := debug.SetMemoryLimit(-1); lim != 200<<20 {
		t.Fatalf("GOMEMLIMIT 200 MiB: during a refit with %d, limit %d, want it left alone", limit, lim)
	}
	release()
	if lim := debug.SetMemoryLimit(-1); lim != 200<<20 {
		t.Fatalf("GOMEMLIMIT 200 MiB: after a refit %d", lim)
	}
}
