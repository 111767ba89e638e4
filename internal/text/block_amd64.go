package text

import "golang.org/x/sys/cpu"

// useBlockKernels is whether block_amd64.s can run. Go neither vectorises
// nor keeps eight lanes in registers, and these loops are nearly all of
// training; the assembly gives the same results (block.go). Each kernel
// comes in eight lanes and, as …NarrowAVX, four.
var useBlockKernels = cpu.X86.HasAVX2 && cpu.X86.HasFMA

//go:noescape
func sparseDotAVX(idx *int32, val *float32, n int, w *float64, stride int, out *float64)

//go:noescape
func sparseDotNarrowAVX(idx *int32, val *float32, n int, w *float64, stride int, out *float64)

//go:noescape
func denseDot4AVX(x *float32, xStride int, n int, w *float64, stride int, out *float64, outStride int)

//go:noescape
func denseDot4NarrowAVX(x *float32, xStride int, n int, w *float64, stride int, out *float64, outStride int)

//go:noescape
func sparseAddAVX(idx *int32, val *float32, n int, r *float64, grad *float64, stride int)

//go:noescape
func sparseAddNarrowAVX(idx *int32, val *float32, n int, r *float64, grad *float64, stride int)

//go:noescape
func denseAdd4AVX(x *float32, xStride int, n int, r *float64, rStride int, grad *float64, stride int)

//go:noescape
func denseAdd4NarrowAVX(x *float32, xStride int, n int, r *float64, rStride int, grad *float64, stride int)

// The wrappers check what the assembly cannot: that every row it touches
// lies inside its slice. A sparse row's indices are checked once for the
// whole set (checkIndices), not here on every call.

// assembled is whether the assembly serves a block of this width.
func assembled(width int) bool {
	return useBlockKernels && (width == lanes || width == narrowLanes)
}

func sparseDot(idx []int32, val []float32, w []float64, stride int, out []float64) {
	val = val[:len(idx)]
	switch {
	case !assembled(len(out)) || len(idx) == 0:
		sparseDotGo(idx, val, w, stride, out)
	case len(out) == lanes:
		sparseDotAVX(&idx[0], &val[0], len(idx), &w[0], stride, &out[0])
	default:
		sparseDotNarrowAVX(&idx[0], &val[0], len(idx), &w[0], stride, &out[0])
	}
}

// denseDot is denseDotGo, in assembly for a whole block of rows.
func denseDot(x []float32, xStride, n, rows int, w []float64, stride int, out []float64, outStride, width int) {
	if !assembled(width) || rows != rowBlock || n == 0 {
		denseDotGo(x, xStride, n, rows, w, stride, out, outStride, width)
		return
	}
	_ = x[(rows-1)*xStride+n-1]
	_ = w[(n-1)*stride+width-1]
	_ = out[(rows-1)*outStride+width-1]
	if width == lanes {
		denseDot4AVX(&x[0], xStride, n, &w[0], stride, &out[0], outStride)
	} else {
		denseDot4NarrowAVX(&x[0], xStride, n, &w[0], stride, &out[0], outStride)
	}
}

func sparseAdd(idx []int32, val []float32, r []float64, g []float64, stride int) {
	val = val[:len(idx)]
	switch {
	case !assembled(len(r)) || len(idx) == 0:
		sparseAddGo(idx, val, r, g, stride)
	case len(r) == lanes:
		sparseAddAVX(&idx[0], &val[0], len(idx), &r[0], &g[0], stride)
	default:
		sparseAddNarrowAVX(&idx[0], &val[0], len(idx), &r[0], &g[0], stride)
	}
}

// denseAdd is denseAddGo, in assembly for a whole block of rows.
func denseAdd(x []float32, xStride, n, rows int, r []float64, rStride int, g []float64, stride, width int) {
	if !assembled(width) || rows != rowBlock || n == 0 {
		denseAddGo(x, xStride, n, rows, r, rStride, g, stride, width)
		return
	}
	_ = x[(rows-1)*xStride+n-1]
	_ = r[(rows-1)*rStride+width-1]
	_ = g[(n-1)*stride+width-1]
	if width == lanes {
		denseAdd4AVX(&x[0], xStride, n, &r[0], rStride, &g[0], stride)
	} else {
		denseAdd4NarrowAVX(&x[0], xStride, n, &r[0], rStride, &g[0], stride)
	}
}
