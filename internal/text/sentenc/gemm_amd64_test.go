package sentenc

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestWideKernelIsBitForBitTheNarrowOnes checks the promise that lets the
// encoder pick kernel8x32 by CPU alone: the same product with and without
// it is equal bit for bit, for row counts with and without a remainder
// past the 8-row blocks and columns with and without a 16-column tail.
func TestWideKernelIsBitForBitTheNarrowOnes(t *testing.T) {
	if !useWideKernel {
		t.Skip("this CPU has no AVX-512")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, shape := range [][3]int{{8, 5, 32}, {19, 37, 96}, {27, 64, 80}, {3, 9, 32}, {256, 512, 64}} {
		rows, k, cols := shape[0], shape[1], shape[2]
		a, w, c := randoms(rng, rows*k), randoms(rng, k*cols), randoms(rng, rows*cols)
		wide, narrow := slices.Clone(c), slices.Clone(c)
		gemmKernels(rows, a, k, w, cols, wide)
		useWideKernel = false
		gemmKernels(rows, a, k, w, cols, narrow)
		useWideKernel = true
		if !slices.Equal(wide, narrow) {
			t.Fatalf("%v: the AVX-512 kernel's product differs from the AVX2 kernels'", shape)
		}
	}
}

// BenchmarkGemmKernels compares the AVX-512 kernel with the AVX2 ones on
// the encoder's largest product (a batch of 256 tokens through the
// 512 × 2048 feed-forward weights).
func BenchmarkGemmKernels(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	const rows, k, cols = 256, 512, 2048
	a, w, c := randoms(rng, rows*k), randoms(rng, k*cols), make([]float32, rows*cols)
	for _, wide := range []bool{false, true} {
		name := map[bool]string{false: "avx2", true: "avx512"}[wide]
		b.Run(name, func(b *testing.B) {
			if wide && !useWideKernel {
				b.Skip("this CPU has no AVX-512")
			}
			saved := useWideKernel
			useWideKernel = wide
			defer func() { useWideKernel = saved }()
			for b.Loop() {
				gemmKernels(rows, a, k, w, cols, c)
			}
			b.ReportMetric(float64(b.N)*rows*k*cols*2/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
