package text

import (
	"encoding/gob"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// BenchmarkNHSRound6 reproduces round six's comparison (docs/text-models.md,
// "Round six") on numpySplit, the data README's split: latent semantic
// features, a per-parent conditional subcategory model decoded jointly
// with the label, and per-label logit offsets tuned for macro-F1. Every
// option is compared on out-of-fold scores from 3 folds inside the
// training part (assignFolds(…, 3, 1)); the test part is scored for the
// record. Set FRESCO_NHS_CACHE to a folder to keep the fitted scores
// between runs.
//
//	go test ./internal/text -run '^$' -bench NHSRound6 -benchtime 1x -v
func BenchmarkNHSRound6(b *testing.B) {
	for b.Loop() {
		r := round6Scores(b)
		logRound6Rows(b, r)
	}
}

// r6Scores are probabilities, out-of-fold on the training part and on the
// test part, of each level (0: subcategory, 1: label) and model.
type r6Scores struct {
	OOF, Test     map[string][2][][]float64
	YTrain, YTest [2][]int
	Labels        [2][]string
	Parent        []int
	Folds         []int
}

// r6Data is what the fits need: feature vectors of train then test rows,
// and the targets of the training rows.
type r6Data struct {
	nTrain, nTest int
	feats         map[string][]sparse
	width         map[string]int
	ys            [2][][]bool
	// power is the positive-weight power of the fits (0: the shipped 0.75).
	power float64
}

// fitPower is d's positive-weight power.
func (d r6Data) fitPower() float64 {
	if d.power == 0 {
		return 0.75
	}
	return d.power
}

func round6Scores(b *testing.B) *r6Scores {
	cache := os.Getenv("FRESCO_NHS_CACHE")
	path := filepath.Join(cache, "round6.gob")
	r := &r6Scores{}
	if cache != "" {
		if f, err := os.Open(path); err == nil {
			defer f.Close()
			if gob.NewDecoder(f).Decode(r) == nil {
				return r
			}
		}
	}
	train, test := numpySplit(readNHSLevels(b, "subcategory", "label"))
	m := newModel(train, TrainOptions{WithoutWordVectors: true}.withDefaults()) // as the round ran: before word vectors
	var d r6Data
	r, d = newR6Scores(train, test, m)
	// LSA reads unigrams seen in at least 3 training comments.
	keep := make([]bool, d.width["word"])
	for j, t := range m.Terms {
		keep[j] = !isBigram(t) && m.IDF[j] <= math.Log(float64(1+len(train))/4)+1
	}
	b.Logf("LSA over %d unigrams", len(slices.DeleteFunc(slices.Clone(keep), func(k bool) bool { return !k })))
	for _, k := range []int{100, 300} {
		name := fmt.Sprint("lsa", k)
		d.feats[name], d.width[name] = lsaFeatures(d.feats["word"], keep, len(train), k)
	}
	for _, spec := range []struct {
		name, feats string
		c           float64
	}{{"word", "word", 5}, {"char", "char", 10}, {"lsa100", "lsa100", 10}, {"lsa300", "lsa300", 10}, {"lsa300c100", "lsa300", 100}} {
		var oof, tst [2][][]float64
		for lv := range 2 {
			oof[lv], tst[lv] = r.fitOOF(d, spec.feats, d.ys[lv], spec.c, nil)
		}
		r.OOF[spec.name], r.Test[spec.name] = oof, tst
		b.Logf("fitted %s", spec.name)
	}
	for _, feats := range []string{"word", "char"} {
		c := map[string]float64{"word": 5, "char": 10}[feats]
		oof, tst := r.fitOOF(d, feats, d.ys[0], c, r.Parent)
		r.OOF["cond"+feats], r.Test["cond"+feats] = [2][][]float64{oof}, [2][][]float64{tst}
	}
	if cache != "" {
		if f, err := os.Create(path); err == nil {
			defer f.Close()
			if err := gob.NewEncoder(f).Encode(r); err != nil {
				b.Fatal(err)
			}
		}
	}
	return r
}

// newR6Scores sets up the README split's training and test parts for
// fitting: both levels' labels and targets, the parent map, the 3 folds,
// and the word and character vectors of m's featurizer.
func newR6Scores(train, test []Example, m *Model) (*r6Scores, r6Data) {
	r := &r6Scores{Folds: assignFolds(len(train), 3, 1), Labels: twoLevelLabels(m, train)}
	r.OOF, r.Test = map[string][2][][]float64{}, map[string][2][][]float64{}
	d := r6Data{nTrain: len(train), nTest: len(test), feats: map[string][]sparse{}, width: map[string]int{
		"word": m.features.wordSize(), "char": m.features.gramSize()}}
	for _, e := range slices.Concat(train, test) {
		d.feats["word"] = append(d.feats["word"], m.features.vector(e.Text))
		d.feats["char"] = append(d.feats["char"], m.features.gramVector(e.Text))
	}
	for n, e := range slices.Concat(train, test) {
		for lv, l := range []string{e.Labels[0], e.OtherLevel[0]} {
			i, _ := slices.BinarySearch(r.Labels[lv], l)
			if n < len(train) {
				r.YTrain[lv] = append(r.YTrain[lv], i)
				d.ys[lv] = append(d.ys[lv], oneHot(len(r.Labels[lv]), i))
			} else {
				r.YTest[lv] = append(r.YTest[lv], i)
			}
		}
	}
	r.Parent = parents(d.ys[0], d.ys[1])
	return r, d
}

// twoLevelLabels are m's own labels and the sorted distinct other-level
// labels of train.
func twoLevelLabels(m *Model, train []Example) [2][]string {
	out := [2][]string{m.Labels}
	for _, e := range train {
		out[1] = append(out[1], e.OtherLevel[0])
	}
	slices.Sort(out[1])
	out[1] = slices.Compact(out[1])
	return out
}

// fitOOF fits one-vs-rest LRs (power d.fitPower()) to the training rows of each
// fold's complement and scores that fold, then to all training rows and
// scores the test rows. With parent set the fit is conditional: for each
// parent label, on the rows of that parent only, over its children, and a
// row's score of child s is p(s | parent(s)), normalised within the
// parent's children.
func (r *r6Scores) fitOOF(d r6Data, feats string, ys [][]bool, c float64, parent []int) (oof, tst [][]float64) {
	nl := len(ys[0])
	xs := d.feats[feats]
	fit := func(trIdx, scoreIdx []int, into [][]float64) {
		if parent == nil {
			td := trainingData{prior: matrix(nl, d.width[feats])}
			for _, i := range trIdx {
				td.xs, td.ys = append(td.xs, xs[i]), append(td.ys, ys[i])
			}
			w, bias := td.fit(c, d.fitPower(), nil, nil)
			for k, i := range scoreIdx {
				into[k] = probabilities(xs[i], w, bias)
			}
			return
		}
		conditionalFit(xs, ys, parent, d.width[feats], c, d.fitPower(), trIdx, scoreIdx, into)
	}
	return r.fitOOFWith(d, ys, fit)
}

// lsaFeatures projects every row onto the top k right singular vectors of
// the TF-IDF matrix of the first nTrain rows restricted to the word
// features in keep (randomised SVD: k + 10 random directions, two power
// iterations, Gram–Schmidt, then the eigenvectors of the small Gram
// matrix), each projection L2-normalised, as dense vectors.
func lsaFeatures(xs []sparse, keep []bool, nTrain, k int) ([]sparse, int) {
	l := k + 10
	width := len(keep)
	rng := rand.New(rand.NewPCG(6, 6))
	xv := func(x sparse, v []float64) float64 {
		s := 0.0
		for a, j := range x.idx {
			if keep[j] {
				s += x.val[a] * v[j]
			}
		}
		return s
	}
	times := func(z [][]float64) [][]float64 { // X·z, columns of length nTrain
		out := matrix(len(z), nTrain)
		for c := range z {
			for i := range nTrain {
				out[c][i] = xv(xs[i], z[c])
			}
		}
		return out
	}
	timesT := func(y [][]float64) [][]float64 { // Xᵀ·y, columns of length width
		out := matrix(len(y), width)
		for c := range y {
			for i := range nTrain {
				for a, j := range xs[i].idx {
					if keep[j] {
						out[c][j] += xs[i].val[a] * y[c][i]
					}
				}
			}
		}
		return out
	}
	orth := func(y [][]float64) {
		for c := range y {
			for d := range c {
				axpy(-dot(y[c], y[d]), y[d], y[c])
			}
			if n := norm(y[c]); n > 0 {
				scale(1/n, y[c])
			}
		}
	}
	omega := matrix(l, width)
	for c := range omega {
		for j := range omega[c] {
			omega[c][j] = rng.NormFloat64()
		}
	}
	y := times(omega)
	orth(y)
	for range 2 {
		y = times(timesT(y))
		orth(y)
	}
	bt := timesT(y) // rows of B = QᵀX
	gram := mat.NewSymDense(l, nil)
	for c := range l {
		for d := c; d < l; d++ {
			gram.SetSym(c, d, dot(bt[c], bt[d]))
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(gram, true) {
		panic("eigen decomposition failed")
	}
	var w mat.Dense
	eig.VectorsTo(&w)
	values := eig.Values(nil) // ascending
	v := matrix(k, width)     // right singular vectors, largest first
	for i := range k {
		col := l - 1 - i
		sigma := math.Sqrt(max(values[col], 1e-12))
		for c := range l {
			axpy(w.At(c, col)/sigma, bt[c], v[i])
		}
	}
	out := make([]sparse, len(xs))
	for i, x := range xs {
		z := sparse{idx: make([]int, k), val: make([]float64, k)}
		for c := range k {
			z.idx[c], z.val[c] = c, xv(x, v[c])
		}
		if n := norm(z.val); n > 0 {
			scale(1/n, z.val)
		}
		out[i] = z
	}
	return out, k
}

func logRound6Rows(b *testing.B, r *r6Scores) {
	row := func(name string, lv int, oof, tst [][]float64) {
		cvMicro, cvMacro := argmaxF1(oof, r.YTrain[lv], r.Labels[lv])
		testMicro, testMacro := argmaxF1(tst, r.YTest[lv], r.Labels[lv])
		b.Logf("%-55s %s: CV %.4f / %.4f, test %.4f / %.4f", name, []string{"sub", "label"}[lv], cvMicro, cvMacro, testMicro, testMacro)
	}
	for _, name := range []string{"word", "char", "lsa100", "lsa300", "lsa300c100"} {
		for lv := range 2 {
			row(name+" alone", lv, r.OOF[name][lv], r.Test[name][lv])
		}
	}
	wordOnly := false
	own := func(which map[string][2][][]float64, lv int, extra string, share float64) [][]float64 {
		p := blend(which["word"][lv], which["char"][lv], 0.6)
		if wordOnly {
			p = which["word"][lv]
		}
		if extra != "" {
			p = blend(p, which[extra][lv], 1-share)
		}
		return p
	}
	combine := func(which map[string][2][][]float64, lv int, extra string, share float64) [][]float64 {
		o := &OtherLevel{Finer: lv == 1, Parent: r.Parent}
		a, c := own(which, lv, extra, share), own(which, 1-lv, extra, share)
		out := make([][]float64, len(a))
		for i := range a {
			out[i] = o.combine(slices.Clone(a[i]), slices.Clone(c[i]))
		}
		return out
	}
	for lv := range 2 {
		row("shipped", lv, combine(r.OOF, lv, "", 0), combine(r.Test, lv, "", 0))
	}
	for _, extra := range []string{"lsa100", "lsa300", "lsa300c100"} {
		for _, share := range []float64{0.1, 0.2, 0.3} {
			for lv := range 2 {
				row(extra+" share "+fmt.Sprint(share), lv, combine(r.OOF, lv, extra, share), combine(r.Test, lv, extra, share))
			}
		}
	}
	// Joint decoding: p(label) · p(sub | label), mixed geometrically with
	// the shipped subcategory scores.
	joint := func(which map[string][2][][]float64, w float64) [][]float64 {
		sub, label := combine(which, 0, "", 0), combine(which, 1, "", 0)
		cond := blend(which["condword"][0], which["condchar"][0], 0.6)
		if wordOnly {
			cond = which["condword"][0]
		}
		out := matrix(len(sub), len(sub[0]))
		for i := range sub {
			for s := range sub[i] {
				j := label[i][r.Parent[s]] * cond[i][s]
				out[i][s] = math.Exp((1-w)*math.Log(sub[i][s]+1e-12) + w*math.Log(j+1e-12))
			}
		}
		return out
	}
	for _, w := range []float64{0.25, 0.5, 0.75, 1} {
		row("joint p(label)·p(sub|label), weight "+fmt.Sprint(w), 0, joint(r.OOF, w), joint(r.Test, w))
	}
	// Per-label offsets on log scores, tuned for micro + macro F1.
	for _, base := range []struct {
		name     string
		oof, tst [][]float64
	}{
		{"shipped", combine(r.OOF, 0, "", 0), combine(r.Test, 0, "", 0)},
		{"joint 0.5", joint(r.OOF, 0.5), joint(r.Test, 0.5)},
	} {
		for _, v := range []struct{ macroWeight, step, tolerance, shrink float64 }{
			{1, 0.1, 1, 1}, {1, 0.25, 1, 1}, {2, 0.1, 1, 1}, {2, 0.25, 1, 1},
			{0.5, 0.25, 1, 1}, {1, 0.25, 1, 0.5}, {1, 0.25, 1, 0.75},
			{1, 0.1, 0, 1}, {1, 0.25, 0, 1}, {2, 0.25, 0, 1}, {1, 0.25, 0.005, 1}, {1, 0.25, 0, 0.75},
		} {
			cv, tst := offsetScores(base.oof, base.oof, base.tst, r.YTrain[0], r.Folds, v.macroWeight, v.step, v.tolerance, v.shrink)
			row(fmt.Sprintf("%s + offsets, macro weight %g step %g tolerance %g shrink %g", base.name, v.macroWeight, v.step, v.tolerance, v.shrink), 0, cv, tst)
		}
	}
	// Offsets tuned on a cheaper model's out-of-fold scores (word LRs
	// only), applied to the full model's.
	full := joint(r.OOF, 0.5)
	wordOnly = true
	proxy := joint(r.OOF, 0.5)
	wordOnly = false
	for _, v := range []struct{ macroWeight, step, tolerance, shrink float64 }{{1, 0.25, 0, 1}, {1, 0.25, 1, 1}, {1, 0.25, 0, 0.75}} {
		cv, tst := offsetScores(proxy, full, joint(r.Test, 0.5), r.YTrain[0], r.Folds, v.macroWeight, v.step, v.tolerance, v.shrink)
		row(fmt.Sprintf("joint 0.5 + offsets tuned on word-only OOF, macro weight %g step %g tolerance %g shrink %g", v.macroWeight, v.step, v.tolerance, v.shrink), 0, cv, tst)
		perFold(b, "  per fold, against joint 0.5 without offsets", cv, full, r.YTrain[0], r.Labels[0], r.Folds)
	}
	cv, _ := offsetScores(full, full, joint(r.Test, 0.5), r.YTrain[0], r.Folds, 1, 0.25, 0, 1)
	perFold(b, "joint 0.5 + offsets tolerance 0, per fold, against shipped", cv, combine(r.OOF, 0, "", 0), r.YTrain[0], r.Labels[0], r.Folds)
}

// offsetScores adds per-label offsets to log scores, shrunk by shrink:
// out-of-fold rows of fold f get offsets tuned on the other folds' rows,
// test rows offsets tuned on all out-of-fold rows.
func offsetScores(tuneOn, oof, tst [][]float64, y []int, folds []int, macroWeight, step, tolerance, shrink float64) (cv, test [][]float64) {
	return crossFitOffsets(tuneOn, oof, tst, folds, func(lu [][]float64, rows []int, _ int) []float64 {
		off := tuneOffsets(lu, y, rows, macroWeight, step, tolerance)
		scale(shrink, off)
		return off
	})
}

// crossFitOffsets adds per-label offsets to the log scores of oof and tst:
// out-of-fold rows of fold f get tune(log tuneOn, the other folds' rows,
// f), test rows tune(log tuneOn, all rows, −1).
func crossFitOffsets(tuneOn, oof, tst [][]float64, folds []int, tune func(lu [][]float64, rows []int, f int) []float64) (cv, test [][]float64) {
	logs := func(m [][]float64) [][]float64 {
		out := matrix(len(m), len(m[0]))
		for i := range m {
			for l, v := range m[i] {
				out[i][l] = math.Log(v + 1e-12)
			}
		}
		return out
	}
	lo, lt, lu := logs(oof), logs(tst), logs(tuneOn)
	cv, test = matrix(len(oof), len(oof[0])), matrix(len(tst), len(tst[0]))
	for f := -1; f < 3; f++ {
		var rows []int
		for i := range lo {
			if folds[i] != f {
				rows = append(rows, i)
			}
		}
		off := tune(lu, rows, f)
		src, dst := lo, cv
		if f < 0 {
			src, dst = lt, test
		}
		for i := range src {
			if f < 0 || folds[i] == f {
				for l := range src[i] {
					dst[i][l] = math.Exp(src[i][l] + off[l])
				}
			}
		}
	}
	return cv, test
}

// perFold logs, fold by fold, the micro- and macro-F1 of scores and of
// base on that fold's out-of-fold rows.
func perFold(b *testing.B, name string, scores, base [][]float64, y []int, labels []string, folds []int) {
	for f := range 3 {
		var s, sb [][]float64
		var yf []int
		for i := range scores {
			if folds[i] == f {
				s, sb, yf = append(s, scores[i]), append(sb, base[i]), append(yf, y[i])
			}
		}
		mi, ma := argmaxF1(s, yf, labels)
		bmi, bma := argmaxF1(sb, yf, labels)
		b.Logf("%s: fold %d %.4f / %.4f against %.4f / %.4f", name, f, mi, ma, bmi, bma)
	}
}

// BenchmarkNHSRound6Cost measures, in CPU seconds, what the out-of-fold
// scores that per-label offsets are tuned on would add to training: the
// subcategory model's word and character LRs fitted on the README split's
// training part, then refitted on 3 folds' complements, warm-started from
// the full fit (as tuneThresholds does for multi-label data), words alone
// and both; the per-label conditional models of joint decoding; and the
// label level's LRs with their out-of-fold refits.
//
//	go test ./internal/text -run '^$' -bench NHSRound6Cost -benchtime 1x -cpu 2 -v
func BenchmarkNHSRound6Cost(b *testing.B) {
	train, _ := numpySplit(readNHSLevels(b, "subcategory", "label"))
	opts := TrainOptions{WithoutWordVectors: true}.withDefaults() // as the round ran: before word vectors
	for b.Loop() {
		m := newModel(train, opts)
		ys := targets(train, m.Labels)
		parts := []modelPart{{data: trainingData{ys: ys, prior: matrix(len(m.Labels), m.features.wordSize())}, c: opts.C},
			{data: trainingData{ys: ys, prior: matrix(len(m.Labels), m.features.gramSize())}, c: opts.CharC}}
		for _, e := range train {
			parts[0].data.xs = append(parts[0].data.xs, m.features.vector(e.Text))
			parts[1].data.xs = append(parts[1].data.xs, m.features.gramVector(e.Text))
		}
		start := cpuSeconds()
		for k := range parts {
			parts[k].weights, parts[k].bias = parts[k].data.fit(parts[k].c, opts.PositiveWeightPower, nil, nil)
			b.Logf("part %d fit: %.1f CPU-s so far", k, cpuSeconds()-start)
		}
		fitted := cpuSeconds()
		tuneThresholds(parts[:1], nil, 1, opts)
		words := cpuSeconds()
		tuneThresholds(parts, nil, 0.6, opts)
		both := cpuSeconds()
		all, folds := make([]int, len(train)), assignFolds(len(train), 3, 1)
		for i := range all {
			all[i] = i
		}
		parent := parents(ys, targets(otherLevelExamples(train), labelSet(otherLevelExamples(train))))
		for _, part := range parts {
			conditionalFit(part.data.xs, ys, parent, len(part.data.prior[0]), part.c, 0.75, all, nil, nil)
		}
		cond := cpuSeconds()
		for f := range 3 {
			trIdx, _ := foldRows(folds, f)
			for _, part := range parts {
				conditionalFit(part.data.xs, ys, parent, len(part.data.prior[0]), part.c, 0.75, trIdx, nil, nil)
			}
		}
		labelStart := cpuSeconds()
		labelYs := targets(otherLevelExamples(train), labelSet(otherLevelExamples(train)))
		labelParts := slices.Clone(parts)
		for k, part := range labelParts {
			labelParts[k].data = trainingData{xs: part.data.xs, ys: labelYs, prior: matrix(len(labelYs[0]), len(part.data.prior[0]))}
			labelParts[k].weights, labelParts[k].bias = labelParts[k].data.fit(part.c, opts.PositiveWeightPower, nil, nil)
		}
		labelFitted := cpuSeconds()
		tuneThresholds(labelParts, nil, 0.6, opts)
		b.Logf("conditional models: full fit %.1f CPU-s, 3 fold fits (cold) %.1f", cond-both, labelStart-cond)
		b.Logf("label level: full fit %.1f CPU-s, out-of-fold refits %.1f", labelFitted-labelStart, cpuSeconds()-labelFitted)
		b.Logf("full fit %.1f CPU-s; out-of-fold refits: words %.1f, words and characters %.1f", fitted-start, words-fitted, both-words)
	}
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}

// conditionalFit fits, for each parent label, one-vs-rest LRs (positive
// weight power power) over its children on the rows of trIdx whose label
// is one of them, and sets into[k][s] to row scoreIdx[k]'s probability of child s given its
// parent, normalised within the parent's children.
func conditionalFit(xs []sparse, ys [][]bool, parent []int, width int, c, power float64, trIdx, scoreIdx []int, into [][]float64) {
	nl := len(ys[0])
	for k := range scoreIdx {
		into[k] = make([]float64, nl)
	}
	for p := range slices.Max(parent) + 1 {
		var children []int
		for s, ps := range parent {
			if ps == p {
				children = append(children, s)
			}
		}
		if len(children) == 1 {
			for k := range scoreIdx {
				into[k][children[0]] = 1
			}
			continue
		}
		td := trainingData{prior: matrix(len(children), width)}
		for _, i := range trIdx {
			if !slices.ContainsFunc(children, func(s int) bool { return ys[i][s] }) {
				continue
			}
			y := make([]bool, len(children))
			for k, s := range children {
				y[k] = ys[i][s]
			}
			td.xs, td.ys = append(td.xs, xs[i]), append(td.ys, y)
		}
		w, bias := td.fit(c, power, nil, nil)
		for k, i := range scoreIdx {
			probs := probabilities(xs[i], w, bias)
			normalise(probs)
			for j, s := range children {
				into[k][s] = probs[j]
			}
		}
	}
}

// otherLevelExamples are examples with their other level as their labels.
func otherLevelExamples(examples []Example) []Example {
	out := make([]Example, len(examples))
	for i, e := range examples {
		out[i] = Example{Text: e.Text, Labels: e.OtherLevel}
	}
	return out
}
