package text

import (
	"bufio"
	"cmp"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/text/wordvec"
)

// BenchmarkNHSRound12 reproduces round twelve's comparison
// (docs/text-models.md, "Round twelve") on numpySplit: pre-trained GloVe
// word vectors (6B tokens, 100 dimensions, PDDL) averaged over a comment's
// words and appended to its word vector, so that a word the labelled
// comments never taught ("receptionist" beside "reception") still lands
// near the ones they did. FRESCO_GLOVE names a text file of "word v1 …
// v100" lines (see docs/text-models.md for how it is made). Candidates
// are decoded as Train decodes them (round10Figures) from out-of-fold
// scores of 3 folds inside the training part; the test part is scored for
// the record.
//
//	FRESCO_GLOVE=F FRESCO_NHS_CACHE=DIR go test ./internal/text -run '^$' -bench 'NHSRound12$' -benchtime 1x -v -timeout 60m
func BenchmarkNHSRound12(b *testing.B) {
	for b.Loop() {
		train, test := numpySplit(readNHSLevels(b, "subcategory", "label"))
		logCandidates(b, round12Scores(b, train, test, "round12.gob", nil), round12Candidates())
	}
}

// r12Keys name word vectors with the averaged GloVe vector appended ×a,
// the average uniform ("mean") or weighted by the word's IDF in the
// training part ("idf").
var r12Keys = []string{"glovemean1", "glovemean2", "gloveidf1", "gloveidf2", "gloveidf4"}

func round12Candidates() []r10Candidate {
	with := shippedVariant
	out := []r10Candidate{with("shipped", func(*r10Decode) {})}
	for _, key := range slices.Concat(r12Keys, r12ClusterKeys, r12ProjectedKeys) {
		out = append(out, with("word LR with "+key, func(d *r10Decode) { d.word, d.condWord = []string{key}, []string{"cond" + key} }))
		out = append(out, with("word LR with "+key+" at both levels only", func(d *r10Decode) { d.word = []string{key} }))
		out = append(out, with("word LRs averaged: shipped, "+key, func(d *r10Decode) {
			d.word, d.condWord = []string{"word", key}, []string{"condword", "cond" + key}
		}))
	}
	return out
}

// round12Scores fits (or reads from FRESCO_NHS_CACHE/cacheName) the
// shipped word and character LRs and round twelve's variants on train,
// out of fold (3 folds), and on test; only, when not nil, names the keys
// to fit beside the shipped ones.
func round12Scores(b *testing.B, train, test []Example, cacheName string, only []string) *r6Scores {
	m := newModel(train, TrainOptions{WithoutWordVectors: true}.withDefaults()) // the model before round twelve
	r, d, timed := shippedFits(b, m, train, test, cacheName)
	all := slices.Concat(train, test)
	var glove gloveFile
	for _, key := range r12Keys {
		if _, ok := r.OOF[key]; ok || (only != nil && !slices.Contains(only, key)) {
			continue
		}
		if glove.vec == nil {
			glove = readGlove(b)
		}
		weighting, a := "mean", 0.0
		if rest, ok := strings.CutPrefix(key, "gloveidf"); ok {
			weighting, a = "idf", mustFloat(b, rest)
		} else {
			a = mustFloat(b, strings.TrimPrefix(key, "glovemean"))
		}
		z := averagedVectors(all, len(train), glove.vec, weighting)
		d.feats[key], d.width[key] = appendDense(d.feats["word"], z, d.width["word"], a), d.width["word"]+gloveDims
		timed(key, func() { r.fitLevels(d, key, key, 5) })
	}
	for _, key := range r12ProjectedKeys {
		if _, ok := r.OOF[key]; ok || (only != nil && !slices.Contains(only, key)) {
			continue
		}
		if glove.vec == nil {
			glove = readGlove(b)
		}
		var k, vocab, basis int
		fmt.Sscanf(key, "abtt%dv%dp%d", &k, &vocab, &basis)
		z := averagedVectors(all, len(train), projectedGlove(b, glove, k, cmp.Or(vocab, len(glove.words)), cmp.Or(basis, gloveClusterWords)), "idf")
		d.feats[key], d.width[key] = appendDense(d.feats["word"], z, d.width["word"], 1), d.width["word"]+k
		timed(key, func() { r.fitLevels(d, key, key, 5) })
	}
	clusters := map[int]map[string]int{}
	for _, key := range r12ClusterKeys {
		if _, ok := r.OOF[key]; ok || (only != nil && !slices.Contains(only, key)) {
			continue
		}
		var k int
		var a float64
		fmt.Sscanf(key, "clu%da%g", &k, &a)
		if glove.vec == nil {
			glove = readGlove(b)
		}
		if clusters[k] == nil {
			clusters[k] = wordClusters(glove, k)
		}
		docs := make([][]string, len(all))
		for i, e := range all {
			for _, w := range words(e.Text) {
				if c, ok := clusters[k][w]; ok {
					docs[i] = append(docs[i], "c"+strconv.Itoa(c))
				}
			}
		}
		v := buildVocabulary(docs[:len(train)], func(string, int) bool { return true })
		z := make([]sparse, len(all))
		for i, doc := range docs {
			z[i] = v.appendVector(sparse{}, doc, 0)
		}
		d.feats[key], d.width[key] = appendDense(d.feats["word"], z, d.width["word"], a), d.width["word"]+len(v.terms)
		timed(key, func() { r.fitLevels(d, key, key, 5) })
	}
	return r
}

