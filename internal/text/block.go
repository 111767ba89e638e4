package text

import "math"

// The block kernels are the inner loops of a lockstep pass (lockstep.go):
// they work on a block of labels at once (lanes of them, or narrowLanes
// for a batch that small), the labels' weights or gradients held
// feature-major with a row stride of stride float64s, so that the block's
// lanes of one feature are adjacent (within one 64-byte cache line) and a nonzero
// feature value, read once, serves every lane. A kernel's width is the
// length of its out or r slice.
//
// Every lane's arithmetic is the same whatever the other lanes hold,
// however wide the block and whichever kernel (assembly or Go) runs, which
// keeps a label's fit independent of the batch it shares a pass with: a
// sparse row's dot product is summed in four chains (nonzero k goes to
// chain k mod 4 while four remain, the rest to chain 0), each a sequence
// of fused multiply-adds, added as (c0 + c1) + (c2 + c3), four chains
// keeping the FMA units busy through their latency; the dense block's is
// one chain in feature order, several rows at a time keeping them busy
// instead; every gradient element is updated row after row by one fused
// multiply-add.

// lanes is how many labels a block kernel serves: two AVX registers of
// four float64s; narrowLanes, one register, serves batches of up to four
// labels (the last labels of a fit to converge, or a fit of a few), which
// would otherwise pay for eight.
const (
	lanes       = 8
	narrowLanes = 4
)

// blockWidth is the width of the blocks a batch of n labels is computed in.
func blockWidth(n int) int {
	if n <= narrowLanes {
		return narrowLanes
	}
	return lanes
}

// sparseDotGo sets out[b] to Σ_k val[k]·w[idx[k]·stride + b].
func sparseDotGo(idx []int32, val []float32, w []float64, stride int, out []float64) {
	var c [4][lanes]float64
	k := 0
	for ; k+4 <= len(idx); k += 4 {
		for q := range 4 {
			fmaRow(c[q][:len(out)], float64(val[k+q]), w[int(idx[k+q])*stride:])
		}
	}
	for ; k < len(idx); k++ {
		fmaRow(c[0][:len(out)], float64(val[k]), w[int(idx[k])*stride:])
	}
	for b := range out {
		out[b] = (c[0][b] + c[1][b]) + (c[2][b] + c[3][b])
	}
}

// rowBlock is how many rows the dense kernels take at once: a column of
// the batch's weights (or gradients), loaded once, serves four rows.
const rowBlock = 4

// denseDotGo sets out[q·outStride + b], b below width, to
// Σ_j x[q·xStride + j]·w[j·stride + b] for the rows q of a block (rows of
// them, n features each), each lane's sum one chain of fused
// multiply-adds in feature order: here the rows, not several chains, keep
// the FMA units busy.
func denseDotGo(x []float32, xStride, n, rows int, w []float64, stride int, out []float64, outStride, width int) {
	for q := range rows {
		acc := out[q*outStride : q*outStride+width]
		clear(acc)
		for j, v := range x[q*xStride : q*xStride+n] {
			fmaRow(acc, float64(v), w[j*stride:])
		}
	}
}

// fmaRow adds v·row[b] to acc[b] for every lane, rounding once.
func fmaRow(acc []float64, v float64, row []float64) {
	row = row[:len(acc)]
	for b := range acc {
		acc[b] = math.FMA(v, row[b], acc[b])
	}
}

// sparseAddGo adds val[k]·r[b] to g[idx[k]·stride + b].
func sparseAddGo(idx []int32, val []float32, r []float64, g []float64, stride int) {
	for k, j := range idx {
		addRow(g[int(j)*stride:], float64(val[k]), r)
	}
}

// denseAddGo adds x[q·xStride + j]·r[q·rStride + b] to g[j·stride + b], b
// below width, for the rows q of a block, row after row: the same
// arithmetic whether the rows come in blocks or one at a time.
func denseAddGo(x []float32, xStride, n, rows int, r []float64, rStride int, g []float64, stride, width int) {
	for q := range rows {
		rq := r[q*rStride : q*rStride+width]
		for j, v := range x[q*xStride : q*xStride+n] {
			addRow(g[j*stride:], float64(v), rq)
		}
	}
}

func addRow(row []float64, v float64, r []float64) {
	row = row[:len(r)]
	for b := range r {
		row[b] = math.FMA(v, r[b], row[b])
	}
}
