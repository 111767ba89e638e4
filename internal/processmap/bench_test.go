package processmap_test

import (
	"fmt"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/processmap"
)

// BenchmarkLargestMap checks, draws and looks from the customer's shoes at
// a map of the largest size allowed: 30 lanes, 200 activities, 400 arrows
// (every activity to the next two), a fail point on every fourth activity.
func BenchmarkLargestMap(b *testing.B) {
	d := processmap.Draft{Name: "Largest", TimeUnit: fresco.UnitHours}
	for i := range processmap.MaxLanes {
		d.Lanes = append(d.Lanes, fresco.MapLane{Key: fmt.Sprintf("l%d", i), Name: fmt.Sprintf("Lane %d", i), CustomerFacing: i%3 == 0})
	}
	for i := range processmap.MaxActivities {
		d.Activities = append(d.Activities, fresco.MapActivity{Key: fmt.Sprintf("a%d", i), Number: i + 1, Name: fmt.Sprintf("Activity %d", i),
			Lane: fmt.Sprintf("l%d", i%processmap.MaxLanes), Duration: float64(1 + i%5), Position: fresco.MapPosition{X: float64(i)}})
	}
	for i := 0; len(d.Arrows) < processmap.MaxArrows; i++ {
		for _, j := range []int{i + 1, i + 2} {
			if j < processmap.MaxActivities && len(d.Arrows) < processmap.MaxArrows {
				d.Arrows = append(d.Arrows, fresco.MapArrow{Key: fmt.Sprintf("r%d-%d", i, j), From: fmt.Sprintf("a%d", i), To: fmt.Sprintf("a%d", j)})
			}
		}
		if i > processmap.MaxActivities {
			break
		}
	}
	var fps []*fresco.FailPoint
	for i := 0; i < processmap.MaxActivities; i += 4 {
		fps = append(fps, &fresco.FailPoint{Activity: fmt.Sprintf("a%d", i), Kind: fresco.FailLostTime, Influence: fresco.InfluenceEmpathy, Status: fresco.FixOpen})
	}
	b.ReportAllocs()
	var size int
	for b.Loop() {
		m, err := processmap.Check(d)
		if err != nil {
			b.Fatal(err)
		}
		size = len(processmap.SVG(m, fps, processmap.SVGOptions{Legend: true}))
		if v := processmap.CustomerShoes(m); v.WaitMinutes == 0 {
			b.Fatal("no waiting")
		}
	}
	b.ReportMetric(float64(size)/1024, "svg-KiB")
}
