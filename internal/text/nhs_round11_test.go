package text

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// BenchmarkNHSRound11 reproduces round eleven's comparison
// (docs/text-models.md, "Round eleven") on numpySplit: latent semantic
// dimensions appended to the word vectors (not a member of their own, as
// in round six), subcategory fits whose negatives from the same parent
// label count less or more, and negatives weighted by the rarity of their
// own class in every one-vs-rest problem. Candidates are decoded as Train
// decodes them (round10Figures) from out-of-fold scores of 3 folds inside
// the training part; the test part is scored for the record.
//
//	FRESCO_NHS_CACHE=DIR go test ./internal/text -run '^$' -bench 'NHSRound11$' -benchtime 1x -v -timeout 60m
func BenchmarkNHSRound11(b *testing.B) {
	for b.Loop() {
		train, test := numpySplit(readNHSLevels(b, "subcategory", "label"))
		logCandidates(b, round11Scores(b, train, test, "round11.gob", nil), round11Candidates())
	}
}

// round11Candidates are the decodings compared in round eleven.
func round11Candidates() []r10Candidate {
	with := shippedVariant
	out := []r10Candidate{with("shipped", func(*r10Decode) {})}
	out = append(out, with("word LRs averaged: shipped, lsa300a0.5, sent3", func(d *r10Decode) {
		d.word, d.condWord = []string{"word", "lsa300a0.5", "sent3"}, []string{"condword", "condlsa300a0.5", "condsent3"}
	}))
	out = append(out, with("word LRs averaged: shipped, lsa300a0.5, sent3, sib0.5 (levels)", func(d *r10Decode) {
		d.word, d.condWord = []string{"word", "lsa300a0.5", "sent3", "sib0.5word"}, []string{"condword", "condlsa300a0.5", "condsent3"}
	}))
	for _, w := range []float64{0.25, 0.75, 1} {
		out = append(out, with(fmt.Sprintf("joint share %g", w), func(d *r10Decode) { d.jointW = w }))
	}
	for _, key := range r11LSAKeys {
		out = append(out, with("word LR with "+key, func(d *r10Decode) { d.word, d.condWord = []string{key}, []string{"cond" + key} }))
		out = append(out, with("word LR with "+key+" at both levels only", func(d *r10Decode) { d.word = []string{key} }))
	}
	for _, key := range r11SentimentKeys {
		out = append(out, with("word LR with "+key, func(d *r10Decode) { d.word, d.condWord = []string{key}, []string{"cond" + key} }))
	}
	// The label model as shipped decides labels from calibrated members
	// (round ten); the sentiment parts at the label level alone are
	// compared against that.
	calibrated := &[2]float64{0.6, 0.6}
	out = append(out, with("labels from calibrated members", func(d *r10Decode) { d.labelShare = calibrated }))
	for _, key := range r11SentimentKeys {
		out = append(out, with("labels from calibrated members, label-level word LR with "+key, func(d *r10Decode) {
			d.word, d.labelShare = []string{key + "label"}, calibrated
		}))
	}
	for _, key := range r11StyleKeys {
		out = append(out, with("word LR with "+key, func(d *r10Decode) { d.word, d.condWord = []string{key}, []string{"cond" + key} }))
		out = append(out, with("word LR with "+key+" at both levels only", func(d *r10Decode) { d.word = []string{key} }))
		out = append(out, with("labels from calibrated members, word LR with "+key+" at both levels only", func(d *r10Decode) {
			d.word, d.labelShare = []string{key}, calibrated
		}))
	}
	for _, key := range r11LengthKeys {
		out = append(out, with("word share by length, "+key, func(d *r10Decode) {
			d.word, d.char, d.share = []string{key + "word"}, key+"char", [3]float64{0.5, 0.5, 0.6}
		}))
	}
	for _, key := range slices.Concat(r11SiblingKeys, r11ClassKeys) {
		out = append(out, with("word and char LRs "+key, func(d *r10Decode) { d.word, d.char = []string{key + "word"}, key+"char" }))
		out = append(out, with("word LR only "+key, func(d *r10Decode) { d.word = []string{key + "word"} }))
	}
	return out
}

