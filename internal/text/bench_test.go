package text

import "testing"

func BenchmarkTrain(b *testing.B) {
	train := readCorpus(b, "comments_train.csv")
	tax := DefaultTaxonomy()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Train(train, TrainOptions{Taxonomy: tax}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(train)), "examples")
}

func BenchmarkModelSuggest(b *testing.B) {
	m, err := Train(readCorpus(b, "comments_train.csv"), TrainOptions{Taxonomy: DefaultTaxonomy()})
	if err != nil {
		b.Fatal(err)
	}
	test := readCorpus(b, "comments_test.csv")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m.Suggest(test[i%len(test)].Text)
		i++
	}
}

func BenchmarkTaxonomySuggest(b *testing.B) {
	tax := DefaultTaxonomy()
	test := readCorpus(b, "comments_test.csv")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		tax.Suggest(test[i%len(test)].Text)
		i++
	}
}

func BenchmarkSentiment(b *testing.B) {
	test := readCorpus(b, "comments_test.csv")
	Sentiment("warm up the lexicon")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		Sentiment(test[i%len(test)].Text)
		i++
	}
}

// BenchmarkTrainNHS measures training on the 8,238 comments of the NHS
// training split with its 44 subcategories and, as the other level of the
// hierarchy, its 9 labels (as TestNHSCategories trains), the issue's
// "10,000 comments in 10 s" budget; run with -cpu 2 to match it. The
// sentence vectors are encoded before the clock starts: a server encodes
// each comment once, on arrival or at its first training, and later
// trainings reuse them (sentenceCache).
func BenchmarkTrainNHS(b *testing.B) {
	train, _ := nhsSplit(readNHSLevels(b, "subcategory", "label"))
	sentenceVectors(commentsOf(train))
	benchmarkTrain(b, train, nil)
}

// benchmarkTrain times Train on train, calling before (when not nil)
// ahead of each training, and reports beside the wall time the CPU
// seconds a training used (cpu-s/op), all processors together: on a
// machine shared with other work the wall time says little, the CPU time
// more.
func benchmarkTrain(b *testing.B, train []Example, before func()) {
	start := processCPU()
	for b.Loop() {
		if before != nil {
			before()
		}
		if _, err := Train(train, TrainOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((processCPU()-start)/float64(b.N), "cpu-s/op")
}

// BenchmarkTrain10000NHS is the budget itself: training on the
// first 10,000 comments of the whole NHS file (both levels), warm (the
// sentence vectors already cached, as for a server's retraining) and cold
// (none cached: every comment encoded first, as for `fresco text eval` or
// a server's first training after a restart). Run with -cpu 2.
func BenchmarkTrain10000NHS(b *testing.B) {
	train := readNHSLevels(b, "subcategory", "label")[:10_000]
	b.Run("warm", func(b *testing.B) {
		sentenceVectors(commentsOf(train))
		benchmarkTrain(b, train, nil)
	})
	b.Run("cold", func(b *testing.B) { benchmarkTrain(b, train, forgetSentenceVectors) })
}

// forgetSentenceVectors empties the sentence vector cache.
func forgetSentenceVectors() {
	sentenceCache.Lock()
	defer sentenceCache.Unlock()
	clear(sentenceCache.vectors)
}

// BenchmarkTrainNHSLabels is BenchmarkTrainNHS with the levels swapped:
// the 9 labels as the model's own, the 44 subcategories as the other
// level; this model calibrates its members on out-of-fold scores.
func BenchmarkTrainNHSLabels(b *testing.B) {
	train, _ := nhsSplit(readNHSLevels(b, "label", "subcategory"))
	sentenceVectors(commentsOf(train))
	for b.Loop() {
		if _, err := Train(train, TrainOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTrainSentimentNHS measures training the sentiment model on the
// criticality of the 8,238 comments of the NHS training split; run with
// -cpu 2.
func BenchmarkTrainSentimentNHS(b *testing.B) {
	train, _ := nhsSplit(readNHS(b, "criticality"))
	scored := criticalityScores(b, train)
	for b.Loop() {
		if _, err := TrainSentiment(scored); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFindThemesNHS clusters 2,000 NHS comments (every fifth of the
// file), the most the comments page's background refresh reads, and
// reports how many fall into themes.
func BenchmarkFindThemesNHS(b *testing.B) {
	var comments []string
	for i, e := range readNHS(b, "label") {
		if i%5 == 0 && len(comments) < 2000 {
			comments = append(comments, e.Text)
		}
	}
	var themed int
	for b.Loop() {
		themed = 0
		for _, t := range FindThemes(comments, ThemeOptions{}) {
			themed += len(t.Members)
		}
	}
	b.ReportMetric(float64(themed), "themed")
}
