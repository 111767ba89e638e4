package wordvec

import (
	"bytes"
	"math"
	"testing"
)

func TestPackRoundTrip(t *testing.T) {
	words := []string{"wait", "café"}
	vectors := [][]float32{make([]float32, Dims), make([]float32, Dims)}
	for j := range Dims {
		vectors[0][j] = float32(j) - Dims/2
		vectors[1][j] = float32(math.Sin(float64(j)))
	}
	var buf bytes.Buffer
	if err := Pack(&buf, words, vectors); err != nil {
		t.Fatal(err)
	}
	tab, err := unpack(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range words {
		k, ok := tab.index[w]
		if !ok {
			t.Fatalf("%q lost", w)
		}
		if c := cosine(tab.rows[k*Dims:(k+1)*Dims], vectors[i]); c < 0.999 {
			t.Errorf("%q: cosine with the original %.5f, want ≥ 0.999", w, c)
		}
	}
}

func TestUnpackRefusesDamage(t *testing.T) {
	var buf bytes.Buffer
	if err := Pack(&buf, []string{"a"}, [][]float32{make([]float32, Dims)}); err != nil {
		t.Fatal(err)
	}
	if _, err := unpack(buf.Bytes()[:buf.Len()/2]); err == nil {
		t.Error("a cut file unpacked")
	}
	if _, err := unpack([]byte("not gzip")); err == nil {
		t.Error("garbage unpacked")
	}
	if err := Pack(&buf, []string{"a"}, [][]float32{make([]float32, Dims-1)}); err == nil {
		t.Error("a short vector packed")
	}
}

// TestEmbeddedVectors checks the shipped file: its size, and that it
// puts words of the same service topic nearer each other than words of
// different ones — what the comment models use it for.
func TestEmbeddedVectors(t *testing.T) {
	if n := Len(); n != 50000 {
		t.Errorf("%d words, want 50,000", n)
	}
	for _, w := range []string{"the", "receptionist", "waiting", "rude", "parking", "physiotherapist"} {
		if _, ok := Lookup(w); !ok {
			t.Errorf("no vector for %q", w)
		}
	}
	if _, ok := Lookup("Receptionist"); ok {
		t.Error("a capitalised word has a vector: the models look up lower-case words")
	}
	near := func(a, b string) float64 {
		va, okA := Lookup(a)
		vb, okB := Lookup(b)
		if !okA || !okB {
			t.Fatalf("no vector for %q or %q", a, b)
		}
		return cosine(va, vb)
	}
	for _, tt := range []struct{ w, closer, farther string }{
		{"nurse", "doctor", "food"},
		{"rude", "arrogant", "clean"},
		{"rude", "unfriendly", "clean"},
		{"waited", "waiting", "friendly"},
		{"meal", "food", "appointment"},
	} {
		if c, f := near(tt.w, tt.closer), near(tt.w, tt.farther); c <= f {
			t.Errorf("%s: %s at cosine %.3f, %s at %.3f; want the first nearer", tt.w, tt.closer, c, tt.farther, f)
		}
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

// TestAllButTheTop is a known answer: vectors spread along two axes, the
// wider first, come back centred and in those axes' coordinates, and the
// top component can be skipped.
func TestAllButTheTop(t *testing.T) {
	basis := [][]float64{{11, 1, 0}, {9, 1, 0}, {10, 1.5, 0}, {10, 0.5, 0}}
	got, err := AllButTheTop(basis, [][]float64{{12, 1.25, 0}}, 0, 2)
	if err != nil {
		t.Fatal(err)
	}
	// Mean (10, 1, 0); the first component is ±x, the second ±y.
	if math.Abs(math.Abs(float64(got[0][0]))-2) > 1e-6 || math.Abs(math.Abs(float64(got[0][1]))-0.25) > 1e-6 {
		t.Errorf("coordinates %v, want ±2, ±0.25", got[0])
	}
	skipped, err := AllButTheTop(basis, [][]float64{{12, 1.25, 0}}, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(math.Abs(float64(skipped[0][0]))-0.25) > 1e-6 {
		t.Errorf("with the top component skipped: %v, want ±0.25", skipped[0])
	}
	if _, err := AllButTheTop(basis, nil, 2, 2); err == nil {
		t.Error("asked for more components than there are, no error")
	}
}
