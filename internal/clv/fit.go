package clv

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
)

// Param is one fitted parameter.
type Param struct {
	Name   string
	Value  float64
	StdErr float64 // asymptotic standard error from the observed information; 0 if unavailable
}

// Fit is the outcome of a maximum-likelihood fit.
type Fit struct {
	Params        []Param
	LogLikelihood float64 // total over customers (as published), not the mean
	Customers     int     // customers (total weight) fitted
	Tuples        int     // distinct (x, t_x, T) tuples actually evaluated
	Iterations    int     // optimiser major iterations
	Evaluations   int     // likelihood evaluations
	Converged     bool
	Status        string  // how the optimiser ended, in words
	GradientNorm  float64 // max |d mean-LL / d log θ| at the optimum
	Warning       string  // e.g. why standard errors are missing
}

// ParamMap returns the parameters by name.
func (f Fit) ParamMap() map[string]float64 {
	m := make(map[string]float64, len(f.Params))
	for _, p := range f.Params {
		m[p.Name] = p.Value
	}
	return m
}

// ErrUnfittable is wrapped by fit errors that come from the data rather than
// the optimiser, e.g. a data set where nobody makes a repeat purchase.
var ErrUnfittable = errors.New("clv: data set cannot be fitted")

// problem is a log-likelihood over positive parameters θ.
type problem struct {
	names  []string
	weight float64 // number of customers, to fit the mean log-likelihood
	tuples int
	// ll returns the total log-likelihood at θ and, when grad is non-nil and
	// analytic gradients are available, fills dLL/dθ.
	ll      func(theta, grad []float64) float64
	hasGrad bool
	// hess, if set, returns the total log-likelihood and fills its gradient
	// and Hessian in θ. Big fits then refine by exact Newton steps.
	hess func(theta, grad []float64, hess [][]float64) float64
	// subGradTol is the gradient threshold of the subsample warm start; 0
	// means the full-fit threshold.
	subGradTol float64
}

// maximise fits p by BFGS in log-parameter space (so parameters stay
// positive and are on comparable scales), starting from start.
func maximise(p problem, start []float64) ([]float64, Fit, error) {
	return maximiseOpt(p, start, true)
}

func maximiseOpt(p problem, start []float64, withSE bool) ([]float64, Fit, error) {
	return maximiseTol(p, start, withSE, 1e-9)
}

func maximiseTol(p problem, start []float64, withSE bool, gradTol float64) ([]float64, Fit, error) {
	n := len(start)
	cache := newEvalCache(p)
	x0 := make([]float64, n)
	for i, v := range start {
		x0[i] = math.Log(v)
	}
	prob := optimize.Problem{
		Func: cache.f,
		Grad: func(grad, x []float64) { cache.grad(grad, x) },
	}
	settings := &optimize.Settings{
		GradientThreshold: gradTol,
		Converger:         &optimize.FunctionConverge{Absolute: 1e-14, Relative: 1e-14, Iterations: 25},
		MajorIterations:   1000,
	}
	res, err := optimize.Minimize(prob, x0, settings, &optimize.BFGS{})
	if res == nil {
		return nil, Fit{}, fmt.Errorf("clv: optimiser failed: %w", err)
	}
	theta := make([]float64, n)
	for i, v := range res.X {
		theta[i] = math.Exp(v)
	}
	ll := -res.F * p.weight
	if math.IsNaN(ll) || math.IsInf(ll, 0) {
		return nil, Fit{}, fmt.Errorf("clv: optimiser ended at a non-finite log-likelihood (%v)", err)
	}
	g := make([]float64, n)
	cache.grad(g, res.X)
	fit := Fit{
		LogLikelihood: ll,
		Customers:     int(math.Round(p.weight)),
		Tuples:        p.tuples,
		Iterations:    res.MajorIterations,
		Evaluations:   cache.evals,
		GradientNorm:  maxAbs(g),
	}
	// Line-search failures right at the optimum are common with flat
	// likelihoods; judge convergence by the gradient instead.
	fit.Converged = fit.GradientNorm < 1e-5
	fit.Status = "converged: gradient below 1e-5"
	if !fit.Converged {
		fit.Status = "not converged: optimiser stopped with " + res.Status.String()
		if err != nil {
			fit.Status += ": " + err.Error()
		}
	}
	se := make([]float64, n)
	if withSE {
		se = fit.addStdErrors(cache.hessianLog(res.X), theta, p.weight)
		fit.Evaluations = cache.evals
	}
	fit.setParams(p.names, theta, se)
	return theta, fit, nil
}

func (f *Fit) addStdErrors(h [][]float64, theta []float64, weight float64) []float64 {
	se, warn := standardErrors(h, theta, weight)
	if warn != "" {
		f.Warning = joinWarnings(f.Warning, warn)
	}
	return se
}

