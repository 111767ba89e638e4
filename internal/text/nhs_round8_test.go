package text

import (
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// BenchmarkNHSRound8 reproduces round eight's comparison (docs/text-models.md,
// "Round eight") on numpySplit: a one-hidden-layer network over the TF-IDF
// vectors mixed into the shipped model's probabilities at both levels, and
// a word LR that also reads word 2-skip-grams, each
// decoded jointly with cross-fitted offsets as Train does. Options are
// compared on out-of-fold scores from 3 folds inside the training part
// (assignFolds(…, 3, 1)); the test part is scored for the record. Set
// FRESCO_NHS_CACHE to a folder to keep the logistic regressions' scores
// between runs; FRESCO_R8 picks the network variants by index, comma
// separated ("all" for every one); FRESCO_R8_SPLIT=holdout runs the words
// and network rows on nhsSplit instead.
//
//	FRESCO_NHS_CACHE=DIR go test ./internal/text -run '^$' -bench NHSRound8 -benchtime 1x -v
func BenchmarkNHSRound8(b *testing.B) {
	for b.Loop() {
		r, d := round8Scores(b)
		logRound8Rows(b, r, "shipped (words)", "word", false, []float64{0})
		// The skip-gram LR as a member beside the word LR, half and half.
		for _, which := range []map[string][2][][]float64{r.OOF, r.Test} {
			if _, ok := which["wordskip"]; !ok {
				break // the hold-out split is fitted without skip-grams
			}
			which["wordavg"] = [2][][]float64{blend(which["word"][0], which["wordskip"][0], 0.5), blend(which["word"][1], which["wordskip"][1], 0.5)}
			which["condwordavg"] = [2][][]float64{blend(which["condword"][0], which["condwordskip"][0], 0.5)}
		}
		for _, key := range []string{"wordskip", "wordskipC3", "wordskip10", "wordavg"} {
			if _, ok := r.OOF[key]; !ok {
				continue
			}
			logRound8Rows(b, r, "words + 2-skip-grams in the word LR: "+key, key, false, []float64{0})
		}
		variants := []struct {
			name  string
			feats string
			s     mlpSettings
			bag   int
		}{
			{"word h64", "word", mlpSettings{Hidden: 64, Epochs: 8, Batch: 32, Rate: 2e-3, Dropout: 0.3, Decay: 1e-5, Seed: 1}, 1},
			{"word h128", "word", mlpSettings{Hidden: 128, Epochs: 8, Batch: 32, Rate: 2e-3, Dropout: 0.3, Decay: 1e-5, Seed: 1}, 1},
			{"word h64 e4", "word", mlpSettings{Hidden: 64, Epochs: 4, Batch: 32, Rate: 2e-3, Dropout: 0.3, Decay: 1e-5, Seed: 1}, 1},
			{"word h64 e12 d0.5", "word", mlpSettings{Hidden: 64, Epochs: 12, Batch: 32, Rate: 2e-3, Dropout: 0.5, Decay: 1e-5, Seed: 1}, 1},
			{"wordchar h64", "wordchar", mlpSettings{Hidden: 64, Epochs: 8, Batch: 32, Rate: 2e-3, Dropout: 0.3, Decay: 1e-5, Seed: 1}, 1},
			{"word h64 class power 0.5", "word", mlpSettings{Hidden: 64, Epochs: 8, Batch: 32, Rate: 2e-3, Dropout: 0.3, Decay: 1e-5, ClassPower: 0.5, Seed: 1}, 1},
			{"word h64 class power 0.5, 3 seeds averaged", "word", mlpSettings{Hidden: 64, Epochs: 8, Batch: 32, Rate: 2e-3, Dropout: 0.3, Decay: 1e-5, ClassPower: 0.5, Seed: 1}, 3},
			{"word h32 e5 class power 0.5, 3 seeds averaged", "word", mlpSettings{Hidden: 32, Epochs: 5, Batch: 32, Rate: 2e-3, Dropout: 0.3, Decay: 1e-5, ClassPower: 0.5, Seed: 1}, 3},
		}
		pick := os.Getenv("FRESCO_R8")
		for vi, v := range variants {
			if pick != "all" && !slices.Contains(strings.Split(pick, ","), strconv.Itoa(vi)) {
				continue
			}
			start := cpuSeconds()
			oof, tst := r.mlpOOF(d, v.feats, v.s)
			for seed := 2; seed <= v.bag; seed++ {
				v.s.Seed = uint64(seed)
				o2, t2 := r.mlpOOF(d, v.feats, v.s)
				for lv := range 2 {
					oof[lv] = blend(oof[lv], o2[lv], float64(seed-1)/float64(seed))
					tst[lv] = blend(tst[lv], t2[lv], float64(seed-1)/float64(seed))
				}
			}
			b.Logf("%s: %.1f CPU-s for 4 fits of 2 levels", v.name, cpuSeconds()-start)
			r.OOF["mlp"], r.Test["mlp"] = oof, tst
			for _, geo := range []bool{false, true} {
				logRound8Rows(b, r, v.name, "word", geo, []float64{0.1, 0.2, 0.3})
			}
		}
	}
}

func round8Scores(b *testing.B) (*r6Scores, r6Data) {
	split, cacheName := numpySplit, "round8b.gob"
	holdout := os.Getenv("FRESCO_R8_SPLIT") == "holdout"
	if holdout {
		split, cacheName = nhsSplit, "round8-holdout.gob"
	}
	train, test := split(readNHSLevels(b, "subcategory", "label"))
	m := newModel(train, TrainOptions{WithoutWordVectors: true}.withDefaults()) // as the round ran: before word vectors
	r, d := newR6Scores(train, test, m)
	for n, x := range d.feats["word"] {
		g := d.feats["char"][n]
		wc := sparse{idx: slices.Clone(x.idx), val: slices.Clone(x.val)}
		for a, j := range g.idx {
			wc.idx, wc.val = append(wc.idx, j+d.width["word"]), append(wc.val, g.val[a])
		}
		d.feats["wordchar"] = append(d.feats["wordchar"], wc)
	}
	// Word 2-skip-grams ("stem _ stem"), kept when seen in at least 3
	// training comments, appended to the word vocabulary.
	docs := make([][]string, len(train)+len(test))
	for n, e := range slices.Concat(train, test) {
		st := stems(e.Text)
		docs[n] = terms(e.Text)
		for i := 2; i < len(st); i++ {
			docs[n] = append(docs[n], st[i-2]+" _ "+st[i])
		}
	}
	for name, minDF := range map[string]int{"wordskip": 3, "wordskip10": 10} {
		skipVocab := buildVocabulary(docs[:len(train)], func(t string, df int) bool {
			return keepWordTerm(t, df) && (!strings.Contains(t, " _ ") || df >= minDF)
		})
		for _, doc := range docs {
			d.feats[name] = append(d.feats[name], skipVocab.appendVector(sparse{}, doc, 0))
		}
		d.width[name] = len(skipVocab.terms)
		b.Logf("word vocabulary %d, with 2-skip-grams seen in %d comments %d", d.width["word"], minDF, d.width[name])
	}
	d.width["wordchar"] = d.width["word"] + d.width["char"]
	save := loadScoreCache(b, r, cacheName)
	for _, spec := range []struct {
		name string
		c    float64
		key  string
	}{{"word", 5, "word"}, {"char", 10, "char"}, {"wordskip", 5, "wordskip"}, {"wordskip", 3, "wordskipC3"}, {"wordskip10", 5, "wordskip10"}} {
		if _, ok := r.OOF[spec.key]; ok || (holdout && spec.name != "word" && spec.name != "char") {
			continue
		}
		r.fitLevels(d, spec.name, spec.key, spec.c)
		b.Logf("fitted %s", spec.key)
		save()
	}
	return r, d
}

// mlpOOF fits the network on each fold's complement and scores the fold,
// then on all training rows and scores the test rows, at both levels; the
// eight fits run at once.
func (r *r6Scores) mlpOOF(d r6Data, feats string, s mlpSettings) (oof, tst [2][][]float64) {
	xs := d.feats[feats]
	var wg sync.WaitGroup
	for lv := range 2 {
		oof[lv], tst[lv] = make([][]float64, d.nTrain), make([][]float64, d.nTest)
		for f := -1; f < 3; f++ {
			wg.Go(func() {
				var trIdx, scoreIdx []int
				if f < 0 {
					for i := range d.nTrain {
						trIdx = append(trIdx, i)
					}
					for i := range d.nTest {
						scoreIdx = append(scoreIdx, d.nTrain+i)
					}
				} else {
					trIdx, scoreIdx = foldRows(r.Folds, f)
				}
				var tx []sparse
				var ty [][]bool
				for _, i := range trIdx {
					tx, ty = append(tx, xs[i]), append(ty, d.ys[lv][i])
				}
				net := trainMLP(tx, ty, d.width[feats], s)
				for _, i := range scoreIdx {
					if f < 0 {
						tst[lv][i-d.nTrain] = net.probabilities(xs[i])
					} else {
						oof[lv][i] = net.probabilities(xs[i])
					}
				}
			})
		}
	}
	wg.Wait()
	return oof, tst
}

// logRound8Rows logs, for the network alone and mixed into each level's
// word/char probabilities at several shares (arithmetic, or geometric when
// geo), the shipped decoding's figures: hierarchy-combined label scores,
// joint subcategory scores with cross-fitted offsets (macro weight 1, step
// 0.25, tolerance 0). wordKey names the word member's scores.
func logRound8Rows(b *testing.B, r *r6Scores, name, wordKey string, geo bool, shares []float64) {
	own := func(which map[string][2][][]float64, lv int, share float64) [][]float64 {
		p := blend(which[wordKey][lv], which["char"][lv], 0.6)
		if share > 0 && geo {
			q := which["mlp"][lv]
			for i := range p {
				for l := range p[i] {
					p[i][l] = math.Exp((1-share)*math.Log(p[i][l]+1e-12) + share*math.Log(q[i][l]+1e-12))
				}
				normalise(p[i])
			}
		} else if share > 0 {
			p = blend(p, which["mlp"][lv], 1-share)
		}
		return p
	}
	combine := func(which map[string][2][][]float64, lv int, share float64) [][]float64 {
		o := &OtherLevel{Finer: lv == 1, Parent: r.Parent}
		a, c := own(which, lv, share), own(which, 1-lv, share)
		out := make([][]float64, len(a))
		for i := range a {
			out[i] = o.combine(slices.Clone(a[i]), slices.Clone(c[i]))
		}
		return out
	}
	condKey := "cond" + wordKey
	joint := func(which map[string][2][][]float64, share float64) [][]float64 {
		sub, label := own(which, 0, share), own(which, 1, share)
		cond := blend(which[condKey][0], which["condchar"][0], 0.6)
		out := make([][]float64, len(sub))
		for i := range sub {
			c := slices.Clone(cond[i])
			out[i] = softmax(jointLogScores(slices.Clone(sub[i]), slices.Clone(label[i]), c, r.Parent))
		}
		return out
	}
	if _, ok := r.OOF["mlp"]; ok {
		for lv := range 2 {
			cvMi, cvMa := argmaxF1(r.OOF["mlp"][lv], r.YTrain[lv], r.Labels[lv])
			tMi, tMa := argmaxF1(r.Test["mlp"][lv], r.YTest[lv], r.Labels[lv])
			b.Logf("%s alone %s: CV %.4f / %.4f, test %.4f / %.4f", name, []string{"sub", "label"}[lv], cvMi, cvMa, tMi, tMa)
		}
	}
	for _, share := range shares {
		cv, tst := offsetScores(joint(r.OOF, share), joint(r.OOF, share), joint(r.Test, share), r.YTrain[0], r.Folds, 1, 0.25, 0, 1)
		sMi, sMa := argmaxF1(cv, r.YTrain[0], r.Labels[0])
		tsMi, tsMa := argmaxF1(tst, r.YTest[0], r.Labels[0])
		lMi, lMa := argmaxF1(combine(r.OOF, 1, share), r.YTrain[1], r.Labels[1])
		tlMi, tlMa := argmaxF1(combine(r.Test, 1, share), r.YTest[1], r.Labels[1])
		b.Logf("%s share %.2f geo %v: CV sub %.4f / %.4f label %.4f / %.4f (sum %.4f); test sub %.4f / %.4f label %.4f / %.4f",
			name, share, geo, sMi, sMa, lMi, lMa, sMi+sMa+lMi+lMa, tsMi, tsMa, tlMi, tlMa)
	}
}
