//go:build experiment

package recommend

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/importer"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestExperiment is the harness behind docs/recommendations.md's table of
// variants: for each configuration in CFGS ("λ minBuyers maxItems floor"
// separated by ";", floor one of both, weights, nocomp) it solves EASE
// once on Online Retail before 2011-11-09 and scores the neighbour counts
// and recency half-lives below. Not part of the suite:
//
//	CFGS="200 5 2500 weights" go test -tags experiment -run TestExperiment -v ./internal/recommend
func TestExperiment(t *testing.T) {
	f, err := os.Open(storetest.OnlineRetail(t))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []Bought
	importer.ReadPurchaseLines(context.Background(), f, importer.Options{}, func(l importer.FileLine) error {
		if l.Customer == "" || l.Quantity <= 0 || strings.HasPrefix(l.Purchase, "C") {
			return nil
		}
		lines = append(lines, Bought{l.Customer, l.SKU, l.At})
		return nil
	})
	from, _ := time.Parse(time.DateOnly, "2011-11-09")
	splits := map[float64]*Split{}
	for _, hl := range []float64{20, 30, 45} {
		splits[hl], _ = NewSplit(lines, EvalOptions{TestFrom: from, K: 10, HalfLife: time.Duration(hl * 24 * float64(time.Hour))})
	}
	for _, cfg := range strings.Split(os.Getenv("CFGS"), ";") {
		var lam float64
		var mb, mi int
		var mode string
		fmt.Sscanf(cfg, "%f %d %d %s", &lam, &mb, &mi, &mode)
		o := Options{Lambda: lam, MinBuyers: mb, MaxItems: mi, FloorGramOff: mode == "weights", KFloor: 5, noCompensation: mode == "nocomp"}
		if mode == "off" {
			o.KFloor = 1
		}
		o = o.withDefaults()
		st := time.Now()
		e, stats, err := solveEASE(splits[30].Train, o)
		if err != nil {
			t.Fatal(err)
		}
		solve := time.Since(st)
		for _, nbs := range []int{1000} {
			for _, neg := range []bool{true} {
				o.Neighbours, o.Negatives = nbs, neg
				m := e.model(splits[30].Train, o)
				for _, hl := range []float64{20, 30, 45} {
					sc := splits[hl].Evaluate(m)
					fmt.Printf("maxitems=%d lambda=%g(%g) minbuyers=%d floor=%s items=%d nb=%d neg=%v halflife=%g: recall %.4f ndcg %.4f (solve %.1fs)\n",
						mi, lam, stats.Lambda, mb, mode, stats.Items, nbs, neg, hl, sc.Recall, sc.NDCG, solve.Seconds())
				}
			}
		}
	}
}