func (f *Fit) setParams(names []string, theta, se []float64) {
	f.Params = f.Params[:0]
	for i, name := range names {
		f.Params = append(f.Params, Param{Name: name, Value: theta[i], StdErr: se[i]})
	}
}

func joinWarnings(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

func maxAbs(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m = max(m, math.Abs(x))
	}
	return m
}

// evalCache evaluates the negative mean log-likelihood in log space, sharing
// one likelihood pass between Func and Grad at the same point (gonum asks for
// them separately).
type evalCache struct {
	p        problem
	x        []float64
	f0       float64
	g0       []float64
	hasG     bool
	evals    int
	theta    []float64
	scratchG []float64
}

func newEvalCache(p problem) *evalCache {
	return &evalCache{p: p}
}

func (c *evalCache) f(x []float64) float64 {
	if c.x != nil && equal(c.x, x) {
		return c.f0
	}
	c.eval(x, c.p.hasGrad)
	return c.f0
}

func (c *evalCache) grad(grad, x []float64) {
	if c.x == nil || !equal(c.x, x) || !c.hasG {
		c.eval(x, true)
	}
	copy(grad, c.g0)
}

func (c *evalCache) eval(x []float64, withGrad bool) {
	n := len(x)
	c.x = append(c.x[:0], x...)
	c.theta = expAll(c.theta, x)
	c.evals++
	if !withGrad {
		c.f0, c.hasG = c.negMean(c.theta, nil), false
		return
	}
	c.g0 = resize(c.g0, n)
	if c.p.hasGrad {
		c.scratchG = resize(c.scratchG, n)
		c.f0 = c.negMean(c.theta, c.scratchG)
		for i := range n {
			// chain rule for θ = e^x, and the sign/scale of negMean
			c.g0[i] = -c.scratchG[i] * c.theta[i] / c.p.weight
		}
	} else {
		c.f0 = c.negMean(c.theta, nil)
		c.numericGrad(x)
	}
	c.hasG = true
}

func (c *evalCache) negMean(theta, grad []float64) float64 {
	ll := c.p.ll(theta, grad)
	if math.IsNaN(ll) {
		return math.Inf(1)
	}
	return -ll / c.p.weight
}

// numericGrad fills g0 by central differences in log space.
func (c *evalCache) numericGrad(x []float64) {
	const h = 1e-6
	xp := append([]float64(nil), x...)
	th := make([]float64, len(x))
	for i := range x {
		xp[i] = x[i] + h
		fp := c.negMean(expAll(th, xp), nil)
		xp[i] = x[i] - h
		fm := c.negMean(expAll(th, xp), nil)
		xp[i] = x[i]
		c.g0[i] = (fp - fm) / (2 * h)
		c.evals += 2
	}
}

func expAll(dst, x []float64) []float64 {
	dst = resize(dst, len(x))
	for i, v := range x {
		dst[i] = math.Exp(v)
	}
	return dst
}

func resize(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

func equal(a, b []float64) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// standardErrors inverts the observed information at the optimum. h is the
// Hessian of the mean negative log-likelihood in log-parameters x = log θ; at
// the optimum (zero gradient) the delta method gives SE(θ_i) = θ_i SE(x_i),
// with cov(x) = (W h)^-1 for W customers.
func standardErrors(h [][]float64, theta []float64, weight float64) ([]float64, string) {
	n := len(theta)
	se := make([]float64, n)
	info := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			info.SetSym(i, j, weight*(h[i][j]+h[j][i])/2)
		}
	}
	var chol mat.Cholesky
	if ok := chol.Factorize(info); !ok {
		return se, "standard errors unavailable: the information matrix is not positive definite (flat or boundary likelihood)"
	}
	var cov mat.SymDense
	if err := chol.InverseTo(&cov); err != nil {
		return se, "standard errors unavailable: " + err.Error()
	}
	for i := range n {
		if v := cov.At(i, i); v > 0 && !math.IsInf(v, 0) {
			se[i] = theta[i] * math.Sqrt(v)
		}
	}
	return se, ""
}

// hessianLog is the Hessian of the objective at x by forward differences of
// its gradient: n+1 gradient evaluations.
func (c *evalCache) hessianLog(x []float64) [][]float64 {
	n := len(x)
	g0 := make([]float64, n)
	c.grad(g0, x)
	h := make([][]float64, n)
	xp := append([]float64(nil), x...)
	gp := make([]float64, n)
	const step = 1e-4
	for i := range n {
		xp[i] = x[i] + step
		c.grad(gp, xp)
		xp[i] = x[i]
		h[i] = make([]float64, n)
		for j := range n {
			h[i][j] = (gp[j] - g0[j]) / step
		}
	}
	return h
}

