package jobs_test

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// BenchmarkEnqueueAndProcess measures throughput: four producers enqueue
// b.N jobs, one transaction each as application code would, while a queue
// with default options works them off. ns/op is per job, end to end.
func BenchmarkEnqueueAndProcess(b *testing.B) {
	for _, engine := range storetest.Engines() {
		b.Run(engine.Name, func(b *testing.B) {
			db := storetest.Open(b, engine.URL(b))
			q := jobs.New(db, jobs.Options{Logger: slog.New(slog.DiscardHandler)})
			var processed sync.WaitGroup
			processed.Add(b.N)
			q.Register("bench", func(ctx context.Context, job *jobs.Running) error {
				processed.Done()
				return nil
			})
			start(b, q)

			b.ResetTimer()
			const producers = 4
			var enqueued sync.WaitGroup
			for p := range producers {
				enqueued.Go(func() {
					for i := p; i < b.N; i += producers {
						if _, err := q.Enqueue(context.Background(), jobs.Job{Kind: "bench", Payload: i}); err != nil {
							b.Error(err)
							processed.Done()
						}
					}
				})
			}
			enqueued.Wait()
			processed.Wait()
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "jobs/s")
		})
	}
}

// BenchmarkPickupLatency enqueues jobs one at a time at 200/s — the webhook
// target rate — and reports the time from the Enqueue call to the handler
// starting: p50, p99 and max over b.N jobs.
func BenchmarkPickupLatency(b *testing.B) {
	const rate = 200
	for _, engine := range storetest.Engines() {
		b.Run(engine.Name, func(b *testing.B) {
			db := storetest.Open(b, engine.URL(b))
			q := jobs.New(db, jobs.Options{Logger: slog.New(slog.DiscardHandler)})
			var (
				mu        sync.Mutex
				latencies = make([]time.Duration, 0, b.N)
				processed sync.WaitGroup
			)
			processed.Add(b.N)
			q.Register("bench", func(ctx context.Context, job *jobs.Running) error {
				var sentAt int64
				if err := job.Decode(&sentAt); err != nil {
					return err
				}
				mu.Lock()
				latencies = append(latencies, time.Since(time.Unix(0, sentAt)))
				mu.Unlock()
				processed.Done()
				return nil
			})
			start(b, q)
			time.Sleep(100 * time.Millisecond) // past the first, empty poll

			b.ResetTimer()
			pace := time.NewTicker(time.Second / rate)
			defer pace.Stop()
			for range b.N {
				<-pace.C
				if _, err := q.Enqueue(context.Background(), jobs.Job{Kind: "bench", Payload: time.Now().UnixNano()}); err != nil {
					b.Fatal(err)
				}
			}
			processed.Wait()
			b.StopTimer()

			slices.Sort(latencies)
			percentile := func(p float64) float64 {
				return float64(latencies[int(p*float64(len(latencies)-1))].Microseconds()) / 1000
			}
			b.ReportMetric(percentile(0.50), "p50-ms")
			b.ReportMetric(percentile(0.99), "p99-ms")
			b.ReportMetric(percentile(1), "max-ms")
		})
	}
}
