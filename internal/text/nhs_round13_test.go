package text

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/fresco-cx/fresco/internal/text/wordvec"
)

// BenchmarkNHSRound13 reproduces round thirteen's comparison
// (docs/text-models.md, "Round thirteen") on numpySplit, starting from the
// shipped model with word vectors (round twelve): the vector block scaled
// ×s, and the word LRs' C, now that the word features carry the block.
//
//	FRESCO_NHS_CACHE=DIR go test ./internal/text -run '^$' -bench 'NHSRound13$' -benchtime 1x -v -timeout 60m
func BenchmarkNHSRound13(b *testing.B) {
	for b.Loop() {
		train, test := numpySplit(readNHSLevels(b, "subcategory", "label"))
		logCandidates(b, round13Scores(b, train, test, "round13.gob", nil), round13Candidates())
	}
}

// r13Keys name the word LRs with the vector block ×s (vec{s}) or C c
// (C{c}).
var r13Keys = []string{"vec0.5", "vec1.5", "vec2", "C3", "C8"}

// r13CharKeys name character LRs with the word vector block appended ×a
// (charvec{a}).
var r13CharKeys = []string{"charvec0.5", "charvec1"}

func round13Candidates() []r10Candidate {
	with := shippedVariant
	out := []r10Candidate{with("shipped", func(*r10Decode) {})}
	for _, key := range r13Keys {
		out = append(out, with("word LR "+key, func(d *r10Decode) { d.word, d.condWord = []string{key}, []string{"cond" + key} }))
		out = append(out, with("word LR "+key+" at both levels only", func(d *r10Decode) { d.word = []string{key} }))
	}
	for _, key := range slices.Concat(r13PoolKeys, r13NeighbourKeys) {
		out = append(out, with("word LR with "+key, func(d *r10Decode) { d.word, d.condWord = []string{key}, []string{"cond" + key} }))
	}
	for _, key := range r13CharKeys {
		out = append(out, with("char LR "+key, func(d *r10Decode) { d.char, d.condChar = key, "cond"+key }))
		out = append(out, with("char LR "+key+" at both levels only", func(d *r10Decode) { d.char = key }))
	}
	return out
}

// round13Scores fits (or reads from FRESCO_NHS_CACHE/cacheName) the
// shipped word and character LRs, with word vectors, and round
// thirteen's variants; only, when not nil, names the keys to fit beside
// the shipped ones.
func round13Scores(b *testing.B, train, test []Example, cacheName string, only []string) *r6Scores {
	r, d, timed := shippedFits(b, newModel(train, TrainOptions{}.withDefaults()), train, test, cacheName)
	block := d.width["word"] - wordvec.Dims // the vector block's first feature
	for _, key := range r13Keys {
		if _, ok := r.OOF[key]; ok || (only != nil && !slices.Contains(only, key)) {
			continue
		}
		if c, ok := strings.CutPrefix(key, "C"); ok {
			timed(key, func() { r.fitLevels(d, "word", key, mustFloat(b, c)) })
			continue
		}
		s := mustFloat(b, strings.TrimPrefix(key, "vec"))
		scaled := make([]sparse, len(d.feats["word"]))
		for i, x := range d.feats["word"] {
			y := sparse{idx: x.idx, val: slices.Clone(x.val)}
			for k, j := range y.idx {
				if j >= block {
					y.val[k] *= s
				}
			}
			scaled[i] = y
		}
		d.feats[key], d.width[key] = scaled, d.width["word"]
		timed(key, func() { r.fitLevels(d, key, key, 5) })
	}
	for _, key := range r13CharKeys {
		if _, ok := r.OOF[key]; ok || (only != nil && !slices.Contains(only, key)) {
			continue
		}
		vectors := make([]sparse, len(d.feats["word"]))
		for i, x := range d.feats["word"] {
			for k, j := range x.idx {
				if j >= block {
					vectors[i].idx, vectors[i].val = append(vectors[i].idx, j-block), append(vectors[i].val, x.val[k])
				}
			}
		}
		a := mustFloat(b, strings.TrimPrefix(key, "charvec"))
		d.feats[key], d.width[key] = appendDense(d.feats["char"], vectors, d.width["char"], a), d.width["char"]+wordvec.Dims
		timed(key, func() { r.fitLevels(d, key, key, 10) })
	}
	all := slices.Concat(train, test)
	for _, key := range r13PoolKeys {
		if _, ok := r.OOF[key]; ok || (only != nil && !slices.Contains(only, key)) {
			continue
		}
		a := mustFloat(b, strings.TrimPrefix(key, "pool"))
		d.feats[key], d.width[key] = appendDense(d.feats["word"], pooledVectors(all), d.width["word"], a), d.width["word"]+2*wordvec.Dims
		timed(key, func() { r.fitLevels(d, key, key, 5) })
	}
	bags := map[int][]sparse{}
	widths := map[int]int{}
	for _, key := range r13NeighbourKeys {
		if _, ok := r.OOF[key]; ok || (only != nil && !slices.Contains(only, key)) {
			continue
		}
		var k int
		var a float64
		fmt.Sscanf(key, "nbr%da%g", &k, &a)
		if bags[k] == nil {
			bags[k], widths[k] = neighbourBags(all, len(train), k)
		}
		d.feats[key], d.width[key] = appendDense(d.feats["word"], bags[k], d.width["word"], a), d.width["word"]+widths[k]
		timed(key, func() { r.fitLevels(d, key, key, 5) })
	}
	return r
}

