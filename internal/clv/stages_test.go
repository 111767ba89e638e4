package clv

import (
	"bufio"
	"io"
	"os"
	"syscall"
	"testing"
	"time"
)

func cpuNow() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestStages times each stage of the predict pipeline (wall and process CPU)
// on the transaction file CLV_STAGES_FILE, twice: the first round pays for
// fresh memory, the second reuses the heap. Skipped unless the file is set.
func TestStages(t *testing.T) {
	path := os.Getenv("CLV_STAGES_FILE")
	if path == "" {
		t.Skip("CLV_STAGES_FILE not set")
	}
	w0, c0 := time.Now(), cpuNow()
	lap := func(name string) {
		w1, c1 := time.Now(), cpuNow()
		t.Logf("%-10s wall %6.0f ms  cpu %6.0f ms", name, float64(w1.Sub(w0).Microseconds())/1000, float64((c1-c0).Microseconds())/1000)
		w0, c0 = w1, c1
	}
	for range 2 {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		s, err := ReadTransactionsCSV(f, Columns{}, Options{Unit: Week})
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		lap("read")
		m, err := FitBGNBD(s)
		if err != nil {
			t.Fatal(err)
		}
		lap("bgnbd")
		gg, err := FitGammaGamma(s)
		if err != nil {
			t.Fatal(err)
		}
		lap("gg")
		w := bufio.NewWriterSize(io.Discard, 1<<20)
		if err := PredictCSV(w, m, gg, s, PredictOptions{Horizon: 52, DiscountRate: 0.0018}); err != nil {
			t.Fatal(err)
		}
		w.Flush()
		lap("predict")
	}
	f, _ := os.Open(path)
	s, _ := ReadTransactionsCSV(f, Columns{}, Options{Unit: Week})
	m, _ := FitBGNBD(s)
	gg, _ := FitGammaGamma(s)
	t.Logf("bgnbd %+v evals %d iters %d tuples %d | %s", m.Fit.Params, m.Fit.Evaluations, m.Fit.Iterations, m.Fit.Tuples, m.Fit.Status)
	t.Logf("gg %+v evals %d iters %d | %s", gg.Fit.Params, gg.Fit.Evaluations, gg.Fit.Iterations, gg.Fit.Status)
}