const gloveDims = 100

// shippedFits starts a round's scores: the word (C 5) and character
// (C 10) LRs of model m (newModel of train), fitted out of fold and on
// test, or read from FRESCO_NHS_CACHE/cacheName; timed fits one more
// member, logs its CPU time and saves the cache.
func shippedFits(b *testing.B, m *Model, train, test []Example, cacheName string) (r *r6Scores, d r6Data, timed func(key string, fit func())) {
	r, d = newR6Scores(train, test, m)
	save := loadScoreCache(b, r, cacheName)
	timed = func(key string, fit func()) {
		start := cpuSeconds()
		fit()
		b.Logf("fitted %s: %.1f CPU-s", key, cpuSeconds()-start)
		save()
	}
	for _, spec := range []struct {
		key string
		c   float64
	}{{"word", 5}, {"char", 10}} {
		if _, ok := r.OOF[spec.key]; !ok {
			timed(spec.key, func() { r.fitLevels(d, spec.key, spec.key, spec.c) })
		}
	}
	return r, d, timed
}

func mustFloat(b *testing.B, s string) float64 {
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		b.Fatal(err)
	}
	return x
}

// gloveFile is FRESCO_GLOVE's words, in the file's (frequency) order,
// and their vectors.
type gloveFile struct {
	words []string
	vec   map[string][]float64
}

// readGlove reads FRESCO_GLOVE's "word v1 … v100" lines.
func readGlove(b *testing.B) gloveFile {
	path := os.Getenv("FRESCO_GLOVE")
	if path == "" {
		b.Skip("FRESCO_GLOVE names no vector file")
	}
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	g := gloveFile{vec: map[string][]float64{}}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != gloveDims+1 {
			continue
		}
		v := make([]float64, gloveDims)
		for j, s := range fields[1:] {
			v[j], _ = strconv.ParseFloat(s, 64)
		}
		g.words, g.vec[fields[0]] = append(g.words, fields[0]), v
	}
	return g
}

// averagedVectors is, for each example, the L2-normalised average of its
// words' vectors (words without one are skipped), each word weighted 1
// or, for "idf", by its smoothed IDF among the first nTrain examples.
func averagedVectors(examples []Example, nTrain int, vec map[string][]float64, weighting string) []sparse {
	df := map[string]int{}
	for _, e := range examples[:nTrain] {
		for _, w := range distinct(words(e.Text)) {
			df[w]++
		}
	}
	out := make([]sparse, len(examples))
	for i, e := range examples {
		var sum []float64
		for _, w := range words(e.Text) {
			v, ok := vec[w]
			if !ok {
				continue
			}
			weight := 1.0
			if weighting == "idf" {
				weight = smoothIDF(nTrain, df[w])
			}
			if sum == nil {
				sum = make([]float64, len(v))
			}
			axpy(weight, v, sum)
		}
		if n := norm(sum); n > 0 {
			for j, x := range sum {
				out[i].idx, out[i].val = append(out[i].idx, j), append(out[i].val, x/n)
			}
		}
	}
	return out
}

