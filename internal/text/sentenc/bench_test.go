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
