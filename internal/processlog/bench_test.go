package processlog_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/eventlog"
	"github.com/fresco-cx/fresco/internal/processlog"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// generated is a log of cases × 10 events over 8 activities and 20
// resources, with two case attributes.
func generated(cases int) []eventlog.Trace {
	acts := []string{"Register", "Check", "Call", "Hold", "Call back", "Decide", "Pay", "Close"}
	t0 := time.Date(2025, 1, 1, 8, 0, 0, 0, time.UTC)
	out := make([]eventlog.Trace, cases)
	for i := range out {
		out[i] = eventlog.Trace{Case: fmt.Sprintf("c%07d", i), Attrs: map[string]string{"region": fmt.Sprint("r", i%5), "channel": "web"}}
		out[i].Events = make([]eventlog.Event, 10)
		for j := range out[i].Events {
			out[i].Events[j] = eventlog.Event{Activity: acts[(i+j)%len(acts)], Time: t0.Add(time.Duration(i*10+j) * time.Minute),
				Resource: fmt.Sprint("emp", (i+j)%20), Role: "agent", Lifecycle: "complete"}
		}
	}
	return out
}

// BenchmarkStoreEventLog stores a 100,000-event log and streams it back,
// per engine; it reports events per CPU-second of this process for each
// half (on PostgreSQL the server's own CPU is not counted) and per
// wall-clock second for the two together.
func BenchmarkStoreEventLog(b *testing.B) {
	traces := generated(10_000)
	events := 100_000
	for _, eng := range storetest.Engines() {
		b.Run(eng.Name, func(b *testing.B) {
			db := storetest.Open(b, eng.URL(b))
			svc := processlog.New(db, processlog.Options{})
			ctx := context.Background()
			var write, read time.Duration
			wall := time.Now()
			for i := 0; i < b.N; i++ {
				start := storetest.ProcessCPU(b)
				l, err := svc.Save(ctx, owner, fmt.Sprint("bench ", i), "", "xes", traces)
				if err != nil {
					b.Fatal(err)
				}
				write += storetest.ProcessCPU(b) - start
				start = storetest.ProcessCPU(b)
				n := 0
				if err := db.EventLogTraces(ctx, l.ID, func(t *eventlog.Trace) error { n += len(t.Events); return nil }); err != nil || n != events {
					b.Fatalf("read back %d events: %v", n, err)
				}
				read += storetest.ProcessCPU(b) - start
			}
			b.ReportMetric(float64(events*b.N)/write.Seconds(), "stored_events/cpu-s")
			b.ReportMetric(float64(events*b.N)/read.Seconds(), "read_events/cpu-s")
			b.ReportMetric(float64(2*events*b.N)/time.Since(wall).Seconds(), "events/wall-s")
		})
	}
}

// BenchmarkRepeatedView is one view of a stored 100,000-event log (mined
// whole, or with a period and an attribute filter, then drawn as the
// Process page draws it), per engine: "first" reads the log from the database each
// time, as every view did before the cache and as the first view still
// does; "again" is a later view, from memory. Compare their ns/op.
func BenchmarkRepeatedView(b *testing.B) {
	traces := generated(10_000)
	t0 := time.Date(2025, 1, 1, 8, 0, 0, 0, time.UTC)
	for _, eng := range storetest.Engines() {
		b.Run(eng.Name, func(b *testing.B) {
			db := storetest.Open(b, eng.URL(b))
			ctx := context.Background()
			l, err := processlog.New(db, processlog.Options{}).Save(ctx, owner, "bench", "", "xes", traces)
			if err != nil {
				b.Fatal(err)
			}
			queries := map[string]processlog.Query{"whole": {ID: l.ID},
				"filtered": {ID: l.ID, From: t0, To: t0.Add(24 * time.Hour), Where: []string{"region:r1"}}}
			for _, view := range []string{"whole", "filtered"} {
				for _, c := range []struct {
					name  string
					cache int
				}{{"first", -1}, {"again", 0}} {
					svc := processlog.New(db, processlog.Options{CacheEvents: c.cache})
					draw(mine(b, svc, queries[view])) // the first view, which fills the cache
					b.Run(view+"/"+c.name, func(b *testing.B) {
						for i := 0; i < b.N; i++ {
							draw(mine(b, svc, queries[view]))
						}
					})
				}
			}
		})
	}
}
