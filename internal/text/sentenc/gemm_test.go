package sentenc

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestGemm checks gemm (the assembly kernels where the CPU has them)
// against a plain product, for row counts that exercise both the 4-row
// and the 1-row kernels and for columns that are and are not multiples
// of 16.
func TestGemm(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, shape := range [][3]int{{1, 1, 16}, {3, 7, 32}, {4, 5, 16}, {9, 33, 48}, {13, 256, 64}, {5, 8, 20}} {
		rows, k, cols := shape[0], shape[1], shape[2]
		a, w, c := randoms(rng, rows*k), randoms(rng, k*cols), randoms(rng, rows*cols)
		want := make([]float64, len(c))
		for i := range rows {
			for j := range cols {
				want[i*cols+j] = float64(c[i*cols+j])
				for l := range k {
					want[i*cols+j] += float64(a[i*k+l]) * float64(w[l*cols+j])
				}
			}
		}
		gemm(rows, a, k, w, cols, c)
		for i, v := range c {
			if math.Abs(float64(v)-want[i]) > 1e-4*(1+math.Abs(want[i])) {
				t.Fatalf("%v: element %d is %g, want %g", shape, i, v, want[i])
			}
		}
	}
}

func randoms(rng *rand.Rand, n int) []float32 {
	out := make([]float32, n)
	for i := range out {
		out[i] = float32(rng.NormFloat64())
	}
	return out
}
