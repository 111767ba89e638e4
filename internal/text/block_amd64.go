package text

import "golang.org/x/sys/cpu"

// useBlockKernels is whether block_amd64.s can run. Go neither vectorises
// nor keeps eight lanes in registers, and these loops are nearly all of
// training; the assembly gives the same results (block.go).
var useBlockKernels = cpu.X86.HasAVX2 && cpu.X86.HasFMA

//go:noescape
func sparseDotAVX(idx *int32, val *float32, n int, w *float64, stride int, out *block)

//go:noescape
func denseDot4AVX(x *float32, xStride int, n int, w *float64, stride int, out *float64, outStride int)

//go:noescape
func sparseAddAVX(idx *int32, val *float32, n int, r *block, grad *float64, stride int)

//go:noescape
func denseAdd4AVX(x *float32, xStride int, n int, r *float64, rStride int, grad *float64, stride int)

// The wrappers check what the assembly cannot: that every row it touches
// lies inside w or g. A sparse row's indices are checked once for the
// whole set (lockstep.checkIndices), not here on every call.

func sparseDot(idx []int32, val []float32, w []float64, stride int, out *block) {
	val = val[:len(idx)]
	if !useBlockKernels || len(idx) == 0 {
		sparseDotGo(idx, val, w, stride, out)
		return
	}
	sparseDotAVX(&idx[0], &val[0], len(idx), &w[0], stride, out)
}

// denseDot is denseDotGo, in assembly for a whole block of rows.
func denseDot(x []float32, xStride, width, rows int, w []float64, stride int, out []float64, outStride int) {
	if !useBlockKernels || rows != rowBlock || width == 0 {
		denseDotGo(x, xStride, width, rows, w, stride, out, outStride)
		return
	}
	_ = x[(rows-1)*xStride+width-1]
	_ = w[(width-1)*stride+lanes-1]
	_ = out[(rows-1)*outStride+lanes-1]
	denseDot4AVX(&x[0], xStride, width, &w[0], stride, &out[0], outStride)
}

func sparseAdd(idx []int32, val []float32, r *block, g []float64, stride int) {
	val = val[:len(idx)]
	if !useBlockKernels || len(idx) == 0 {
		sparseAddGo(idx, val, r, g, stride)
		return
	}
	sparseAddAVX(&idx[0], &val[0], len(idx), r, &g[0], stride)
}

// denseAdd is denseAddGo, in assembly for a whole block of rows.
func denseAdd(x []float32, xStride, width, rows int, r []float64, rStride int, g []float64, stride int) {
	if !useBlockKernels || rows != rowBlock || width == 0 {
		denseAddGo(x, xStride, width, rows, r, rStride, g, stride)
		return
	}
	_ = x[(rows-1)*xStride+width-1]
	_ = r[(rows-1)*rStride+lanes-1]
	_ = g[(width-1)*stride+lanes-1]
	denseAdd4AVX(&x[0], xStride, width, &r[0], rStride, &g[0], stride)
}
