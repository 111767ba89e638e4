package text

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
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

// referenceObjective is binaryProblem's objective written out plainly, one
// label at a time over the unpacked rows (their values rounded to float32
// as packing stores them): what lockstep.evaluate must compute.
func referenceObjective(xs []sparse, p binaryProblem, w, grad []float64) float64 {
	nf := len(p.prior)
	clear(grad)
	n := float64(len(xs))
	loss := 0.0
	for i, x := range xs {
		z := w[nf]
		for k, j := range x.idx {
			z += w[j] * float64(float32(x.val[k]))
		}
		sign := -1.0
		if p.y[i] {
			sign = 1
		}
		l, wrong := logLoss(sign * z)
		loss += p.weight[i] * l
		r := -sign * p.weight[i] * wrong / n
		for k, j := range x.idx {
			grad[j] += r * float64(float32(x.val[k]))
		}
		grad[nf] += r
	}
	reg := 0.0
	for j := range nf {
		d := w[j] - p.prior[j]
		reg += d * d
		grad[j] += p.penalty * d
	}
	return loss/n + p.penalty/2*reg
}

// randomProblems are nLabels problems on n rows shaped like the word
// model's, with labels of varied frequency, positive weights and priors.
func randomProblems(r *rand.Rand, n, nLabels, nf int) []binaryProblem {
	problems := make([]binaryProblem, nLabels)
	for l := range problems {
		p := binaryProblem{y: make([]bool, n), weight: make([]float64, n), prior: make([]float64, nf),
			penalty: 1e-3 * float64(l+1), solver: classifierSolver}
		for i := range n {
			p.y[i] = r.IntN(nLabels+2) <= l%4
			p.weight[i] = 1
			if p.y[i] {
				p.weight[i] = 1 + float64(l)/3
			}
		}
		p.prior[r.IntN(nf)] = 4
		problems[l] = p
	}
	return problems
}

const testDenseFrom, testWidth, testWordVector = 300, 61, 13

func testRows(r *rand.Rand, n int) ([]sparse, packed, int) {
	xs := randomRows(r, n, testDenseFrom, testWidth, testWordVector)
	return xs, packDense(xs, testDenseFrom, testWidth), testDenseFrom + testWidth + 5
}

// TestLockstepMatchesObjective checks one batched pass for eleven labels
// (two blocks of eight lanes, the second part padding) and for three (one
// block of four) against each label's objective computed alone: equal up
// to summation order.
func TestLockstepMatchesObjective(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	xs, rows, nf := testRows(r, 61) // a last block of one row
	for _, labels := range []int{11, 3} {
		problems := randomProblems(r, len(xs), labels, nf)
		batch := make([]evaluation, len(problems))
		for l := range batch {
			w := make([]float64, nf+1)
			for j := range w {
				w[j] = r.NormFloat64()
			}
			batch[l] = evaluation{label: l, w: w, grad: make([]float64, nf+1)}
		}
		g := newLockstep(rows, problems)
		g.evaluate(batch, g.newBuffers())
		for l, e := range batch {
			want := make([]float64, nf+1)
			value := referenceObjective(xs, problems[l], e.w, want)
			if math.Abs(e.value-value) > 1e-12*math.Abs(value) {
				t.Errorf("%d labels, label %d: objective %v, alone %v", labels, l, e.value, value)
			}
			scale := maxAbs(want)
			for j := range want {
				if math.Abs(e.grad[j]-want[j]) > 1e-12*scale {
					t.Errorf("%d labels, label %d: gradient %d %v, alone %v", labels, l, j, e.grad[j], want[j])
				}
			}
		}
	}
}

