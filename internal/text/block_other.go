//go:build !amd64

package text

const useBlockKernels = false

func sparseDot(idx []int32, val []float32, w []float64, stride int, out []float64) {
	sparseDotGo(idx, val, w, stride, out)
}

func denseDot(x []float32, xStride, n, rows int, w []float64, stride int, out []float64, outStride, width int) {
	denseDotGo(x, xStride, n, rows, w, stride, out, outStride, width)
}

func sparseAdd(idx []int32, val []float32, r []float64, g []float64, stride int) {
	sparseAddGo(idx, val, r, g, stride)
}

func denseAdd(x []float32, xStride, n, rows int, r []float64, rStride int, g []float64, stride, width int) {
	denseAddGo(x, xStride, n, rows, r, rStride, g, stride, width)
}