// newtonRefine polishes a warm start x on the full data with Newton steps,
// starting from the Hessian h of a subsample fit (which is close, since the
// objective is a mean) and replacing it by the full-data Hessian once near
// the optimum. From a good start this takes a handful of passes over the
// data, where BFGS from scratch takes tens. It returns the final Hessian for
// the standard errors.
func newtonRefine(c *evalCache, x []float64, h [][]float64) ([]float64, [][]float64, int, error) {
	n := len(x)
	g := make([]float64, n)
	fresh := false
	iter := 0
	for ; iter < 50; iter++ {
		f := c.f(x)
		c.grad(g, x)
		if maxAbs(g) < 1e-10 {
			break
		}
		// The subsample's Hessian is a poor guide along flat directions
		// (Pareto/NBD's β): with it the refinement crept on for up to 18
		// steps at 9 evaluations each. Two steps in, take the full data's.
		if !fresh && (maxAbs(g) < 1e-6 || iter == 2) {
			h, fresh = c.hessianLog(x), true
		}
		step, err := solve(h, g)
		if err != nil {
			return nil, nil, iter, err
		}
		if fresh && (maxAbs(step) < newtonStepTol || math.Abs(dot(step, g))/2 < 1e-14*math.Abs(f)) {
			// Converged, as in newtonExact. Numeric gradients (central
			// differences of a sum over the whole data) carry noise near
			// 1e-8, so the 1e-10 gradient threshold above is seldom met and
			// without this test the loop ran on, backtracking through ten
			// evaluations a step, until a step failed to improve.
			break
		}
		// Backtrack if the step overshoots; accept tiny increases from rounding.
		improved := false
		for t := 1.0; t > 1e-3; t /= 2 {
			xn := make([]float64, n)
			for i := range x {
				xn[i] = x[i] - t*step[i]
			}
			if fn := c.f(xn); fn <= f+1e-15*math.Abs(f) {
				x, improved = xn, true
				break
			}
		}
		if !improved {
			break
		}
	}
	if !fresh {
		h = c.hessianLog(x)
	}
	return x, h, iter, nil
}

func solve(h [][]float64, g []float64) ([]float64, error) {
	n := len(g)
	a := mat.NewDense(n, n, nil)
	for i := range n {
		for j := range n {
			a.Set(i, j, h[i][j])
		}
	}
	var s mat.VecDense
	if err := s.SolveVec(a, mat.NewVecDense(n, append([]float64(nil), g...))); err != nil {
		return nil, fmt.Errorf("clv: singular Hessian while refining the fit: %w", err)
	}
	return s.RawVector().Data, nil
}

// maximiseWarm is maximise with a warm start when the data are big (see
// warmStartTuples): BFGS on a 1-in-k subsample, then Newton refinement on the
// full data. onSub builds the same problem on other data.
func maximiseWarm(p problem, d *rfmData, start []float64, onSub func(*rfmData) problem) ([]float64, Fit, error) {
	if len(d.x) <= warmStartTuples {
		return maximise(p, start)
	}
	target := warmStartTuples / 4
	if p.hess != nil {
		target = warmSubsampleExact
	}
	return maximiseFrom(p, onSub(d.subsample(target)), start)
}

// maximiseFrom fits sub, then refines on p.
func maximiseFrom(p, sub problem, start []float64) ([]float64, Fit, error) {
	subCache := newEvalCache(sub)
	tol := 1e-9
	if p.hess != nil && sub.subGradTol > 0 {
		// Exact Newton steps converge quadratically from a rough start, so
		// the warm start need not be polished far below its sampling error.
		tol = sub.subGradTol
	}
	thetaSub, subFit, err := maximiseTol(sub, start, false, tol)
	if err != nil {
		return maximise(p, start)
	}
	if p.hess != nil {
		if theta, fit, err := newtonExact(p, expLog(thetaSub), sub.tuples, subFit); err == nil {
			return theta, fit, nil
		}
	}
	x := make([]float64, len(thetaSub))
	for i, v := range thetaSub {
		x[i] = math.Log(v)
	}
	hSub := subCache.hessianLog(x)
	c := newEvalCache(p)
	x, h, iters, err := newtonRefine(c, x, hSub)
	if err != nil {
		return maximise(p, start)
	}
	theta := expAll(nil, x)
	g := make([]float64, len(x))
	c.grad(g, x)
	fit := Fit{
		LogLikelihood: -c.f(x) * p.weight,
		Customers:     int(math.Round(p.weight)),
		Tuples:        p.tuples,
		Iterations:    subFit.Iterations + iters,
		Evaluations:   subFit.Evaluations + subCache.evals + c.evals,
		GradientNorm:  maxAbs(g),
	}
	fit.Converged = fit.GradientNorm < 1e-5
	fit.Status = fmt.Sprintf("converged: gradient below 1e-5 (BFGS on a %d-tuple subsample, then %d Newton steps on all data)", sub.tuples, iters)
	if !fit.Converged {
		fit.Status = "not converged: Newton refinement stalled"
	}
	fit.setParams(p.names, theta, fit.addStdErrors(h, theta, p.weight))
	return theta, fit, nil
}

