package sentenc

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkEmbedAllNHS embeds every tenth NHS comment (1,030 of them, a
// fair sample of the lengths the classifier trains on) with EmbedAll, so
// -cpu 1,2 shows how it spreads over cores.
func BenchmarkEmbedAllNHS(b *testing.B) {
	var texts []string
	for i, t := range nhsTexts(b) {
		if i%10 == 0 {
			texts = append(texts, t)
		}
	}
	e := loaded(b)
	b.ResetTimer()
	for b.Loop() {
		e.EmbedAll(texts)
	}
	perComment := b.Elapsed().Seconds() / float64(b.N*len(texts))
	b.ReportMetric(perComment*1000, "ms/comment")
	b.ReportMetric(1/perComment, "comments/s")
}

func BenchmarkEmbedShort(b *testing.B) {
	e := loaded(b)
	b.ReportAllocs()
	for b.Loop() {
		e.Embed("The staff were lovely but the wait was far too long.")
	}
}

// nhsTexts reads the text column of shared/data/nhs_comments_phase1.csv
// (see internal/text's nhsPath), found beside the repository root or an
// ancestor of it; the benchmark skips when it is absent.
func nhsTexts(b *testing.B) []string {
	dir, err := os.Getwd()
	if err != nil {
		b.Fatal(err)
	}
	for {
		f, err := os.Open(filepath.Join(dir, "shared", "data", "nhs_comments_phase1.csv"))
		if err == nil {
			defer f.Close()
			rows, err := csv.NewReader(f).ReadAll()
			if err != nil || len(rows) < 2 {
				b.Fatalf("reading the NHS comments: %v", err)
			}
			col := -1
			for i, h := range rows[0] {
				if h == "text" {
					col = i
				}
			}
			if col < 0 {
				b.Fatal("the NHS comments have no text column")
			}
			texts := make([]string, 0, len(rows)-1)
			for _, r := range rows[1:] {
				texts = append(texts, r[col])
			}
			return texts
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			b.Skip("shared/data/nhs_comments_phase1.csv not found")
		}
		dir = parent
	}
}

// BenchmarkGemm measures the matrix product at the shape of the
// feed-forward block's first map over a full batch.
func BenchmarkGemm(b *testing.B) {
	rows, k, cols := batchRows, hiddenDims, ffnDims
	a, w, c := make([]float32, rows*k), make([]float32, k*cols), make([]float32, rows*cols)
	for i := range a {
		a[i] = float32(i%7) / 10
	}
	for i := range w {
		w[i] = float32(i%5) / 10
	}
	for b.Loop() {
		gemm(rows, a, k, w, cols, c)
	}
	b.ReportMetric(float64(2*rows*k*cols*b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
}

// BenchmarkLoad is the first call's cost: unzipping and decoding the
// embedded weights.
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := unpack(packed); err != nil {
			b.Fatal(err)
		}
	}
}
