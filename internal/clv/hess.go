package clv

import "math"

// Exact second derivatives for the big-data fits (see newtonExact).

// trigamma is ψ'(x) for x > 0: the recurrence ψ'(x) = ψ'(x+1) + 1/x² up to
// x >= 20, then the asymptotic series (truncation error below 1e-15).
func trigamma(x float64) float64 {
	s := 0.0
	for x < 20 {
		s += 1 / (x * x)
		x++
	}
	z := 1 / x
	z2 := z * z
	// 1/x + 1/(2x²) + Σ B_2k / x^(2k+1)
	return s + z + z2/2 + z*z2*(1.0/6+z2*(-1.0/30+z2*(1.0/42+z2*(-1.0/30+z2*(5.0/66)))))
}

func newSquare(n int) [][]float64 {
	h := make([][]float64, n)
	for i := range h {
		h[i] = make([]float64, n)
	}
	return h
}

// bgnbdLogLikHess is bgnbdLogLik with the Hessian in (r, α, a, b) as well.
// The per-tuple term is L = log(e^a3 + e^a4) with
//
//	a3 = -(r+x) log(α+T),  a4 = log a - log(b+x-1) - (r+x) log(α+t_x),
//
// whose Hessian is w3 ∇²a3 + w4 ∇²a4 + w3 w4 d dᵀ, d = ∇a4 - ∇a3, w4 the
// weight of the a4 branch.
func bgnbdLogLikHess(d *rfmData, th, grad []float64, hess [][]float64) float64 {
	r, alpha, a, b := th[0], th[1], th[2], th[3]
	for i := range hess {
		clear(hess[i])
	}
	if !(r > 0 && alpha > 0 && a > 0 && b > 0) {
		return math.Inf(-1)
	}
	tabs := newTimeTables(d.times, alpha)
	nx := len(d.weightByX)
	la4 := make([]float64, nx)
	ibx := make([]float64, nx) // 1/(b+x-1)
	var total, gr, gAlpha, ga, gb float64
	var hrr, hra, haa, hAA, hAB, hBB float64 // A, B: the beta parameters a, b
	logAlpha := math.Log(alpha)
	psiR, psiAB, psiB := digamma(r), digamma(a+b), digamma(b)
	triR, triAB, triB := trigamma(r), trigamma(a+b), trigamma(b)
	lgR, lgAB, lgB := lgamma(r), lgamma(a+b), lgamma(b)
	for x, w := range d.weightByX {
		if w == 0 {
			continue
		}
		xf := float64(x)
		total += w * (lgamma(r+xf) - lgR + r*logAlpha + lgAB + lgamma(b+xf) - lgB - lgamma(a+b+xf))
		if x > 0 {
			la4[x] = math.Log(a) - math.Log(b+xf-1)
			ibx[x] = 1 / (b + xf - 1)
		}
		psiABX := digamma(a + b + xf)
		gr += w * (digamma(r+xf) - psiR + logAlpha)
		gAlpha += w * r / alpha
		ga += w * (psiAB - psiABX)
		gb += w * (psiAB + digamma(b+xf) - psiB - psiABX)
		triABX := trigamma(a + b + xf)
		hrr += w * (trigamma(r+xf) - triR)
		hra += w / alpha
		haa -= w * r / (alpha * alpha)
		hAA += w * (triAB - triABX)
		hAB += w * (triAB - triABX)
		hBB += w * (triAB + trigamma(b+xf) - triB - triABX)
	}
	for i, ti := range d.zeroT {
		w := d.zeroW[i]
		total -= w * r * tabs.log[ti]
		gr -= w * tabs.log[ti]
		inv := tabs.inv[ti]
		gAlpha -= w * r * inv
		hra -= w * inv
		haa += w * r * inv * inv
	}
	const (
		kLL = iota
		kR
		kAlpha
		kA
		kB
		kRA    // Σ w (w3 iT + w4 it)
		kAA    // Σ w rx (w3 iT² + w4 it²)
		kW4    // Σ w w4
		kW4ib  // Σ w w4 ib
		kW4ib2 // Σ w w4 ib²
		kQ     // q = w w3 w4, d = (d0, d1, 1/a, -ib)
		kQd0
		kQd1
		kQib
		kQd0d0
		kQd0d1
		kQd0ib
		kQd1d1
		kQd1ib
		kQibib
		nAcc
	)
	sums := parallelSums(len(d.x), nAcc, func(lo, hi int, acc []float64) {
		var s [nAcc]float64
		for i := lo; i < hi; i++ {
			x := d.x[i]
			w := d.w[i]
			rx := r + float64(x)
			lT, lt := tabs.log[d.tT[i]], tabs.log[d.tx[i]]
			iT, it := tabs.inv[d.tT[i]], tabs.inv[d.tx[i]]
			a3 := -rx * lT
			a4 := la4[x] - rx*lt
			diff := a4 - a3
			e := math.Exp(-math.Abs(diff))
			var w4 float64
			if diff >= 0 {
				s[kLL] += w * (a4 + math.Log(1+e))
				w4 = 1 / (1 + e)
			} else {
				s[kLL] += w * (a3 + math.Log(1+e))
				w4 = e / (1 + e)
			}
			w3 := 1 - w4
			ib := ibx[x]
			s[kR] -= w * (w3*lT + w4*lt)
			s[kAlpha] -= w * rx * (w3*iT + w4*it)
			s[kW4] += w * w4
			s[kW4ib] += w * w4 * ib
			s[kW4ib2] += w * w4 * ib * ib
			s[kRA] += w * (w3*iT + w4*it)
			s[kAA] += w * rx * (w3*iT*iT + w4*it*it)
			q := w * w3 * w4
			d0, d1 := lT-lt, rx*(iT-it)
			s[kQ] += q
			s[kQd0] += q * d0
			s[kQd1] += q * d1
			s[kQib] += q * ib
			s[kQd0d0] += q * d0 * d0
			s[kQd0d1] += q * d0 * d1
			s[kQd0ib] += q * d0 * ib
			s[kQd1d1] += q * d1 * d1
			s[kQd1ib] += q * d1 * ib
			s[kQibib] += q * ib * ib
		}
		for k := range s {
			acc[k] += s[k]
		}
	})
	total += sums[kLL]
	grad[0] = gr + sums[kR]
	grad[1] = gAlpha + sums[kAlpha]
	grad[2] = ga + sums[kW4]/a
	grad[3] = gb - sums[kW4ib]
	ia := 1 / a
	// Hessian: x-only terms, branch curvature, then the w3 w4 d dᵀ term.
	h00 := hrr + sums[kQd0d0]
	h01 := hra - sums[kRA] + sums[kQd0d1]
	h02 := ia * sums[kQd0]
	h03 := -sums[kQd0ib]
	h11 := haa + sums[kAA] + sums[kQd1d1]
	h12 := ia * sums[kQd1]
	h13 := -sums[kQd1ib]
	h22 := hAA - sums[kW4]*ia*ia + ia*ia*sums[kQ]
	h23 := hAB - ia*sums[kQib]
	h33 := hBB + sums[kW4ib2] + sums[kQibib]
	set := func(i, j int, v float64) { hess[i][j], hess[j][i] = v, v }
	set(0, 0, h00)
	set(0, 1, h01)
	set(0, 2, h02)
	set(0, 3, h03)
	set(1, 1, h11)
	set(1, 2, h12)
	set(1, 3, h13)
	set(2, 2, h22)
	set(2, 3, h23)
	set(3, 3, h33)
	return total
}

