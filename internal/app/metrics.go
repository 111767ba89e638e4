package app

import (
	"context"
	"runtime"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/fresco-cx/fresco/internal/store"
)

// registerOperationsMetrics adds what an operator pages on: the build, the
// database pools, failed jobs, how long the oldest due job has waited and
// when the lifetime-value models were last refitted.
func registerOperationsMetrics(reg *prometheus.Registry, db *store.DB, version string) {
	build := prometheus.NewGauge(prometheus.GaugeOpts{Name: "fresco_build_info",
		Help:        "Always 1; the labels say which build is running.",
		ConstLabels: prometheus.Labels{"version": version, "goversion": runtime.Version()}})
	build.Set(1)
	reg.MustRegister(build, backgroundCollector{db: db})
	for name, pool := range db.Pools() {
		reg.MustRegister(collectors.NewDBStatsCollector(pool, name))
	}
}

var (
	failedJobsDesc = prometheus.NewDesc("fresco_jobs_failed",
		"Jobs that ran out of attempts and wait for someone to look (all replicas).", nil, nil)
	oldestDueDesc = prometheus.NewDesc("fresco_jobs_oldest_due_age_seconds",
		"How long the longest-waiting due job has waited for a worker; 0 when none waits.", nil, nil)
	lastRefitDesc = prometheus.NewDesc("fresco_clv_last_refit_timestamp_seconds",
		"When the lifetime-value models were last fitted (Unix time); absent before the first refit.", nil, nil)
)

// backgroundCollector reads the shared state at scrape time, so every
// replica reports the same figures.
type backgroundCollector struct{ db *store.DB }

func (c backgroundCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- failedJobsDesc
	ch <- oldestDueDesc
	ch <- lastRefitDesc
}

func (c backgroundCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	h, err := c.db.BackgroundHealth(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(failedJobsDesc, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(failedJobsDesc, prometheus.GaugeValue, float64(h.FailedJobs))
	var waited float64
	if h.OldestDueJob != nil {
		waited = max(time.Since(*h.OldestDueJob).Seconds(), 0)
	}
	ch <- prometheus.MustNewConstMetric(oldestDueDesc, prometheus.GaugeValue, waited)
	if h.LastRefit != nil {
		ch <- prometheus.MustNewConstMetric(lastRefitDesc, prometheus.GaugeValue, float64(h.LastRefit.Unix()))
	}
}
