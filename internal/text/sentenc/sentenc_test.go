package sentenc

import (
	"encoding/json"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
)

// TestTokensMatchJavaScript compares the tokenizer with the JavaScript one
// (@energetic-ai/embeddings 0.2.0) on texts chosen for its corners: NFKC
// (ligatures, full-width, superscripts), runs of spaces, tabs and new
// lines, characters no piece covers (merged into one id 0), emoji, scripts
// the vocabulary barely has. testdata/dump.js made the expected ids.
func TestTokensMatchJavaScript(t *testing.T) {
	var cases []struct {
		Text string `json:"text"`
		IDs  []int  `json:"ids"`
	}
	readJSON(t, "testdata/tokens.json", &cases)
	if len(cases) < 30 {
		t.Fatalf("%d token cases, want at least 30", len(cases))
	}
	e := loaded(t)
	for _, c := range cases {
		if got := e.tokens(c.Text); !slices.Equal(got, c.IDs) && !(len(got) == 0 && len(c.IDs) == 0) {
			t.Errorf("tokens(%q) = %v, JavaScript gives %v", c.Text, got, c.IDs)
		}
	}
}

// TestEmbedMatchesTensorFlowJS compares embeddings with TensorFlow.js's for
// comments from the NHS sample and a few made to be awkward: empty, a
// lone space, the longest NHS comment (2,420 characters, far over the 128
// tokens the graph keeps), emoji and unicode punctuation.
func TestEmbedMatchesTensorFlowJS(t *testing.T) {
	cases := readVectors(t)
	e := loaded(t)
	for _, c := range cases {
		got := e.Embed(c.Text)
		if len(got) != Dims {
			t.Fatalf("Embed gives %d values, want %d", len(got), Dims)
		}
		if cs := cosine(got, c.Vector); cs < 0.999 {
			t.Errorf("Embed(%.40q): cosine %.5f to TensorFlow.js, want ≥ 0.999", c.Text, cs)
		}
		if n := length(got); math.Abs(n-1) > 1e-5 {
			t.Errorf("Embed(%.40q) has length %.6f, want 1", c.Text, n)
		}
	}
}

func TestEmbedAllEqualsEmbed(t *testing.T) {
	var texts []string
	for _, c := range readVectors(t) {
		texts = append(texts, c.Text)
	}
	texts = append(texts, texts...) // more texts than goroutines, repeated
	e := loaded(t)
	all := e.EmbedAll(texts)
	if len(all) != len(texts) {
		t.Fatalf("EmbedAll gives %d vectors for %d texts", len(all), len(texts))
	}
	for i, text := range texts {
		if !slices.Equal(all[i], e.Embed(text)) {
			t.Errorf("EmbedAll's vector %d differs from Embed(%.40q)", i, text)
		}
	}
	if got := EmbedAll(nil); len(got) != 0 {
		t.Errorf("EmbedAll(nil) gives %d vectors", len(got))
	}
}

// TestEmptyText: an empty text has no tokens; it gets the normalised tanh
// of the output bias, as TensorFlow.js gives an empty text in a batch.
func TestEmptyText(t *testing.T) {
	e := loaded(t)
	got := Embed("")
	want := make([]float32, Dims)
	for i, b := range e.model.tanhB {
		want[i] = float32(math.Tanh(float64(b)))
	}
	if c := cosine(got, want); c < 0.99999 {
		t.Errorf("Embed(\"\") has cosine %.6f to tanh(bias)", c)
	}
	if n := length(got); math.Abs(n-1) > 1e-5 {
		t.Errorf("Embed(\"\") has length %.6f, want 1", n)
	}
	if slices.Equal(got, Embed(" ")) {
		t.Error("a lone space embeds like the empty text, but it has tokens")
	}
}

// TestLongTextClipped: tokens past the 128th do not count, as in the
// graph's ClipToMaxLength.
func TestLongTextClipped(t *testing.T) {
	e := loaded(t)
	long := strings.Repeat("the nurse was kind and the doctor listened ", 30)
	if n := len(e.tokens(long)); n <= maxTokens {
		t.Fatalf("the long text has %d tokens, want more than %d", n, maxTokens)
	}
	if !slices.Equal(e.Embed(long), e.Embed(long+"but parking was awful")) {
		t.Error("words after the 128th token changed the embedding")
	}
	if slices.Equal(e.Embed(long[:200]), e.Embed(long[:200]+" but parking was awful")) {
		t.Error("words within the first 128 tokens did not change the embedding")
	}
}

func TestCorruptFileIsAnError(t *testing.T) {
	for name, data := range map[string][]byte{
		"empty":     nil,
		"not gzip":  []byte("hello"),
		"cut short": packed[:len(packed)/2],
	} {
		if _, err := unpack(data); err == nil {
			t.Errorf("%s: unpack gave no error", name)
		}
	}
}

func TestFromHalf(t *testing.T) {
	for h, want := range map[uint16]float32{
		0x0000: 0, 0x3c00: 1, 0xc000: -2, 0x3555: 0.333251953125,
		0x7bff: 65504, 0x0001: 1.0 / (1 << 24), 0x8400: -1.0 / (1 << 14),
	} {
		if got := fromHalf(h); got != want {
			t.Errorf("fromHalf(%#04x) = %g, want %g", h, got, want)
		}
	}
}

func loaded(t testing.TB) *Encoder {
	t.Helper()
	e, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return e
}

type vectorCase struct {
	Text   string    `json:"text"`
	Vector []float32 `json:"vector"`
}

func readVectors(t *testing.T) []vectorCase {
	var cases []vectorCase
	readJSON(t, "testdata/vectors.json", &cases)
	if len(cases) < 20 {
		t.Fatalf("%d vector cases, want at least 20", len(cases))
	}
	return cases
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func cosine(a, b []float32) float64 {
	var ab, aa, bb float64
	for i := range a {
		ab += float64(a[i]) * float64(b[i])
		aa += float64(a[i]) * float64(a[i])
		bb += float64(b[i]) * float64(b[i])
	}
	return ab / math.Sqrt(aa*bb)
}

func length(v []float32) float64 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return math.Sqrt(s)
}

// TestInvalidUTF8: bytes that are not UTF-8 (a comment pasted from another
// encoding) are unknown pieces, not a panic.
func TestInvalidUTF8(t *testing.T) {
	e := loaded(t)
	text := "caf\xe9 was \xff\xfe fine"
	if ids := e.tokens(text); !slices.Contains(ids, 0) {
		t.Errorf("tokens(%q) = %v, want an unknown piece (0) among them", text, ids)
	}
	if n := length(e.Embed(text)); math.Abs(n-1) > 1e-5 {
		t.Errorf("Embed(%q) has length %.6f, want 1", text, n)
	}
}
