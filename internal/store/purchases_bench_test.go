package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// BenchmarkSavePurchases measures the store's bulk path alone: batches of
// 2,000 purchases of five lines each. Reported as purchase lines per second
// of wall time and per second of this process's CPU time: on a shared
// machine the second is the steadier figure, and on SQLite it is all the
// work (on PostgreSQL the server's CPU is not in it).
func BenchmarkSavePurchases(b *testing.B) {
	for _, eng := range storetest.Engines() {
		b.Run(eng.Name, func(b *testing.B) {
			db := storetest.Open(b, eng.URL(b))
			ctx := context.Background()
			at := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
			const batchSize, linesEach = 2000, 5
			var cpu time.Duration
			b.ResetTimer()
			for n := 0; n < b.N; n++ {
				b.StopTimer()
				batch := make([]*fresco.Purchase, batchSize)
				for i := range batch {
					lines := make([]fresco.PurchaseLine, linesEach)
					for j := range lines {
						lines[j] = fresco.PurchaseLine{SKU: fmt.Sprintf("S%d", (i+j)%500), Quantity: 1, UnitPrice: 250}
					}
					batch[i] = &fresco.Purchase{ExternalID: fmt.Sprintf("%d-%d", n, i), PurchasedAt: at, Lines: lines}
				}
				b.StartTimer()
				cpu0 := storetest.ProcessCPU(b)
				res, err := db.SavePurchases(ctx, batch)
				cpu += storetest.ProcessCPU(b) - cpu0
				if err != nil || res[0].Status != store.StatusCreated {
					b.Fatal(err, res[0])
				}
			}
			lines := float64(b.N * batchSize * linesEach)
			b.ReportMetric(lines/b.Elapsed().Seconds(), "lines/s")
			b.ReportMetric(lines/cpu.Seconds(), "lines/cpu-s")
		})
	}
}
