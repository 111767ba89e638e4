package text

import (
	"fmt"
	"slices"
	"strings"
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
	r, d, timed := shippedFits(b, train, test, cacheName, TrainOptions{})
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
