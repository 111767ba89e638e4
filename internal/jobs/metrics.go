package jobs

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are kept even without a registry, so the code that updates them
// has no nil checks; they are simply never scraped.
type metrics struct {
	processed *prometheus.CounterVec
	pickup    *prometheus.HistogramVec
	duration  *prometheus.HistogramVec
}

// latencyBuckets span a webhook's 1 s budget finely and retries coarsely.
var latencyBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300, 1800}

func newMetrics(q *Queue, reg *prometheus.Registry) *metrics {
	m := &metrics{
		processed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fresco_jobs_processed_total",
			Help: "Job attempts by kind and outcome: done, retry, failed, or lease_expired (the worker vanished).",
		}, []string{"kind", "outcome"}),
		pickup: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "fresco_jobs_pickup_latency_seconds",
			Help:    "Time from when a job was due (run_at) to when a worker started it.",
			Buckets: latencyBuckets,
		}, []string{"kind"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "fresco_jobs_duration_seconds",
			Help:    "Time a handler took, by kind.",
			Buckets: latencyBuckets,
		}, []string{"kind"}),
	}
	if reg != nil {
		reg.MustRegister(m.processed, m.pickup, m.duration, depthCollector{q})
	}
	return m
}

func (m *metrics) pickedUp(job *Running, at time.Time) {
	m.pickup.WithLabelValues(job.Kind).Observe(max(at.Sub(job.runAt), 0).Seconds())
}

func (m *metrics) ran(job *Running, took time.Duration) {
	m.duration.WithLabelValues(job.Kind).Observe(took.Seconds())
}

func (m *metrics) finished(job *Running, result outcome) {
	m.processed.WithLabelValues(job.Kind, string(result)).Inc()
}

// depthCollector reports the queue depth — jobs due and waiting for a
// worker — by counting at scrape time rather than tracking it, because other
// replicas enqueue and claim too.
type depthCollector struct{ q *Queue }

var depthDesc = prometheus.NewDesc("fresco_jobs_queue_depth",
	"Jobs that are due and waiting for a worker, by kind.", []string{"kind"}, nil)

func (c depthCollector) Describe(ch chan<- *prometheus.Desc) { ch <- depthDesc }

func (c depthCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	depth, err := c.q.depth(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(depthDesc, err)
		return
	}
	// Registered kinds are reported even at zero, so dashboards show a line.
	for _, kind := range c.q.kinds() {
		if _, ok := depth[kind]; !ok {
			depth[kind] = 0
		}
	}
	for kind, n := range depth {
		ch <- prometheus.MustNewConstMetric(depthDesc, prometheus.GaugeValue, float64(n), kind)
	}
}

func (q *Queue) depth(ctx context.Context) (map[string]int64, error) {
	rows, err := q.db.Query(ctx, `SELECT kind, COUNT(*) FROM jobs
		WHERE status = 'queued' AND run_at <= ? GROUP BY kind`, now())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	depth := map[string]int64{}
	for rows.Next() {
		var (
			kind string
			n    int64
		)
		if err := rows.Scan(&kind, &n); err != nil {
			return nil, err
		}
		depth[kind] = n
	}
	return depth, rows.Err()
}
