package text

import "math"

// The block kernels are the inner loops of a lockstep pass (lockstep.go):
// they work on lanes labels at once, the labels' weights or gradients
// held feature-major with a row stride of stride float64s, so that the
// lanes of one feature are adjacent (one 64-byte cache line) and a
// nonzero feature value, read once, serves every lane.
//
// Every lane's arithmetic is the same whatever the other lanes hold and
// whichever kernel (assembly or Go) runs, which keeps a label's fit
// independent of the batch it shares a pass with: a sparse row's dot
// product is summed in four chains (nonzero k goes to chain k mod 4 while
// four remain, the rest to chain 0), each a sequence of fused
// multiply-adds, added as (c0 + c1) + (c2 + c3), four chains keeping the
// FMA units busy through their latency; the dense block's is one chain in
// feature order, several rows at a time keeping them busy instead; every
// gradient element is updated row after row by one fused multiply-add.

// lanes is how many labels a block kernel serves: two AVX registers of
// four float64s.
const lanes = 8

// block is one lane-block's values: a partial dot product per label, or
// the residuals a row's gradient update is scaled by.
type block = [lanes]float64

// sparseDotGo sets out[b] to Σ_k val[k]·w[idx[k]·stride + b].
func sparseDotGo(idx []int32, val []float32, w []float64, stride int, out *block) {
	var c [4]block
	k := 0
	for ; k+4 <= len(idx); k += 4 {
		for q := range 4 {
			fmaRow(&c[q], float64(val[k+q]), w[int(idx[k+q])*stride:])
		}
	}
	for ; k < len(idx); k++ {
		fmaRow(&c[0], float64(val[k]), w[int(idx[k])*stride:])
	}
	combineChains(&c, out)
}

// rowBlock is how many rows the dense kernels take at once: a column of
// the batch's weights (or gradients), loaded once, serves four rows.
const rowBlock = 4

// denseDotGo sets out[q·outStride + b] to Σ_j x[q·xStride + j]·w[j·stride + b]
// for the rows q of a block (rows of them), each lane's sum one chain of
// fused multiply-adds in feature order: here the four rows, not four
// chains, keep the FMA units busy.
func denseDotGo(x []float32, xStride, width, rows int, w []float64, stride int, out []float64, outStride int) {
	for q := range rows {
		var acc block
		row := x[q*xStride : q*xStride+width]
		for j, v := range row {
			fmaRow(&acc, float64(v), w[j*stride:])
		}
		copy(out[q*outStride:q*outStride+lanes], acc[:])
	}
}

// fmaRow adds v·row[b] to acc[b] for every lane, rounding once.
func fmaRow(acc *block, v float64, row []float64) {
	row = row[:lanes]
	for b := range acc {
		acc[b] = math.FMA(v, row[b], acc[b])
	}
}

func combineChains(c *[4]block, out *block) {
	for b := range out {
		out[b] = (c[0][b] + c[1][b]) + (c[2][b] + c[3][b])
	}
}

// sparseAddGo adds val[k]·r[b] to g[idx[k]·stride + b].
func sparseAddGo(idx []int32, val []float32, r *block, g []float64, stride int) {
	for k, j := range idx {
		addRow(g[int(j)*stride:], float64(val[k]), r)
	}
}

// denseAddGo adds x[q·xStride + j]·r[q·rStride + b] to g[j·stride + b] for
// the rows q of a block, row after row: the same arithmetic whether the
// rows come in blocks or one at a time.
func denseAddGo(x []float32, xStride, width, rows int, r []float64, rStride int, g []float64, stride int) {
	for q := range rows {
		rq := (*block)(r[q*rStride : q*rStride+lanes])
		for j, v := range x[q*xStride : q*xStride+width] {
			addRow(g[j*stride:], float64(v), rq)
		}
	}
}

func addRow(row []float64, v float64, r *block) {
	row = row[:lanes]
	for b := range r {
		row[b] = math.FMA(v, r[b], row[b])
	}
}
