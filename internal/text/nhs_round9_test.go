package text

import (
	"encoding/gob"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// BenchmarkNHSRound9 reproduces round nine's comparison (docs/text-models.md,
// "Round nine") on numpySplit: naive-Bayes-scaled logistic regressions
// (NB-LR, Wang & Manning 2012) as an ensemble member, BM25-weighted word
// features in place of the sublinear TF-IDF ones, and label probabilities
// fed to the subcategory word LR as features. Every candidate is decoded
// as Train decodes (logRound8Rows: word/char mix, hierarchy combination,
// joint decoding with cross-fitted offsets) and compared on out-of-fold
// scores from 3 folds inside the training part (assignFolds(…, 3, 1)); the
// test part is scored for the record. FRESCO_NHS_CACHE keeps the fits.
//
//	FRESCO_NHS_CACHE=DIR go test ./internal/text -run '^$' -bench 'NHSRound9$' -benchtime 1x -v
func BenchmarkNHSRound9(b *testing.B) {
	for b.Loop() {
		train, test := numpySplit(readNHSLevels(b, "subcategory", "label"))
		r := round9Scores(b, train, test, "round9.gob", []string{"bm25", "nb0.5", "nb2", "nbbin1", "hier1", "hier3", "char5", "char10", "char35"})
		logRound8Rows(b, r, "shipped", "word", false, []float64{0})
		for _, key := range []string{"nb0.5", "nb2", "nbbin1"} {
			r.OOF["mlp"], r.Test["mlp"] = r.OOF[key], r.Test[key]
			for _, geo := range []bool{false, true} {
				logRound8Rows(b, r, "NB-LR "+key, "word", geo, []float64{0.1, 0.2, 0.3})
			}
		}
		delete(r.OOF, "mlp")
		delete(r.Test, "mlp")
		for _, key := range []string{"bm25", "hier1", "hier3"} {
			logRound8Rows(b, r, "word LR replaced: "+key, key, false, []float64{0})
		}
		for _, key := range []string{"char5", "char10", "char35"} {
			logRound9Row(b, r, "char LR replaced: "+key, r9Decode{word: "word", char: key, share: [3]float64{0.6, 0.6, 0.6}, labelMacro: -1})
		}
		for _, sub := range []float64{0.4, 0.5, 0.6, 0.7, 0.8} {
			for _, lab := range []float64{0.5, 0.6, 0.7} {
				for _, cond := range []float64{0.5, 0.6, 0.7} {
					logRound9Row(b, r, "word shares", r9Decode{word: "word", char: "char", share: [3]float64{sub, lab, cond}, labelMacro: -1})
				}
			}
		}
		for _, key := range []string{"nb2", "nbbin1"} {
			logRound9Row(b, r, "NB-LR, offsets tuned without it", r9Decode{word: "word", char: "char", share: [3]float64{0.6, 0.6, 0.6}, labelMacro: -1, member: key, memberShare: 0.1, proxy: true})
		}
		for _, m := range []float64{0, 0.5} {
			logRound9Row(b, r, "label offsets", r9Decode{word: "word", char: "char", share: [3]float64{0.6, 0.6, 0.6}, labelMacro: m})
		}
	}
}

// r9Decode is one way of decoding cached scores: the word and character
// members' keys, the word share at the subcategory level, the label level
// and in the conditional models, and, when labelMacro ≥ 0, per-label
// offsets on the label level's combined scores tuned (cross-fitted, step
// 0.1, tolerance 0) for micro-F1 + labelMacro·macro-F1.
type r9Decode struct {
	word, char string
	share      [3]float64
	labelMacro float64
	// member, when set, is mixed into both levels' word/char probabilities
	// at memberShare, geometrically when geo.
	member      string
	memberShare float64
	geo         bool
	// proxy tunes the subcategory offsets on the scores without the
	// member, so training needs no out-of-fold refits of it.
	proxy bool
}

// logRound9Row logs the CV and test figures of decoding dec as Train does
// (hierarchy-combined label scores, joint subcategory scores with
// cross-fitted offsets, macro weight 1, step 0.25, tolerance 0).
func logRound9Row(b *testing.B, r *r6Scores, name string, dec r9Decode) {
	f := round9Figures(r, dec)
	b.Logf("%s %+v: CV sub %.4f / %.4f label %.4f / %.4f (sum %.4f); test sub %.4f / %.4f label %.4f / %.4f",
		name, dec, f[0], f[1], f[2], f[3], f[0]+f[1]+f[2]+f[3], f[4], f[5], f[6], f[7])
}

// round9Figures are dec's CV subcategory micro / macro, label micro /
// macro, then the same on the test part.
func round9Figures(r *r6Scores, dec r9Decode) [8]float64 {
	own := func(which map[string][2][][]float64, lv int, member bool) [][]float64 {
		p := blend(which[dec.word][lv], which[dec.char][lv], dec.share[lv])
		if dec.member == "" || !member {
			return p
		}
		q := which[dec.member][lv]
		if !dec.geo {
			return blend(p, q, 1-dec.memberShare)
		}
		for i := range p {
			for l := range p[i] {
				p[i][l] = math.Exp((1-dec.memberShare)*math.Log(p[i][l]+1e-12) + dec.memberShare*math.Log(q[i][l]+1e-12))
			}
			normalise(p[i])
		}
		return p
	}
	combine := func(which map[string][2][][]float64) [][]float64 {
		o := &OtherLevel{Finer: true, Parent: r.Parent}
		a, c := own(which, 1, true), own(which, 0, true)
		out := make([][]float64, len(a))
		for i := range a {
			out[i] = o.combine(slices.Clone(a[i]), slices.Clone(c[i]))
		}
		return out
	}
	joint := func(which map[string][2][][]float64, member bool) [][]float64 {
		sub, label := own(which, 0, member), own(which, 1, member)
		cond := blend(which["cond"+dec.word][0], which["cond"+dec.char][0], dec.share[2])
		out := make([][]float64, len(sub))
		for i := range sub {
			out[i] = softmax(jointLogScores(slices.Clone(sub[i]), slices.Clone(label[i]), slices.Clone(cond[i]), r.Parent))
		}
		return out
	}
	cv, tst := offsetScores(joint(r.OOF, !dec.proxy), joint(r.OOF, true), joint(r.Test, true), r.YTrain[0], r.Folds, 1, 0.25, 0, 1)
	sMi, sMa := argmaxF1(cv, r.YTrain[0], r.Labels[0])
	tsMi, tsMa := argmaxF1(tst, r.YTest[0], r.Labels[0])
	lcv, ltst := combine(r.OOF), combine(r.Test)
	if dec.labelMacro >= 0 {
		lcv, ltst = offsetScores(lcv, lcv, ltst, r.YTrain[1], r.Folds, dec.labelMacro, 0.1, 0, 1)
	}
	lMi, lMa := argmaxF1(lcv, r.YTrain[1], r.Labels[1])
	tlMi, tlMa := argmaxF1(ltst, r.YTest[1], r.Labels[1])
	return [8]float64{sMi, sMa, lMi, lMa, tsMi, tsMa, tlMi, tlMa}
}

// round9Scores fits (or reads from FRESCO_NHS_CACHE/round9.gob) the
// shipped word and character LRs and round nine's candidates on
// numpySplit: out-of-fold on the training part and on the test part.
//
// only names the candidates to fit beside word and char.
func round9Scores(b *testing.B, train, test []Example, cacheName string, only []string) *r6Scores {
	wanted := func(key string) bool {
		return only == nil || key == "word" || key == "char" || slices.Contains(only, key)
	}
	m := newModel(train, TrainOptions{WithoutWordVectors: true}.withDefaults()) // as the round ran: before word vectors
	r, d := newR6Scores(train, test, m)
	d.feats["bm25"], d.width["bm25"] = bm25Features(m.features, slices.Concat(train, test), len(train))
	d.feats["bin"], d.width["bin"] = binaryFeatures(d.feats["word"]), d.width["word"]
	for _, v := range []struct {
		key           string
		lo, hi, minDF int
	}{{"char5", 2, 5, 5}, {"char10", 2, 5, 10}, {"char35", 3, 5, 3}} {
		if !wanted(v.key) {
			continue
		}
		d.feats[v.key], d.width[v.key] = gramFeatures(slices.Concat(train, test), len(train), v.lo, v.hi, v.minDF)
	}
	if wanted("wordskip") {
		d.feats["wordskip"], d.width["wordskip"] = skipGramFeatures(slices.Concat(train, test), len(train), 3)
	}
	save := loadScoreCache(b, r, cacheName)
	// Plain LRs at both levels, and the conditional models joint decoding
	// needs.
	for _, spec := range []struct {
		key string
		c   float64
	}{{"word", 5}, {"char", 10}, {"bm25", 5}, {"char5", 10}, {"char10", 10}, {"char35", 10}, {"wordskip", 5}} {
		if _, ok := r.OOF[spec.key]; ok || !wanted(spec.key) {
			continue
		}
		start := cpuSeconds()
		r.fitLevels(d, spec.key, spec.key, spec.c)
		b.Logf("fitted %s: %.1f CPU-s", spec.key, cpuSeconds()-start)
		save()
	}
	// NB-LR members, both levels, on the TF-IDF word vectors or on their
	// binarised, L2-normalised form.
	for _, spec := range []struct {
		key, feats string
		c          float64
	}{{"nb0.5", "word", 0.5}, {"nb2", "word", 2}, {"nbbin1", "bin", 1}} {
		if _, ok := r.OOF[spec.key]; ok || !wanted(spec.key) {
			continue
		}
		start := cpuSeconds()
		var oof, tst [2][][]float64
		for lv := range 2 {
			oof[lv], tst[lv] = r.fitOOFWith(d, d.ys[lv], func(trIdx, scoreIdx []int, into [][]float64) {
				nbLRFit(d.feats[spec.feats], d.ys[lv], d.width[spec.feats], spec.c, trIdx, scoreIdx, into)
			})
		}
		r.OOF[spec.key], r.Test[spec.key] = oof, tst
		b.Logf("fitted %s: %.1f CPU-s", spec.key, cpuSeconds()-start)
		save()
	}
	// Label probabilities (the shipped label-level word/char mix, out of
	// fold on the training part) appended to the subcategory word vectors
	// at scale k; the label level and the conditional models are the
	// shipped ones.
	for _, k := range []float64{1, 3} {
		key := map[float64]string{1: "hier1", 3: "hier3"}[k]
		if _, ok := r.OOF[key]; ok || !wanted(key) {
			continue
		}
		lab := slices.Concat(blend(r.OOF["word"][1], r.OOF["char"][1], 0.6), blend(r.Test["word"][1], r.Test["char"][1], 0.6))
		nl := len(lab[0])
		var xs []sparse
		for n, x := range d.feats["word"] {
			h := sparse{idx: slices.Clone(x.idx), val: slices.Clone(x.val)}
			for j, p := range lab[n] {
				h.idx, h.val = append(h.idx, d.width["word"]+j), append(h.val, k*p)
			}
			xs = append(xs, h)
		}
		d.feats[key], d.width[key] = xs, d.width["word"]+nl
		start := cpuSeconds()
		oof, tst := r.fitOOF(d, key, d.ys[0], 5, nil)
		r.OOF[key] = [2][][]float64{oof, r.OOF["word"][1]}
		r.Test[key] = [2][][]float64{tst, r.Test["word"][1]}
		r.OOF["cond"+key], r.Test["cond"+key] = r.OOF["condword"], r.Test["condword"]
		b.Logf("fitted %s: %.1f CPU-s", key, cpuSeconds()-start)
		save()
	}
	// Round eight's class-weighted network (hidden 64, 8 epochs, one
	// seed), fitted to the word vectors.
	if _, ok := r.OOF["mlpcw"]; !ok && wanted("mlpcw") {
		start := cpuSeconds()
		oof, tst := r.mlpOOF(d, "word", mlpSettings{Hidden: 64, Epochs: 8, Batch: 32, Rate: 2e-3, Dropout: 0.3, Decay: 1e-5, ClassPower: 0.5, Seed: 1})
		r.OOF["mlpcw"], r.Test["mlpcw"] = oof, tst
		b.Logf("fitted mlpcw: %.1f CPU-s", cpuSeconds()-start)
		save()
	}
	return r
}

// loadScoreCache fills r's scores from FRESCO_NHS_CACHE/name when the
// variable is set and the file reads, and returns the function that
// writes them back (a no-op without the variable).
func loadScoreCache(b *testing.B, r *r6Scores, name string) (save func()) {
	cache := os.Getenv("FRESCO_NHS_CACHE")
	if cache == "" {
		return func() {}
	}
	path := filepath.Join(cache, name)
	if f, err := os.Open(path); err == nil {
		var c struct{ OOF, Test map[string][2][][]float64 }
		if gob.NewDecoder(f).Decode(&c) == nil {
			r.OOF, r.Test = c.OOF, c.Test
		}
		f.Close()
	}
	return func() {
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		if err := gob.NewEncoder(f).Encode(struct{ OOF, Test map[string][2][][]float64 }{r.OOF, r.Test}); err != nil {
			b.Fatal(err)
		}
	}
}

// fitLevels fits one-vs-rest LRs over feats at both levels and the
// conditional models, out of fold and on the test part, and keeps their
// scores under key and "cond"+key.
func (r *r6Scores) fitLevels(d r6Data, feats, key string, c float64) {
	var oof, tst [2][][]float64
	for lv := range 2 {
		oof[lv], tst[lv] = r.fitOOF(d, feats, d.ys[lv], c, nil)
	}
	r.OOF[key], r.Test[key] = oof, tst
	oofC, tstC := r.fitOOF(d, feats, d.ys[0], c, r.Parent)
	r.OOF["cond"+key], r.Test["cond"+key] = [2][][]float64{oofC}, [2][][]float64{tstC}
}

// fitOOFWith calls fit on each fold's complement scoring that fold, then
// on all training rows scoring the test rows.
func (r *r6Scores) fitOOFWith(d r6Data, ys [][]bool, fit func(trIdx, scoreIdx []int, into [][]float64)) (oof, tst [][]float64) {
	nl := len(ys[0])
	oof, tst = matrix(d.nTrain, nl), matrix(d.nTest, nl)
	for f := range 3 {
		trIdx, teIdx := foldRows(r.Folds, f)
		rows := make([][]float64, len(teIdx))
		fit(trIdx, teIdx, rows)
		for k, i := range teIdx {
			oof[i] = rows[k]
		}
	}
	all, testIdx := make([]int, d.nTrain), make([]int, d.nTest)
	for i := range all {
		all[i] = i
	}
	for i := range testIdx {
		testIdx[i] = d.nTrain + i
	}
	fit(all, testIdx, tst)
	return oof, tst
}

// nbLRFit fits, per label, a logistic regression (power 0.75, inverse
// penalty c) to the rows of trIdx with every feature j scaled by the
// label's naive-Bayes log-count ratio r_j = log((p_j/‖p‖₁)/(q_j/‖q‖₁)),
// p and q the smoothed (α 1) counts of rows containing j with and without
// the label, and sets into[k] to row scoreIdx[k]'s probabilities.
func nbLRFit(xs []sparse, ys [][]bool, width int, c float64, trIdx, scoreIdx []int, into [][]float64) {
	nl := len(ys[0])
	var rows []sparse
	var y [][]bool
	for _, i := range trIdx {
		rows, y = append(rows, xs[i]), append(y, ys[i])
	}
	posWeight, startBias := positiveWeights(y, 0.75), priorLogits(y)
	penalty := 1 / (c * float64(len(rows)))
	ratios := make([][]float64, nl)
	w, bias := make([][]float64, nl), make([]float64, nl)
	// Each label's rows are scaled by its own ratios, so each label is
	// fitted alone on its own packed rows.
	eachIndex(nl, func(l int) {
		ratios[l] = nbRatios(rows, columnBool(y, l), width)
		scaled := make([]sparse, len(rows))
		for n, x := range rows {
			v := make([]float64, len(x.val))
			for a, j := range x.idx {
				v[a] = x.val[a] * ratios[l][j]
			}
			scaled[n] = sparse{idx: x.idx, val: v}
		}
		p := binaryProblem{y: columnBool(y, l), weight: make([]float64, len(rows)),
			prior: make([]float64, width), penalty: penalty, solver: classifierSolver}
		for n, pos := range p.y {
			p.weight[n] = 1
			if pos {
				p.weight[n] = posWeight[l]
			}
		}
		wl, bl := fitLabels(pack(scaled), 1, func(int) (binaryProblem, []float64, float64) { return p, nil, startBias[l] })
		w[l], bias[l] = wl[0], bl[0]
	})
	for l := range w {
		for j := range w[l] {
			w[l][j] *= ratios[l][j]
		}
	}
	for k, i := range scoreIdx {
		into[k] = probabilities(xs[i], w, bias)
	}
}

// nbRatios are the naive-Bayes log-count ratios of the features of rows
// for the positive rows y against the others, on binarised counts.
func nbRatios(rows []sparse, y []bool, width int) []float64 {
	p, q := constant(width, 1), constant(width, 1)
	sp, sq := float64(width), float64(width)
	for n, x := range rows {
		into, sum := q, &sq
		if y[n] {
			into, sum = p, &sp
		}
		for _, j := range x.idx {
			into[j]++
			*sum++
		}
	}
	r := make([]float64, width)
	for j := range r {
		r[j] = math.Log(p[j]/sp) - math.Log(q[j]/sq)
	}
	return r
}

// binaryFeatures are xs with every non-zero set to 1/√(non-zeros): the
// binarised vectors Wang & Manning scale, L2-normalised.
func binaryFeatures(xs []sparse) []sparse {
	out := make([]sparse, len(xs))
	for n, x := range xs {
		v := constant(len(x.idx), 1/math.Sqrt(max(1, float64(len(x.idx)))))
		out[n] = sparse{idx: x.idx, val: v}
	}
	return out
}

// bm25Features are the word features weighted by BM25 (k1 1.2, b 0.75,
// average length over the first nTrain comments) instead of L2-normalised
// sublinear TF-IDF, divided by the training rows' mean L2 norm so C keeps
// its scale; a long comment's vector is longer. Keyword features are
// copied from the shipped word vector.
func bm25Features(f featurizer, examples []Example, nTrain int) ([]sparse, int) {
	const k1, bParam = 1.2, 0.75
	docs := make([][]string, len(examples))
	avg := 0.0
	for n, e := range examples {
		for _, t := range terms(e.Text) {
			if _, ok := f.words.index[t]; ok {
				docs[n] = append(docs[n], t)
			}
		}
		if n < nTrain {
			avg += float64(len(docs[n])) / float64(nTrain)
		}
	}
	out := make([]sparse, len(examples))
	meanNorm := 0.0
	for n, doc := range docs {
		counts := map[int]int{}
		for _, t := range doc {
			counts[f.words.index[t]]++
		}
		var x sparse
		for j := range counts {
			x.idx = append(x.idx, j)
		}
		slices.Sort(x.idx)
		norm := 0.0
		for _, j := range x.idx {
			tf := float64(counts[j])
			v := f.words.idf[j] * tf * (k1 + 1) / (tf + k1*(1-bParam+bParam*float64(len(doc))/avg))
			x.val = append(x.val, v)
			norm += v * v
		}
		if n < nTrain {
			meanNorm += math.Sqrt(norm) / float64(nTrain)
		}
		out[n] = x
	}
	for n, e := range examples {
		for a := range out[n].val {
			out[n].val[a] /= meanNorm
		}
		full := f.vector(e.Text)
		for a, j := range full.idx {
			if j >= len(f.words.terms) {
				out[n].idx, out[n].val = append(out[n].idx, j), append(out[n].val, full.val[a])
			}
		}
	}
	return out, f.wordSize()
}

// gramFeatures are TF-IDF vectors of each word's padded character lo- to
// hi-grams over the grams seen in at least minDF of the first nTrain
// examples: charGrams with other lengths and another cut.
func gramFeatures(examples []Example, nTrain, lo, hi, minDF int) ([]sparse, int) {
	docs := make([][]string, len(examples))
	for n, e := range examples {
		for _, w := range words(e.Text) {
			padded := []rune(" " + w + " ")
			for k := lo; k <= min(hi, len(padded)); k++ {
				for i := 0; i+k <= len(padded); i++ {
					docs[n] = append(docs[n], string(padded[i:i+k]))
				}
			}
		}
	}
	v := buildVocabulary(docs[:nTrain], func(_ string, df int) bool { return df >= minDF })
	out := make([]sparse, len(examples))
	for n, doc := range docs {
		out[n] = v.appendVector(sparse{}, doc, 0)
	}
	return out, len(v.terms)
}

// skipGramFeatures are round eight's word vectors with 2-skip-grams
// ("stem _ stem") seen in at least minDF of the first nTrain examples.
func skipGramFeatures(examples []Example, nTrain, minDF int) ([]sparse, int) {
	docs := make([][]string, len(examples))
	for n, e := range examples {
		st := stems(e.Text)
		docs[n] = terms(e.Text)
		for i := 2; i < len(st); i++ {
			docs[n] = append(docs[n], st[i-2]+" _ "+st[i])
		}
	}
	v := buildVocabulary(docs[:nTrain], func(t string, df int) bool {
		return keepWordTerm(t, df) && (!strings.Contains(t, " _ ") || df >= minDF)
	})
	out := make([]sparse, len(examples))
	for n, doc := range docs {
		out[n] = v.appendVector(sparse{}, doc, 0)
	}
	return out, len(v.terms)
}

// BenchmarkNHSRound9Folds judges round nine's nearest candidates, and
// round eight's, by the whole file's 5-fold cross-validation
// (assignFolds(10297, 5, 7), as BenchmarkNHSCrossValidation): for each
// fold, every model is fitted to the other four folds exactly as on the
// README split (3 inner folds for the out-of-fold scores the offsets are
// tuned on) and the fold is scored; the logs give each candidate's mean ±
// sd over the five folds. FRESCO_NHS_CACHE keeps each fold's fits.
//
//	FRESCO_NHS_CACHE=DIR go test ./internal/text -run '^$' -bench 'NHSRound9Folds$' -benchtime 1x -v
func BenchmarkNHSRound9Folds(b *testing.B) {
	candidates := []struct {
		name string
		dec  r9Decode
	}{
		{"shipped", r9Decode{word: "word", char: "char", share: [3]float64{0.6, 0.6, 0.6}, labelMacro: -1}},
		{"NB-LR binary C 1, share 0.1", r9Decode{word: "word", char: "char", share: [3]float64{0.6, 0.6, 0.6}, labelMacro: -1, member: "nbbin1", memberShare: 0.1}},
		{"NB-LR C 2, share 0.1", r9Decode{word: "word", char: "char", share: [3]float64{0.6, 0.6, 0.6}, labelMacro: -1, member: "nb2", memberShare: 0.1}},
		{"char grams min df 5", r9Decode{word: "word", char: "char5", share: [3]float64{0.6, 0.6, 0.6}, labelMacro: -1}},
		{"word 2-skip-grams", r9Decode{word: "wordskip", char: "char", share: [3]float64{0.6, 0.6, 0.6}, labelMacro: -1}},
		{"label offsets, micro only", r9Decode{word: "word", char: "char", share: [3]float64{0.6, 0.6, 0.6}, labelMacro: 0}},
		{"NB-LR C 2, share 0.1, offsets tuned without it", r9Decode{word: "word", char: "char", share: [3]float64{0.6, 0.6, 0.6}, labelMacro: -1, member: "nb2", memberShare: 0.1, proxy: true}},
		{"NB-LR C 2, share 0.2", r9Decode{word: "word", char: "char", share: [3]float64{0.6, 0.6, 0.6}, labelMacro: -1, member: "nb2", memberShare: 0.2}},
		{"NB-LR C 2, geo 0.1", r9Decode{word: "word", char: "char", share: [3]float64{0.6, 0.6, 0.6}, labelMacro: -1, member: "nb2", memberShare: 0.1, geo: true}},
		{"NB-LR binary C 1, share 0.1, offsets tuned without it", r9Decode{word: "word", char: "char", share: [3]float64{0.6, 0.6, 0.6}, labelMacro: -1, member: "nbbin1", memberShare: 0.1, proxy: true}},
		{"network, class-weighted, geo 0.1", r9Decode{word: "word", char: "char", share: [3]float64{0.6, 0.6, 0.6}, labelMacro: -1, member: "mlpcw", memberShare: 0.1, geo: true}},
		{"network, class-weighted, share 0.2", r9Decode{word: "word", char: "char", share: [3]float64{0.6, 0.6, 0.6}, labelMacro: -1, member: "mlpcw", memberShare: 0.2}},
	}
	only := []string{"nbbin1", "nb2", "char5", "wordskip", "mlpcw"}
	names := make([]string, len(candidates))
	for c, cand := range candidates {
		names[c] = cand.name
	}
	for b.Loop() {
		wholeFileFolds(b, names, func(train, test []Example, fold int) [][8]float64 {
			r := round9Scores(b, train, test, fmt.Sprintf("round9-fold%d.gob", fold), only)
			out := make([][8]float64, len(candidates))
			for c, cand := range candidates {
				out[c] = round9Figures(r, cand.dec)
			}
			return out
		})
	}
}

// wholeFileFolds deals the NHS file into assignFolds(10297, 5, 7)'s five
// folds and, for each, calls figures with the other four folds as the
// training part, the fold as the test part and the fold's number from 1;
// figures returns each named candidate's CV and test figures (as
// round9Figures orders them). It logs every fold's figures, then each
// candidate's mean ± sd of the test figures over the folds and its gain
// over the first candidate fold by fold.
func wholeFileFolds(b *testing.B, names []string, figures func(train, test []Example, fold int) [][8]float64) {
	examples := readNHSLevels(b, "subcategory", "label")
	folds := assignFolds(len(examples), 5, 7)
	byFold := make([][][8]float64, 5)
	for f := range 5 {
		train, testIdx := splitFold(examples, folds, f)
		test := make([]Example, len(testIdx))
		for k, i := range testIdx {
			test[k] = examples[i]
		}
		byFold[f] = figures(train, test, f+1)
		for c, fig := range byFold[f] {
			b.Logf("fold %d, %s: test sub %.4f / %.4f label %.4f / %.4f (inner CV sum %.4f)", f+1, names[c], fig[4], fig[5], fig[6], fig[7], fig[0]+fig[1]+fig[2]+fig[3])
		}
	}
	for c, name := range names {
		var cols [4][]float64
		var gains [3][]string
		for _, figs := range byFold {
			for k := range 4 {
				cols[k] = append(cols[k], figs[c][4+k])
			}
			for k := range 3 {
				gains[k] = append(gains[k], fmt.Sprintf("%+.4f", figs[c][4+k]-figs[0][4+k]))
			}
		}
		var ms, sds [4]float64
		for k := range 4 {
			ms[k], sds[k] = meanAndSD(cols[k])
		}
		b.Logf("5-fold %s: sub %.4f ± %.4f / %.4f ± %.4f, label %.4f ± %.4f / %.4f ± %.4f; against %s by fold: sub micro %v, macro %v, label micro %v",
			name, ms[0], sds[0], ms[1], sds[1], ms[2], sds[2], ms[3], sds[3], names[0], gains[0], gains[1], gains[2])
	}
}