func expLog(theta []float64) []float64 {
	x := make([]float64, len(theta))
	for i, v := range theta {
		x[i] = math.Log(v)
	}
	return x
}

// hessEval is the objective of p (negative mean log-likelihood in x = log θ)
// with its gradient and Hessian, from p.hess.
type hessEval struct {
	f float64
	g []float64
	h [][]float64
}

func evalHess(p problem, x []float64) hessEval {
	n := len(x)
	theta := expAll(nil, x)
	G := make([]float64, n)
	H := make([][]float64, n)
	for i := range H {
		H[i] = make([]float64, n)
	}
	ll := p.hess(theta, G, H)
	e := hessEval{f: -ll / p.weight, g: make([]float64, n), h: make([][]float64, n)}
	if math.IsNaN(ll) {
		e.f = math.Inf(1)
	}
	for i := range n {
		e.g[i] = -G[i] * theta[i] / p.weight
		e.h[i] = make([]float64, n)
		for j := range n {
			e.h[i][j] = -H[i][j] * theta[i] * theta[j] / p.weight
		}
		e.h[i][i] -= G[i] * theta[i] / p.weight
	}
	return e
}

// newtonExact refines the warm start x on the full data by Newton's method
// with the exact Hessian: from a subsample fit it converges in two or three
// passes over the data, and the last Hessian gives the standard errors.
func newtonExact(p problem, x []float64, subTuples int, subFit Fit) ([]float64, Fit, error) {
	cur := evalHess(p, x)
	evals := 1
	iter := 0
	for ; iter < 50; iter++ {
		if maxAbs(cur.g) < 1e-10 {
			break
		}
		step, err := solve(cur.h, cur.g)
		if err != nil {
			return nil, Fit{}, err
		}
		if dot(step, cur.g) <= 0 {
			return nil, Fit{}, errors.New("clv: Hessian not positive definite while refining the fit")
		}
		if maxAbs(step) < newtonStepTol || dot(step, cur.g)/2 < 1e-14*math.Abs(cur.f) {
			// Converged: the remaining step is below 1e-8 relative in every
			// parameter, or it would improve the objective by less than
			// its rounding error (sums over a million customers), so
			// further steps only stir the noise.
			break
		}
		improved := false
		for t := 1.0; t > 1e-3; t /= 2 {
			xn := make([]float64, len(x))
			for i := range x {
				xn[i] = x[i] - t*step[i]
			}
			next := evalHess(p, xn)
			evals++
			if next.f <= cur.f+1e-15*math.Abs(cur.f) {
				x, cur, improved = xn, next, true
				break
			}
		}
		if !improved {
			break
		}
	}
	if math.IsInf(cur.f, 0) || math.IsNaN(cur.f) {
		return nil, Fit{}, errors.New("clv: non-finite log-likelihood while refining the fit")
	}
	theta := expAll(nil, x)
	fit := Fit{
		LogLikelihood: -cur.f * p.weight,
		Customers:     int(math.Round(p.weight)),
		Tuples:        p.tuples,
		Iterations:    subFit.Iterations + iter,
		Evaluations:   subFit.Evaluations + evals,
		GradientNorm:  maxAbs(cur.g),
	}
	fit.Converged = fit.GradientNorm < 1e-5
	fit.Status = fmt.Sprintf("converged: gradient below 1e-5 (BFGS on a %d-tuple subsample, then %d exact Newton steps on all data)", subTuples, iter)
	if !fit.Converged {
		fit.Status = "not converged: Newton refinement stalled"
	}
	fit.setParams(p.names, theta, fit.addStdErrors(cur.h, theta, p.weight))
	return theta, fit, nil
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// newtonStepTol ends exact Newton refinement: a step this small in every
// log-parameter moves the parameters by less than 1e-8 relative.
const newtonStepTol = 1e-8

// warmSubsampleExact is the subsample size of the warm start when exact
// Newton steps follow: they converge quadratically, so a rougher start costs
// at most one more pass over the data and saves many subsample evaluations.
const warmSubsampleExact = warmStartTuples / 16
