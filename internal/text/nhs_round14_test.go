package text

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/text/wordvec"
)

// BenchmarkNHSRound14 reproduces round fourteen's comparison
// (docs/text-models.md, "Round fourteen") on numpySplit, starting from
// the shipped model with its word vectors: SIF sentence vectors in place
// of the IDF-weighted average, random Fourier features of the average,
// k-nearest-neighbour votes over the averages mixed into the members'
// probabilities, and per-label offsets at the label level. Candidates
// are decoded as Train decodes them (round10Figures) from out-of-fold
// scores of 3 folds inside the training part; the test part is scored
// for the record.
//
// FRESCO_R14_FIT, when set, names the only variants to fit, separated by
// "|" ("none" for none); candidates whose members were not fitted are
// left out.
//
//	FRESCO_NHS_CACHE=DIR go test ./internal/text -run '^$' -bench 'NHSRound14$' -benchtime 1x -v -timeout 90m
func BenchmarkNHSRound14(b *testing.B) {
	only := envList("FRESCO_R14_FIT")
	for b.Loop() {
		train, test := numpySplit(readNHSLevels(b, "subcategory", "label"))
		r := round14Scores(b, train, test, "round14.gob", only)
		logCandidates(b, r, slices.DeleteFunc(round14Candidates(), func(c r10Candidate) bool {
			for _, key := range slices.Concat(c.dec.word, c.dec.condWord, []string{c.dec.char, c.dec.condChar}) {
				if _, ok := r.OOF[key]; !ok {
					return true
				}
			}
			return false
		}))
	}
}

// r14SIFKeys name word LRs whose vector block is the SIF sentence vector
// (Arora et al. 2017): words weighted a/(a + p(w)), p the word's share
// of the training comments' words, and with "pc" the first principal
// component of the training comments' vectors removed (sif[pc]{a}).
var r14SIFKeys = []string{"sif0.001", "sifpc0.001", "sif0.0001", "sifpc0.0001", "sif0.003", "sif0.01"}

// r14FourierKeys name word LRs with D random Fourier features of the
// averaged vector (RBF kernel of bandwidth s) appended ×a
// (rff{D}s{s}a{a}): the linear model then reads smooth non-linear
// functions of the meaning dimensions.
var r14FourierKeys = []string{"rff256s0.5a1", "rff256s1a1", "rff512s0.7a1", "rff128s1a1", "rff256s1.4a1", "rff256s1a0.5", "rff512s1a1"}

// r14Neighbours are the k of the k-nearest-neighbour votes and the
// weights they are mixed in with.
var (
	r14NeighbourK = []int{10, 30}
	r14NeighbourW = []float64{0.05, 0.1, 0.2}
)

func round14Candidates() []r10Candidate {
	with := shippedVariant
	out := []r10Candidate{with("shipped", func(*r10Decode) {})}
	for _, key := range slices.Concat(r14SIFKeys, r14FourierKeys) {
		out = append(out, with("word LR with "+key, func(d *r10Decode) { d.word, d.condWord = []string{key}, []string{"cond" + key} }))
		out = append(out, with("word LR with "+key+" at both levels only", func(d *r10Decode) { d.word = []string{key} }))
	}
	for _, k := range r14NeighbourK {
		for _, w := range r14NeighbourW {
			out = append(out, with(fmt.Sprintf("knn%d ×%g", k, w), func(d *r10Decode) {
				d.word, d.char = []string{knnKey("word", k, w)}, knnKey("char", k, w)
			}))
		}
	}
	for _, m := range []float64{0, 0.5, 1, 2} {
		out = append(out, with(fmt.Sprintf("label offsets m %g", m), func(d *r10Decode) { d.labelMacro = &m }))
	}
	for _, m := range []float64{0.5, 2} {
		out = append(out, with(fmt.Sprintf("subcategory offsets m %g", m), func(d *r10Decode) { d.subMacro = m }))
	}
	return out
}

// knnKey names member's probabilities mixed with the k-nearest-neighbour
// votes ×w.
func knnKey(member string, k int, w float64) string { return fmt.Sprintf("%sknn%dw%g", member, k, w) }

// round14Scores fits (or reads from FRESCO_NHS_CACHE/cacheName) the
// shipped word and character LRs, with word vectors, and round
// fourteen's variants; only, when not nil, names the keys to fit beside
// the shipped ones. The neighbour votes are cheap and always computed.
func round14Scores(b *testing.B, train, test []Example, cacheName string, only []string) *r6Scores {
	r, d, timed := shippedFits(b, newModel(train, TrainOptions{}.withDefaults()), train, test, cacheName)
	block := d.width["word"] - wordvec.Dims // the vector block's first feature
	all := slices.Concat(train, test)
	avg := blockVectors(d.feats["word"], block)
	wanted := func(key string) bool {
		_, done := r.OOF[key]
		return !done && (only == nil || slices.Contains(only, key))
	}
	for _, key := range r14SIFKeys {
		if !wanted(key) {
			continue
		}
		spec, pc := strings.CutPrefix(strings.TrimPrefix(key, "sif"), "pc")
		d.feats[key], d.width[key] = withBlock(d.feats["word"], block, sifVectors(all, len(train), mustFloat(b, spec), pc)), d.width["word"]
		timed(key, func() { r.fitLevels(d, key, key, 5) })
	}
	for _, key := range r14FourierKeys {
		if !wanted(key) {
			continue
		}
		var n int
		var s, a float64
		fmt.Sscanf(key, "rff%ds%ga%g", &n, &s, &a)
		z := fourierFeatures(avg, n, s, 14)
		d.feats[key], d.width[key] = appendDense(d.feats["word"], z, d.width["word"], a), d.width["word"]+n
		timed(key, func() { r.fitLevels(d, key, key, 5) })
	}
	for _, k := range r14NeighbourK {
		var votes [2][2][][]float64 // level, then out of fold / test
		for lv := range 2 {
			votes[lv][0], votes[lv][1] = neighbourVotes(avg, r.YTrain[lv], len(r.Labels[lv]), r.Folds, k)
		}
		for _, w := range r14NeighbourW {
			for _, member := range []string{"word", "char"} {
				var oof, tst [2][][]float64
				for lv := range 2 {
					oof[lv], tst[lv] = blend(r.OOF[member][lv], votes[lv][0], 1-w), blend(r.Test[member][lv], votes[lv][1], 1-w)
				}
				r.OOF[knnKey(member, k, w)], r.Test[knnKey(member, k, w)] = oof, tst
			}
		}
	}
	return r
}

// BenchmarkNHSRound14Folds judges round fourteen's candidates by the
// whole file's 5-fold cross-validation (assignFolds(10297, 5, 7));
// FRESCO_R14 names them as round14Candidates does, separated by "|".
//
//	FRESCO_NHS_CACHE=DIR FRESCO_R14='…' go test ./internal/text -run '^$' -bench 'NHSRound14Folds$' -benchtime 1x -v -timeout 90m
func BenchmarkNHSRound14Folds(b *testing.B) {
	candidateFolds(b, round14Candidates(), "FRESCO_R14", func(key string) []string {
		return []string{strings.TrimPrefix(key, "cond")}
	}, func(train, test []Example, fold int, only []string) *r6Scores {
		return round14Scores(b, train, test, fmt.Sprintf("round14-fold%d.gob", fold), only)
	})
}
