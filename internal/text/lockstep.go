package text

import (
	"fmt"
	"slices"
	"sync"
)

// lockstep evaluates the objectives of labels that share their rows in
// batches, one pass over the rows a batch.
//
// Why: a label's L-BFGS converges in a dozen or so objective evaluations,
// and each evaluation streams every row (for 10,000 NHS comments about
// 35 MB of word features and as much again of character n-grams), so
// fitting 44 labels one after another read the same rows 44 times an
// iteration and was bound by memory traffic. Here each label still runs
// its own minimise, unchanged, in its own goroutine; its objective hands
// its weights to the pool (ask) and waits. A worker, one per processor,
// takes the waiting requests as a batch (take), computes all of their
// losses and gradients in one pass (evaluate) and answers.
//
// The weights are held transposed, feature-major with the batch's labels
// adjacent (wt[j·stride + b] is lane b's weight for feature j), so that
// the inner loop over a row's nonzeros runs over labels, eight at a time
// (four for a batch of four or fewer; block.go): each nonzero is read
// once for the whole batch.
//
// A label's arithmetic is the same whoever shares its pass (each lane is
// summed in the same order whatever the other lanes hold), so a label's
// fit is identical fitted alone or with others, with any number of
// processors, and batches may form as they come: training stays
// deterministic.
type lockstep struct {
	xs       packed
	problems []binaryProblem

	mu      sync.Mutex
	changed *sync.Cond
	// pending are the requests no worker has taken; inFlight counts those
	// being evaluated, running the labels not yet converged, idle the
	// workers waiting for a batch.
	pending                 []evaluation
	inFlight, running, idle int
}

// evaluation is a label's request: its objective at w, the gradient to be
// written into grad and the value sent on reply.
type evaluation struct {
	label   int
	w, grad []float64
	reply   chan float64
	value   float64
}

// passBuffers are a worker's transposed weights and gradients, wide
// enough for every label, and a block's dense dot products.
type passBuffers struct {
	wt, gt, denseMargins []float64
}

func newLockstep(xs packed, problems []binaryProblem) *lockstep {
	for _, p := range problems {
		if len(p.prior) != len(problems[0].prior) || len(p.y) != xs.rows() || len(p.weight) != xs.rows() {
			panic("text: problems of one fit must share their width and rows")
		}
	}
	checkIndices(xs, len(problems[0].prior))
	g := &lockstep{xs: xs, problems: problems, running: len(problems)}
	g.changed = sync.NewCond(&g.mu)
	return g
}

func (g *lockstep) newBuffers() *passBuffers {
	nf, stride := len(g.problems[0].prior), roundUp(len(g.problems), lanes)
	return &passBuffers{wt: make([]float64, nf*stride), gt: make([]float64, nf*stride),
		denseMargins: make([]float64, rowBlock*stride)}
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

// fit minimises every problem from its start, each in its own goroutine,
// with workers goroutines evaluating their batches, and returns the
// weights and intercepts.
func (g *lockstep) fit(startW [][]float64, startBias []float64, workers int) ([][]float64, []float64) {
	weights, bias := make([][]float64, len(g.problems)), make([]float64, len(g.problems))
	for k, p := range g.problems {
		nf := len(p.prior)
		w := make([]float64, nf+1)
		copy(w, startW[k])
		w[nf] = startBias[k]
		go func() {
			reply := make(chan float64, 1)
			objective := func(w, grad []float64) float64 {
				g.ask(evaluation{label: k, w: w, grad: grad, reply: reply})
				return <-reply
			}
			minimise(objective, w, p.solverOrDefault())
			weights[k], bias[k] = w[:nf], w[nf]
			g.finish()
		}()
	}
	g.idle = workers
	var wg sync.WaitGroup
	for range workers {
		wg.Go(g.work)
	}
	wg.Wait()
	return weights, bias
}

func (g *lockstep) ask(e evaluation) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.pending = append(g.pending, e)
	g.changed.Broadcast()
}

func (g *lockstep) finish() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.running--
	g.changed.Broadcast()
}

// work evaluates batches until every label has converged.
func (g *lockstep) work() {
	buffers := g.newBuffers()
	for {
		batch := g.take()
		if batch == nil {
			return
		}
		g.evaluate(batch, buffers)
		g.mu.Lock()
		g.inFlight -= len(batch)
		g.idle++
		g.changed.Broadcast()
		g.mu.Unlock()
		for _, e := range batch {
			e.reply <- e.value
		}
	}
}

