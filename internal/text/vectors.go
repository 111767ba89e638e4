package text

import (
	"math"
	"slices"

	"github.com/fresco-cx/fresco/internal/text/wordvec"
)

// vectorWeights say how much each word's pre-trained vector counts in a
// comment's average: its IDF among the training comments, so that "the"
// and "was", whose vectors sit near everything, do not pull every comment
// to the same place. A word with a vector that no training comment had
// gets the largest IDF, unseenIDF.
type vectorWeights struct {
	idf       map[string]float64
	unseenIDF float64
}

// newVectorWeights counts, over the training examples, the documents of
// each word that has a pre-trained vector.
func newVectorWeights(examples []Example) *vectorWeights {
	df := map[string]int{}
	for _, e := range examples {
		for _, w := range distinct(words(e.Text)) {
			if _, ok := wordvec.Lookup(w); ok {
				df[w]++
			}
		}
	}
	v := &vectorWeights{idf: make(map[string]float64, len(df)), unseenIDF: smoothIDF(len(examples), 0)}
	for w, d := range df {
		v.idf[w] = smoothIDF(len(examples), d)
	}
	return v
}

// storedVectorWeights are the weights a model's JSON keeps (stored),
// for a model trained on nTrain examples.
func storedVectorWeights(words []string, idf []float64, nTrain int) *vectorWeights {
	v := &vectorWeights{idf: make(map[string]float64, len(words)), unseenIDF: smoothIDF(nTrain, 0)}
	for i, w := range words {
		v.idf[w] = idf[i]
	}
	return v
}

// appendAverage appends to x, from feature offset on, the L2-normalised
// IDF-weighted average of the vectors of a comment's words; nothing when
// none has a vector. Normalised like the TF-IDF block, the average weighs
// about as much as the words themselves; cross-validated on the NHS
// comments (docs/text-models.md, round twelve), scale 1 beat 2 and 4.
func (v *vectorWeights) appendAverage(x sparse, words []string, offset int) sparse {
	sum := make([]float64, wordvec.Dims)
	for _, w := range words {
		vec, ok := wordvec.Lookup(w)
		if !ok {
			continue
		}
		weight, seen := v.idf[w]
		if !seen {
			weight = v.unseenIDF
		}
		for j, e := range vec {
			sum[j] += weight * float64(e)
		}
	}
	n := math.Sqrt(dot(sum, sum))
	if n == 0 {
		return x
	}
	for j, s := range sum {
		x.idx, x.val = append(x.idx, offset+j), append(x.val, s/n)
	}
	return x
}

// stored is the weights as the model's JSON keeps them: words sorted, so
// the same training set always writes the same model.
func (v *vectorWeights) stored() (words []string, idf []float64) {
	for w := range v.idf {
		words = append(words, w)
	}
	slices.Sort(words)
	for _, w := range words {
		idf = append(idf, v.idf[w])
	}
	return words, idf
}
