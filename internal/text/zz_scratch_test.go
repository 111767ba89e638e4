package text

import "testing"

func TestScratchNNZ(t *testing.T) {
	train, _ := numpySplit(readNHSLevels(t, "subcategory", "label"))
	m := newModel(train, TrainOptions{}.withDefaults())
	nw, ng := 0, 0
	for _, e := range train {
		nw += len(m.features.vector(e.Text).idx)
		ng += len(m.features.gramVector(e.Text).idx)
	}
	t.Logf("words %d features, %.1f nnz/doc; grams %d features, %.1f nnz/doc", m.features.wordSize(), float64(nw)/float64(len(train)), m.features.gramSize(), float64(ng)/float64(len(train)))
}
