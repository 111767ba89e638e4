package clv

import (
	"runtime"
	"sync"
)

// parallelMin is the number of items below which splitting work over cores
// costs more than it saves.
const parallelMin = 1 << 15

// parallelSums runs fn over [0, n) in one contiguous range per core, each
// accumulating k sums, and returns the totals. Ranges and the order of the
// final additions are fixed, so results are deterministic for a given
// GOMAXPROCS.
func parallelSums(n, k int, fn func(lo, hi int, acc []float64)) []float64 {
	workers := runtime.GOMAXPROCS(0)
	if n < parallelMin || workers == 1 {
		acc := make([]float64, k)
		fn(0, n, acc)
		return acc
	}
	accs := make([][]float64, workers)
	var wg sync.WaitGroup
	for w := range workers {
		accs[w] = make([]float64, k)
		lo, hi := n*w/workers, n*(w+1)/workers
		wg.Go(func() { fn(lo, hi, accs[w]) })
	}
	wg.Wait()
	for _, a := range accs[1:] {
		for j := range a {
			accs[0][j] += a[j]
		}
	}
	return accs[0]
}

// parallelFor runs fn over [0, n) in one contiguous range per core.
func parallelFor(n int, fn func(lo, hi int)) {
	workers := runtime.GOMAXPROCS(0)
	if n < parallelMin || workers == 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := n*w/workers, n*(w+1)/workers
		wg.Go(func() { fn(lo, hi) })
	}
	wg.Wait()
}
