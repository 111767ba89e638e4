package text

import (
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/text/wordvec"
	"gonum.org/v1/gonum/mat"
)

// TestSentimentRound14 tries a GloVe-expanded lexicon for the built-in
// sentiment: a ridge regression from a word's vector to its VADER valence
// gives every word VADER lacks a valence.
//
//	FRESCO_SENT14=1 go test ./internal/text -run TestSentimentRound14 -v
func TestSentimentRound14(t *testing.T) {
	if os.Getenv("FRESCO_SENT14") == "" {
		t.Skip("set FRESCO_SENT14=1")
	}
	lex := serviceAnalyzer().Lexicon
	var xs [][]float64
	var ys []float64
	for w, v := range lex {
		if strings.ContainsAny(w, " '-") {
			continue
		}
		vec, ok := wordvec.Lookup(w)
		if !ok {
			continue
		}
		xs = append(xs, f64(vec))
		ys = append(ys, v)
	}
	nNeutral := 0
	if n, _ := strconv.Atoi(os.Getenv("FRESCO_SENT14_NEUTRAL")); n > 0 {
		for _, w := range wordvec.Words()[:n] {
			if _, ok := lex[w]; ok {
				continue
			}
			vec, _ := wordvec.Lookup(w)
			xs, ys = append(xs, f64(vec)), append(ys, 0)
			nNeutral++
		}
	}
	t.Logf("lexicon words with vectors: %d of %d, neutral %d", len(xs)-nNeutral, len(lex), nNeutral)
	for _, lambda := range []float64{0.1, 1, 10} {
		var pred, want []float64
		for f := range 5 {
			var tx [][]float64
			var ty []float64
			for i := range xs {
				if i%5 != f {
					tx, ty = append(tx, xs[i]), append(ty, ys[i])
				}
			}
			beta, b0 := ridge(tx, ty, lambda)
			for i := range xs {
				if i%5 == f {
					pred, want = append(pred, dot(beta, xs[i])+b0), append(want, ys[i])
				}
			}
		}
		t.Logf("lambda %g: CV pearson %.3f spearman %.3f", lambda, pearson(pred, want), Spearman(pred, want))
	}
	beta, b0 := ridge(xs, ys, 1)
	known := map[string]bool{}
	for w := range strings.FieldsSeq(serviceNeutralWords) {
		known[w] = true
	}
	for _, c := range serviceCues {
		for _, s := range c.phrase {
			known[s] = true
		}
	}
	valence := func(w string) (float64, bool) {
		if _, ok := lex[w]; ok || known[w] || known[stem(w)] {
			return 0, false
		}
		vec, ok := wordvec.Lookup(w)
		if !ok {
			return 0, false
		}
		return dot(beta, f64(vec)) + b0, true
	}
	for _, w := range strings.Fields("waited cold rude physio parking food toilets staff nurse doctor appointment receptionist hours filthy delays cancelled ignored unprofessional kind lovely polite efficient prompt") {
		v, ok := valence(w)
		t.Logf("%-14s %+.2f %v", w, v, ok)
	}
	all := criticalityScores(t, readNHS(t, "criticality"))
	train, test := nhsSplit(readNHS(t, "criticality"))
	trainS, testS := criticalityScores(t, train), criticalityScores(t, test)
	type parts struct{ p, c, ep, ec float64 }
	partsOf := func(data []ScoredComment, thr float64) []parts {
		out := make([]parts, len(data))
		for i, d := range data {
			p, c := lexiconParts(d.Text)
			out[i] = parts{p: p, c: c}
			w := words(d.Text)
			for k, x := range w {
				v, ok := valence(x)
				if !ok || math.Abs(v) < thr {
					continue
				}
				if negatedAt(w, k) {
					v *= -negationDamping
				}
				if v > 0 {
					out[i].ep += v
				} else {
					out[i].ec += v
				}
			}
		}
		return out
	}
	rho := func(data []ScoredComment, ps []parts, s float64) float64 {
		got, want := make([]float64, len(data)), make([]float64, len(data))
		for i, x := range ps {
			got[i] = math.Tanh(praiseWeight*(x.p+s*x.ep) + complaintWeight*(x.c+s*x.ec))
			want[i] = data[i].Score
		}
		return Spearman(got, want)
	}
	for _, thr := range []float64{0, 0.3, 0.6, 1} {
		ptr, pte, pall := partsOf(trainS, thr), partsOf(testS, thr), partsOf(all, thr)
		for _, s := range []float64{0, 0.1, 0.25, 0.5, 1} {
			t.Logf("thr %.1f s %.2f: train %.4f test %.4f whole %.4f", thr, s, rho(trainS, ptr, s), rho(testS, pte, s), rho(all, pall, s))
		}
	}
}

func f64(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// ridge solves (XᵀX + λI)β = Xᵀ(y − ȳ) on centred X; it returns β and the
// intercept.
func ridge(xs [][]float64, ys []float64, lambda float64) ([]float64, float64) {
	d := len(xs[0])
	mx := make([]float64, d)
	for _, x := range xs {
		for j := range x {
			mx[j] += x[j] / float64(len(xs))
		}
	}
	my := mean(ys)
	a := mat.NewDense(d, d, nil)
	bv := mat.NewVecDense(d, nil)
	for i, x := range xs {
		for j := range d {
			bv.SetVec(j, bv.AtVec(j)+(x[j]-mx[j])*(ys[i]-my))
			for k := range d {
				a.Set(j, k, a.At(j, k)+(x[j]-mx[j])*(x[k]-mx[k]))
			}
		}
	}
	for j := range d {
		a.Set(j, j, a.At(j, j)+lambda)
	}
	var beta mat.VecDense
	if err := beta.SolveVec(a, bv); err != nil {
		panic(err)
	}
	out := make([]float64, d)
	for j := range d {
		out[j] = beta.AtVec(j)
	}
	return out, my - dot(out, mx)
}
