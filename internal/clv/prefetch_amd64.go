package clv

import "unsafe"

// prefetch hints the CPU to load the cache line at p (PREFETCHT0). It never
// faults and has no effect on program semantics.
//
//go:noescape
func prefetch(p unsafe.Pointer)
