package text

import (
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// BenchmarkNHSReference re-measures the data README's reference classifier
// on nhsSplit, so Fresco's figures can be compared on the same 2,059
// comments: scikit-learn's TfidfVectorizer defaults (lower case, tokens of
// two or more word characters, word 1–2-grams, min_df 2, sublinear tf,
// smoothed IDF, L2 norm) and LogisticRegression(C = 10,
// class_weight = "balanced"), which with the lbfgs solver is a multinomial
// (softmax) regression, solved here to convergence. It is a benchmark, not a
// test, because a 44-class softmax fit takes a minute; run it with
//
//	go test ./internal/text -run '^$' -bench NHSReference -benchtime 1x
//
// It runs on both splits: "holdout" is nhsSplit, "numpy" the README's own
// split (numpySplit), where it should land near the README's figures.
func BenchmarkNHSReference(b *testing.B) {
	splits := []struct {
		name  string
		split func([]Example) (train, test []Example)
	}{{"holdout", nhsSplit}, {"numpy", numpySplit}}
	for _, s := range splits {
		for _, column := range []string{"label", "subcategory"} {
			b.Run(s.name+"/"+column, func(b *testing.B) {
				train, test := s.split(readNHS(b, column))
				var ev Evaluation
				for b.Loop() {
					ev = score(labelSet(train), len(train), test, predictAll(trainReference(train), test))
				}
				b.ReportMetric(ev.MicroF1, "micro-F1")
				b.ReportMetric(ev.MacroF1, "macro-F1")
			})
		}
	}
}

// referenceModel is a softmax regression over scikit-learn-style word
// TF-IDF vectors: row k of weights (its last entry the intercept) scores
// label k.
type referenceModel struct {
	vocab   vocabulary
	labels  []string
	weights [][]float64
}

var sklearnToken = regexp.MustCompile(`\b\w\w+\b`)

// sklearnTerms are the unigrams and bigrams scikit-learn's default word
// analyzer makes of text.
func sklearnTerms(text string) []string {
	words := sklearnToken.FindAllString(strings.ToLower(text), -1)
	out := append([]string(nil), words...)
	for i := 0; i+1 < len(words); i++ {
		out = append(out, words[i]+" "+words[i+1])
	}
	return out
}

func trainReference(train []Example) referenceModel {
	docs := make([][]string, len(train))
	for i, e := range train {
		docs[i] = sklearnTerms(e.Text)
	}
	m := referenceModel{vocab: buildVocabulary(docs, func(_ string, df int) bool { return df >= 2 }), labels: labelSet(train)}
	xs, ys := make([]sparse, len(train)), make([]int, len(train))
	perLabel := make([]int, len(m.labels))
	for i, e := range train {
		xs[i] = m.vocab.appendVector(sparse{}, docs[i], 0)
		ys[i], _ = slices.BinarySearch(m.labels, e.Labels[0])
		perLabel[ys[i]]++
	}
	// "balanced": each example weighs n / (K · its label's count).
	n, k, nf := float64(len(train)), len(m.labels), len(m.vocab.terms)
	classWeight := make([]float64, k)
	for l, c := range perLabel {
		classWeight[l] = n / (float64(k) * float64(c))
	}
	penalty := 1 / (10 * n) // C = 10, on the mean loss
	w := make([]float64, k*(nf+1))
	minimise(func(w, grad []float64) float64 {
		clear(grad)
		loss := 0.0
		z := make([]float64, k)
		for i, x := range xs {
			for l := range z {
				z[l] = w[l*(nf+1)+nf] + x.dot(w[l*(nf+1):l*(nf+1)+nf])
			}
			softmax(z)
			cw := classWeight[ys[i]]
			loss -= cw * math.Log(z[ys[i]])
			for l := range k {
				r := z[l]
				if l == ys[i] {
					r--
				}
				r *= cw / n
				row := grad[l*(nf+1) : (l+1)*(nf+1)]
				for j, f := range x.idx {
					row[f] += r * x.val[j]
				}
				row[nf] += r
			}
		}
		reg := 0.0
		for l := range k {
			for f := range nf {
				v := w[l*(nf+1)+f]
				reg += v * v
				grad[l*(nf+1)+f] += penalty * v
			}
		}
		return loss/n + penalty/2*reg
	}, w, lbfgsSettings{History: 10, GradTol: 1e-5, RelTol: 1e-10, MaxIter: 1000})
	m.weights = make([][]float64, k)
	for l := range k {
		m.weights[l] = w[l*(nf+1) : (l+1)*(nf+1)]
	}
	return m
}

func (m referenceModel) Predict(comment string) []string {
	x := m.vocab.appendVector(sparse{}, sklearnTerms(comment), 0)
	nf := len(m.vocab.terms)
	best, bestScore := 0, math.Inf(-1)
	for l, row := range m.weights {
		if s := row[nf] + x.dot(row[:nf]); s > bestScore {
			best, bestScore = l, s
		}
	}
	return []string{m.labels[best]}
}
