//go:build !amd64

package sentenc

// useKernels is false where there are no assembly kernels: gemm uses
// gonum's Gemm.
const useKernels = false

func gemmKernels(rows int, a []float32, k int, w []float32, cols int, c []float32) {
	panic("sentenc: no gemm kernels on this architecture")
}