// BenchmarkNHSRound12Folds judges round twelve's candidates by the whole
// file's 5-fold cross-validation (assignFolds(10297, 5, 7)). FRESCO_R12
// names the candidates by their names in round12Candidates, separated by
// "|"; the shipped decoding is always first.
//
//	FRESCO_GLOVE=F FRESCO_NHS_CACHE=DIR FRESCO_R12='…' go test ./internal/text -run '^$' -bench 'NHSRound12Folds$' -benchtime 1x -v -timeout 60m
func BenchmarkNHSRound12Folds(b *testing.B) {
	candidateFolds(b, round12Candidates(), "FRESCO_R12", func(key string) []string {
		return []string{strings.TrimPrefix(key, "cond")}
	}, func(train, test []Example, fold int, only []string) *r6Scores {
		return round12Scores(b, train, test, fmt.Sprintf("round12-fold%d.gob", fold), only)
	})
}

// memberRef is one cached member's scores at one level.
type memberRef struct {
	key string
	lv  int
}

// stackedFigures decodes the subcategory from a stacked model: a softmax
// regression (L2 penalty lambda, classes weighted by rarity^power) over
// the log-odds of members' probabilities, cross-fitted on r.Folds (the
// out-of-fold rows of fold f scored by a fit on the other folds' rows,
// the test rows by a fit on all of them), then per-label offsets tuned as
// Train tunes them. It returns CV micro / macro and test micro / macro.
func stackedFigures(r *r6Scores, members []memberRef, lambda, power float64) [4]float64 {
	feature := func(m map[string][2][][]float64, i int) []float64 {
		var x []float64
		for _, ref := range members {
			for _, p := range m[ref.key][ref.lv][i] {
				p = min(max(p, 1e-6), 1-1e-6)
				x = append(x, math.Log(p/(1-p))/10)
			}
		}
		return x
	}
	xs, ts := make([][]float64, len(r.YTrain[0])), make([][]float64, len(r.YTest[0]))
	for i := range xs {
		xs[i] = feature(r.OOF, i)
	}
	for i := range ts {
		ts[i] = feature(r.Test, i)
	}
	k := len(r.Labels[0])
	cv, test := matrix(len(xs), k), matrix(len(ts), k)
	for f := -1; f < 3; f++ {
		var rows []int
		for i := range xs {
			if r.Folds[i] != f {
				rows = append(rows, i)
			}
		}
		w := fitSoftmax(xs, r.YTrain[0], rows, k, lambda, power)
		src, dst := xs, cv
		if f < 0 {
			src, dst = ts, test
		}
		for i := range src {
			if f < 0 || r.Folds[i] == f {
				dst[i] = softmaxScores(w, src[i], k)
			}
		}
	}
	cvOff, testOff := baggedOffsetScores(cv, test, r.YTrain[0], r.Folds, 0, offsetStep)
	mi, ma := argmaxF1(cvOff, r.YTrain[0], r.Labels[0])
	tmi, tma := argmaxF1(testOff, r.YTest[0], r.Labels[0])
	return [4]float64{mi, ma, tmi, tma}
}

