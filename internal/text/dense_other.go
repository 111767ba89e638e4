//go:build !amd64

package text

const useDenseAVX = false

func dotDense(x []float32, w []float64) float64 { return dotDenseGo(x, w) }

func addDense(a float64, x []float32, y []float64) { addDenseGo(a, x, y) }
