package text

import (
	"crypto/sha256"
	"encoding/binary"
	"math"
	"slices"
	"sync"

	"github.com/fresco-cx/fresco/internal/text/sentenc"
)

// sentenceScale is how much a comment's sentence vector weighs beside its
// words (the vector has unit length, like the TF-IDF block). Among the
// settings cross-validated inside the README split's training part, the
// ones that did better there (scale 1, power 1) took that split's
// subcategory macro-F1 below its regression floor; 0.5 at the existing
// defaults kept every floor (docs/text-models.md, round fifteen).
const sentenceScale = 0.5

// maxCachedSentences bounds the vectors kept between trainings: more than
// the 20,000 comments the server trains on, about 2 KB each.
const maxCachedSentences = 25_000

// sentenceCache keeps the sentence encoder's vector of each comment it has
// read. Encoding costs about 1.3–2 ms of a core a comment — far more than
// reading its words — and the same comments come back at every fold of a
// cross-validation and every retraining, and a comment suggested on arrival
// is the one labelled and trained on later.
var sentenceCache = struct {
	sync.Mutex
	vectors map[string][]float32
}{vectors: map[string][]float32{}}

// sentenceVectors returns the sentence vector of each text, encoding the
// ones not cached in one batch spread over the cores.
func sentenceVectors(texts []string) [][]float32 {
	out := make([][]float32, len(texts))
	var missing []string
	sentenceCache.Lock()
	for i, t := range texts {
		out[i] = sentenceCache.vectors[t]
		if out[i] == nil {
			missing = append(missing, t)
		}
	}
	sentenceCache.Unlock()
	if len(missing) == 0 {
		return out
	}
	slices.Sort(missing)
	missing = slices.Compact(missing) // a text repeated is encoded once
	encoded := sentenc.EmbedAll(missing)
	sentenceCache.Lock()
	defer sentenceCache.Unlock()
	if len(sentenceCache.vectors)+len(missing) > maxCachedSentences {
		clear(sentenceCache.vectors) // the next training refills it
	}
	for k, t := range missing {
		sentenceCache.vectors[t] = encoded[k]
	}
	for i, t := range texts {
		if out[i] == nil {
			out[i] = sentenceCache.vectors[t]
		}
	}
	return out
}

// storedVectorTag opens every stored sentence vector: the first bytes of
// the SHA-256 of the encoder's version, so that a vector another encoder
// made is told apart and made again.
var storedVectorTag = func() []byte {
	sum := sha256.Sum256([]byte(sentenc.Version))
	return sum[:4]
}()

// StoredSentenceVector is the comment's sentence vector as bytes to keep
// beside the comment: the encoder's tag, then the float32s, little-endian
// (2 KB). It encodes the comment unless its vector is cached.
func StoredSentenceVector(comment string) []byte {
	v := sentenceVectors([]string{comment})[0]
	out := slices.Clone(storedVectorTag)
	for _, e := range v {
		out = binary.LittleEndian.AppendUint32(out, math.Float32bits(e))
	}
	return out
}

// RememberSentenceVector caches the vector StoredSentenceVector made for
// comment, so that training on the comment does not encode it again. It
// reports false, caching nothing, for bytes of another encoder or of the
// wrong length: the caller should store a fresh StoredSentenceVector.
func RememberSentenceVector(comment string, stored []byte) bool {
	tag := len(storedVectorTag)
	if len(stored) != tag+4*sentenc.Dims || !slices.Equal(stored[:tag], storedVectorTag) {
		return false
	}
	v := make([]float32, sentenc.Dims)
	for j := range v {
		v[j] = math.Float32frombits(binary.LittleEndian.Uint32(stored[tag+4*j:]))
	}
	sentenceCache.Lock()
	defer sentenceCache.Unlock()
	if len(sentenceCache.vectors) >= maxCachedSentences {
		clear(sentenceCache.vectors)
	}
	sentenceCache.vectors[comment] = v
	return true
}

// appendSentence appends to x, from feature offset on, the comment's
// sentence vector scaled by sentenceScale.
func appendSentence(x sparse, comment string, offset int) sparse {
	v := sentenceVectors([]string{comment})[0]
	for j, e := range v {
		x.idx, x.val = append(x.idx, offset+j), append(x.val, sentenceScale*float64(e))
	}
	return x
}

// commentsOf is the text of each example.
func commentsOf(examples []Example) []string {
	out := make([]string, len(examples))
	for i, e := range examples {
		out[i] = e.Text
	}
	return out
}