// fitSoftmax fits a multinomial logistic regression to rows of xs: k
// classes, weights laid out class by class, each row of d features then
// a bias.
func fitSoftmax(xs [][]float64, y []int, rows []int, k int, lambda, power float64) []float64 {
	d := len(xs[0]) + 1
	count := make([]float64, k)
	for _, i := range rows {
		count[y[i]]++
	}
	classWeight := make([]float64, k)
	for c := range classWeight {
		classWeight[c] = math.Pow(float64(len(rows))/(float64(k)*max(count[c], 1)), power)
	}
	w := make([]float64, k*d)
	obj := func(w, grad []float64) float64 {
		clear(grad)
		loss := 0.0
		p := make([]float64, k)
		for _, i := range rows {
			x := xs[i]
			for c := range k {
				wc := w[c*d : (c+1)*d]
				p[c] = dot(wc[:d-1], x) + wc[d-1]
			}
			top := slices.Max(p)
			z := 0.0
			for c := range p {
				p[c] = math.Exp(p[c] - top)
				z += p[c]
			}
			cw := classWeight[y[i]]
			loss -= cw * math.Log(p[y[i]]/z)
			for c := range k {
				g := cw * (p[c] / z)
				if c == y[i] {
					g -= cw
				}
				gc := grad[c*d : (c+1)*d]
				axpy(g, x, gc[:d-1])
				gc[d-1] += g
			}
		}
		n := float64(len(rows))
		for j := range w {
			grad[j] /= n
			if j%d != d-1 {
				grad[j] += lambda * w[j]
				loss += n * lambda * w[j] * w[j] / 2
			}
		}
		return loss / n
	}
	minimise(obj, w, lbfgsSettings{History: 10, GradTol: 1e-5, RelTol: 1e-10, MaxIter: 300})
	return w
}

func softmaxScores(w, x []float64, k int) []float64 {
	d := len(x) + 1
	out := make([]float64, k)
	for c := range k {
		out[c] = dot(w[c*d:c*d+d-1], x) + w[c*d+d-1]
	}
	return softmax(out)
}

// BenchmarkNHSRound12Stack compares stacked subcategory decoders on the
// cached fits of BenchmarkNHSRound12 (run that first with the same
// FRESCO_NHS_CACHE).
//
//	FRESCO_GLOVE=F FRESCO_NHS_CACHE=DIR go test ./internal/text -run '^$' -bench 'NHSRound12Stack$' -benchtime 1x -v -timeout 60m
func BenchmarkNHSRound12Stack(b *testing.B) {
	for b.Loop() {
		train, test := numpySplit(readNHSLevels(b, "subcategory", "label"))
		r := round12Scores(b, train, test, "round12.gob", nil)
		f := round10Figures(r, shippedVariant("shipped", func(*r10Decode) {}).dec)
		b.Logf("shipped: CV sub %.4f / %.4f; test sub %.4f / %.4f", f[0], f[1], f[4], f[5])
		base := []memberRef{{"word", 0}, {"char", 0}, {"condword", 0}, {"condchar", 0}, {"word", 1}, {"char", 1}}
		sets := map[string][]memberRef{
			"shipped members":           base,
			"shipped + glovemean1":      append(slices.Clone(base), memberRef{"glovemean1", 0}, memberRef{"glovemean1", 1}),
			"word, char at both levels": {{"word", 0}, {"char", 0}, {"word", 1}, {"char", 1}},
		}
		for _, name := range []string{"shipped members", "shipped + glovemean1"} {
			for _, lambda := range []float64{1e-2, 1e-1} {
				for _, power := range []float64{0} {
					f := stackedFigures(r, sets[name], lambda, power)
					b.Logf("stacked %s, λ %g, class power %g: CV sub %.4f / %.4f; test sub %.4f / %.4f", name, lambda, power, f[0], f[1], f[2], f[3])
				}
			}
		}
	}
}

