package clv

import "math"

// Numerical building blocks. Everything that can overflow is kept in logs.

func lgamma(x float64) float64 {
	v, _ := math.Lgamma(x)
	return v
}

// lbeta is log B(a, b).
func lbeta(a, b float64) float64 { return lgamma(a) + lgamma(b) - lgamma(a+b) }

// logAddExp is log(e^a + e^b) without overflow; -Inf arguments are fine.
func logAddExp(a, b float64) float64 {
	if a < b {
		a, b = b, a
	}
	if math.IsInf(b, -1) {
		return a
	}
	return a + math.Log1p(math.Exp(b-a))
}

// logSubExp is log(e^a - e^b) for a >= b; -Inf when they are equal.
func logSubExp(a, b float64) float64 {
	if b >= a {
		return math.Inf(-1)
	}
	if math.IsInf(b, -1) {
		return a
	}
	return a + math.Log1p(-math.Exp(b-a))
}

// sigmoid is 1/(1+e^-x), computed without overflow.
func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// expm1Ratio is (1 - (1-z)^eps)/eps, the limit -log(1-z) at eps = 0, computed
// without the cancellation of the naive form.
func expm1Ratio(eps, log1mz float64) float64 {
	if math.Abs(eps) < 1e-12 {
		return -log1mz
	}
	return -math.Expm1(eps*log1mz) / eps
}

const seriesTol = 1e-15
const maxSeriesTerms = 1 << 20

// hypTail is the sum over n >= 1 of (p)_n (eps+1)_{n-1} / ((c)_n n!) z^n, the
// part of 2F1(p, eps; c; z) that is left once the common factor eps is taken
// out: 2F1(p, eps; c; z) = 1 + eps * hypTail(p, eps, c, z). Keeping eps out
// lets BG/NBD-type expectations stay exact as a → 1.
func hypTail(p, eps, c, z float64) float64 {
	if z == 0 {
		return 0
	}
	term := p / c * z
	sum := term
	for n := 1.0; n < maxSeriesTerms; n++ {
		term *= (p + n) * (eps + n) / ((c + n) * (n + 1)) * z
		sum += term
		if math.Abs(term) <= seriesTol*math.Abs(sum) {
			break
		}
	}
	return sum
}

// log2F1 is log 2F1(a, b; c; z) for a, b, c > 0 and 0 <= z < 1, where every
// series term is positive. When a + b > c the terms first grow (and would
// overflow for heavy buyers), so Euler's transformation
// 2F1(a,b;c;z) = (1-z)^(c-a-b) 2F1(c-a, c-b; c; z) is used instead, moving the
// growth into a logarithm.
func log2F1(a, b, c, z float64) float64 {
	if z == 0 {
		return 0
	}
	if a+b > c && c-a > 0 && c-b > 0 {
		return (c-a-b)*math.Log1p(-z) + math.Log(hypSeries(c-a, c-b, c, z))
	}
	return logHypSeries(a, b, c, z)
}

// hypSeries sums the Gauss series directly; fine when its terms stay small.
func hypSeries(a, b, c, z float64) float64 {
	term, sum := 1.0, 1.0
	for n := 0.0; n < maxSeriesTerms; n++ {
		term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z
		sum += term
		if math.Abs(term) <= seriesTol*math.Abs(sum) {
			break
		}
	}
	return sum
}

// logHypSeries sums the Gauss series with positive terms, rescaling as it goes
// so huge intermediate terms cannot overflow.
func logHypSeries(a, b, c, z float64) float64 {
	logScale := 0.0
	term, sum := 1.0, 1.0
	for n := 0.0; n < maxSeriesTerms; n++ {
		term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z
		sum += term
		if sum > 1e200 {
			logScale += math.Log(sum)
			term /= sum
			sum = 1
		}
		if term <= seriesTol*sum {
			break
		}
	}
	return logScale + math.Log(sum)
}

// logHypNextC is log 2F1(a, b; a+1; z) for a > 0, 0 < b <= 1 and 0 <= z < 1:
// Pareto/NBD's term for customers with no repeat purchase when α < β
// (b = r). Its Gauss series falls only like z^n/n, so as z nears 1 (β far
// above α) it takes millions of terms and its stopping rule leaves a tail
// of about 1e-15/(1-z). There the value is taken from series in 1-z
// instead (Abramowitz & Stegun 15.3.6 with c = a+1, where
// 2F1(a, b; b; 1-z) = z^-a):
//
//	2F1(a, b; a+1; z) = Γ(a+1)Γ(1-b)/Γ(a+1-b) z^-a
//	                  - a/(1-b) (1-z)^(1-b) 2F1(1, a+1-b; 2-b; 1-z),
//
// whose series falls like (1-z)^n. Its two parts cancel where z^-a is
// large (the direct series is short there anyway: 1-z > 2/a) or b is
// near 1 (each part grows like 1/(1-b)), and for a above 100 the two
// log-gammas are too large to difference finely; those cases keep the
// direct series.
func logHypNextC(a, b, z float64) float64 {
	const nearOne = 0.01
	logZ := math.Log(z)
	if z <= 0.5 || -a*logZ > 2 || b > 1-nearOne || a > 100 {
		return logHypSeries(a, b, a+1, z)
	}
	logWhole := lgamma(a+1) + lgamma(1-b) - lgamma(a+1-b) - a*logZ
	logNear := math.Log(a/(1-b)) + (1-b)*math.Log1p(-z) + logHypSeries(1, a+1-b, 2-b, 1-z)
	return logSubExp(logWhole, logNear)
}
