package text

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"strings"
	"sync"
	"testing"
)

// Round sixteen (docs/text-models.md, "Round sixteen"): the sentence
// member's settings, judged as Train fits them. The LR fits do not depend
// on the member's settings, so fitMemo keeps them and every setting after
// the first costs only the member's own fits, the offsets and scoring.
// Both benchmarks run only with FRESCO_R16 set; FRESCO_R16 names the
// candidates to run, separated by "|", or "all".
//
//	FRESCO_R16=all go test ./internal/text -run '^$' -bench 'NHSRound16$' -benchtime 1x -v -timeout 120m
//	FRESCO_R16=all go test ./internal/text -run '^$' -bench 'NHSRound16Evaluations$' -benchtime 1x -v -timeout 120m

// r16Candidate is a named sentence member setting.
type r16Candidate struct {
	name        string
	s           sentenceMemberSettings
	macroWeight float64 // joint decoding's offsetMacroWeight; 0 for the constant
}

// round16Candidates are the settings tried; "power 0" is Power −1 in
// sentenceMemberSettings, whose zero means the default.
func round16Candidates() []r16Candidate {
	out := []r16Candidate{{name: "no member (shipped)", s: sentenceMemberSettings{Off: true}}}
	for _, power := range []float64{0, 0.5} {
		for _, share := range []float64{0.1, 0.2, 0.3} {
			out = append(out, r16Candidate{name: fmt.Sprintf("share %g, ridge 0.1, power %g", share, power),
				s: sentenceMemberSettings{Share: share, Ridge: 0.1, Power: cmp.Or(power, -1)}})
		}
	}
	for _, ridge := range []float64{0.01, 1} {
		out = append(out, r16Candidate{name: fmt.Sprintf("share 0.2, ridge %g, power 0.5", ridge),
			s: sentenceMemberSettings{Share: 0.2, Ridge: ridge, Power: 0.5}})
	}
	for _, power := range []float64{0, 0.5, 1} {
		for _, share := range []float64{0.4, 0.5} {
			out = append(out, r16Candidate{name: fmt.Sprintf("share %g, ridge 0.1, power %g", share, power),
				s: sentenceMemberSettings{Share: share, Ridge: 0.1, Power: cmp.Or(power, -1)}})
		}
	}
	out = append(out, r16Candidate{name: "share 0.3, ridge 0.1, power 1", s: sentenceMemberSettings{Share: 0.3, Ridge: 0.1, Power: 1}})
	for _, m := range []float64{0.75, 1.5, 2} {
		out = append(out, r16Candidate{name: fmt.Sprintf("share 0.4, ridge 0.1, power 0.5, offset macro weight %g", m),
			s: sentenceMemberSettings{Share: 0.4, Ridge: 0.1, Power: 0.5}, macroWeight: m})
	}
	for _, m := range []float64{0.5, 0.75, 1.5} {
		out = append(out, r16Candidate{fmt.Sprintf("no member, offset macro weight %g", m), sentenceMemberSettings{Off: true}, m})
		out = append(out, r16Candidate{fmt.Sprintf("share 0.2, ridge 0.1, power 0.5, offset macro weight %g", m),
			sentenceMemberSettings{Share: 0.2, Ridge: 0.1, Power: 0.5}, m})
	}
	return out
}

// round16Selected are the candidates FRESCO_R16 names; the benchmark is
// skipped without it.
func round16Selected(b *testing.B) []r16Candidate {
	want := os.Getenv("FRESCO_R16")
	if want == "" {
		b.Skip("FRESCO_R16 not set")
	}
	var out []r16Candidate
	for _, c := range round16Candidates() {
		if want == "all" || strings.Contains("|"+want+"|", "|"+c.name+"|") {
			out = append(out, c)
		}
	}
	return out
}

// memoiseFits sets fitMemo for the benchmark's duration.
func memoiseFits(b *testing.B) {
	var mu sync.Mutex
	type result struct {
		w [][]float64
		b []float64
	}
	done := map[uint64]*result{}
	inFlight := map[uint64]*sync.WaitGroup{}
	fitMemo = func(d trainingData, c, power float64, startW [][]float64, startBias []float64, solve func() ([][]float64, []float64)) ([][]float64, []float64) {
		key := fitKey(d, c, power, startW, startBias)
		for {
			mu.Lock()
			if r, ok := done[key]; ok {
				mu.Unlock()
				return r.w, r.b
			}
			wg, busy := inFlight[key]
			if !busy {
				wg = &sync.WaitGroup{}
				wg.Add(1)
				inFlight[key] = wg
				mu.Unlock()
				w, bias := solve()
				mu.Lock()
				done[key] = &result{w, bias}
				delete(inFlight, key)
				mu.Unlock()
				wg.Done()
				return w, bias
			}
			mu.Unlock()
			wg.Wait()
		}
	}
	b.Cleanup(func() { fitMemo = nil })
}

// fitKey fingerprints a fit: its rows (lengths, first and last values),
// targets, penalty, power, prior and starting point.
func fitKey(d trainingData, c, power float64, startW [][]float64, startBias []float64) uint64 {
	h := fnv.New64a()
	put := func(v float64) { binary.Write(h, binary.LittleEndian, math.Float64bits(v)) }
	put(c)
	put(power)
	put(float64(len(d.xs)))
	put(float64(d.dense))
	for i, x := range d.xs {
		put(float64(len(x.idx)))
		if len(x.idx) > 0 {
			put(float64(x.idx[0]))
			put(x.val[0])
			put(x.val[len(x.val)-1])
		}
		bits := 0.0
		for l, yes := range d.ys[i] {
			if yes {
				bits += float64(l + 1)
			}
		}
		put(bits)
	}
	for _, rows := range [][][]float64{d.prior, startW} {
		put(float64(len(rows)))
		for _, row := range rows {
			sum := 0.0
			for _, v := range row {
				sum += v
			}
			put(sum)
		}
	}
	for _, v := range startBias {
		put(v)
	}
	return h.Sum64()
}