// ggLogLikHess is ggLogLik with the Hessian in (p, q, γ) as well.
func ggLogLikHess(d *ggData, th, grad []float64, hess [][]float64) float64 {
	p, q, g := th[0], th[1], th[2]
	for i := range hess {
		clear(hess[i])
	}
	ll := p*d.sumXLogM - d.sumLogM + p*d.sumXLogX + d.total*(q*math.Log(g)-lgamma(q))
	dp := d.sumXLogM + d.sumXLogX
	dq := d.total * (math.Log(g) - digamma(q))
	dg := d.total * q / g
	hpp, hpq := 0.0, 0.0
	hqq := -d.total * trigamma(q)
	hqg := d.total / g
	hgg := -d.total * q / (g * g)
	for x, w := range d.weightByX {
		if w == 0 {
			continue
		}
		xf := float64(x)
		px := p * xf
		ll += w * (lgamma(px+q) - lgamma(px))
		dp += w * xf * (digamma(px+q) - digamma(px))
		dq += w * digamma(px+q)
		tq := trigamma(px + q)
		hpp += w * xf * xf * (tq - trigamma(px))
		hpq += w * xf * tq
		hqq += w * tq
	}
	sums := parallelSums(len(d.x), 7, func(lo, hi int, acc []float64) {
		var s, sx, sw, sinv, sxinv, sinv1, sinv2 float64
		for i := lo; i < hi; i++ {
			x := d.x[i]
			v := d.xm[i] + g
			l := math.Log(v)
			inv := 1 / v
			k := p*x + q
			s += k * l
			sx += x * l
			sw += l
			sinv += k * inv
			sxinv += x * inv
			sinv1 += inv
			sinv2 += k * inv * inv
		}
		acc[0] += s
		acc[1] += sx
		acc[2] += sw
		acc[3] += sinv
		acc[4] += sxinv
		acc[5] += sinv1
		acc[6] += sinv2
	})
	ll -= sums[0]
	grad[0] = dp - sums[1]
	grad[1] = dq - sums[2]
	grad[2] = dg - sums[3]
	set := func(i, j int, v float64) { hess[i][j], hess[j][i] = v, v }
	set(0, 0, hpp)
	set(0, 1, hpq)
	set(0, 2, -sums[4])
	set(1, 1, hqq)
	set(1, 2, hqg-sums[5])
	set(2, 2, hgg+sums[6])
	return ll
}
