package sentenc

import "golang.org/x/sys/cpu"

// useKernels is whether the AVX2 and FMA kernels of gemm_amd64.s can run:
// they make the encoder several times faster than gonum's SSE Gemm. All
// three sum over k in the same order, so a row's result does not depend
// on which kernel computed it.
var useKernels = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// useWideKernel is whether kernel8x32 (AVX-512) can run. Its results are
// bit for bit the AVX2 kernels', so choosing it changes only the speed.
var useWideKernel = useKernels && cpu.X86.HasAVX512F

//go:noescape
func kernel8x32(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int)

//go:noescape
func kernel6x16(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int)

//go:noescape
func kernel4x16(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int)

//go:noescape
func kernel1x16(k int, a *float32, b *float32, ldb int, c *float32)

// gemmKernels adds a (rows × k) times w (k × cols) to c (rows × cols),
// cols a multiple of 16. Column panels are the outer loop so that a
// panel of w (k × 16 or 32 floats) stays in cache while every row block
// uses it.
func gemmKernels(rows int, a []float32, k int, w []float32, cols int, c []float32) {
	_ = a[rows*k-1]
	_ = w[k*cols-1]
	_ = c[rows*cols-1]
	j := 0
	if useWideKernel {
		for ; j+32 <= cols; j += 32 {
			i := 0
			for ; i+8 <= rows; i += 8 {
				kernel8x32(k, &a[i*k], k, &w[j], cols, &c[i*cols+j], cols)
			}
			panel16(i, rows, a, k, w, cols, c, j)
			panel16(i, rows, a, k, w, cols, c, j+16)
		}
	}
	for ; j < cols; j += 16 {
		panel16(0, rows, a, k, w, cols, c, j)
	}
}

// panel16 computes columns j to j+16 of rows from to rows with the AVX2
// kernels.
func panel16(from, rows int, a []float32, k int, w []float32, cols int, c []float32, j int) {
	i := from
	for ; i+6 <= rows; i += 6 {
		kernel6x16(k, &a[i*k], k, &w[j], cols, &c[i*cols+j], cols)
	}
	for ; i+4 <= rows; i += 4 {
		kernel4x16(k, &a[i*k], k, &w[j], cols, &c[i*cols+j], cols)
	}
	for ; i < rows; i++ {
		kernel1x16(k, &a[i*k], &w[j], cols, &c[i*cols+j])
	}
}