// BenchmarkNHSRound13Folds judges round thirteen's candidates by the
// whole file's 5-fold cross-validation (assignFolds(10297, 5, 7));
// FRESCO_R13 names them as round13Candidates does, separated by "|".
//
//	FRESCO_NHS_CACHE=DIR FRESCO_R13='…' go test ./internal/text -run '^$' -bench 'NHSRound13Folds$' -benchtime 1x -v -timeout 60m
func BenchmarkNHSRound13Folds(b *testing.B) {
	candidateFolds(b, round13Candidates(), "FRESCO_R13", func(key string) []string {
		return []string{strings.TrimPrefix(key, "cond")}
	}, func(train, test []Example, fold int, only []string) *r6Scores {
		return round13Scores(b, train, test, fmt.Sprintf("round13-fold%d.gob", fold), only)
	})
}

// r13PoolKeys name word LRs whose features also carry the element-wise
// maximum and minimum of the comment's word vectors ×a (pool{a}): an
// average blurs a comment about two things, the extremes keep each
// salient word.
var r13PoolKeys = []string{"pool0.5", "pool1"}

// r13NeighbourKeys name word LRs whose features also carry, for each word
// of the comment, its k nearest words among the training comments' words
// by the cosine of their vectors, as an L2-normalised bag appended ×a
// (nbr{k}a{a}): "physician" then also reads as the "doctor" that staff
// labelled.
var r13NeighbourKeys = []string{"nbr3a0.5", "nbr3a1", "nbr8a0.5", "nbr8a0.25", "nbr16a0.5"}

// pooledVectors is each example's element-wise max then min of its
// words' vectors, L2-normalised together.
func pooledVectors(examples []Example) []sparse {
	out := make([]sparse, len(examples))
	for i, e := range examples {
		hi, lo := make([]float64, wordvec.Dims), make([]float64, wordvec.Dims)
		n := 0
		for _, w := range words(e.Text) {
			v, ok := wordvec.Lookup(w)
			if !ok {
				continue
			}
			for j, x := range v {
				if n == 0 || float64(x) > hi[j] {
					hi[j] = float64(x)
				}
				if n == 0 || float64(x) < lo[j] {
					lo[j] = float64(x)
				}
			}
			n++
		}
		if n == 0 {
			continue
		}
		all := append(hi, lo...)
		nrm := norm(all)
		for j, x := range all {
			out[i].idx, out[i].val = append(out[i].idx, j), append(out[i].val, x/nrm)
		}
	}
	return out
}

// neighbourBags is, for each example, the L2-normalised bag of the k
// nearest training words (by vector cosine, the word itself excluded) of
// each of its words, weighted by the cosine; width is the number of
// training words with a vector.
func neighbourBags(examples []Example, nTrain, k int) (bags []sparse, width int) {
	index := map[string]int{}
	var vocab []string
	var vecs [][]float64
	unit := func(w string) ([]float64, bool) {
		v, ok := wordvec.Lookup(w)
		if !ok {
			return nil, false
		}
		f := make([]float64, len(v))
		for j, x := range v {
			f[j] = float64(x)
		}
		scale(1/norm(f), f)
		return f, true
	}
	for _, e := range examples[:nTrain] {
		for _, w := range words(e.Text) {
			if _, seen := index[w]; seen {
				continue
			}
			if f, ok := unit(w); ok {
				index[w] = len(vocab)
				vocab, vecs = append(vocab, w), append(vecs, f)
			}
		}
	}
	type near struct {
		j   int
		cos float64
	}
	neighbours := map[string][]near{}
	var mu sync.Mutex
	var all []string
	for _, e := range examples {
		for _, w := range words(e.Text) {
			if _, ok := neighbours[w]; !ok {
				neighbours[w] = nil
				all = append(all, w)
			}
		}
	}
	eachIndex(len(all), func(i int) {
		w := all[i]
		f, ok := unit(w)
		if !ok {
			return
		}
		var best []near
		for j, g := range vecs {
			if vocab[j] == w {
				continue
			}
			c := dot(f, g)
			if len(best) < k || c > best[len(best)-1].cos {
				best = append(best, near{j, c})
				slices.SortFunc(best, func(a, b near) int { return cmp.Compare(b.cos, a.cos) })
				if len(best) > k {
					best = best[:k]
				}
			}
		}
		mu.Lock()
		neighbours[w] = best
		mu.Unlock()
	})
	bags = make([]sparse, len(examples))
	for i, e := range examples {
		sum := map[int]float64{}
		for _, w := range words(e.Text) {
			for _, n := range neighbours[w] {
				sum[n.j] += max(n.cos, 0)
			}
		}
		for j := range sum {
			bags[i].idx = append(bags[i].idx, j)
		}
		slices.Sort(bags[i].idx)
		total := 0.0
		for _, j := range bags[i].idx {
			bags[i].val = append(bags[i].val, sum[j])
			total += sum[j] * sum[j]
		}
		if total > 0 {
			scale(1/math.Sqrt(total), bags[i].val)
		}
	}
	return bags, len(vocab)
}
