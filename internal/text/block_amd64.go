package text

import "golang.org/x/sys/cpu"

// useBlockKernels is whether block_amd64.s can run. Go neither vectorises
// nor keeps eight lanes in registers, and these loops are nearly all of
// training; the assembly gives the same results (block.go).
var useBlockKernels = cpu.X86.HasAVX2 && cpu.X86.HasFMA

//go:noescape
func sparseDotAVX(idx *int32, val *float32, n int, w *float64, stride int, out *block)

//go:noescape
func denseDotAVX(x *float32, n int, w *float64, stride int, out *block)

//go:noescape
func sparseAddAVX(idx *int32, val *float32, n int, r *block, grad *float64, stride int)

//go:noescape
func denseAddAVX(x *float32, n int, r *block, grad *float64, stride int)

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

func denseDot(x []float32, w []float64, stride int, out *block) {
	if !useBlockKernels || len(x) == 0 {
		denseDotGo(x, w, stride, out)
		return
	}
	_ = w[(len(x)-1)*stride+lanes-1]
	denseDotAVX(&x[0], len(x), &w[0], stride, out)
}

func sparseAdd(idx []int32, val []float32, r *block, g []float64, stride int) {
	val = val[:len(idx)]
	if !useBlockKernels || len(idx) == 0 {
		sparseAddGo(idx, val, r, g, stride)
		return
	}
	sparseAddAVX(&idx[0], &val[0], len(idx), r, &g[0], stride)
}

func denseAdd(x []float32, r *block, g []float64, stride int) {
	if !useBlockKernels || len(x) == 0 {
		denseAddGo(x, r, g, stride)
		return
	}
	_ = g[(len(x)-1)*stride+lanes-1]
	denseAddAVX(&x[0], len(x), r, &g[0], stride)
}