// take waits for a batch and returns it, or nil once every label has
// converged. A batch is taken once every label not in flight has asked
// (it would only wait for the others), and, while another batch is in
// flight, only if it fills a block of lanes: a few stragglers wait for
// that batch to come back and join them, since a pass costs nearly as
// much for one label as for eight. The waiting requests are shared out
// among the idle workers, a whole number of lane blocks each.
func (g *lockstep) take() []evaluation {
	g.mu.Lock()
	defer g.mu.Unlock()
	for {
		if g.running == 0 {
			return nil
		}
		ready := len(g.pending) == g.running-g.inFlight
		if len(g.pending) > 0 && ready && (g.inFlight == 0 || len(g.pending) >= lanes) {
			break
		}
		g.changed.Wait()
	}
	// Lanes in label order: the results do not depend on it, but a batch
	// laid out the same way every run is easier to follow.
	slices.SortFunc(g.pending, func(a, b evaluation) int { return a.label - b.label })
	share := (len(g.pending) + g.idle - 1) / g.idle
	n := min(len(g.pending), roundUp(share, lanes))
	batch := slices.Clone(g.pending[:n])
	g.pending = slices.Delete(g.pending, 0, n)
	g.inFlight += n
	g.idle--
	return batch
}

// evaluate sets each request's value and gradient: the label's mean
// weighted log-loss plus its L2 penalty towards the prior (binaryProblem),
// computed for all of them in one pass over the rows, a block of
// rowBlock rows at a time.
func (g *lockstep) evaluate(batch []evaluation, buffers *passBuffers) {
	nf := len(g.problems[0].prior)
	stride := roundUp(len(batch), blockWidth(len(batch)))
	wt, gt := buffers.wt[:nf*stride], buffers.gt[:nf*stride]
	scatter(batch, wt, stride)
	clear(gt)
	rows := g.xs.rows()
	n := float64(rows)
	// z and r are a block's margins and residuals, row q's at q·stride;
	// the residuals of lanes past the batch stay zero, adding nothing.
	z, r := make([]float64, rowBlock*stride), make([]float64, rowBlock*stride)
	loss, gBias := make([]float64, len(batch)), make([]float64, len(batch))
	for i0 := 0; i0 < rows; i0 += rowBlock {
		nRows := min(rowBlock, rows-i0)
		g.margins(i0, nRows, wt, stride, z, buffers.denseMargins)
		for q := range nRows {
			i := i0 + q
			for b, e := range batch {
				p := &g.problems[e.label]
				sign := -1.0
				if p.y[i] {
					sign = 1
				}
				l, wrong := logLoss(sign * (e.w[nf] + z[q*stride+b]))
				loss[b] += p.weight[i] * l
				r[q*stride+b] = -sign * p.weight[i] * wrong / n
				gBias[b] += r[q*stride+b]
			}
		}
		g.addGradients(i0, nRows, r, gt, stride)
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

// scatter writes the batch's weights into wt, transposed, and zeros the
// lanes past the batch, feature by feature so that wt is written in order.
func scatter(batch []evaluation, wt []float64, stride int) {
	for j := range len(wt) / stride {
		row := wt[j*stride : (j+1)*stride]
		for b, e := range batch {
			row[b] = e.w[j]
		}
		clear(row[len(batch):])
	}
}

// margins sets z[q·stride + b], for the rows i0 to i0+nRows−1, to the
// dot product of row i0+q with lane b's weights: its sparse part, then
// its dense block.
func (g *lockstep) margins(i0, nRows int, wt []float64, stride int, z, denseMargins []float64) {
	xs := g.xs
	width := min(stride, lanes) // the blocks' width: stride is a multiple of it
	for q := range nRows {
		idx, val := xs.sparseRow(i0 + q)
		for c := 0; c < stride; c += width {
			sparseDot(idx, val, wt[c:], stride, z[q*stride+c:q*stride+c+width])
		}
	}
	if xs.width == 0 {
		return
	}
	dense := xs.dense[i0*xs.width : (i0+nRows)*xs.width]
	zd := denseMargins[:nRows*stride]
	for c := 0; c < stride; c += width {
		denseDot(dense, xs.width, xs.width, nRows, wt[xs.denseFrom*stride+c:], stride, zd[c:], stride, width)
	}
	for k, v := range zd {
		z[k] += v
	}
}

// addGradients adds, for the rows i0 to i0+nRows−1, each row times its
// residuals r[q·stride + b] to the lanes' gradients.
func (g *lockstep) addGradients(i0, nRows int, r, gt []float64, stride int) {
	xs := g.xs
	width := min(stride, lanes)
	for q := range nRows {
		idx, val := xs.sparseRow(i0 + q)
		for c := 0; c < stride; c += width {
			sparseAdd(idx, val, r[q*stride+c:q*stride+c+width], gt[c:], stride)
		}
	}
	if xs.width == 0 {
		return
	}
	dense := xs.dense[i0*xs.width : (i0+nRows)*xs.width]
	for c := 0; c < stride; c += width {
		denseAdd(dense, xs.width, xs.width, nRows, r[c:], stride, gt[xs.denseFrom*stride+c:], stride, width)
	}
}
