package clv

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"testing"
)

// Generated data are fitted back to the generator's parameters. The
// benchmark-sized check (1M customers, within 3%) is in the report; here
// 200k customers keep the test quick, with tolerances for sampling error.
func TestGenerateRecoversParameters(t *testing.T) {
	if testing.Short() {
		t.Skip("fits 200k customers")
	}
	t.Parallel()
	opts := DefaultGenerateOptions(200_000)
	var buf bytes.Buffer
	stats, err := Generate(&buf, opts)
	if err != nil {
		t.Fatal(err)
	}
	if per := float64(stats.Transactions) / float64(stats.Customers); per < 4.5 || per > 6.5 {
		t.Errorf("%.2f transactions per customer, want about 5", per)
	}
	s, err := ReadTransactionsCSV(&buf, Columns{}, Options{Unit: Week})
	if err != nil {
		t.Fatal(err)
	}
	m, err := FitBGNBD(s)
	if err != nil {
		t.Fatal(err)
	}
	gg, err := FitGammaGamma(s)
	if err != nil {
		t.Fatal(err)
	}
	truth := map[string]float64{"r": opts.Purchases.R, "alpha": opts.Purchases.Alpha, "a": opts.Purchases.A, "b": opts.Purchases.B,
		"p": opts.Spend.P, "q": opts.Spend.Q, "gamma": opts.Spend.Gamma}
	for _, fit := range []Fit{m.Fit, gg.Fit} {
		for _, p := range fit.Params {
			// 5% or four standard errors, whichever is larger.
			tol := max(0.05*truth[p.Name], 4*p.StdErr)
			if d := p.Value - truth[p.Name]; d > tol || d < -tol {
				t.Errorf("%s = %.4f (s.e. %.4f), true %v", p.Name, p.Value, p.StdErr, truth[p.Name])
			}
		}
	}
}

// BenchmarkPredictPipeline runs what `fresco clv predict` does end to end:
// read, summarise, fit BG/NBD and Gamma-Gamma, predict every customer, write
// the CSV (to io.Discard). It uses CLV_BENCH_FILE if set (e.g. the 1M
// customer file from `fresco clv generate --customers 1000000`), otherwise a
// generated 100k-customer log.
func BenchmarkPredictPipeline(b *testing.B) {
	path := os.Getenv("CLV_BENCH_FILE")
	if path == "" {
		path = b.TempDir() + "/tx.csv"
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Generate(f, DefaultGenerateOptions(100_000)); err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
	for b.Loop() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		s, err := ReadTransactionsCSV(f, Columns{}, Options{Unit: Week})
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		m, err := FitBGNBD(s)
		if err != nil {
			b.Fatal(err)
		}
		gg, err := FitGammaGamma(s)
		if err != nil {
			b.Fatal(err)
		}
		w := bufio.NewWriterSize(io.Discard, 1<<20)
		if err := PredictCSV(w, m, gg, s, PredictOptions{Horizon: 52, DiscountRate: 0.0018}); err != nil {
			b.Fatal(err)
		}
		w.Flush()
	}
}

// Small customer bases often fit to a huge a (and b): a dropout probability
// that does not vary. Their predictions are finite numbers, never NaN or Inf.
func TestSmallGeneratedFilesPredictFinite(t *testing.T) {
	t.Parallel()
	seeds := uint64(360)
	if testing.Short() {
		seeds = 60
	}
	for seed := uint64(1); seed <= seeds; seed++ {
		opts := DefaultGenerateOptions(30)
		opts.Seed = seed
		var buf bytes.Buffer
		if _, err := Generate(&buf, opts); err != nil {
			t.Fatal(err)
		}
		s, err := ReadTransactionsCSV(&buf, Columns{}, Options{Unit: Day})
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"bgnbd", "mbgnbd"} {
			m, err := FitModel(name, s)
			if err != nil {
				continue // refusing a fit is fine; printing NaN is not
			}
			preds, err := PredictAll(m, nil, s, PredictOptions{Horizon: 52, DiscountRate: 0.0003})
			if err != nil {
				t.Fatal(err)
			}
			for i, p := range preds {
				if !finiteAll(p.ProbAlive, p.ExpectedPurchases, p.CLV) || p.ExpectedPurchases < 0 {
					t.Fatalf("seed %d %s %+v: customer %+v predicts %+v", seed, name, m, s[i], p)
				}
			}
		}
	}
}