// r16Goals are a candidate's goal figures: subcategory micro and macro,
// label micro and macro.
type r16Goals [4]float64

func (g r16Goals) sum() float64 { return g[0] + g[1] + g[2] }

func (g r16Goals) String() string {
	return fmt.Sprintf("sub %.4f / %.4f, label %.4f / %.4f (goal sum %.4f)", g[0], g[1], g[2], g[3], g.sum())
}

// trainAndScore trains on train with the candidate's settings, both
// levels, and scores test: micro- and macro-F1.
func trainAndScore(b *testing.B, train, test []Example, c r16Candidate) (micro, macro float64) {
	m, err := Train(train, TrainOptions{sentenceMember: c.s, offsetMacroWeight: c.macroWeight})
	if err != nil {
		b.Fatal(err)
	}
	ev := Evaluate(m, test)
	return ev.MicroF1, ev.MacroF1
}

// BenchmarkNHSRound16 chooses: 3-fold cross-validation inside numpySplit's
// training part, seeds 1 and 2, mean of the folds, each fold's models
// trained by Train on the other two with both levels.
func BenchmarkNHSRound16(b *testing.B) {
	cands := round16Selected(b)
	memoiseFits(b)
	sub, _ := numpySplit(readNHSLevels(b, "subcategory", "label"))
	lab, _ := numpySplit(readNHSLevels(b, "label", "subcategory"))
	sentenceVectors(commentsOf(sub))
	for b.Loop() {
		for _, c := range cands {
			var mean r16Goals
			for _, seed := range []uint64{1, 2} {
				var g r16Goals
				folds := assignFolds(len(sub), 3, seed)
				for f := range 3 {
					for lv, examples := range [][]Example{sub, lab} {
						train, testIdx := splitFold(examples, folds, f)
						test := make([]Example, len(testIdx))
						for k, i := range testIdx {
							test[k] = examples[i]
						}
						mi, ma := trainAndScore(b, train, test, c)
						g[2*lv] += mi / 3
						g[2*lv+1] += ma / 3
					}
				}
				b.Logf("%s, seed %d: %v", c.name, seed, g)
				for k := range g {
					mean[k] += g[k] / 2
				}
			}
			b.Logf("%s, mean of seeds 1 and 2: %v", c.name, mean)
		}
	}
}

// BenchmarkNHSRound16Evaluations gives the candidates' figures on the
// three evaluations: numpySplit, nhsSplit and the whole file's 5-fold
// (assignFolds(10297, 5, 7), as BenchmarkNHSCrossValidation).
func BenchmarkNHSRound16Evaluations(b *testing.B) {
	cands := round16Selected(b)
	memoiseFits(b)
	sub := readNHSLevels(b, "subcategory", "label")
	lab := readNHSLevels(b, "label", "subcategory")
	sentenceVectors(commentsOf(sub))
	only := os.Getenv("FRESCO_R16_EVAL") // "splits", "folds" or both when empty
	for b.Loop() {
		for _, c := range cands {
			if only != "folds" {
				for _, sp := range []struct {
					name  string
					split func([]Example) (train, test []Example)
				}{{"numpy", numpySplit}, {"holdout", nhsSplit}} {
					var g r16Goals
					for lv, examples := range [][]Example{sub, lab} {
						train, test := sp.split(examples)
						g[2*lv], g[2*lv+1] = trainAndScore(b, train, test, c)
					}
					b.Logf("%s, %s split: %v", c.name, sp.name, g)
				}
			}
			if only == "splits" {
				continue
			}
			var g r16Goals
			var byFold [5]string
			folds := assignFolds(len(sub), 5, 7)
			for f := range 5 {
				var fg r16Goals
				for lv, examples := range [][]Example{sub, lab} {
					train, testIdx := splitFold(examples, folds, f)
					test := make([]Example, len(testIdx))
					for k, i := range testIdx {
						test[k] = examples[i]
					}
					fg[2*lv], fg[2*lv+1] = trainAndScore(b, train, test, c)
				}
				byFold[f] = fmt.Sprintf("%.4f / %.4f, %.4f", fg[0], fg[1], fg[2])
				for k := range g {
					g[k] += fg[k] / 5
				}
			}
			b.Logf("%s, 5-fold: %v; folds %s", c.name, g, strings.Join(byFold[:], "; "))
		}
	}
}

// BenchmarkNHSRound16TrainCost is BenchmarkTrain10000NHS's warm case
// with the sentence member and without it, back to back. Run with -cpu 2.
//
//	FRESCO_R16=all go test ./internal/text -run '^$' -bench 'NHSRound16TrainCost' -benchtime 2x -cpu 2
func BenchmarkNHSRound16TrainCost(b *testing.B) {
	round16Selected(b)
	train := readNHSLevels(b, "subcategory", "label")[:10_000]
	sentenceVectors(commentsOf(train))
	for _, c := range []r16Candidate{{name: "with"}, {name: "without", s: sentenceMemberSettings{Off: true}}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := Train(train, TrainOptions{sentenceMember: c.s}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
