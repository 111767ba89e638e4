package demo

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
	"time"
)

// rng is a seeded random stream with the distributions the model needs.
type rng struct {
	*rand.Rand
	src *rand.PCG
}

// newRNG returns the stream for one step: the same (seed, name) always gives
// the same numbers.
func newRNG(seed int64, name string) *rng {
	h := fnv.New64a()
	h.Write([]byte(name))
	return replay(*rand.NewPCG(uint64(seed), h.Sum64()))
}

// state is the stream's position: replay(r.state()) draws the numbers r
// draws next. rand.Rand keeps no state of its own beyond its source.
func (r *rng) state() rand.PCG { return *r.src }

// replay returns a stream that starts at a state.
func replay(state rand.PCG) *rng { return &rng{rand.New(&state), &state} }

// chance is true with probability p.
func (r *rng) chance(p float64) bool { return r.Float64() < p }

// between is uniform on [lo, hi).
func (r *rng) between(lo, hi float64) float64 { return lo + (hi-lo)*r.Float64() }

// gamma draws from Gamma(shape, scale) (Marsaglia and Tsang, 2000).
func (r *rng) gamma(shape, scale float64) float64 {
	if shape < 1 {
		// Gamma(a) = Gamma(a+1) · U^(1/a).
		return r.gamma(shape+1, scale) * math.Pow(r.Float64(), 1/shape)
	}
	d := shape - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := r.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := r.Float64()
		if u < 1-0.0331*x*x*x*x || math.Log(u) < 0.5*x*x+d*(1-v+math.Log(v)) {
			return d * v * scale
		}
	}
}

// beta draws from Beta(a, b).
func (r *rng) beta(a, b float64) float64 {
	x := r.gamma(a, 1)
	return x / (x + r.gamma(b, 1))
}

// poisson draws from Poisson(mean); the normal approximation serves large means.
func (r *rng) poisson(mean float64) int {
	if mean <= 0 {
		return 0
	}
	if mean > 50 {
		return max(0, int(math.Round(mean+math.Sqrt(mean)*r.NormFloat64())))
	}
	limit, k, p := math.Exp(-mean), 0, r.Float64()
	for p > limit {
		k++
		p *= r.Float64()
	}
	return k
}

// pick returns an index drawn with probability proportional to weights.
func (r *rng) pick(weights []float64) int {
	var total float64
	for _, w := range weights {
		total += w
	}
	x := r.Float64() * total
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

// oneOf returns a uniformly chosen element of items.
func oneOf[T any](r *rng, items []T) T { return items[r.IntN(len(items))] }

// gammaDist is a gamma distribution given by its shape and mean, which reads
// better in a parameter table than shape and scale.
type gammaDist struct{ shape, mean float64 }

func (g gammaDist) draw(r *rng) float64 { return r.gamma(g.shape, g.mean/g.shape) }

// betaDist is Beta(a, b), mean a / (a + b).
type betaDist struct{ a, b float64 }

func (b betaDist) draw(r *rng) float64 { return r.beta(b.a, b.b) }

// Time helpers.

const day = 24 * time.Hour

// years converts a duration in (365-day) years.
func years(y float64) time.Duration { return time.Duration(y * 365 * float64(day)) }

func days(d float64) time.Duration { return time.Duration(d * float64(day)) }