var (
	// r11LSAKeys name word vectors with k latent dimensions appended ×a.
	r11LSAKeys = []string{"lsa100a0.5", "lsa100a1", "lsa300a0.5", "lsa300a1"}
	// r11SiblingKeys name subcategory fits whose negatives sharing the
	// label's parent are weighted ×w.
	r11SiblingKeys = []string{"sib0.5", "sib2"}
	// r11ClassKeys name fits whose negatives are weighted by their own
	// class's rarity to the power q.
	r11ClassKeys = []string{"cw0.25", "cw0.5"}
	// r11SentimentKeys name word vectors with the built-in sentiment's
	// positive and negative parts appended ×a.
	r11SentimentKeys = []string{"sent1", "sent3", "sent6"}
	// r11StyleKeys name word vectors with styleCues appended ×a.
	r11StyleKeys = []string{"style0.3", "style1"}
	// r11LengthKeys name word shares (subcategory and label levels) s for
	// comments of at most t stems and l for longer ones.
	r11LengthKeys = []string{"len4s0.4l0.7", "len4s0.7l0.5", "len8s0.4l0.7", "len8s0.7l0.5", "len8s0.5l0.7", "len8s0.8l0.5"}
)

// round11Scores fits (or reads from FRESCO_NHS_CACHE/cacheName) the
// shipped word and character LRs and round eleven's variants on train,
// out of fold (3 folds), and on test; only, when not nil, names the keys
// to fit beside the shipped ones.
func round11Scores(b *testing.B, train, test []Example, cacheName string, only []string) *r6Scores {
	wanted := func(key string) bool { return only == nil || slices.Contains(only, key) }
	m := newModel(train, TrainOptions{WithoutWordVectors: true}.withDefaults()) // as the round ran: before word vectors
	r, d, timed := shippedFits(b, m, train, test, cacheName)
	keep := make([]bool, d.width["word"]) // unigrams seen in at least 3 training comments, as round six
	for j, t := range m.Terms {
		keep[j] = !isBigram(t) && m.IDF[j] <= math.Log(float64(1+len(train))/4)+1
	}
	lsa := map[int][]sparse{}
	for _, key := range r11LSAKeys {
		if _, ok := r.OOF[key]; ok || !wanted(key) {
			continue
		}
		var k int
		var a float64
		fmt.Sscanf(key, "lsa%da%g", &k, &a)
		if lsa[k] == nil {
			lsa[k], _ = lsaFeatures(d.feats["word"], keep, len(train), k)
		}
		d.feats[key], d.width[key] = appendDense(d.feats["word"], lsa[k], d.width["word"], a), d.width["word"]+k
		timed(key, func() { r.fitLevels(d, key, key, 5) })
	}
	all := slices.Concat(train, test)
	// appended fits the word LR with each comment's features(text),
	// width wide, appended ×a to its word vector, for each key that is
	// prefix followed by a.
	appended := func(keys []string, prefix string, width int, features func(text string) sparse) {
		for _, key := range keys {
			if _, ok := r.OOF[key]; ok || !wanted(key) {
				continue
			}
			var a float64
			fmt.Sscanf(strings.TrimPrefix(key, prefix), "%g", &a)
			extra := make([]sparse, len(all))
			for i, e := range all {
				extra[i] = features(e.Text)
			}
			d.feats[key], d.width[key] = appendDense(d.feats["word"], extra, d.width["word"], a), d.width["word"]+width
			timed(key, func() { r.fitLevels(d, key, key, 5) })
		}
	}
	appended(r11SentimentKeys, "sent", 2, func(text string) sparse {
		c := Sentiment(text).Compound
		return sparse{idx: []int{0, 1}, val: []float64{max(c, 0), max(-c, 0)}}
	})
	appended(r11StyleKeys, "style", len(styleCuePatterns)+2, styleCues)
	for _, key := range r11SentimentKeys {
		if _, ok := r.OOF[key]; ok {
			r.OOF[key+"label"] = [2][][]float64{r.OOF["word"][0], r.OOF[key][1]}
			r.Test[key+"label"] = [2][][]float64{r.Test["word"][0], r.Test[key][1]}
		}
	}
	for _, key := range r11LengthKeys {
		var t int
		var short, long float64
		fmt.Sscanf(key, "len%ds%gl%g", &t, &short, &long)
		share := make([]float64, len(all))
		for i, e := range all {
			share[i] = long
			if len(stems(e.Text)) <= t {
				share[i] = short
			}
		}
		// Decoded at share 0.5, these two members blend to share[i]·word +
		// (1 − share[i])·char.
		for _, member := range []string{"word", "char"} {
			var oof, tst [2][][]float64
			for lv := range 2 {
				oof[lv], tst[lv] = rowScaled(r.OOF[member][lv], share, 0, member == "char"), rowScaled(r.Test[member][lv], share, len(train), member == "char")
			}
			r.OOF[key+member], r.Test[key+member] = oof, tst
		}
	}
	for _, key := range slices.Concat(r11SiblingKeys, r11ClassKeys) {
		if _, ok := r.OOF[key+"word"]; ok || !wanted(key) {
			continue
		}
		var x float64
		sibling := strings.HasPrefix(key, "sib")
		fmt.Sscanf(strings.TrimLeft(key, "sibcw"), "%g", &x)
		for _, feats := range []string{"word", "char"} {
			c := map[string]float64{"word": 5, "char": 10}[feats]
			timed(key+feats, func() {
				var oof, tst [2][][]float64
				for lv := range 2 {
					if sibling && lv == 1 { // the label level has no siblings
						oof[lv], tst[lv] = r.OOF[feats][lv], r.Test[feats][lv]
						continue
					}
					neg := classNegativeWeights(r.YTrain[lv], len(r.Labels[lv]), x)
					if sibling {
						neg = siblingNegativeWeights(r.YTrain[lv], r.Parent, x)
					}
					oof[lv], tst[lv] = r.fitOOFWith(d, d.ys[lv], func(trIdx, scoreIdx []int, into [][]float64) {
						negativeWeightedFit(d.feats[feats], d.ys[lv], d.width[feats], c, trIdx, scoreIdx, into, neg)
					})
				}
				r.OOF[key+feats], r.Test[key+feats] = oof, tst
			})
		}
	}
	return r
}

