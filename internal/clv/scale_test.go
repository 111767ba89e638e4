package clv

import (
	"bytes"
	"sync"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// The 1M-customer benchmarks of issue 10: the generator's benchmark customer
// base (DefaultGenerateOptions, seed 1, weeks), summarised once per test
// binary so that only the fits and predictions are timed.
//
//	go test ./internal/clv -run '^$' -bench 'Scale1M' -benchtime 3x -cpu 2
//
// Besides wall time each reports cpu-s/op, this process's CPU time per
// fit: on a shared machine wall time depends on what else runs, CPU time
// much less (on two free cores the wall time is about half of it, or all
// of it where a stage runs on one core).
var scale1M struct {
	once sync.Once
	s    []Summary
	err  error
}

func summaries1M(b *testing.B) []Summary {
	b.Helper()
	scale1M.once.Do(func() {
		var buf bytes.Buffer
		if _, err := Generate(&buf, DefaultGenerateOptions(1_000_000)); err != nil {
			scale1M.err = err
			return
		}
		scale1M.s, scale1M.err = ReadTransactionsCSV(&buf, Columns{}, Options{Unit: Week})
	})
	if scale1M.err != nil {
		b.Fatal(scale1M.err)
	}
	return scale1M.s
}

// BenchmarkScale1MBGNBDGammaGamma is the server's refit and `fresco clv
// predict` after summarising: fit BG/NBD and Gamma-Gamma, then predict
// every customer (52 weeks, about 10% a year).
func BenchmarkScale1MBGNBDGammaGamma(b *testing.B) {
	s := summaries1M(b)
	defer reportCPU(b)()
	for b.Loop() {
		m, err := FitBGNBD(s)
		if err != nil {
			b.Fatal(err)
		}
		gg, err := FitGammaGamma(s)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := PredictAll(m, gg, s, PredictOptions{Horizon: 52, DiscountRate: 0.0018}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScale1MParetoNBDFit is the Pareto/NBD fit alone.
func BenchmarkScale1MParetoNBDFit(b *testing.B) {
	s := summaries1M(b)
	defer reportCPU(b)()
	for b.Loop() {
		if _, err := FitParetoNBD(s); err != nil {
			b.Fatal(err)
		}
	}
}

// reportCPU starts counting this process's CPU time; the function it
// returns reports it per iteration as cpu-s/op.
func reportCPU(b *testing.B) func() {
	cpu0 := storetest.ProcessCPU(b)
	return func() {
		cpu := storetest.ProcessCPU(b) - cpu0
		b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
	}
}

// BenchmarkScale1MCalibration is the refit's model comparison at a
// million customers: the server scores a sample of about 100,000 of them
// (internal/value, Options.CalibrationSample), here every tenth, on which
// the three purchase models are fitted and each scored on a 26-week
// holdout (MAE, deciles, the tracking curve).
func BenchmarkScale1MCalibration(b *testing.B) {
	all := summaries1M(b)
	s := make([]Summary, 0, len(all)/10)
	for i := 0; i < len(all); i += 10 {
		s = append(s, all[i])
	}
	calEnd := DayNumber(time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC))
	hb, err := NewHoldoutBuilder(Week, calEnd, calEnd+7*26)
	if err != nil {
		b.Fatal(err)
	}
	for i, c := range s {
		first := calEnd - int32(c.T*7)
		hb.AddCustomer(c, i%3, first)
		hb.AddRepeats(first+int32(c.Recency*7), float64(c.Frequency))
	}
	h, err := hb.Data()
	if err != nil {
		b.Fatal(err)
	}
	defer reportCPU(b)()
	for b.Loop() {
		for _, name := range []string{"bgnbd", "mbgnbd", "paretonbd"} {
			m, err := FitModel(name, h.Summaries())
			if err != nil {
				b.Fatal(err)
			}
			EvaluateHoldout(m, h)
		}
	}
}
