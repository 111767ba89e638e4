package sentenc

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// The graph's sizes and constants, as model.json has them.
const (
	vocabRows  = 8002 // embedding rows (the vocabulary has 8000 pieces)
	embedDims  = 256  // token embedding width, and the first layer's
	hiddenDims = 512  // the second layer's width and the output's
	ffnDims    = 1536 // inner width of both feed-forward blocks
	heads      = 4    // attention heads in both layers
	// maxTokens is ClipToMaxLength: tokens at positions 128 and on are dropped.
	maxTokens = 128
	// layerNormEpsilon is added to the variance, as in tensor2tensor.
	layerNormEpsilon = 1e-6
	// l2Floor bounds the squared norm from below before the final rsqrt.
	l2Floor = 1e-12
)

// layer is one transformer layer (tensor2tensor's "Kona" encoder): layer
// norm before attention and before the feed-forward block, each added
// back to its input.
type layer struct {
	in                    int // width of the layer's input
	lnScale, lnBias       []float32
	qkvW, qkvB            []float32 // in × 3·in: queries, keys, values side by side
	outW, outB            []float32 // in × out
	residW, residB        []float32 // in × out, first layer only: widens the residual
	ffnLnScale, ffnLnBias []float32
	ffn1W, ffn1B          []float32 // out × ffnDims, then ReLU
	ffn2W, ffn2B          []float32 // ffnDims × out
}

type model struct {
	embeddings    []float32 // vocabRows × embedDims
	layer0        layer     // 256 → 512
	layer1        layer     // 512 → 512
	tanhW, tanhB  []float32 // 512 × 512, on the mean over tokens
	invTimescales []float32 // the timing signal's 128 frequencies
}

// scratch is one goroutine's working memory for a text of up to
// maxTokens tokens, so that embedding allocates nothing but its result.
type scratch struct {
	lat    lattice
	ids    []int
	x      []float32 // the residual stream, n × 512
	h      []float32 // layer-normed input, n × 512
	qkv    []float32 // n × 1536
	att    []float32 // attention output before its transform, n × 512
	ffn    []float32 // n × 1536
	scores []float32 // n × n, one head at a time
	mean   []float32 // Dims
}

func newScratch() *scratch {
	return &scratch{
		ids:    make([]int, 0, 4*maxTokens),
		x:      make([]float32, maxTokens*hiddenDims),
		h:      make([]float32, maxTokens*hiddenDims),
		qkv:    make([]float32, maxTokens*3*hiddenDims),
		att:    make([]float32, maxTokens*hiddenDims),
		ffn:    make([]float32, maxTokens*ffnDims),
		scores: make([]float32, maxTokens*maxTokens),
		mean:   make([]float32, Dims),
	}
}

// forward writes the embedding of ids (at most maxTokens) into out.
func (m *model) forward(ids []int, s *scratch, out []float32) {
	n := len(ids)
	mean := s.mean
	clear(mean)
	if n > 0 {
		m.embed(ids, s.x)
		m.layer0.apply(n, s, m.layer0.in, hiddenDims)
		m.layer1.apply(n, s, m.layer1.in, hiddenDims)
		for i := range n {
			addTo(mean, s.x[i*hiddenDims:(i+1)*hiddenDims])
		}
		scale(mean, 1/float32(n))
	}
	// With no tokens the graph's masked mean is 0/max(0,1) = 0, so the
	// result is the normalised tanh of the bias alone.
	copy(out, m.tanhB)
	gemm(1, mean, Dims, m.tanhW, Dims, out)
	var sq float32
	for i, v := range out {
		t := float32(math.Tanh(float64(v)))
		out[i] = t
		sq += t * t
	}
	scale(out, float32(1/math.Sqrt(float64(max(sq, l2Floor)))))
}

// embed fills x (n × embedDims) with each token's embedding plus the
// timing signal. The graph adds the embedding twice: its AddTimingSignal
// returns embedding+signal, and the layer adds that to the embedding again.
func (m *model) embed(ids []int, x []float32) {
	half := embedDims / 2
	for pos, id := range ids {
		row := x[pos*embedDims : (pos+1)*embedDims]
		e := m.embeddings[id*embedDims : (id+1)*embedDims]
		for j, inv := range m.invTimescales {
			angle := float64(float32(pos) * inv)
			row[j] = 2*e[j] + float32(math.Sin(angle))
			row[half+j] = 2*e[half+j] + float32(math.Cos(angle))
		}
	}
}

