package mining

import (
	"compress/gzip"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/eventlog"
)

var (
	benchLogOnce sync.Once
	benchLogPath string
	benchLogErr  error
)

// benchLog writes the generated 1,000,000-event XES .gz log once per run (FRESCO_BENCH_PROCESS_LOG
// names an existing log to use instead).
func benchLog(b *testing.B) string {
	benchLogOnce.Do(func() {
		if p := os.Getenv("FRESCO_BENCH_PROCESS_LOG"); p != "" {
			benchLogPath = p
			return
		}
		dir, err := os.MkdirTemp("", "mining-bench")
		if err != nil {
			benchLogErr = err
			return
		}
		benchLogPath = filepath.Join(dir, "synthetic.xes.gz")
		f, err := os.Create(benchLogPath)
		if err != nil {
			benchLogErr = err
			return
		}
		defer f.Close()
		zw := gzip.NewWriter(f)
		if _, _, err := eventlog.WriteSyntheticXES(zw, 1_000_000, 1); err != nil {
			benchLogErr = err
			return
		}
		benchLogErr = zw.Close()
	})
	if benchLogErr != nil {
		b.Fatal(benchLogErr)
	}
	return benchLogPath
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkFileToStatsDFGVariants is issue 14's speed goal: a 1,000,000-event XES .gz file
// read, prepared and mined for stats, the DFG and the variants. It reports events/s (wall)
// and events per CPU-second, the fairer figure on a shared machine.
//
//	go test ./internal/mining -run '^$' -bench FileToStatsDFGVariants -benchtime 3x -benchmem
func BenchmarkFileToStatsDFGVariants(b *testing.B) {
	path := benchLog(b)
	runtime.GC()
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	events := 0
	for i := 0; i < b.N; i++ {
		raw, err := eventlog.ReadFile(path, eventlog.Options{})
		if err != nil {
			b.Fatal(err)
		}
		l := New(raw)
		s := l.Stats()
		g := l.DFG(DFGOptions{})
		v := l.Variants(0)
		if s.Events == 0 || len(g.Arcs) == 0 || len(v) == 0 {
			b.Fatal("nothing mined")
		}
		events += s.Events
	}
	cpu := cpuTime() - cpu0
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(events)/cpu.Seconds(), "events/cpu-s")
}
