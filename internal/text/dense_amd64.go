package text

import "golang.org/x/sys/cpu"

// useDenseAVX is whether dense_amd64.s can run. Go does not vectorise, and
// the dense block's dot products and gradient updates were most of the
// word model's fitting time: with AVX, four float64 lanes a register,
// they run about three times faster than the unrolled Go loops.
var useDenseAVX = cpu.X86.HasAVX

//go:noescape
func dotDenseAVX(x *float32, w *float64, n int) float64

//go:noescape
func addDenseAVX(a float64, x *float32, y *float64, n int)

// dotDense is x·w[:len(x)].
func dotDense(x []float32, w []float64) float64 {
	w = w[:len(x)]
	n := len(x) &^ 15
	if !useDenseAVX || n == 0 {
		return dotDenseGo(x, w)
	}
	return dotDenseAVX(&x[0], &w[0], n) + dotDenseGo(x[n:], w[n:])
}

// addDense adds a·x to y[:len(x)].
func addDense(a float64, x []float32, y []float64) {
	y = y[:len(x)]
	n := len(x) &^ 15
	if !useDenseAVX || n == 0 {
		addDenseGo(a, x, y)
		return
	}
	addDenseAVX(a, &x[0], &y[0], n)
	addDenseGo(a, x[n:], y[n:])
}