// rowScaled is row i of m times 2·share[from+i], or 2·(1 − share[from+i])
// when complement is set.
func rowScaled(m [][]float64, share []float64, from int, complement bool) [][]float64 {
	out := matrix(len(m), len(m[0]))
	for i, row := range m {
		s := share[from+i]
		if complement {
			s = 1 - s
		}
		for l, v := range row {
			out[i][l] = 2 * s * v
		}
	}
	return out
}

// styleCuePatterns are marks of how a comment was transcribed rather
// than what it says — a capital I inside a lower-case word ("receIved"),
// XXXX and * redactions, curly or straight apostrophes, double spaces,
// line breaks, an opening "Because", no capital at all, no closing
// punctuation, "&", digits — which differ between the trusts that
// collected and labelled the comments, and so between their habits in
// the overlapping categories. The word and character features lower-case
// and tokenise them away.
var styleCuePatterns = []*regexp.Regexp{
	regexp.MustCompile(`[a-z]I[a-z]`), regexp.MustCompile(`(?i)xxx`), regexp.MustCompile(`\*`),
	regexp.MustCompile("\u2019"), regexp.MustCompile(`'`), regexp.MustCompile(`  `), regexp.MustCompile(`\n`),
	regexp.MustCompile(`(?i)^\s*because`), regexp.MustCompile(`^[^A-Z]*$`), regexp.MustCompile(`[^.!?]\s*$`),
	regexp.MustCompile(`&`), regexp.MustCompile(`[0-9]`),
}

// styleCues is the binary vector of styleCuePatterns for text, then
// whether it is one word and whether it is at most three.
func styleCues(text string) sparse {
	var x sparse
	for j, re := range styleCuePatterns {
		if re.MatchString(text) {
			x.idx, x.val = append(x.idx, j), append(x.val, 1)
		}
	}
	n := len(strings.Fields(text))
	for j, ok := range []bool{n <= 1, n <= 3} {
		if ok {
			x.idx, x.val = append(x.idx, len(styleCuePatterns)+j), append(x.val, 1)
		}
	}
	return x
}

