// Command gencorpus writes the labelled comment corpus used by the tests of
// package text: testdata/comments_train.csv and testdata/comments_test.csv.
//
//	go run ./internal/text/testdata/gencorpus -out internal/text/testdata
//
// Every hand-written sentence in fragments.go goes to exactly one split
// (every third sentence of each category to test), so no sentence of the
// test set is seen in training: the model must generalise from vocabulary,
// not recall sentences. Each sentence is used once: alone, or joined with a
// sentence of another category to make a multi-label comment, sometimes
// after a label-neutral opener. The output is deterministic.
package main

import (
	"encoding/csv"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

type comment struct {
	text   string
	labels []string
}

// pairShare is the chance that a sentence is joined with the next one, and
// openerShare the chance that a comment starts with a neutral opener.
const (
	pairShare   = 0.3
	openerShare = 0.35
)

func main() {
	out := flag.String("out", "internal/text/testdata", "directory to write the CSV files to")
	flag.Parse()
	train, test := split()
	for name, sentences := range map[string][]comment{"comments_train.csv": train, "comments_test.csv": test} {
		rng := rand.New(rand.NewPCG(uint64(len(name)), 7))
		if err := write(filepath.Join(*out, name), compose(sentences, rng)); err != nil {
			log.Fatal(err)
		}
	}
}

// split sends every third sentence of each category to the test set.
func split() (train, test []comment) {
	for _, slug := range sortedKeys(fragments) {
		for i, f := range fragments[slug] {
			c := parse(slug, f)
			if i%3 == 2 {
				test = append(test, c)
			} else {
				train = append(train, c)
			}
		}
	}
	return train, test
}

// parse reads the optional "[extra-slug] " prefix of a fragment.
func parse(slug, fragment string) comment {
	labels := []string{slug}
	if rest, ok := strings.CutPrefix(fragment, "["); ok {
		extra, text, _ := strings.Cut(rest, "] ")
		labels = append(labels, extra)
		fragment = text
	}
	return comment{text: fragment, labels: labels}
}

// compose turns sentences into comments, using each sentence exactly once so
// that cross-validation on one split cannot see a sentence twice. Sentences
// are shuffled, and a share of them is joined with the next sentence when it
// belongs to another category, making a multi-label comment; a neutral
// opener goes in front of some comments.
func compose(sentences []comment, rng *rand.Rand) []comment {
	sentences = slices.Clone(sentences)
	rng.Shuffle(len(sentences), func(i, j int) { sentences[i], sentences[j] = sentences[j], sentences[i] })
	var out []comment
	for i := 0; i < len(sentences); i++ {
		c := sentences[i]
		if next := i + 1; next < len(sentences) && rng.Float64() < pairShare &&
			!slices.Contains(c.labels, sentences[next].labels[0]) {
			c = comment{text: c.text + " " + sentences[next].text, labels: union(c.labels, sentences[next].labels)}
			i++
		}
		if rng.Float64() < openerShare {
			c.text = openers[rng.IntN(len(openers))] + " " + c.text
		}
		out = append(out, c)
	}
	return out
}

func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, l := range b {
		if !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

func write(path string, comments []comment) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	w.Write([]string{"id", "text", "label"})
	for i, c := range comments {
		w.Write([]string{fmt.Sprint(i + 1), c.text, strings.Join(c.labels, ";")})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func sortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
