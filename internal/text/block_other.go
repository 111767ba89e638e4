//go:build !amd64

package text

const useBlockKernels = false

func sparseDot(idx []int32, val []float32, w []float64, stride int, out *block) {
	sparseDotGo(idx, val, w, stride, out)
}

func denseDot(x []float32, w []float64, stride int, out *block) { denseDotGo(x, w, stride, out) }

func sparseAdd(idx []int32, val []float32, r *block, g []float64, stride int) {
	sparseAddGo(idx, val, r, g, stride)
}

func denseAdd(x []float32, r *block, g []float64, stride int) { denseAddGo(x, r, g, stride) }
