package clv

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// appendDecimalRef is the straightforward form appendDecimal must match.
func appendDecimalRef(b []byte, v float64) []byte {
	const scale = 1e6
	if !(math.Abs(v) < 1e12) {
		return strconv.AppendFloat(b, v, 'g', -1, 64)
	}
	n := int64(math.Round(v * scale))
	if n < 0 {
		b = append(b, '-')
		n = -n
	}
	b = strconv.AppendInt(b, n/scale, 10)
	frac := n % scale
	if frac == 0 {
		return b
	}
	var digits [6]byte
	for i := 5; i >= 0; i-- {
		digits[i] = byte('0' + frac%10)
		frac /= 10
	}
	end := 6
	for digits[end-1] == '0' {
		end--
	}
	b = append(b, '.')
	return append(b, digits[:end]...)
}

func TestAppendDecimal(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	vals := []float64{0, -0.0, 1, -1, 0.5, 1e-7, -4e-7, 9.9999995, 99.9999996, 100, 123456.000001, 1e12, -1e12, 1e13, math.Inf(1), math.NaN(), 0.000001, 0.1234565}
	for range 200000 {
		vals = append(vals, (rng.Float64()-0.3)*math.Pow(10, float64(rng.IntN(14)-3)))
	}
	for _, v := range vals {
		got, want := string(appendDecimal(nil, v)), string(appendDecimalRef(nil, v))
		if got != want {
			t.Fatalf("appendDecimal(%v) = %q, want %q", v, got, want)
		}
	}
}