// TestFitLabelsIndependentOfCompany fits label 3 of nine alone and among
// all nine, twice: its weights must be identical, bit for bit, whichever
// labels share its passes; and they must minimise its objective.
func TestFitLabelsIndependentOfCompany(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	xs, rows, nf := testRows(r, 83)
	problems := randomProblems(r, len(xs), 9, nf)
	fit := func(labels ...int) ([][]float64, []float64) {
		return fitLabels(rows, len(labels), func(k int) (binaryProblem, []float64, float64) {
			return problems[labels[k]], nil, 0
		})
	}
	aloneW, aloneB := fit(3)
	for round := range 2 {
		allW, allB := fit(0, 1, 2, 3, 4, 5, 6, 7, 8)
		if allB[3] != aloneB[0] || !slices.Equal(allW[3], aloneW[0]) {
			t.Fatalf("round %d: label 3 fitted with others differs from fitted alone (intercept %v, %v)", round, allB[3], aloneB[0])
		}
	}
	grad := make([]float64, nf+1)
	referenceObjective(xs, problems[3], append(slices.Clone(aloneW[0]), aloneB[0]), grad)
	if g := maxAbs(grad); g > 10*classifierSolver.GradTol {
		t.Errorf("fitted label's gradient is %v, far from a minimum", g)
	}
}

// TestBlockKernels checks the assembly kernels, where the processor runs
// them, against the Go ones, in blocks of eight lanes and of four: every
// lane's result must be identical, on lengths around the chains' multiple
// of four and on strides of one to three blocks, the block tested the
// last of them.
func TestBlockKernels(t *testing.T) {
	if !useBlockKernels {
		t.Skip("no AVX2 and FMA: the Go kernels are the only ones")
	}
	r := rand.New(rand.NewPCG(5, 6))
	for _, width := range []int{lanes, narrowLanes} {
		for _, stride := range []int{width, 2 * width, 3 * width} {
			for _, n := range []int{1, 3, 4, 5, 8, 17, 64} {
				checkSparseKernels(t, r, width, stride, n)
				checkDenseKernels(t, r, width, stride, n)
			}
		}
	}
}

const kernelTestFeatures = 70

// kernelTestWeights are random weights for kernelTestFeatures features
// at the given stride, and the offset of the last block of lanes.
func kernelTestWeights(r *rand.Rand, width, stride int) ([]float64, int) {
	w := make([]float64, kernelTestFeatures*stride)
	for k := range w {
		w[k] = r.NormFloat64()
	}
	return w, stride - width
}

func checkSparseKernels(t *testing.T, r *rand.Rand, width, stride, n int) {
	t.Helper()
	w, c := kernelTestWeights(r, width, stride)
	val, idx := make([]float32, n), make([]int32, n)
	for k := range val {
		val[k], idx[k] = float32(r.NormFloat64()), int32(r.IntN(kernelTestFeatures))
	}
	slices.Sort(idx)
	idx = slices.Compact(idx)
	val = val[:len(idx)]
	want, got := make([]float64, width), make([]float64, width)
	sparseDotGo(idx, val, w[c:], stride, want)
	sparseDot(idx, val, w[c:], stride, got)
	if !slices.Equal(want, got) {
		t.Errorf("width %d stride %d length %d: sparseDot %v, Go %v", width, stride, n, got, want)
	}
	res := make([]float64, width)
	for b := range res {
		res[b] = r.NormFloat64()
	}
	wantG, gotG := slices.Clone(w), slices.Clone(w)
	sparseAddGo(idx, val, res, wantG[c:], stride)
	sparseAdd(idx, val, res, gotG[c:], stride)
	if !slices.Equal(wantG, gotG) {
		t.Errorf("width %d stride %d length %d: sparseAdd differs from Go", width, stride, n)
	}
}

