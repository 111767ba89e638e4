// The one-hidden-layer network of round eight (docs/text-models.md): tried
// as an ensemble member, not shipped, so it lives with the bench that
// measures it.

package text

import (
	"math"
	"math/rand/v2"
	"slices"
)

// mlpSettings are the hyper-parameters of a one-hidden-layer network.
type mlpSettings struct {
	Hidden  int
	Epochs  int
	Batch   int
	Rate    float64 // Adam step size
	Dropout float64 // share of hidden units dropped while training
	Decay   float64 // L2 penalty on the weights, per step
	// ClassPower weighs each row by (rows/(labels·rows of its label))^power,
	// so rare labels are not drowned by the softmax (0: unweighted).
	ClassPower float64
	Seed       uint64
}

// mlp is a one-hidden-layer network over a sparse TF-IDF vector: hidden =
// ReLU(W1ᵀx + b1), softmax(W2·hidden + b2). W1 is stored one row of
// Hidden weights per input feature, so a comment's forward pass reads only
// the rows of the features it has.
type mlp struct {
	W1 [][]float32 `json:"w1"` // [feature][hidden]
	B1 []float32   `json:"b1"`
	W2 [][]float32 `json:"w2"` // [label][hidden]
	B2 []float32   `json:"b2"`
}

// adamState holds Adam's first and second moment estimates of one
// parameter block.
type adamState struct{ m, v []float32 }

func newAdam(n int) adamState { return adamState{make([]float32, n), make([]float32, n)} }

// step applies Adam's update to w with gradient g at step t.
func (a adamState) step(w, g []float32, rate, decay float64, t int) {
	const b1, b2, eps = 0.9, 0.999, 1e-8
	c1 := 1 - math.Pow(b1, float64(t))
	c2 := 1 - math.Pow(b2, float64(t))
	lr := float32(rate * math.Sqrt(c2) / c1)
	for i := range w {
		gi := g[i] + float32(decay)*w[i]
		a.m[i] = b1*a.m[i] + (1-b1)*gi
		a.v[i] = b2*a.v[i] + (1-b2)*gi*gi
		w[i] -= lr * a.m[i] / (float32(math.Sqrt(float64(a.v[i]))) + eps)
	}
}

