//go:build !amd64

package text

const useBlockKernels = false

func sparseDot(idx []int32, val []float32, w []float64, stride int, out *block) {
	sparseDotGo(idx, val, w, stride, out)
}

func denseDot(x []float32, xStride, width, rows int, w []float64, stride int, out []float64, outStride int) {
	denseDotGo(x, xStride, width, rows, w, stride, out, outStride)
}

func sparseAdd(idx []int32, val []float32, r *block, g []float64, stride int) {
	sparseAddGo(idx, val, r, g, stride)
}

func denseAdd(x []float32, xStride, width, rows int, r []float64, rStride int, g []float64, stride int) {
	denseAddGo(x, xStride, width, rows, r, rStride, g, stride)
}
