package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/fresco-cx/fresco/internal/value"
)

// refitResult is what `fresco bench refit` prints: the refit's own phase
// timings, and the process's CPU time and peak resident memory, which say
// more than wall time on a loaded machine.
type refitResult struct {
	Benchmark string             `json:"benchmark"`
	Engine    string             `json:"engine"`
	Refit     *value.RefitResult `json:"refit"`
	Seconds   float64            `json:"seconds"`
	CPUSecs   float64            `json:"cpu_seconds,omitempty"` // user + system, the whole process
	PeakRSSMB float64            `json:"peak_rss_mb,omitempty"` // the whole process, since it started
}

// benchRefit runs the lifetime-value refit once, as the refit job does
// (recording its progress), on the database given. It rewrites
// customer_value: use a copy of a production database.
func benchRefit(ctx context.Context, args []string, env Env) error {
	fs := newFlagSet("bench refit", env)
	db := dbFlag(fs, env)
	asJSON := fs.Bool("json", false, "print JSON instead of text")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the refit to FILE")
	readParts := fs.Int("read-parts", 0, "ranges of customers read at once (0: one per CPU, at most 4)")
	memoryLimit := fs.Int64("refit-memory-limit", 0, "Go's soft memory limit in MiB during the refit, as serve's flag (0: none but GOMEMLIMIT's)")
	secretKey := secretKeyFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, database, err := benchApp(ctx, *db, *secretKey, logger, env)
	if err != nil {
		return err
	}
	defer database.Close()
	svc := a.Value
	if *readParts > 0 || *memoryLimit > 0 {
		opts := svc.Options()
		if *readParts > 0 {
			opts.ReadParts = *readParts
		}
		opts.RefitMemoryLimit = *memoryLimit << 20
		svc = value.New(database, opts)
	}
	stopProfile, err := startCPUProfile(*cpuProfile)
	if err != nil {
		return err
	}
	defer stopProfile()
	cpu0, _ := processUsage()
	start := time.Now()
	refit, err := svc.RefitWithProgress(ctx)
	if err != nil {
		return err
	}
	res := refitResult{Benchmark: "refit", Engine: string(database.Dialect()), Refit: refit, Seconds: time.Since(start).Seconds()}
	if cpu, peak := processUsage(); cpu > 0 {
		res.CPUSecs, res.PeakRSSMB = (cpu - cpu0).Seconds(), peak
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	r := res.Refit
	fmt.Fprintf(env.Stdout, "%s, %d customers (%s, choice %s, converged %v): %.1f s wall", res.Engine, r.Customers, r.Model, r.ModelChoice, r.Converged, res.Seconds)
	if res.CPUSecs > 0 {
		fmt.Fprintf(env.Stdout, ", %.1f s CPU, peak RSS %.0f MB", res.CPUSecs, res.PeakRSSMB)
	}
	fmt.Fprintf(env.Stdout, "\nread %.0f ms, fit %.0f ms (the holdout check %.0f ms of it), predict and write %.0f ms\n", r.AggregateMS, r.FitMS, r.CalibrationMS, r.WriteMS)
	return nil
}