// trainMLP fits a network to xs (width features) with target
// distributions ys (each row's labels share its mass equally), by
// mini-batch Adam with dropout on the hidden layer; feature rows of W1 are
// updated lazily, only when a batch touches them.
func trainMLP(xs []sparse, ys [][]bool, width int, s mlpSettings) *mlp {
	rng := rand.New(rand.NewPCG(s.Seed, 0x6d6c70))
	nl, h := len(ys[0]), s.Hidden
	net := &mlp{W1: make([][]float32, width), B1: make([]float32, h), W2: make([][]float32, nl), B2: make([]float32, nl)}
	scale1 := math.Sqrt(6 / float64(h+20)) // inputs have about 20 non-zeros
	for j := range net.W1 {
		net.W1[j] = make([]float32, h)
		for k := range h {
			net.W1[j][k] = float32((rng.Float64()*2 - 1) * scale1)
		}
	}
	scale2 := math.Sqrt(6 / float64(h+nl))
	for l := range net.W2 {
		net.W2[l] = make([]float32, h)
		for k := range h {
			net.W2[l][k] = float32((rng.Float64()*2 - 1) * scale2)
		}
	}
	adamW1 := make([]adamState, width)
	lastStep := make([]int, width)
	gW1 := make([][]float32, width)
	adamB1, adamB2 := newAdam(h), newAdam(nl)
	adamW2 := make([]adamState, nl)
	gW2 := make([][]float32, nl)
	for l := range nl {
		adamW2[l], gW2[l] = newAdam(h), make([]float32, h)
	}
	gB1, gB2 := make([]float32, h), make([]float32, nl)
	hidden, mask, out, dh := make([]float32, h), make([]float32, h), make([]float32, nl), make([]float32, h)
	order := make([]int, len(xs))
	for i := range order {
		order[i] = i
	}
	rowWeight := classWeights(ys, s.ClassPower)
	var touched []int
	t := 0
	keep := float32(1 - s.Dropout)
	for range s.Epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for start := 0; start < len(order); start += s.Batch {
			batch := order[start:min(start+s.Batch, len(order))]
			touched = touched[:0]
			for _, n := range batch {
				x := xs[n]
				net.hiddenInto(x, hidden)
				for k := range h {
					mask[k] = 0
					if rng.Float32() < keep {
						mask[k] = 1 / keep
					}
					hidden[k] *= mask[k]
				}
				net.outputInto(hidden, out)
				target := 0
				for _, y := range ys[n] {
					if y {
						target++
					}
				}
				rw := rowWeight[n]
				for l := range nl {
					out[l] *= rw
					d := out[l]
					if ys[n][l] {
						d -= rw / float32(max(target, 1))
					}
					gB2[l] += d
					row := gW2[l]
					for k, v := range hidden {
						row[k] += d * v
					}
				}
				for k := range h {
					dh[k] = 0
					if hidden[k] > 0 {
						for l := range nl {
							dh[k] += (out[l] - rw*targetShare(ys[n], l, target)) * net.W2[l][k]
						}
						dh[k] *= mask[k]
					}
					gB1[k] += dh[k]
				}
				for a, j := range x.idx {
					if gW1[j] == nil {
						gW1[j] = make([]float32, h)
						touched = append(touched, j)
					}
					v := float32(x.val[a])
					for k := range h {
						gW1[j][k] += v * dh[k]
					}
				}
			}
			t++
			inv := 1 / float32(len(batch))
			for _, j := range touched {
				for k := range gW1[j] {
					gW1[j][k] *= inv
				}
				if adamW1[j].m == nil {
					adamW1[j] = newAdam(h)
				}
				adamW1[j].step(net.W1[j], gW1[j], s.Rate, s.Decay*float64(t-lastStep[j]), t)
				lastStep[j] = t
				gW1[j] = nil
			}
			for l := range nl {
				for k := range gW2[l] {
					gW2[l][k] *= inv
				}
				adamW2[l].step(net.W2[l], gW2[l], s.Rate, s.Decay, t)
				clear(gW2[l])
			}
			for k := range gB1 {
				gB1[k] *= inv
			}
			for l := range gB2 {
				gB2[l] *= inv
			}
			adamB1.step(net.B1, gB1, s.Rate, 0, t)
			adamB2.step(net.B2, gB2, s.Rate, 0, t)
			clear(gB1)
			clear(gB2)
		}
	}
	return net
}

// classWeights is each row's loss weight, (rows/(labels·rows of its first
// label))^power, so that with power 1 every label weighs the same in all.
func classWeights(ys [][]bool, power float64) []float32 {
	counts := make([]int, len(ys[0]))
	first := make([]int, len(ys))
	for n, y := range ys {
		first[n] = max(slices.Index(y, true), 0)
		counts[first[n]]++
	}
	out := make([]float32, len(ys))
	for n := range ys {
		out[n] = float32(math.Pow(float64(len(ys))/float64(len(counts)*counts[first[n]]), power))
	}
	return out
}

func targetShare(y []bool, l, n int) float32 {
	if y[l] {
		return 1 / float32(max(n, 1))
	}
	return 0
}

// hiddenInto sets h to the hidden layer's activations for x.
func (net *mlp) hiddenInto(x sparse, h []float32) {
	copy(h, net.B1)
	for a, j := range x.idx {
		if j >= len(net.W1) {
			continue
		}
		v := float32(x.val[a])
		for k, w := range net.W1[j] {
			h[k] += v * w
		}
	}
	for k := range h {
		h[k] = max(h[k], 0)
	}
}

// outputInto sets out to the softmax of the output layer over hidden.
func (net *mlp) outputInto(hidden, out []float32) {
	top := float32(math.Inf(-1))
	for l, row := range net.W2 {
		z := net.B2[l]
		for k, v := range hidden {
			z += row[k] * v
		}
		out[l] = z
		top = max(top, z)
	}
	sum := float32(0)
	for l := range out {
		out[l] = float32(math.Exp(float64(out[l] - top)))
		sum += out[l]
	}
	for l := range out {
		out[l] /= sum
	}
}

// probabilities are the network's label distribution for x.
func (net *mlp) probabilities(x sparse) []float64 {
	h, out := make([]float32, len(net.B1)), make([]float32, len(net.B2))
	net.hiddenInto(x, h)
	net.outputInto(h, out)
	p := make([]float64, len(out))
	for l, v := range out {
		p[l] = float64(v)
	}
	return p
}
