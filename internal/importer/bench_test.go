package importer_test

import (
	"context"
	"testing"

	"github.com/fresco-cx/fresco/internal/importer"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// onlineRetail finds the Online Retail file, or skips.
func onlineRetail(b *testing.B) string { return storetest.OnlineRetail(b) }

// BenchmarkImportOnlineRetail imports the Online Retail file into an empty
// database on each engine, as `fresco import purchases` does (ANALYZE
// included), and reports lines per second of wall time and per second of
// this process's CPU (on PostgreSQL the server's CPU is not in it). Run
// with -benchtime 1x: each iteration is a whole import.
func BenchmarkImportOnlineRetail(b *testing.B) {
	file := onlineRetail(b)
	for _, eng := range storetest.Engines() {
		b.Run(eng.Name, func(b *testing.B) {
			var lines int
			var cpu, wall float64
			for n := 0; n < b.N; n++ {
				b.StopTimer()
				db := storetest.Open(b, eng.URL(b))
				b.StartTimer()
				cpu0 := storetest.ProcessCPU(b)
				s, err := importer.File(context.Background(), db, importer.Purchases, file, importer.Options{})
				cpu += (storetest.ProcessCPU(b) - cpu0).Seconds()
				if err != nil || s.Imported != 25898 || s.Rejected != 6 {
					b.Fatalf("import: %v %+v", err, s)
				}
				lines += s.Lines
				wall += s.Seconds
			}
			b.ReportMetric(float64(lines)/wall, "lines/s")
			b.ReportMetric(float64(lines)/cpu, "lines/cpu-s")
			b.ReportMetric(cpu/float64(b.N), "cpu-s/import")
		})
	}
}
