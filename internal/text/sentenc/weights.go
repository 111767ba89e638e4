package sentenc

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// The packed format (see ./gen), after gzip: magic; the vocabulary as a
// count (uint32) and that many pieces, each a length byte, its UTF-8 bytes
// and its score (float64 bits); then the tensors in the order of model's
// fields, each a kind byte (16: float16 values, 32: float32), a dimension
// count byte, the dimensions (uint32) and the values. All little-endian.
const magic = "fresco-sentenc-1\n"

// reader walks the unzipped file, remembering the first error.
type reader struct {
	data []byte
	err  error
}

func (r *reader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || len(r.data) < n {
		r.err = errors.New("sentenc: weight file cut short")
		return nil
	}
	b := r.data[:n]
	r.data = r.data[n:]
	return b
}

func (r *reader) uint32() int {
	b := r.take(4)
	if b == nil {
		return 0
	}
	return int(binary.LittleEndian.Uint32(b))
}

// tensor reads the next tensor, which must have the given shape.
func (r *reader) tensor(shape ...int) []float32 {
	head := r.take(2)
	if head == nil {
		return nil
	}
	if int(head[1]) != len(shape) {
		r.err = fmt.Errorf("sentenc: tensor has %d dimensions, want %v", head[1], shape)
		return nil
	}
	n := 1
	for _, want := range shape {
		if got := r.uint32(); got != want && r.err == nil {
			r.err = fmt.Errorf("sentenc: tensor dimension %d, want %v", got, shape)
		}
		n *= want
	}
	out := make([]float32, n)
	switch head[0] {
	case 16:
		b := r.take(2 * n)
		for i := range out {
			if b != nil {
				out[i] = fromHalf(binary.LittleEndian.Uint16(b[2*i:]))
			}
		}
	case 32:
		b := r.take(4 * n)
		for i := range out {
			if b != nil {
				out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
			}
		}
	default:
		r.err = fmt.Errorf("sentenc: unknown tensor kind %d", head[0])
	}
	return out
}

// unpack decodes the gzipped weight file into a tokenizer and a model.
func unpack(gz []byte) (*Encoder, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("sentenc: %w", err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("sentenc: %w", err)
	}
	if !bytes.HasPrefix(data, []byte(magic)) {
		return nil, errors.New("sentenc: not a sentence encoder file")
	}
	r := &reader{data: data[len(magic):]}
	tok := readVocab(r)
	m := readModel(r)
	if r.err != nil {
		return nil, r.err
	}
	if len(r.data) != 0 {
		return nil, fmt.Errorf("sentenc: %d bytes left after the weights", len(r.data))
	}
	if len(tok.pieces) > len(m.embeddings)/embedDims {
		return nil, errors.New("sentenc: more pieces than embeddings")
	}
	return &Encoder{tok: tok, model: m}, nil
}

func readVocab(r *reader) *tokenizer {
	n := r.uint32()
	if r.err != nil || n > len(r.data) {
		r.err = errors.New("sentenc: bad vocabulary count")
		return nil
	}
	pieces := make([]piece, n)
	for i := range pieces {
		l := r.take(1)
		if l == nil {
			return nil
		}
		pieces[i].text = string(r.take(int(l[0])))
		if b := r.take(8); b != nil {
			pieces[i].score = math.Float64frombits(binary.LittleEndian.Uint64(b))
		}
	}
	return newTokenizer(pieces)
}

func readModel(r *reader) *model {
	m := &model{}
	m.embeddings = r.tensor(vocabRows, embedDims)
	m.layer0 = readLayer(r, embedDims, hiddenDims, true)
	m.layer1 = readLayer(r, hiddenDims, hiddenDims, false)
	m.tanhW = r.tensor(hiddenDims, Dims)
	m.tanhB = r.tensor(Dims)
	m.invTimescales = r.tensor(embedDims / 2)
	if r.err == nil {
		m.makeTiming()
	}
	return m
}

// readLayer reads one transformer layer whose input has width in and whose
// output has width out; the first layer also has the dense map that widens
// its residual from in to out.
func readLayer(r *reader, in, out int, widen bool) layer {
	var l layer
	l.in = in
	l.lnScale, l.lnBias = r.tensor(in), r.tensor(in)
	l.qkvW, l.qkvB = r.tensor(in, 3*in), r.tensor(3*in)
	l.outW, l.outB = r.tensor(in, out), r.tensor(out)
	if widen {
		l.residW, l.residB = r.tensor(in, out), r.tensor(out)
	}
	l.ffnLnScale, l.ffnLnBias = r.tensor(out), r.tensor(out)
	l.ffn1W, l.ffn1B = r.tensor(out, ffnDims), r.tensor(ffnDims)
	l.ffn2W, l.ffn2B = r.tensor(ffnDims, out), r.tensor(out)
	return l
}

// fromHalf widens an IEEE 754 half-precision value to float32.
func fromHalf(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h & 0x3ff)
	switch {
	case exp == 0 && mant == 0:
		return math.Float32frombits(sign)
	case exp == 0: // subnormal: mant·2⁻²⁴
		v := float32(mant) * (1.0 / (1 << 24))
		if sign != 0 {
			v = -v
		}
		return v
	case exp == 31:
		return math.Float32frombits(sign | 0x7f800000 | mant<<13)
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | mant<<13)
}
