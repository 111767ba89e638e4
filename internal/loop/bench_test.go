package loop_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/loop"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// BenchmarkWebhookLatency measures the inner loop end to end: detractor
// responses are accepted (the response row and its
// "feedback.response_recorded" job committed in one transaction, then the
// queue poked, as package feedback does) at a steady 200/s, and a local
// receiver notes when each one's signed "response.detractor" webhook arrives.
// Reported: p50, p95, p99 and max of accepted → delivered, in ms.
//
// The load runs once per engine whatever b.N is; run it with
//
//	go test ./internal/loop -run '^$' -bench WebhookLatency -benchtime 1x
//
// FRESCO_BENCH_SECONDS (default 20), FRESCO_BENCH_RATE (200) and
// FRESCO_BENCH_WORKERS (32) tune it; FRESCO_BENCH_WAKE=0 leaves out the
// poke after each commit, to show what a producer that forgets it costs
// (the queue's poll interval, 500 ms by default).
func BenchmarkWebhookLatency(b *testing.B) {
	seconds := envInt("FRESCO_BENCH_SECONDS", 20)
	rate := envInt("FRESCO_BENCH_RATE", 200)
	workers := envInt("FRESCO_BENCH_WORKERS", 32)
	wake := os.Getenv("FRESCO_BENCH_WAKE") != "0"
	for _, eng := range storetest.Engines() {
		b.Run(eng.Name, func(b *testing.B) {
			b.Logf("nproc=%d GOMAXPROCS=%d rate=%d/s for %ds, %d workers, wake after commit: %v",
				runtime.NumCPU(), runtime.GOMAXPROCS(0), rate, seconds, workers, wake)
			db := storetest.Open(b, eng.URL(b))
			ctx := context.Background()

			var mu sync.Mutex
			arrived := map[int64]time.Time{}
			rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				at := time.Now()
				body, _ := io.ReadAll(r.Body)
				var p struct {
					Data struct {
						ResponseID int64 `json:"response_id"`
					} `json:"data"`
				}
				json.Unmarshal(body, &p)
				mu.Lock()
				if _, dup := arrived[p.Data.ResponseID]; !dup {
					arrived[p.Data.ResponseID] = at
				}
				mu.Unlock()
				w.WriteHeader(http.StatusNoContent)
			}))
			defer rcv.Close()

			n := notify.New(db, notify.Options{})
			if _, err := n.CreateWebhook(ctx, notify.WebhookInput{URL: rcv.URL, Events: []string{notify.EventDetractor}}); err != nil {
				b.Fatal(err)
			}
			l := loop.New(db, n, loop.Options{DisableDigest: true})
			q := jobs.New(db, jobs.Options{Workers: workers, Logger: slog.New(slog.DiscardHandler)})
			n.Register(q)
			l.Register(q)
			runCtx, stop := context.WithCancel(ctx)
			done := make(chan error, 1)
			go func() { done <- q.Run(runCtx) }()
			defer func() {
				stop()
				<-done
			}()
			var post int64
			if err := db.QueryRow(ctx, `SELECT id FROM listening_posts WHERE slug = 'survey'`).Scan(&post); err != nil {
				b.Fatal(err)
			}

			b.ResetTimer()
			total := seconds * rate
			accepted := make([]time.Time, total)
			ids := make([]int64, total)
			var failed atomic.Int64
			var wg sync.WaitGroup
			sem := make(chan struct{}, 64) // bounded concurrency of producers
			interval := time.Second / time.Duration(rate)
			begin := time.Now()
			for i := range total {
				if d := time.Until(begin.Add(time.Duration(i) * interval)); d > 0 {
					time.Sleep(d)
				}
				sem <- struct{}{}
				wg.Go(func() {
					defer func() { <-sem }()
					var id int64
					err := db.InTx(ctx, func(tx *store.Tx) error {
						now := time.Now().UTC()
						if err := tx.QueryRow(ctx, `INSERT INTO responses (post_id, source, responded_at, nps, comment, created_at)
							VALUES (?, 'api', ?, 2, 'slow service', ?) RETURNING id`, post, now, now).Scan(&id); err != nil {
							return err
						}
						_, err := jobs.Enqueue(ctx, tx, jobs.Job{Kind: feedback.JobResponseRecorded,
							Payload: feedback.ResponseRecorded{ResponseID: id, Flags: feedback.Flags{Detractor: true}}})
						return err
					})
					if err != nil {
						failed.Add(1)
						return
					}
					accepted[i], ids[i] = time.Now(), id
					if wake {
						q.Notify()
					}
				})
			}
			wg.Wait()
			offered := time.Since(begin)
			deadline := time.Now().Add(60 * time.Second)
			for {
				mu.Lock()
				got := len(arrived)
				mu.Unlock()
				if int64(got) >= int64(total)-failed.Load() || time.Now().After(deadline) {
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
			b.StopTimer()

			mu.Lock()
			var lat []time.Duration
			for i, id := range ids {
				if id == 0 {
					continue
				}
				if at, ok := arrived[id]; ok {
					lat = append(lat, at.Sub(accepted[i]))
				}
			}
			mu.Unlock()
			if len(lat) == 0 {
				b.Fatal("no webhook arrived")
			}
			slices.Sort(lat)
			pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
			ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
			b.ReportMetric(ms(pct(0.50)), "p50-ms")
			b.ReportMetric(ms(pct(0.95)), "p95-ms")
			b.ReportMetric(ms(pct(0.99)), "p99-ms")
			b.ReportMetric(ms(lat[len(lat)-1]), "max-ms")
			b.ReportMetric(float64(total)/offered.Seconds(), "offered/s")
			b.Logf("%s: %d accepted in %s (%.0f/s), %d delivered, %d failed to insert; p50 %s p95 %s p99 %s max %s",
				eng.Name, total-int(failed.Load()), offered.Round(time.Millisecond), float64(total)/offered.Seconds(), len(lat),
				failed.Load(), pct(0.50).Round(time.Millisecond), pct(0.95).Round(time.Millisecond), pct(0.99).Round(time.Millisecond),
				lat[len(lat)-1].Round(time.Millisecond))
			if db.Dialect() == store.Postgres {
				var hop1, hop2 float64
				db.QueryRow(ctx, `SELECT percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM f.created_at - r.created_at))
					FROM follow_ups f JOIN responses r ON r.id = f.response_id`).Scan(&hop1)
				db.QueryRow(ctx, `SELECT percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM d.delivered_at - d.created_at))
					FROM webhook_deliveries d`).Scan(&hop2)
				b.Logf("p99 response→follow-up %.3fs, delivery created→delivered %.3fs", hop1, hop2)
			}
			if missing := total - int(failed.Load()) - len(lat); missing > 0 {
				b.Errorf("%d webhooks did not arrive within 60 s of the end of the load", missing)
			}
		})
	}
}

func envInt(key string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(key)); err == nil && v > 0 {
		return v
	}
	return def
}
