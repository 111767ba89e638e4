package clv

import (
	"fmt"
	"iter"
	"math"
)

// PurchaseModel is a fitted continuous-time model of repeat purchasing
// (BGNBD, MBGNBD, ParetoNBD). Times are in the unit the model was fitted in.
type PurchaseModel interface {
	Name() string
	Result() Fit
	// ProbAlive is P(the customer is still active at T | x, t_x, T).
	ProbAlive(s Summary) float64
	// ExpectedPurchases is E[purchases in (T, T+t] | x, t_x, T].
	ExpectedPurchases(s Summary, t float64) float64
	// ExpectedPurchasesNew is the unconditional E[X(t)]: repeat purchases in
	// the first t after a new customer's first purchase.
	ExpectedPurchasesNew(t float64) float64
	// ProbPurchases is P(X(t) = k) for a new customer.
	ProbPurchases(t float64, k int) float64

	// expectedIfAlive is E[purchases in (T, T+t] | x, T, active at T]. Every
	// model here factorises ExpectedPurchases = ProbAlive × expectedIfAlive,
	// and expectedIfAlive does not depend on t_x, which lets PredictAll share
	// the expensive part between customers with the same (x, T).
	expectedIfAlive(x int, T, t float64) float64
}

// FitModel fits the named purchase model: "bgnbd", "mbgnbd" or "paretonbd".
func FitModel(name string, summaries []Summary) (PurchaseModel, error) {
	return FitModelSeq(name, eachSummary(summaries))
}

// FitModelSeq is FitModel on the summaries a sequence yields, which it
// walks twice and does not keep: a caller that can make each summary when
// asked (the server's refit, from its compact per-customer records) need
// not hold a million of them while the model is fitted.
func FitModelSeq(name string, summaries iter.Seq[*Summary]) (PurchaseModel, error) {
	fit, ok := modelFits[name]
	if !ok {
		return nil, fmt.Errorf("clv: unknown purchase model %q (want bgnbd, mbgnbd or paretonbd)", name)
	}
	d, err := compressRFM(summaries)
	if err != nil {
		return nil, err
	}
	return fit(d)
}

// modelFits fit each purchase model on compressed summaries. A failed fit
// is a nil model, not a typed nil in the interface.
var modelFits = map[string]func(*rfmData) (PurchaseModel, error){
	"bgnbd":     func(d *rfmData) (PurchaseModel, error) { return asModel(fitBGNBD(d)) },
	"mbgnbd":    func(d *rfmData) (PurchaseModel, error) { return asModel(fitMBGNBD(d)) },
	"paretonbd": func(d *rfmData) (PurchaseModel, error) { return asModel(fitParetoNBD(d)) },
}

func asModel[M PurchaseModel](m M, err error) (PurchaseModel, error) {
	if err != nil {
		return nil, err
	}
	return m, nil
}

// eachSummary yields each of summaries in place.
func eachSummary(summaries []Summary) iter.Seq[*Summary] {
	return func(yield func(*Summary) bool) {
		for i := range summaries {
			if !yield(&summaries[i]) {
				return
			}
		}
	}
}

// checkRepeaters refuses data on which the purchase models are not identified.
func checkRepeaters(d *rfmData) error {
	if len(d.x) == 0 {
		return fmt.Errorf("%w: none of the %d customers made a repeat purchase, so purchase rates and dropout cannot be estimated", ErrUnfittable, int(d.total))
	}
	return nil
}

// negBinomTail is P(N >= k) for N ~ NB(r, p0) with P(N=j) ∝ p0^r (1-p0)^j:
// the regularised incomplete beta I_{1-p0}(k, r), with no cancellation.
func negBinomTail(k int, r, p0 float64) float64 {
	if k <= 0 {
		return 1
	}
	return regIncBeta(float64(k), r, 1-p0)
}

// logNegBinom is log P(N = k) for the negative binomial above, with
// log p0 and log(1-p0) given.
func logNegBinom(k int, r, logP0, log1mP0 float64) float64 {
	kf := float64(k)
	return lgamma(r+kf) - lgamma(r) - lgamma(kf+1) + r*logP0 + kf*log1mP0
}

func clampProb(p float64) float64 {
	if math.IsNaN(p) || p < 0 {
		return 0
	}
	return min(p, 1)
}

// trivialCount answers P(X(t) = k) for k < 0 or t <= 0.
func trivialCount(t float64, k int) (float64, bool) {
	switch {
	case k < 0:
		return 0, true
	case t <= 0 && k == 0:
		return 1, true
	case t <= 0:
		return 0, true
	}
	return 0, false
}