// checkDenseKernels checks denseDot and denseAdd on a block of rowBlock
// rows of n features, spaced wider than they are, against the Go kernels.
func checkDenseKernels(t *testing.T, r *rand.Rand, width, stride, n int) {
	t.Helper()
	w, c := kernelTestWeights(r, width, stride)
	n = min(n, kernelTestFeatures)
	xStride := n + 3
	x := make([]float32, rowBlock*xStride)
	for k := range x {
		x[k] = float32(r.NormFloat64())
	}
	res := make([]float64, rowBlock*stride)
	for k := range res {
		res[k] = r.NormFloat64()
	}
	want, got := make([]float64, rowBlock*stride), make([]float64, rowBlock*stride)
	denseDotGo(x, xStride, n, rowBlock, w[c:], stride, want[c:], stride, width)
	denseDot(x, xStride, n, rowBlock, w[c:], stride, got[c:], stride, width)
	if !slices.Equal(want, got) {
		t.Errorf("width %d stride %d features %d: denseDot %v, Go %v", width, stride, n, got, want)
	}
	wantG, gotG := slices.Clone(w), slices.Clone(w)
	denseAddGo(x, xStride, n, rowBlock, res[c:], stride, wantG[c:], stride, width)
	denseAdd(x, xStride, n, rowBlock, res[c:], stride, gotG[c:], stride, width)
	if !slices.Equal(wantG, gotG) {
		t.Errorf("width %d stride %d features %d: denseAdd differs from Go", width, stride, n)
	}
	// A block's rows added at once equal the rows added one by one.
	oneByOne := slices.Clone(w)
	for q := range rowBlock {
		denseAdd(x[q*xStride:], xStride, n, 1, res[q*stride+c:], stride, oneByOne[c:], stride, width)
	}
	if !slices.Equal(oneByOne, gotG) {
		t.Errorf("width %d stride %d features %d: denseAdd of a block differs from its rows one by one", width, stride, n)
	}
}

// BenchmarkLockstepPass is one lockstep pass on rows shaped like the NHS
// word model's (8,238 comments, about 80 terms each, the 48 + 512 word
// and sentence vector features) for a batch of 1, 8 and 22 labels (22 is
// the 44 subcategories over two processors); ns/label is the cost of one
// label's objective evaluation.
func BenchmarkLockstepPass(b *testing.B) {
	const n, terms, width, wordVector = 8238, 20000, 560, 48
	r := rand.New(rand.NewPCG(3, 4))
	rows := packDense(randomRows(r, n, terms, width, wordVector), terms, width)
	nf := terms + width + 5
	for _, labels := range []int{1, 8, 22} {
		b.Run(fmt.Sprint(labels), func(b *testing.B) {
			problems := randomProblems(r, n, labels, nf)
			batch := make([]evaluation, labels)
			for l := range batch {
				w := make([]float64, nf+1)
				for j := range w {
					w[j] = r.NormFloat64() / 10
				}
				batch[l] = evaluation{label: l, w: w, grad: make([]float64, nf+1)}
			}
			g := newLockstep(rows, problems)
			buffers := g.newBuffers()
			for b.Loop() {
				g.evaluate(batch, buffers)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*labels), "ns/label")
		})
	}
}

// TestTrainIndependentOfProcessors trains the same model with one
// processor and with three: lockstep batches form differently, and the
// model must not change.
func TestTrainIndependentOfProcessors(t *testing.T) {
	train := readCorpus(t, "comments_train.csv")
	trainWith := func(procs int) string {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		m, err := Train(train, TrainOptions{Taxonomy: DefaultTaxonomy()})
		if err != nil {
			t.Fatal(err)
		}
		out, _ := json.Marshal(m)
		return string(out)
	}
	if trainWith(1) != trainWith(3) {
		t.Error("training with one processor and with three differ")
	}
}

// TestFeatureMajorScoresEqualLinearScores: scoring from the weights laid
// out feature by feature gives exactly linearScores' log-odds (the same
// sums in the same order), so held-out scoring in training is unchanged.
func TestFeatureMajorScoresEqualLinearScores(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 8))
	const denseFrom, width, labels = 300, 40, 11
	xs := randomRows(r, 50, denseFrom, width, 8)
	nf := denseFrom + width + 5
	weights, bias := matrix(labels, nf), make([]float64, labels)
	for l := range weights {
		bias[l] = r.NormFloat64()
		for j := range weights[l] {
			weights[l][j] = r.NormFloat64()
		}
	}
	byFeature := newFeatureMajor(weights)
	for i, x := range xs {
		if got, want := byFeature.scores(x, weights, bias), linearScores(x, weights, bias); !slices.Equal(got, want) {
			t.Fatalf("row %d: feature-major scores %v, linearScores %v", i, got, want)
		}
	}
	if got := (*featureMajor)(nil).scores(xs[0], weights, bias); !slices.Equal(got, linearScores(xs[0], weights, bias)) {
		t.Error("without a feature-major layout the scores are not linearScores'")
	}
}
