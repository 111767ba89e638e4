package text

import (
	"math"
	"math/rand/v2"
	"testing"
)

// randomRows are rows shaped like the word model's: a few sparse terms
// below denseFrom, then, in most rows, width dense features (some rows
// lack the word vector's part of it, as comments with no known word do),
// and in some rows a feature after the dense block, which must stay
// sparse.
func randomRows(r *rand.Rand, n, denseFrom, width, wordVector int) []sparse {
	xs := make([]sparse, n)
	for i := range xs {
		var x sparse
		for j := 0; j < denseFrom; j += 1 + r.IntN(denseFrom/40+1) {
			x.idx, x.val = append(x.idx, j), append(x.val, r.Float64())
		}
		first := 0
		if i%5 == 0 {
			first = wordVector
		}
		if i%7 != 0 {
			for j := first; j < width; j++ {
				x.idx, x.val = append(x.idx, denseFrom+j), append(x.val, r.NormFloat64()/20)
			}
		}
		if i%3 == 0 {
			x.idx, x.val = append(x.idx, denseFrom+width+r.IntN(5)), append(x.val, r.Float64())
		}
		xs[i] = x
	}
	return xs
}

// TestPackDenseMatchesSparse checks that a dense block changes no dot
// product or gradient beyond summation order: the reference is the same
// rows packed as index/value pairs only.
func TestPackDenseMatchesSparse(t *testing.T) {
	const denseFrom, width, wordVector, nf = 300, 61, 13, 300 + 61 + 5
	r := rand.New(rand.NewPCG(1, 2))
	xs := randomRows(r, 40, denseFrom, width, wordVector)
	ref, got := pack(xs), packDense(xs, denseFrom, width)
	if len(got.idx) >= len(ref.idx) {
		t.Fatalf("dense block holds nothing: %d index/value pairs against %d", len(got.idx), len(ref.idx))
	}
	w := make([]float64, nf)
	for j := range w {
		w[j] = r.NormFloat64()
	}
	wantGrad, gotGrad := make([]float64, nf), make([]float64, nf)
	for i := range xs {
		want, have := ref.dot(i, w), got.dot(i, w)
		if math.Abs(want-have) > 1e-12*(1+math.Abs(want)) {
			t.Errorf("row %d: dot %v, sparse reference %v", i, have, want)
		}
		a := r.NormFloat64()
		ref.addTo(i, a, wantGrad)
		got.addTo(i, a, gotGrad)
	}
	for j := range wantGrad {
		if math.Abs(wantGrad[j]-gotGrad[j]) > 1e-12*(1+math.Abs(wantGrad[j])) {
			t.Errorf("gradient %d: %v, sparse reference %v", j, gotGrad[j], wantGrad[j])
		}
	}
}

// BenchmarkObjective is one evaluation of a label's objective on rows
// shaped like the NHS word model's (8,238 comments, about 80 terms each,
// the 48 + 512 word and sentence vector features), packed with and
// without the dense block.
func BenchmarkObjective(b *testing.B) {
	const n, terms, width, wordVector = 8238, 20000, 560, 48
	r := rand.New(rand.NewPCG(3, 4))
	xs := randomRows(r, n, terms, width, wordVector)
	nf := terms + width + 5
	y, weight := make([]bool, n), make([]float64, n)
	for i := range y {
		y[i], weight[i] = i%9 == 0, 1
	}
	w, grad := make([]float64, nf+1), make([]float64, nf+1)
	for j := range w {
		w[j] = r.NormFloat64() / 10
	}
	for _, layout := range []struct {
		name string
		xs   packed
	}{{"indexed", pack(xs)}, {"dense", packDense(xs, terms, width)}} {
		b.Run(layout.name, func(b *testing.B) {
			p := binaryProblem{xs: layout.xs, y: y, weight: weight, prior: make([]float64, nf), penalty: 1e-4}
			for b.Loop() {
				p.objective(w, grad)
			}
		})
	}
}

// TestDenseKernels checks dotDense and addDense, which use dense_amd64.s
// where the processor allows, against the plain Go loops, on lengths
// around the kernels' multiple of sixteen: the gradient update must be
// identical, the dot product equal up to summation order.
func TestDenseKernels(t *testing.T) {
	if !useDenseAVX {
		t.Log("no AVX: dotDense and addDense are the Go loops")
	}
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{0, 1, 15, 16, 17, 31, 32, 48, 560, 563} {
		x, w := make([]float32, n), make([]float64, n+3)
		for k := range x {
			x[k] = float32(r.NormFloat64())
		}
		for k := range w {
			w[k] = r.NormFloat64()
		}
		want, got := dotDenseGo(x, w), dotDense(x, w)
		if math.Abs(want-got) > 1e-12*(1+math.Abs(want)) {
			t.Errorf("length %d: dotDense %v, Go loop %v", n, got, want)
		}
		a := r.NormFloat64()
		wantY, gotY := append([]float64(nil), w...), append([]float64(nil), w...)
		addDenseGo(a, x, wantY)
		addDense(a, x, gotY)
		for k := range wantY {
			if wantY[k] != gotY[k] {
				t.Errorf("length %d: addDense element %d %v, Go loop %v", n, k, gotY[k], wantY[k])
			}
		}
	}
}
