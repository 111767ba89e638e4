package text

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/text/sentenc"
)

// TestSentenceVectorsCarryMeaning is TestWordVectorsCarryMeaning's known
// answer with the sentence vectors as the only features that know what a
// new word means: no word vectors, no character n-grams.
func TestSentenceVectorsCarryMeaning(t *testing.T) {
	t.Parallel()
	m, err := Train(vectorExamples, TrainOptions{WordsOnly: true, WithoutWordVectors: true})
	if err != nil {
		t.Fatal(err)
	}
	if !m.SentenceVectors || m.WordVectors {
		t.Fatalf("model trained without word vectors: sentence vectors %v, word vectors %v", m.SentenceVectors, m.WordVectors)
	}
	checkUnseenMeanings(t, m)
}

// TestModelWithoutSentenceVectorsStillLoads: a model stored before the
// sentence vectors (no sentence_vectors field) keeps its feature width
// and scores as it did.
func TestModelWithoutSentenceVectorsStillLoads(t *testing.T) {
	t.Parallel()
	m, err := Train(vectorExamples, TrainOptions{WordsOnly: true, WithoutSentenceVectors: true})
	if err != nil {
		t.Fatal(err)
	}
	loaded, _ := roundTrip(t, m)
	if loaded.SentenceVectors || len(loaded.Weights[0]) != m.wordWidth() {
		t.Fatalf("loaded model: sentence vectors %v, %d weights for %d features", loaded.SentenceVectors, len(loaded.Weights[0]), m.wordWidth())
	}
	if got, want := loaded.Suggest("The soup was cold."), m.Suggest("The soup was cold."); !slices.Equal(got, want) {
		t.Errorf("Suggest after round trip = %v, want %v", got, want)
	}
}

// TestSentenceVectorsAreCached: the vectors are the encoder's, and a
// comment read again gets the vector already made, not a new encoding.
func TestSentenceVectorsAreCached(t *testing.T) {
	t.Parallel()
	texts := []string{"The ward was spotless.", "We waited four hours.", "The ward was spotless."}
	first := sentenceVectors(texts)
	for i, text := range texts {
		if !slices.Equal(first[i], sentenc.Embed(text)) {
			t.Errorf("vector of %q differs from the encoder's", text)
		}
	}
	if &first[0][0] != &first[2][0] {
		t.Error("the same text was encoded twice in one call")
	}
	again := sentenceVectors(texts[:1])
	if &again[0][0] != &first[0][0] {
		t.Error("a text read again was encoded again")
	}
}

// TestStoredSentenceVectors: a vector kept as StoredSentenceVector's bytes
// comes back whole, is what training then reads for its comment (a vector
// planted under another comment is used, not encoded over), and bytes of
// another encoder or length are refused.
func TestStoredSentenceVectors(t *testing.T) {
	t.Parallel()
	// Texts of this test alone: the cache is shared with parallel tests.
	own, other := "Stored vector test: the nurse was kind.", "Stored vector test: the car park was full."
	stored := StoredSentenceVector(own)
	if len(stored) != len(storedVectorTag)+4*sentenc.Dims {
		t.Fatalf("stored vector is %d bytes", len(stored))
	}
	want := sentenc.Embed(own)
	if !RememberSentenceVector(own, stored) || !slices.Equal(sentenceVectors([]string{own})[0], want) {
		t.Fatal("a stored vector did not come back as the encoder's")
	}
	planted := StoredSentenceVector(other)
	if !RememberSentenceVector(own, planted) || !slices.Equal(sentenceVectors([]string{own})[0], sentenc.Embed(other)) {
		t.Fatal("a remembered vector was not the one read back")
	}
	foreign := slices.Clone(stored)
	foreign[0]++
	for name, b := range map[string][]byte{"another encoder's": foreign, "truncated": stored[:len(stored)-1], "empty": nil} {
		if RememberSentenceVector(own, b) {
			t.Errorf("%s bytes were accepted", name)
		}
	}
}

// TestSentenceVectorFile: a file WriteSentenceVectors wrote puts each
// comment's own vector back (over a wrong one planted in the cache),
// skips records of another encoder, and reports a record cut short.
func TestSentenceVectorFile(t *testing.T) {
	t.Parallel()
	a, b := "Vector file test: parking was easy.", "Vector file test: the letter never came."
	var file bytes.Buffer
	if err := WriteSentenceVectors(&file, []string{a, b, a}); err != nil {
		t.Fatal(err)
	}
	RememberSentenceVector(a, StoredSentenceVector(b))
	found, err := ReadSentenceVectors(bytes.NewReader(file.Bytes()), []string{a, b, "Vector file test: not in the file."})
	if err != nil || found != 2 {
		t.Fatalf("read %d vectors, %v; want 2", found, err)
	}
	if !slices.Equal(sentenceVectors([]string{a})[0], sentenc.Embed(a)) {
		t.Error("the file did not put the comment's own vector back")
	}
	foreign := slices.Clone(file.Bytes())
	for at := sha256.Size; at < len(foreign); at += sentenceRecordSize {
		foreign[at]++ // the encoder tag of every record
	}
	if found, err := ReadSentenceVectors(bytes.NewReader(foreign), []string{a, b}); err != nil || found != 0 {
		t.Errorf("another encoder's file: read %d vectors, %v; want 0", found, err)
	}
	_, err = ReadSentenceVectors(bytes.NewReader(file.Bytes()[:file.Len()-1]), []string{a})
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("byte %d", sentenceRecordSize)) {
		t.Errorf("a record cut short: %v", err)
	}
}