// BenchmarkNHSRound12Small compares the shipped decoding with gloveidf1
// when the README split's training part is cut to its first n comments:
// what a business with few labels gets.
//
//	FRESCO_GLOVE=F FRESCO_NHS_CACHE=DIR go test ./internal/text -run '^$' -bench 'NHSRound12Small$' -benchtime 1x -v
func BenchmarkNHSRound12Small(b *testing.B) {
	for b.Loop() {
		train, test := numpySplit(readNHSLevels(b, "subcategory", "label"))
		for _, n := range []int{500, 1000, 2000, 4000} {
			seen := map[[2]string]bool{}
			for _, e := range train[:n] {
				seen[[2]string{e.Labels[0], ""}], seen[[2]string{"", e.OtherLevel[0]}] = true, true
			}
			var kept []Example // test comments of labels the cut training part has
			for _, e := range test {
				if seen[[2]string{e.Labels[0], ""}] && seen[[2]string{"", e.OtherLevel[0]}] {
					kept = append(kept, e)
				}
			}
			r := round12Scores(b, train[:n], kept, fmt.Sprintf("round12-small%d.gob", n), []string{"gloveidf1"})
			for _, c := range round12Candidates()[:1] {
				f := round10Figures(r, c.dec)
				b.Logf("n %d, %s: test sub %.4f / %.4f label %.4f / %.4f", n, c.name, f[4], f[5], f[6], f[7])
			}
			f := round10Figures(r, shippedVariant("", func(d *r10Decode) { d.word, d.condWord = []string{"gloveidf1"}, []string{"condgloveidf1"} }).dec)
			b.Logf("n %d, with gloveidf1: test sub %.4f / %.4f label %.4f / %.4f", n, f[4], f[5], f[6], f[7])
		}
	}
}

// r12ClusterKeys name word vectors with a TF-IDF bag of word clusters
// appended ×a: clu{k}a{a}, k spherical k-means clusters of the GloVe
// vectors of the most frequent gloveClusterWords words.
var r12ClusterKeys = []string{"clu300a0.5", "clu1000a0.5", "clu1000a1", "clu3000a0.5"}

const gloveClusterWords = 30000

// wordClusters assigns each of the first gloveClusterWords words of the GloVe file (in
// its frequency order) to one of k spherical k-means clusters (15
// rounds, seeded), so that a comment's words can be counted by cluster.
func wordClusters(g gloveFile, k int) map[string]int {
	names := g.words[:min(gloveClusterWords, len(g.words))]
	vs := make([][]float64, len(names))
	for i, w := range names {
		vs[i] = slices.Clone(g.vec[w])
		scale(1/norm(vs[i]), vs[i])
	}
	centres := make([][]float64, k)
	for c := range centres {
		centres[c] = slices.Clone(vs[(c*7919)%len(vs)])
	}
	assign := make([]int, len(vs))
	for range 15 {
		eachIndex(len(vs), func(i int) {
			best, bestDot := 0, math.Inf(-1)
			for c, ctr := range centres {
				if d := dot(vs[i], ctr); d > bestDot {
					best, bestDot = c, d
				}
			}
			assign[i] = best
		})
		for c := range centres {
			clear(centres[c])
		}
		for i, c := range assign {
			axpy(1, vs[i], centres[c])
		}
		for c := range centres {
			if n := norm(centres[c]); n > 0 {
				scale(1/n, centres[c])
			}
		}
	}
	out := make(map[string]int, len(names))
	for i, w := range names {
		out[w] = assign[i]
	}
	return out
}

// r12ProjectedKeys name gloveidf1 with every vector first centred and
// stripped of its top 2 principal components ("all-but-the-top", Mu &
// Viswanath 2018), then projected on the next k (abtt{k}).
// abtt{k}v{n}p{m} keeps only the first n words' vectors and computes the
// components on the first m (default: all, and gloveClusterWords).
var r12ProjectedKeys = []string{"abtt98", "abtt48", "abtt24", "abtt48v50000p30000", "abtt48v100000p50000", "abtt48v50000p50000"}

// projectedGlove is the first vocab words of vec with every vector
// centred on the mean of the first basis words' vectors, its top 2
// principal components removed, and expressed in the next k components'
// coordinates.
func projectedGlove(b *testing.B, g gloveFile, k, vocab, basis int) map[string][]float64 {
	rows := make([][]float64, min(vocab, len(g.words)))
	for i := range rows {
		rows[i] = g.vec[g.words[i]]
	}
	projected, err := wordvec.AllButTheTop(rows[:min(basis, len(rows))], rows, 2, k)
	if err != nil {
		b.Fatal(err)
	}
	out := make(map[string][]float64, len(rows))
	for i, p := range projected {
		v := make([]float64, k)
		for j, x := range p {
			v[j] = float64(x)
		}
		out[g.words[i]] = v
	}
	return out
}
