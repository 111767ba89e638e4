package clv

import (
	"io"
	"math"
	"runtime"
	"strconv"
	"sync"
)

// PredictionHeader is the header line WritePredictionsCSV writes.
const PredictionHeader = "customer_id,frequency,recency,T,monetary_value,p_alive,expected_purchases,expected_spend,clv\n"

// WritePredictionsCSV writes one line per customer. Numbers have up to six
// decimals (trailing zeros dropped). Rows are formatted on all cores in
// chunks and written in order.
func WritePredictionsCSV(w io.Writer, summaries []Summary, preds []Prediction) error {
	return writeRows(w, summaries, func(i int, _ *predictor) Prediction { return preds[i] }, nil)
}

// PredictCSV is PredictAll followed by WritePredictionsCSV, streamed: the
// forecasts are computed chunk by chunk as they are written, never held for
// all customers at once.
func PredictCSV(w io.Writer, m PurchaseModel, spend *GammaGamma, summaries []Summary, opts PredictOptions) error {
	if err := opts.validate(); err != nil {
		return err
	}
	newP := func() *predictor { return newPredictor(m, spend, opts) }
	return writeRows(w, summaries, func(i int, p *predictor) Prediction { return p.predict(&summaries[i]) }, newP)
}

// writeRows formats rows on all cores, a chunk per core at a time, and
// writes them in order. Each core keeps its own predictor (and cache).
func writeRows(w io.Writer, summaries []Summary, row func(int, *predictor) Prediction, newP func() *predictor) error {
	if _, err := io.WriteString(w, PredictionHeader); err != nil {
		return err
	}
	const chunk = 1 << 14
	workers := runtime.GOMAXPROCS(0)
	bufs := make([][]byte, workers)
	for k := range bufs {
		bufs[k] = make([]byte, 0, chunk*96) // a typical row is 60–90 bytes
	}
	preds := make([]*predictor, workers)
	for k := range preds {
		if newP != nil {
			preds[k] = newP()
		}
	}
	for start := 0; start < len(summaries); start += chunk * workers {
		var wg sync.WaitGroup
		for k := range workers {
			lo := min(start+k*chunk, len(summaries))
			hi := min(lo+chunk, len(summaries))
			wg.Go(func() {
				b := bufs[k][:0]
				for i := lo; i < hi; i++ {
					p := row(i, preds[k])
					b = appendPredictionRow(b, &summaries[i], &p)
				}
				bufs[k] = b
			})
		}
		wg.Wait()
		for _, b := range bufs {
			if _, err := w.Write(b); err != nil {
				return err
			}
		}
	}
	return nil
}

func appendPredictionRow(b []byte, s *Summary, p *Prediction) []byte {
	b = appendCSVField(b, s.CustomerID)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(s.Frequency), 10)
	for _, v := range [...]float64{s.Recency, s.T, s.MonetaryValue, p.ProbAlive, p.ExpectedPurchases, p.ExpectedSpend, p.CLV} {
		b = append(b, ',')
		b = appendDecimal(b, v)
	}
	return append(b, '\n')
}

// appendCSVField quotes the field only if it needs it.
func appendCSVField(b []byte, s string) []byte {
	needs := false
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == ',' || c == '"' || c == '\n' || c == '\r' {
			needs = true
			break
		}
	}
	if !needs {
		return append(b, s...)
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}

// appendDecimal formats v rounded to six decimals without trailing zeros.
// It is several times faster than strconv's fixed-precision 'f' format
// (which takes the arbitrary-precision path); values too large for the fast
// path fall back to strconv.
func appendDecimal(b []byte, v float64) []byte {
	const scale = 1e6
	if !(math.Abs(v) < 1e12) {
		return strconv.AppendFloat(b, v, 'g', -1, 64)
	}
	n := int64(math.Round(v * scale))
	if n < 0 {
		b = append(b, '-')
		n = -n
	}
	u := uint64(n)
	ip, frac := u/scale, u%scale
	if ip < 100 {
		if ip < 10 {
			b = append(b, byte('0'+ip))
		} else {
			b = append(b, digitPairs[2*ip], digitPairs[2*ip+1])
		}
	} else {
		b = strconv.AppendUint(b, ip, 10)
	}
	if frac == 0 {
		return b
	}
	// Six digits as three pairs, then drop the trailing zeros.
	hi, mid, lo := frac/10000, frac/100%100, frac%100
	d := [7]byte{'.', digitPairs[2*hi], digitPairs[2*hi+1], digitPairs[2*mid], digitPairs[2*mid+1], digitPairs[2*lo], digitPairs[2*lo+1]}
	end := 7
	for d[end-1] == '0' {
		end--
	}
	return append(b, d[:end]...)
}

const digitPairs = "00010203040506070809" +
	"10111213141516171819" +
	"20212223242526272829" +
	"30313233343536373839" +
	"40414243444546474849" +
	"50515253545556575859" +
	"60616263646566676869" +
	"70717273747576777879" +
	"80818283848586878889" +
	"90919293949596979899"
