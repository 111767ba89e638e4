package text

import (
	"fmt"
	"slices"
)

// lockstep evaluates the objectives of a group of labels that share their
// rows in one pass over those rows.
//
// Why: a label's L-BFGS converges in a dozen or so objective evaluations,
// and each evaluation streams every row (for 10,000 NHS comments about
// 35 MB of word features and as much again of character n-grams), so
// fitting 44 labels one after another read the same rows 44 times an
// iteration and was bound by memory traffic. Here each label still runs
// its own minimise, unchanged, in its own goroutine; its objective hands
// its weights to the group's coordinator (run) and waits. Once every label
// of the group still running has asked, the coordinator computes all of
// their losses and gradients in one pass (evaluate) and answers.
//
// The weights are held transposed, feature-major with the batch's labels
// adjacent (wt[j·stride + b] is label b's weight for feature j), so that
// the inner loop over a row's nonzeros runs over labels, eight at a time
// (block.go): each nonzero is read once for the whole batch.
//
// A label's arithmetic is the same whoever shares its pass (each lane is
// summed in the same order whatever the other lanes hold), so a label's
// fit is identical fitted alone or with others, with any number of
// processors: training stays deterministic.
type lockstep struct {
	xs       packed
	problems []binaryProblem
	requests chan evaluation
	// wt and gt are the transposed weights and gradients of a batch, each
	// wide enough for the whole group.
	wt, gt []float64
}

// evaluation is a label's request: its objective at w, the gradient to be
// written into grad and the value sent on reply. A nil w says the label
// has converged and asks no more.
type evaluation struct {
	label   int
	w, grad []float64
	reply   chan float64
	value   float64
}

func newLockstep(xs packed, problems []binaryProblem) *lockstep {
	nf := len(problems[0].prior)
	checkIndices(xs, nf)
	stride := roundUp(len(problems), lanes)
	return &lockstep{xs: xs, problems: problems, requests: make(chan evaluation),
		wt: make([]float64, nf*stride), gt: make([]float64, nf*stride)}
}

// checkIndices panics unless every packed feature index is below nf: the
// assembly kernels trust them.
func checkIndices(xs packed, nf int) {
	if len(xs.idx) > 0 && int(slices.Max(xs.idx)) >= nf || xs.width > 0 && xs.denseFrom+xs.width > nf {
		panic(fmt.Sprintf("text: packed rows reach past the %d features of their problems", nf))
	}
	for _, j := range xs.idx {
		if j < 0 {
			panic("text: negative feature index")
		}
	}
}

func roundUp(n, m int) int { return (n + m - 1) / m * m }

// fit minimises every problem of the group from its start, each in its own
// goroutine, with this goroutine coordinating their evaluations, and
// returns the weights and intercepts.
func (g *lockstep) fit(startW [][]float64, startBias []float64) ([][]float64, []float64) {
	weights, bias := make([][]float64, len(g.problems)), make([]float64, len(g.problems))
	for k, p := range g.problems {
		nf := len(p.prior)
		w := make([]float64, nf+1)
		copy(w, startW[k])
		w[nf] = startBias[k]
		go func() {
			reply := make(chan float64, 1)
			objective := func(w, grad []float64) float64 {
				g.requests <- evaluation{label: k, w: w, grad: grad, reply: reply}
				return <-reply
			}
			minimise(objective, w, p.solverOrDefault())
			weights[k], bias[k] = w[:nf], w[nf]
			g.requests <- evaluation{label: k}
		}()
	}
	g.run()
	return weights, bias
}

// run answers requests until every label has converged, evaluating a batch
// whenever all labels still running are waiting.
func (g *lockstep) run() {
	running := len(g.problems)
	var pending []evaluation
	for running > 0 {
		e := <-g.requests
		if e.w == nil {
			running--
		} else {
			pending = append(pending, e)
		}
		if len(pending) == 0 || len(pending) < running {
			continue
		}
		// Lanes in label order: the results do not depend on it, but
		// a batch laid out the same way every run is easier to follow.
		slices.SortFunc(pending, func(a, b evaluation) int { return a.label - b.label })
		g.evaluate(pending)
		for _, e := range pending {
			e.reply <- e.value
		}
		pending = pending[:0]
	}
}

// evaluate sets each request's value and gradient: the label's mean
// weighted log-loss plus its L2 penalty towards the prior (binaryProblem),
// computed for all of them in one pass over the rows.
func (g *lockstep) evaluate(batch []evaluation) {
	nf := len(g.problems[0].prior)
	stride := roundUp(len(batch), lanes)
	wt, gt := g.wt[:nf*stride], g.gt[:nf*stride]
	clear(wt) // lanes past the batch must hold no stale weights
	clear(gt)
	for b, e := range batch {
		for j, v := range e.w[:nf] {
			wt[j*stride+b] = v
		}
	}
	xs := g.xs
	rows := xs.rows()
	n := float64(rows)
	z, r := make([]float64, stride), make([]float64, stride)
	loss, gBias := make([]float64, len(batch)), make([]float64, len(batch))
	var part block
	denseAt := xs.denseFrom * stride
	for i := range rows {
		lo, hi := xs.start[i], xs.start[i+1]
		idx, val := xs.idx[lo:hi], xs.val[lo:hi]
		dense := xs.denseRow(i)
		for c := 0; c < stride; c += lanes {
			sparseDot(idx, val, wt[c:], stride, &part)
			copy(z[c:c+lanes], part[:])
			if xs.width > 0 {
				denseDot(dense, wt[denseAt+c:], stride, &part)
				for b := range lanes {
					z[c+b] += part[b]
				}
			}
		}
		for b, e := range batch {
			p := &g.problems[e.label]
			sign := -1.0
			if p.y[i] {
				sign = 1
			}
			l, wrong := logLoss(sign * (e.w[nf] + z[b]))
			loss[b] += p.weight[i] * l
			r[b] = -sign * p.weight[i] * wrong / n
			gBias[b] += r[b]
		}
		for c := 0; c < stride; c += lanes {
			rc := (*block)(r[c : c+lanes])
			sparseAdd(idx, val, rc, gt[c:], stride)
			if xs.width > 0 {
				denseAdd(dense, rc, gt[denseAt+c:], stride)
			}
		}
	}
	for b := range batch {
		e := &batch[b]
		p := &g.problems[e.label]
		reg := 0.0
		for j := range nf {
			d := e.w[j] - p.prior[j]
			reg += d * d
			e.grad[j] = gt[j*stride+b] + p.penalty*d
		}
		e.grad[nf] = gBias[b]
		e.value = loss[b]/n + p.penalty/2*reg
	}
}
