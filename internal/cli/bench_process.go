package cli

import (
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/fresco-cx/fresco/internal/eventlog"
	"github.com/fresco-cx/fresco/internal/mining"
)

// processBenchResult is what `fresco bench process` prints.
type processBenchResult struct {
	Benchmark       string  `json:"benchmark"`
	File            string  `json:"file"`
	FileMB          float64 `json:"file_mb"`
	Events          int     `json:"events"`
	Cases           int     `json:"cases"`
	Arcs            int     `json:"arcs"`
	Variants        int     `json:"variants"`
	Seconds         float64 `json:"seconds"`
	EventsPerSecond float64 `json:"events_per_second"`
	CPUSecs         float64 `json:"cpu_seconds,omitempty"` // user + system of the timed part
	EventsPerCPUSec float64 `json:"events_per_cpu_second,omitempty"`
	PeakRSSMB       float64 `json:"peak_rss_mb,omitempty"` // the whole process, since it started
	Cores           int     `json:"cores"`
	Runs            int     `json:"runs"` // seconds and CPU are each the best of these
}

// processBenchRun times one file → stats + DFG + variants.
func processBenchRun(path string) (processBenchResult, error) {
	runtime.GC()
	cpu0, _ := processUsage()
	start := time.Now()
	raw, err := eventlog.ReadFile(path, eventlog.Options{})
	if err != nil {
		return processBenchResult{}, err
	}
	l := mining.New(raw)
	stats := l.Stats()
	dfg := l.DFG(mining.DFGOptions{})
	variants := l.Variants(0)
	secs := time.Since(start).Seconds()
	res := processBenchResult{Events: stats.Events, Cases: stats.Cases, Arcs: len(dfg.Arcs), Variants: len(variants),
		Seconds: secs, EventsPerSecond: float64(stats.Events) / secs}
	if cpu, _ := processUsage(); cpu > 0 {
		res.CPUSecs = (cpu - cpu0).Seconds()
		res.EventsPerCPUSec = float64(stats.Events) / res.CPUSecs
	}
	return res, nil
}

// benchProcess times file → stats + DFG + variants on an XES .gz log: a generated one of
// --events events (written to a temporary file before the clock starts), or --input.
func benchProcess(_ context.Context, args []string, env Env) error {
	fs := newFlagSet("bench process", env)
	events := fs.Int("events", 1_000_000, "events of the generated log")
	input := fs.String("input", "", "time this log file instead of a generated one")
	keep := fs.String("keep", "", "write the generated log to this file (.xes.gz) and keep it")
	seed := fs.Uint64("seed", 1, "seed of the generated log")
	asJSON := fs.Bool("json", false, "print JSON instead of text")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the timed part to FILE")
	runs := fs.Int("runs", 1, "time this many runs and report the fastest (on a loaded machine the best run is the one least disturbed)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *events <= 0 || *runs <= 0 {
		return usageError("--events and --runs must be positive")
	}
	path := *input
	if path == "" {
		path = *keep
		if path == "" {
			dir, err := os.MkdirTemp("", "fresco-bench-process")
			if err != nil {
				return err
			}
			defer os.RemoveAll(dir)
			path = filepath.Join(dir, "synthetic.xes.gz")
		}
		fmt.Fprintf(env.Stderr, "generating %d events into %s…\n", *events, path)
		if err := writeSyntheticGz(path, *events, *seed); err != nil {
			return err
		}
	}
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	stopProfile, err := startCPUProfile(*cpuProfile)
	if err != nil {
		return err
	}
	var best processBenchResult
	for run := 0; run < *runs; run++ {
		res, err := processBenchRun(path)
		if err != nil {
			stopProfile()
			return err
		}
		if run == 0 || res.Seconds < best.Seconds {
			best.Seconds, best.EventsPerSecond = res.Seconds, res.EventsPerSecond
		}
		if run == 0 || (res.CPUSecs > 0 && res.CPUSecs < best.CPUSecs) {
			best.CPUSecs, best.EventsPerCPUSec = res.CPUSecs, res.EventsPerCPUSec
		}
		best.Events, best.Cases, best.Arcs, best.Variants = res.Events, res.Cases, res.Arcs, res.Variants
	}
	stopProfile()
	res := best
	res.Benchmark, res.File, res.FileMB, res.Cores, res.Runs = "process", path, float64(st.Size())/(1<<20), runtime.GOMAXPROCS(0), *runs
	if _, peak := processUsage(); peak > 0 {
		res.PeakRSSMB = peak
	}
	if *asJSON {
		return writeJSON(env.Stdout, res)
	}
	fmt.Fprintf(env.Stdout, "%d events, %d cases (%.1f MB file): file → stats + DFG (%d arcs) + variants (%d) in %.2f s wall = %.0f events/s on %d cores",
		res.Events, res.Cases, res.FileMB, res.Arcs, res.Variants, res.Seconds, res.EventsPerSecond, res.Cores)
	if res.Runs > 1 {
		fmt.Fprintf(env.Stdout, " (best of %d runs)", res.Runs)
	}
	if res.CPUSecs > 0 {
		fmt.Fprintf(env.Stdout, "; %.2f CPU-s (%.0f events per CPU-second), peak RSS %.0f MB", res.CPUSecs, res.EventsPerCPUSec, res.PeakRSSMB)
	}
	fmt.Fprintln(env.Stdout)
	return nil
}

func writeSyntheticGz(path string, events int, seed uint64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	zw := gzip.NewWriter(f)
	if _, _, err := eventlog.WriteSyntheticXES(zw, events, seed); err != nil {
		f.Close()
		return err
	}
	if err := zw.Close(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
