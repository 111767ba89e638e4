package text

import (
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
)

// Theme is a group of comments about the same thing, found without labels.
type Theme struct {
	// Label is a short phrase naming the theme: its most distinctive
	// terms, bigrams first since "waiting time" says more than "waiting".
	Label string `json:"label"`
	// Terms are the distinctive terms, most distinctive first.
	Terms []string `json:"terms"`
	// Members are the indices of the theme's comments in the input.
	Members []int `json:"members"`
	// Examples are the indices of the comments nearest the theme's centre,
	// the ones that show best what it is about; no two read the same
	// (comments repeat: "Nothing", a template a listening post sends).
	Examples []int `json:"examples"`
}

// ThemeOptions tunes [FindThemes]; the zero value means the defaults.
type ThemeOptions struct {
	// K is how many themes to look for (default √(n/2), at most 30).
	K int
	// Seed fixes the initial centres, so the result is reproducible
	// (default 1).
	Seed uint64
	// MinSize drops themes with fewer comments (default 2): a theme of one
	// is not a theme.
	MinSize int
}

func (o ThemeOptions) withDefaults(n int) ThemeOptions {
	if o.K <= 0 {
		o.K = min(30, max(1, int(math.Sqrt(float64(n)/2))))
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.MinSize <= 0 {
		o.MinSize = 2
	}
	return o
}

// FindThemes clusters comments into themes by spherical k-means over their
// word TF-IDF vectors (cosine similarity, k-means++ seeding) and names each
// cluster by the terms whose weight in its centre most exceeds their
// weight in the corpus as a whole. Short comments share few words, so
// embedding-free clustering works best on comments about concrete things
// ("parking", "waiting time"), which are what an emerging theme usually
// is. Themes are returned largest first; comments with no known word
// belong to none.
func FindThemes(comments []string, opts ThemeOptions) []Theme {
	opts = opts.withDefaults(len(comments))
	docs := make([][]string, len(comments))
	surface := surfaceForms{}
	for i, c := range comments {
		docs[i] = contentTerms(c)
		surface.add(c)
	}
	vocab := buildVocabulary(docs, func(term string, df int) bool { return df >= 2 })
	var xs []sparse
	var index []int // xs[j] is comments[index[j]]
	for i, d := range docs {
		if x := themeVector(vocab, d, len(docs)); len(x.idx) > 0 {
			xs = append(xs, x)
			index = append(index, i)
		}
	}
	if len(xs) == 0 {
		return nil
	}
	k := min(opts.K, len(xs))
	assign, centres := bestClustering(xs, len(vocab.terms), k, opts.Seed)
	assign, centres = mergeSimilarThemes(xs, assign, centres)
	leaveOutStragglers(xs, assign, centres)
	global := meanVector(xs, len(vocab.terms))
	var themes []Theme
	for c := range centres {
		t := describeTheme(xs, index, assign, c, centres[c], global, vocab, surface)
		if len(t.Members) >= opts.MinSize {
			themes = append(themes, t)
		}
	}
	slices.SortStableFunc(themes, func(a, b Theme) int { return len(b.Members) - len(a.Members) })
	return themes
}

// themeVector is doc's TF-IDF vector over vocab, the terms of more than
// one comment, scaled to the share of doc's whole weight those terms
// carry: a comment that shares one word with others among several of its
// own ("leaflets about diet in the clinic corridor") is a short vector,
// only a little like a theme about the clinic, rather than the unit
// vector of "clinic" alone. Terms outside vocab are in one comment of n.
func themeVector(vocab vocabulary, doc []string, n int) sparse {
	x := vocab.appendVector(sparse{}, doc, 0)
	counts := map[string]int{}
	for _, t := range doc {
		counts[t]++
	}
	var kept, whole float64
	for _, t := range slices.Sorted(maps.Keys(counts)) { // in order: sums that do not vary from run to run
		c := counts[t]
		i, ok := vocab.index[t]
		idf := smoothIDF(n, 1)
		if ok {
			idf = vocab.idf[i]
		}
		w := (1 + math.Log(float64(c))) * idf
		whole += w * w
		if ok {
			kept += w * w
		}
	}
	if kept > 0 {
		scale(math.Sqrt(kept/whole), x.val)
	}
	return x
}

// contentTerms are the comment's terms without function words, which
// would otherwise pull together comments that merely share "the" and "was".
func contentTerms(comment string) []string {
	var kept []string
	for _, w := range words(comment) {
		if !themeStopwords[w] {
			kept = append(kept, stem(w))
		}
	}
	out := slices.Clone(kept)
	for i := 1; i < len(kept); i++ {
		out = append(out, kept[i-1]+" "+kept[i])
	}
	return out
}

var themeStopwords = setOf(`a an the and or of to in on at for with is was were be been being it its this that
these those we i our my me you your they them their he she his her us had have has are am as by from so very
just there here which what who when then than also too all any some do did does into about after before again
really quite if because while would could should will can get got one two`)

// Clustering settings, set by hand and checked on planted topics, the
// demo's comments and 2,000 NHS comments (docs/text-models.md, "Themes
// nobody labelled yet"):
const (
	// themeRestarts is how many k-means++ starts are tried; the one whose
	// members are closest to their centres wins. One start now and then
	// split a topic in two and merged two others.
	themeRestarts = 8
	// themeMergeSimilarity: two themes whose centres are this similar
	// (cosine) are one topic in different words ("the card machine was
	// down", "the card machine was not working") and become one.
	themeMergeSimilarity = 0.5
	// themeMinSimilarity: a comment less similar than this to its theme's
	// centre shares a word or two with it by chance and belongs to no
	// theme, rather than inflating one and its trend.
	themeMinSimilarity = 0.2
)

// bestClustering runs spherical k-means from themeRestarts seedings and
// keeps the clustering whose comments are most similar to their centres.
func bestClustering(xs []sparse, dim, k int, seed uint64) ([]int, [][]float64) {
	var bestAssign []int
	var bestCentres [][]float64
	bestScore := math.Inf(-1)
	for r := range uint64(themeRestarts) {
		assign, centres := sphericalKMeans(xs, dim, k, seed+r)
		if score := cohesion(xs, assign, centres); score > bestScore {
			bestAssign, bestCentres, bestScore = assign, centres, score
		}
	}
	return bestAssign, bestCentres
}

// cohesion is the sum of each comment's cosine similarity to its centre,
// what spherical k-means maximises.
func cohesion(xs []sparse, assign []int, centres [][]float64) float64 {
	total := 0.0
	for i, x := range xs {
		total += x.dot(centres[assign[i]])
	}
	return total
}

// mergeSimilarThemes joins the two clusters whose centres are most
// similar, while any pair reaches themeMergeSimilarity, and returns the
// clusters renumbered without the emptied ones.
func mergeSimilarThemes(xs []sparse, assign []int, centres [][]float64) ([]int, [][]float64) {
	dim := len(centres[0])
	for {
		a, b, best := -1, -1, themeMergeSimilarity
		for i := range centres {
			for j := i + 1; j < len(centres); j++ {
				if sim := dot(centres[i], centres[j]); sim >= best {
					a, b, best = i, j, sim
				}
			}
		}
		if a < 0 {
			return assign, centres
		}
		for i := range assign {
			switch {
			case assign[i] == b:
				assign[i] = a
			case assign[i] > b:
				assign[i]--
			}
		}
		centres = slices.Delete(centres, b, b+1)
		centres = recentre(xs, assign, dim, len(centres), centres)
	}
}

// leaveOutStragglers takes out of their cluster (assign −1) the comments
// less similar to its centre than themeMinSimilarity.
func leaveOutStragglers(xs []sparse, assign []int, centres [][]float64) {
	for i, x := range xs {
		if x.dot(centres[assign[i]]) < themeMinSimilarity {
			assign[i] = -1
		}
	}
}

// sphericalKMeans runs k-means on unit vectors with cosine similarity and
// returns each vector's cluster and the clusters' unit centres.
func sphericalKMeans(xs []sparse, dim, k int, seed uint64) ([]int, [][]float64) {
	centres := kMeansPlusPlus(xs, dim, k, rand.New(rand.NewPCG(seed, 0x7e3e)))
	assign := make([]int, len(xs))
	for i := range assign {
		assign[i] = -1
	}
	for range maxKMeansRounds {
		changed := false
		for i, x := range xs {
			best := nearestCentre(x, centres)
			if best != assign[i] {
				assign[i], changed = best, true
			}
		}
		if !changed {
			break
		}
		centres = recentre(xs, assign, dim, k, centres)
	}
	return assign, centres
}

const maxKMeansRounds = 50

func nearestCentre(x sparse, centres [][]float64) int {
	best, bestSim := 0, math.Inf(-1)
	for c, centre := range centres {
		if sim := x.dot(centre); sim > bestSim {
			best, bestSim = c, sim
		}
	}
	return best
}

// kMeansPlusPlus picks the first centre at random and each next one with
// probability proportional to its cosine distance from the nearest centre
// so far, which spreads the centres over distinct topics.
func kMeansPlusPlus(xs []sparse, dim, k int, rng *rand.Rand) [][]float64 {
	centres := [][]float64{dense(xs[rng.IntN(len(xs))], dim)}
	dist := make([]float64, len(xs))
	for len(centres) < k {
		total := 0.0
		for i, x := range xs {
			d := math.Inf(1)
			for _, c := range centres {
				d = math.Min(d, 1-x.dot(c))
			}
			dist[i] = math.Max(d, 0)
			total += dist[i]
		}
		pick := 0
		if total > 0 {
			r := rng.Float64() * total
			for pick = range dist {
				if r -= dist[pick]; r <= 0 {
					break
				}
			}
		} else {
			pick = rng.IntN(len(xs))
		}
		centres = append(centres, dense(xs[pick], dim))
	}
	return centres
}

func dense(x sparse, dim int) []float64 {
	out := make([]float64, dim)
	for k, i := range x.idx {
		out[i] = x.val[k]
	}
	return out
}

// recentre makes each centre the normalised mean of its members; a cluster
// left empty keeps its old centre.
func recentre(xs []sparse, assign []int, dim, k int, old [][]float64) [][]float64 {
	centres := matrix(k, dim)
	for i, x := range xs {
		for j, f := range x.idx {
			centres[assign[i]][f] += x.val[j]
		}
	}
	for c := range centres {
		if n := norm(centres[c]); n > 0 {
			scale(1/n, centres[c])
		} else {
			centres[c] = old[c]
		}
	}
	return centres
}

func meanVector(xs []sparse, dim int) []float64 {
	out := make([]float64, dim)
	for _, x := range xs {
		for k, i := range x.idx {
			out[i] += x.val[k] / float64(len(xs))
		}
	}
	return out
}

// describeTheme gathers cluster c's members, its nearest examples and its
// distinctive terms.
func describeTheme(xs []sparse, index, assign []int, c int, centre, global []float64, vocab vocabulary, surface surfaceForms) Theme {
	var t Theme
	var members []int
	for i, a := range assign {
		if a == c {
			members = append(members, i)
			t.Members = append(t.Members, index[i])
		}
	}
	slices.SortStableFunc(members, func(a, b int) int { return compareScoreDesc(xs[a].dot(centre), xs[b].dot(centre)) })
	var shown []sparse
	for _, i := range members {
		if len(shown) == themeExamples {
			break
		}
		if !slices.ContainsFunc(shown, xs[i].equal) {
			shown = append(shown, xs[i])
			t.Examples = append(t.Examples, index[i])
		}
	}
	for _, term := range distinctiveTerms(centre, global, vocab) {
		t.Terms = append(t.Terms, surface.spell(term))
	}
	t.Label = phraseLabel(t.Terms)
	return t
}

// surfaceForms remembers, for each stem, the words it was made from, so
// that themes are named in words people wrote ("staff", "more") rather
// than stems ("staff", "mor").
type surfaceForms map[string]map[string]int

func (s surfaceForms) add(comment string) {
	for _, w := range words(comment) {
		st := stem(w)
		if s[st] == nil {
			s[st] = map[string]int{}
		}
		s[st][w]++
	}
}

// spell writes a stemmed term (a word or a bigram) with each stem's most
// frequent word, ties going to the shorter and then the alphabetically
// first.
func (s surfaceForms) spell(term string) string {
	parts := strings.Split(term, " ")
	for i, st := range parts {
		best, bestN := st, 0
		for w, n := range s[st] {
			if n > bestN || (n == bestN && (len(w) < len(best) || (len(w) == len(best) && w < best))) {
				best, bestN = w, n
			}
		}
		parts[i] = best
	}
	return strings.Join(parts, " ")
}

const themeExamples, themeTerms = 3, 5

// distinctiveTerms ranks terms by how much more weight they have in the
// centre than in the corpus mean.
func distinctiveTerms(centre, global []float64, vocab vocabulary) []string {
	order := make([]int, len(centre))
	for i := range order {
		order[i] = i
	}
	lift := func(i int) float64 { return centre[i] - global[i] }
	slices.SortStableFunc(order, func(a, b int) int { return compareScoreDesc(lift(a), lift(b)) })
	var out []string
	for _, i := range order[:min(themeTerms, len(order))] {
		if lift(i) > 0 {
			out = append(out, vocab.terms[i])
		}
	}
	return out
}

// phraseLabel names a theme by its most distinctive bigram when one is
// among the top terms, else by its top two words.
func phraseLabel(terms []string) string {
	for _, t := range terms[:min(3, len(terms))] {
		if isBigram(t) {
			return t
		}
	}
	return strings.Join(terms[:min(2, len(terms))], ", ")
}

// ThemeGrowth tests whether a theme grew significantly from one period to
// the next: its share of comments in each period compared by a
// two-proportion z-test. It returns z (positive when the theme grew) and
// whether z exceeds the one-sided 95% point 1.645 with at least
// minGrowthCount comments in the later period, so that a theme going from
// one comment to three does not alarm anybody.
func ThemeGrowth(before, beforeTotal, after, afterTotal int) (z float64, significant bool) {
	if beforeTotal == 0 || afterTotal == 0 {
		return 0, false
	}
	p1, p2 := float64(before)/float64(beforeTotal), float64(after)/float64(afterTotal)
	pooled := float64(before+after) / float64(beforeTotal+afterTotal)
	se := math.Sqrt(pooled * (1 - pooled) * (1/float64(beforeTotal) + 1/float64(afterTotal)))
	if se == 0 {
		return 0, false
	}
	z = (p2 - p1) / se
	return z, z > 1.645 && after >= minGrowthCount
}

const minGrowthCount = 5