// apply runs the layer on s.x, n rows of width in, leaving n rows of
// width out in s.x.
func (l *layer) apply(n int, s *scratch, in, out int) {
	x := s.x[:n*in]
	layerNorm(x, in, l.lnScale, l.lnBias, s.h[:n*in])
	qkv := s.qkv[:n*3*in]
	rowsWithBias(qkv, l.qkvB, n)
	gemm(n, s.h[:n*in], in, l.qkvW, 3*in, qkv)
	attention(n, in, qkv, s.scores, s.att[:n*in])
	// The attention's transform, plus the residual: x itself, or for the
	// first layer x through the dense map that widens it to out.
	y := s.h[:n*out]
	rowsWithBias(y, l.outB, n)
	gemm(n, s.att[:n*in], in, l.outW, out, y)
	if l.residW != nil {
		addBias(y, l.residB, n)
		gemm(n, x, in, l.residW, out, y)
	} else {
		addTo(y, x)
	}
	x = s.x[:n*out]
	copy(x, y)
	// The feed-forward block, added back to x.
	layerNorm(x, out, l.ffnLnScale, l.ffnLnBias, s.h[:n*out])
	f := s.ffn[:n*ffnDims]
	rowsWithBias(f, l.ffn1B, n)
	gemm(n, s.h[:n*out], out, l.ffn1W, ffnDims, f)
	for i, v := range f {
		f[i] = max(v, 0)
	}
	addBias(x, l.ffn2B, n)
	gemm(n, f, ffnDims, l.ffn2W, out, x)
}

// attention is multi-head scaled dot-product attention over all n tokens
// (a single text has no padding to mask) of the queries, keys and values
// side by side in qkv, writing the heads side by side into out.
func attention(n, width int, qkv, scores, out []float32) {
	d := width / heads
	scaleBy := float32(1 / math.Sqrt(float64(d)))
	p := scores[:n*n]
	for h := range heads {
		q := blas32.General{Rows: n, Cols: d, Stride: 3 * width, Data: qkv[h*d:]}
		k := blas32.General{Rows: n, Cols: d, Stride: 3 * width, Data: qkv[width+h*d:]}
		v := blas32.General{Rows: n, Cols: d, Stride: 3 * width, Data: qkv[2*width+h*d:]}
		pm := blas32.General{Rows: n, Cols: n, Stride: n, Data: p}
		blas32.Gemm(blas.NoTrans, blas.Trans, scaleBy, q, k, 0, pm)
		for i := range n {
			softmax(p[i*n : (i+1)*n])
		}
		o := blas32.General{Rows: n, Cols: d, Stride: width, Data: out[h*d:]}
		blas32.Gemm(blas.NoTrans, blas.NoTrans, 1, pm, v, 0, o)
	}
}

// gemm adds a (rows × k) times w (k × cols) to c (rows × cols).
func gemm(rows int, a []float32, k int, w []float32, cols int, c []float32) {
	if rows == 0 {
		return
	}
	if useKernels && cols%16 == 0 {
		gemmKernels(rows, a, k, w, cols, c)
		return
	}
	blas32.Gemm(blas.NoTrans, blas.NoTrans, 1,
		blas32.General{Rows: rows, Cols: k, Stride: k, Data: a},
		blas32.General{Rows: k, Cols: cols, Stride: cols, Data: w},
		1, blas32.General{Rows: rows, Cols: cols, Stride: cols, Data: c})
}

// layerNorm normalises each row of x (width wide) to mean 0 and variance
// 1, then scales and shifts it, into dst.
func layerNorm(x []float32, width int, scaleV, bias, dst []float32) {
	for i := 0; i < len(x); i += width {
		row, o := x[i:i+width], dst[i:i+width]
		var sum float32
		for _, v := range row {
			sum += v
		}
		mean := sum / float32(width)
		var sq float32
		for _, v := range row {
			sq += (v - mean) * (v - mean)
		}
		r := float32(1 / math.Sqrt(float64(sq/float32(width)+layerNormEpsilon)))
		for j, v := range row {
			o[j] = scaleV[j]*r*(v-mean) + bias[j]
		}
	}
}

func softmax(row []float32) {
	top := row[0]
	for _, v := range row {
		top = max(top, v)
	}
	var sum float32
	for i, v := range row {
		e := float32(math.Exp(float64(v - top)))
		row[i] = e
		sum += e
	}
	scale(row, 1/sum)
}

// rowsWithBias sets each of the n rows of c to bias.
func rowsWithBias(c, bias []float32, n int) {
	for i := range n {
		copy(c[i*len(bias):], bias)
	}
}

func addBias(c, bias []float32, n int) {
	for i := range n {
		addTo(c[i*len(bias):(i+1)*len(bias)], bias)
	}
}

func addTo(dst, src []float32) {
	for i, v := range src {
		dst[i] += v
	}
}

func scale(v []float32, by float32) {
	for i := range v {
		v[i] *= by
	}
}

func resize(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

func resizeInts(s []int, n int) []int {
	if cap(s) < n {
		return make([]int, n)
	}
	return s[:n]
}
