package text

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/fresco-cx/fresco/internal/text/wordvec"
)

// Round fourteen's ways of reading the word vectors (nhs_round14_test.go,
// docs/text-models.md, "Round fourteen").

// withBlock is each row of word feature vectors xs with its vector block
// (features from block on) replaced by z's row.
func withBlock(xs []sparse, block int, z []sparse) []sparse {
	words := make([]sparse, len(xs))
	for i, x := range xs {
		n := len(x.idx)
		for n > 0 && x.idx[n-1] >= block {
			n--
		}
		words[i] = sparse{idx: x.idx[:n], val: x.val[:n]}
	}
	return appendDense(words, z, block, 1)
}

// blockVectors are the dense vector blocks (features from block on) of
// word feature vectors xs, nil for a row without one.
func blockVectors(xs []sparse, block int) [][]float64 {
	out := make([][]float64, len(xs))
	for i, x := range xs {
		for k, j := range x.idx {
			if j >= block {
				if out[i] == nil {
					out[i] = make([]float64, wordvec.Dims)
				}
				out[i][j-block] = x.val[k]
			}
		}
	}
	return out
}

// sifVectors are the examples' SIF sentence vectors: the average of their
// words' vectors, each weighted a/(a + p(w)) with p(w) the word's share
// of all words of the first nTrain examples; with removePC, minus their
// projection on the first principal (uncentred singular) direction of
// the first nTrain examples' vectors; L2-normalised.
func sifVectors(examples []Example, nTrain int, a float64, removePC bool) []sparse {
	count, total := map[string]float64{}, 0.0
	for _, e := range examples[:nTrain] {
		for _, w := range words(e.Text) {
			count[w]++
			total++
		}
	}
	raw := make([][]float64, len(examples))
	for i, e := range examples {
		n := 0.0
		for _, w := range words(e.Text) {
			v, ok := wordvec.Lookup(w)
			if !ok {
				continue
			}
			if raw[i] == nil {
				raw[i] = make([]float64, wordvec.Dims)
			}
			weight := a / (a + count[w]/total)
			for j, x := range v {
				raw[i][j] += weight * float64(x)
			}
			n++
		}
		if n > 0 {
			scale(1/n, raw[i])
		}
	}
	if removePC {
		u := firstDirection(raw[:nTrain])
		for _, v := range raw {
			if v != nil {
				axpy(-dot(u, v), u, v)
			}
		}
	}
	out := make([]sparse, len(examples))
	for i, v := range raw {
		if nrm := norm(v); nrm > 0 {
			for j, x := range v {
				out[i].idx, out[i].val = append(out[i].idx, j), append(out[i].val, x/nrm)
			}
		}
	}
	return out
}

// firstDirection is the unit top eigenvector of Σ v vᵀ over rows (nil
// rows skipped), by power iteration.
func firstDirection(rows [][]float64) []float64 {
	cov := matrix(wordvec.Dims, wordvec.Dims)
	for _, v := range rows {
		for j, x := range v {
			axpy(x, v, cov[j])
		}
	}
	u := constant(wordvec.Dims, 1)
	for range 200 {
		next := make([]float64, wordvec.Dims)
		for j := range cov {
			next[j] = dot(cov[j], u)
		}
		u = next
		scale(1/norm(u), u)
	}
	return u
}

// fourierFeatures are n random Fourier features √(2/n)·cos(wᵀx + b) of
// each dense row x (w ~ N(0, I/s²), b ~ U[0, 2π), drawn with seed), whose
// inner products approximate the RBF kernel exp(−‖x − y‖²/2s²); empty for
// a row without a vector.
func fourierFeatures(rows [][]float64, n int, s float64, seed uint64) []sparse {
	rng := rand.New(rand.NewPCG(seed, uint64(n)))
	ws, bs := matrix(n, wordvec.Dims), make([]float64, n)
	for k := range ws {
		for j := range ws[k] {
			ws[k][j] = rng.NormFloat64() / s
		}
		bs[k] = rng.Float64() * 2 * math.Pi
	}
	out := make([]sparse, len(rows))
	eachIndex(len(rows), func(i int) {
		if rows[i] == nil {
			return
		}
		for k := range ws {
			out[i].idx = append(out[i].idx, k)
			out[i].val = append(out[i].val, math.Sqrt(2/float64(n))*math.Cos(dot(ws[k], rows[i])+bs[k]))
		}
	})
	return out
}

// neighbourVotes are, for each training row (first len(y) rows of vecs),
// the labels' shares of the cosine-weighted votes of its k nearest
// training rows of the other folds, and for each later (test) row of its
// k nearest training rows; y holds the training rows' labels, nl the
// number of labels. Only positive cosines vote; a row without a vector,
// or without a positive neighbour, gets the training label frequencies.
func neighbourVotes(vecs [][]float64, y []int, nl int, folds []int, k int) (oof, tst [][]float64) {
	nTrain := len(y)
	freq := make([]float64, nl)
	for _, l := range y {
		freq[l] += 1 / float64(nTrain)
	}
	type near struct {
		j   int
		cos float64
	}
	votes := matrix(len(vecs), nl)
	eachIndex(len(vecs), func(i int) {
		var best []near
		if vecs[i] != nil {
			for j := range nTrain {
				if vecs[j] == nil || j == i || (i < nTrain && folds[j] == folds[i]) {
					continue
				}
				c := dot(vecs[i], vecs[j])
				if c <= 0 || (len(best) == k && c <= best[k-1].cos) {
					continue
				}
				at, _ := slices.BinarySearchFunc(best, c, func(n near, c float64) int { return cmp.Compare(c, n.cos) })
				best = slices.Insert(best, at, near{j, c})
				if len(best) > k {
					best = best[:k]
				}
			}
		}
		sum := 0.0
		for _, n := range best {
			votes[i][y[n.j]] += n.cos
			sum += n.cos
		}
		if sum == 0 {
			copy(votes[i], freq)
			return
		}
		scale(1/sum, votes[i])
	})
	return votes[:nTrain], votes[nTrain:]
}