// appendDense is each row of xs with a·z appended after its first width
// features.
func appendDense(xs, z []sparse, width int, a float64) []sparse {
	out := make([]sparse, len(xs))
	for i, x := range xs {
		y := sparse{idx: slices.Clone(x.idx), val: slices.Clone(x.val)}
		for k, j := range z[i].idx {
			y.idx, y.val = append(y.idx, width+j), append(y.val, a*z[i].val[k])
		}
		out[i] = y
	}
	return out
}

// siblingNegativeWeights(y, parent, w)(l, i) is w when training row i is
// a negative of subcategory l with the same parent label, else 1.
func siblingNegativeWeights(y, parent []int, w float64) func(l, i int) float64 {
	return func(l, i int) float64 {
		if parent[y[i]] == parent[l] {
			return w
		}
		return 1
	}
}

// classNegativeWeights(y, nl, q)(l, i) is (n/(nl·n_y(i)))^q for every
// negative row i, n_k the training rows of class k: a rare class's
// comments count more as evidence against the others.
func classNegativeWeights(y []int, nl int, q float64) func(l, i int) float64 {
	count := make([]float64, nl)
	for _, k := range y {
		count[k]++
	}
	return func(_, i int) float64 {
		return math.Pow(float64(len(y))/(float64(nl)*count[y[i]]), q)
	}
}

// negativeWeightedFit is fitOOF's one-vs-rest fit (positive-weight power
// 0.75, zero prior) with negative row i of label l weighted neg(l, i),
// renormalised so the negatives' total weight is unchanged.
func negativeWeightedFit(xs []sparse, ys [][]bool, width int, c float64, trIdx, scoreIdx []int, into [][]float64, neg func(l, i int) float64) {
	nl := len(ys[0])
	td := trainingData{prior: matrix(nl, width)}
	for _, i := range trIdx {
		td.xs, td.ys = append(td.xs, xs[i]), append(td.ys, ys[i])
	}
	posWeight := positiveWeights(td.ys, 0.75)
	start := priorLogits(td.ys)
	packedXs := pack(td.xs)
	w, bias := fitLabels(packedXs, nl, func(l int) (binaryProblem, []float64, float64) {
		p := binaryProblem{y: columnBool(td.ys, l), weight: make([]float64, len(td.xs)),
			prior: td.prior[l], penalty: 1 / (c * float64(len(td.xs))), solver: classifierSolver}
		total, n := 0.0, 0
		for k, pos := range p.y {
			if pos {
				p.weight[k] = posWeight[l]
				continue
			}
			p.weight[k] = neg(l, trIdx[k])
			total, n = total+p.weight[k], n+1
		}
		for k, pos := range p.y {
			if !pos {
				p.weight[k] *= float64(n) / total
			}
		}
		return p, td.prior[l], start[l]
	})
	for k, i := range scoreIdx {
		into[k] = probabilities(xs[i], w, bias)
	}
}

// BenchmarkNHSRound11Folds judges round eleven's candidates by the whole
// file's 5-fold cross-validation (assignFolds(10297, 5, 7), as
// BenchmarkNHSRound10Folds). FRESCO_R11 names the candidates by their
// names in round11Candidates, separated by "|"; the shipped decoding is
// always first, and the gains are against it.
//
//	FRESCO_NHS_CACHE=DIR FRESCO_R11='…' go test ./internal/text -run '^$' -bench 'NHSRound11Folds$' -benchtime 1x -v -timeout 60m
func BenchmarkNHSRound11Folds(b *testing.B) {
	candidateFolds(b, round11Candidates(), "FRESCO_R11", func(key string) []string {
		for _, suffix := range []string{"word", "char", "label"} {
			key = strings.TrimSuffix(key, suffix)
		}
		return []string{key}
	}, func(train, test []Example, fold int, only []string) *r6Scores {
		return round11Scores(b, train, test, fmt.Sprintf("round11-fold%d.gob", fold), only)
	})
}
