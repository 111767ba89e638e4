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
	timing        []float32 // the signal itself, maxTokens × embedDims, made once
}

// batchRows bounds the tokens that go through the layers together: every
// weight matrix is read once per batch rather than once per text, and
// matrix products of many rows run near the kernels' peak. It is at least
// maxTokens, so that any one text fits.
const batchRows = 256

// segment is one text's rows in a batch.
type segment struct{ start, n int }

// scratch is one goroutine's working memory for a batch, so that
// embedding allocates nothing but its result.
type scratch struct {
	lat     lattice
	tokens  []int     // one text's ids, before it joins the batch
	ids     []int     // the batch's ids, text after text
	segs    []segment // where each text's ids are
	x       []float32 // the residual stream, rows × 512
	h       []float32 // layer-normed input, rows × 512
	qkv     []float32 // rows × 1536
	att     []float32 // attention output before its transform, rows × 512
	ffn     []float32 // rows × 1536
	scores  []float32 // n × n, one text and head at a time
	ffnMean []float32 // per text, the mean over its tokens of the last ReLU, × 1536
	pooled  []float32 // per text, the mean over its tokens of the last layer, × 512
}

func newScratch() *scratch {
	return &scratch{
		ids:     make([]int, 0, batchRows),
		x:       make([]float32, batchRows*hiddenDims),
		h:       make([]float32, batchRows*hiddenDims),
		qkv:     make([]float32, batchRows*3*hiddenDims),
		att:     make([]float32, batchRows*hiddenDims),
		ffn:     make([]float32, batchRows*ffnDims),
		scores:  make([]float32, maxTokens*maxTokens),
		ffnMean: make([]float32, batchRows*ffnDims),
		pooled:  make([]float32, batchRows*hiddenDims),
	}
}

// makeTiming fills m.timing: for position p, sin(p·f) for each frequency
// f, then cos(p·f), the product rounded to float32 as in the graph.
func (m *model) makeTiming() {
	half := embedDims / 2
	m.timing = make([]float32, maxTokens*embedDims)
	for pos := range maxTokens {
		row := m.timing[pos*embedDims : (pos+1)*embedDims]
		for j, inv := range m.invTimescales {
			angle := float64(float32(pos) * inv)
			row[j] = float32(math.Sin(angle))
			row[half+j] = float32(math.Cos(angle))
		}
	}
}

// forward writes the embedding of each text of the batch (s.ids split by
// s.segs) into outs, one per segment.
func (m *model) forward(s *scratch, outs [][]float32) {
	rows, texts := len(s.ids), len(s.segs)
	pooled := s.pooled[:texts*hiddenDims]
	clear(pooled)
	if rows > 0 {
		m.embed(s)
		m.layer0.apply(rows, s, hiddenDims, false)
		m.layer1.apply(rows, s, hiddenDims, true)
	}
	// An empty text's pooled row stays 0, as the graph's masked mean is
	// 0/max(0,1): its result is the normalised tanh of the bias alone.
	hidden := s.h[:texts*Dims]
	rowsWithBias(hidden, m.tanhB, texts)
	gemm(texts, pooled, hiddenDims, m.tanhW, Dims, hidden)
	for i := range texts {
		normalisedTanh(hidden[i*Dims:(i+1)*Dims], outs[i])
	}
}

// normalisedTanh writes tanh of v, scaled to unit length, into out.
func normalisedTanh(v, out []float32) {
	var sq float32
	for i, x := range v {
		t := float32(math.Tanh(float64(x)))
		out[i] = t
		sq += t * t
	}
	scale(out, float32(1/math.Sqrt(float64(max(sq, l2Floor)))))
}

// embed fills s.x (rows × embedDims) with each token's embedding plus the
// timing signal of its place in its text. The graph adds the embedding
// twice: its AddTimingSignal returns embedding+signal, and the layer adds
// that to the embedding again.
func (m *model) embed(s *scratch) {
	for _, seg := range s.segs {
		for pos := range seg.n {
			r := seg.start + pos
			row := s.x[r*embedDims : (r+1)*embedDims]
			id := s.ids[r]
			e := m.embeddings[id*embedDims : (id+1)*embedDims]
			t := m.timing[pos*embedDims : (pos+1)*embedDims]
			for j := range row {
				row[j] = 2*e[j] + t[j]
			}
		}
	}
}

// apply runs the layer on s.x, rows of width l.in, leaving rows of width
// out in s.x. The last layer only needs each text's mean over its tokens,
// which it leaves in s.pooled: the feed-forward block's second map is
// linear, so it is applied once to each text's mean ReLU rather than to
// every token (a sixth of the encoder's work).
func (l *layer) apply(rows int, s *scratch, out int, last bool) {
	in := l.in
	x := s.x[:rows*in]
	layerNorm(x, in, l.lnScale, l.lnBias, s.h[:rows*in])
	qkv := s.qkv[:rows*3*in]
	rowsWithBias(qkv, l.qkvB, rows)
	gemm(rows, s.h[:rows*in], in, l.qkvW, 3*in, qkv)
	for _, seg := range s.segs {
		attention(seg, in, qkv, s.scores, s.att[:rows*in])
	}
	// The attention's transform, plus the residual: x itself, or for the
	// first layer x through the dense map that widens it to out.
	y := s.h[:rows*out]
	rowsWithBias(y, l.outB, rows)
	gemm(rows, s.att[:rows*in], in, l.outW, out, y)
	if l.residW != nil {
		addBias(y, l.residB, rows)
		gemm(rows, x, in, l.residW, out, y)
	} else {
		addTo(y, x)
	}
	x = s.x[:rows*out]
	copy(x, y)
	// The feed-forward block, added back to x.
	layerNorm(x, out, l.ffnLnScale, l.ffnLnBias, s.h[:rows*out])
	f := s.ffn[:rows*ffnDims]
	rowsWithBias(f, l.ffn1B, rows)
	gemm(rows, s.h[:rows*out], out, l.ffn1W, ffnDims, f)
	for i, v := range f {
		f[i] = max(v, 0)
	}
	if !last {
		addBias(x, l.ffn2B, rows)
		gemm(rows, f, ffnDims, l.ffn2W, out, x)
		return
	}
	texts := len(s.segs)
	fm := s.ffnMean[:texts*ffnDims]
	pooled := s.pooled[:texts*out]
	for i, seg := range s.segs {
		meanRows(x, seg, out, pooled[i*out:(i+1)*out])
		meanRows(f, seg, ffnDims, fm[i*ffnDims:(i+1)*ffnDims])
		if seg.n > 0 {
			addTo(pooled[i*out:(i+1)*out], l.ffn2B)
		}
	}
	gemm(texts, fm, ffnDims, l.ffn2W, out, pooled)
}

// meanRows writes the mean of seg's rows of m (width wide) into dst, or
// zeros for a segment of no rows.
func meanRows(m []float32, seg segment, width int, dst []float32) {
	clear(dst)
	for r := seg.start; r < seg.start+seg.n; r++ {
		addTo(dst, m[r*width:(r+1)*width])
	}
	if seg.n > 0 {
		scale(dst, 1/float32(seg.n))
	}
}

// attention is multi-head scaled dot-product attention among one text's
// tokens (seg's rows; a text alone has no padding to mask), of the
// queries, keys and values side by side in qkv, writing the heads side by
// side into out.
func attention(seg segment, width int, qkv, scores, out []float32) {
	n := seg.n
	if n == 0 {
		return
	}
	qkv = qkv[seg.start*3*width:]
	out = out[seg.start*width:]
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
