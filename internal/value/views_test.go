package value_test

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
	"github.com/fresco-cx/fresco/internal/value"
)

// TestViewsMatchRows checks the summary, Pareto curve and segment table,
// which the database aggregates, against the same figures computed here in
// Go from every row written — the way the views computed them before —
// on data sets with the awkward cases: no rows, one row, a failed fit (all
// CLV zero), ties, negative profits and CLVs on a histogram bar's edge. The
// API shows rounded figures, and those must be identical.
func TestViewsMatchRows(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		at := time.Date(2026, 1, 1, 3, 15, 0, 0, time.UTC)
		const customers = 3000
		insertBareCustomers(t, db, customers, at) // every fifth referred by the one before
		svc := value.New(db, value.Options{})
		for _, set := range viewDataSets(customers, at) {
			if err := db.ReplaceCustomerValues(ctx, set.rows, nil); err != nil {
				t.Fatal(err)
			}
			for _, bins := range []int{1, 7, 20, 200} {
				got, err := svc.Summary(ctx, bins)
				if err != nil {
					t.Fatal(err)
				}
				want := refSummary(set.rows, bins)
				same(t, set.name+": summary totals", got.Totals, want.Totals)
				same(t, set.name+": summary distribution", got.Distribution, want.Distribution)
				same(t, set.name+": summary computed_at", got.ComputedAt, want.ComputedAt)
			}
			for _, p := range []struct {
				metric string
				points int
				top    float64
			}{{"profit", 20, 20}, {"revenue", 7, 33.3}, {"clv", 1000, 1}, {"profit", 3, 100}, {"clv", 1, 0.01}} {
				got, err := svc.Pareto(ctx, p.metric, p.points, p.top)
				if err != nil {
					t.Fatal(err)
				}
				same(t, set.name+": pareto of "+p.metric, got, refPareto(set.rows, p.metric, p.points, p.top))
			}
			got, err := svc.Segments(ctx)
			if err != nil {
				t.Fatal(err)
			}
			same(t, set.name+": segments", got, refSegments(set.rows))
		}
	})
}

type viewDataSet struct {
	name string
	rows []*fresco.CustomerValue // in customer id order
}

// viewDataSets are the refits TestViewsMatchRows compares on.
func viewDataSets(customers int, at time.Time) []viewDataSet {
	rng := rand.New(rand.NewPCG(7, 11))
	random := make([]*fresco.CustomerValue, customers)
	for i := range random {
		v := randomCustomerValue(rng, int64(i+1), at)
		switch i % 10 {
		case 0: // nothing predicted
			v.CLV, v.PAlive = 0, 0
		case 1: // on a bar's edge (in currency units: 50, 100, 150 …)
			v.CLV = float64(5000 * (1 + rng.IntN(40)))
		case 2: // ties
			v.HistoricalProfit, v.HistoricalValue, v.PAlive = -1500, 25000, 0.5
		}
		random[i] = v
	}
	failedFit := make([]*fresco.CustomerValue, 50)
	for i := range failedFit {
		v := randomCustomerValue(rng, int64(i+1), at)
		v.CLV, v.PAlive, v.ExpectedPurchases = 0, 0, 0
		failedFit[i] = v
	}
	return []viewDataSet{
		{"no refit", nil},
		{"one customer", []*fresco.CustomerValue{randomCustomerValue(rng, 5, at)}},
		{"failed fit", failedFit},
		{"random", random},
	}
}

func same(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		t.Errorf("%s:\n got  %s\n want %s", what, g, w)
	}
}

// The reference computations: every row in Go, in customer id order, with
// float sums in currency units, as the views did before the database
// aggregated for them. Written out again here so that the test does not
// share code with what it checks.

func referred(id int64) bool { return id%5 == 0 } // as insertBareCustomers made them

func refSummary(rows []*fresco.CustomerValue, bins int) *value.Summary {
	out := &value.Summary{Distribution: []value.Bin{}}
	if len(rows) == 0 {
		return out
	}
	at := rows[0].ComputedAt
	out.ComputedAt = &at
	t := &out.Totals
	clvs := make([]float64, len(rows))
	var pAlive float64
	for i, v := range rows {
		clvs[i] = v.CLV / 100
		t.TotalCLV += v.CLV / 100
		t.HistoricalValue += v.HistoricalValue.Float()
		t.HistoricalProfit += v.HistoricalProfit.Float()
		t.RelatedSalesValue += v.RelatedSalesValue.Float()
		t.ExpectedPurchases += v.ExpectedPurchases
		pAlive += v.PAlive
		if v.PAlive >= 0.5 {
			t.LikelyActive++
		}
		if v.Mercenary {
			t.Mercenaries++
		}
		if v.Apostle {
			t.Apostles++
		}
		if referred(v.CustomerID) {
			t.ReferralValue += v.HistoricalValue.Float()
			t.ReferredCustomers++
		}
	}
	n := float64(len(rows))
	t.Customers = len(rows)
	t.MeanCLV = t.TotalCLV / n
	t.MeanPAlive = r4(pAlive / n)
	sort.Float64s(clvs)
	t.MedianCLV = r2(refQuantile(clvs, 0.5))
	t.TotalCLV, t.MeanCLV = r2(t.TotalCLV), r2(t.MeanCLV)
	t.HistoricalValue, t.HistoricalProfit = r2(t.HistoricalValue), r2(t.HistoricalProfit)
	t.ReferralShare = r4(float64(t.ReferredCustomers) / n)
	t.ReferralValueShare = r4(t.ReferralValue / t.HistoricalValue)
	t.RelatedSalesValue, t.ReferralValue = r2(t.RelatedSalesValue), r2(t.ReferralValue)
	t.ExpectedPurchases = r2(t.ExpectedPurchases)
	out.Distribution = refHistogram(clvs, bins)
	return out
}

func refQuantile(xs []float64, q float64) float64 {
	pos := q * float64(len(xs)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(xs)-1)
	return xs[lo] + (xs[hi]-xs[lo])*(pos-float64(lo))
}

func refHistogram(xs []float64, bins int) []value.Bin {
	lo := math.Min(0, xs[0])
	hi := refQuantile(xs, 0.99)
	if hi <= lo {
		hi = xs[len(xs)-1]
	}
	if hi <= lo {
		return []value.Bin{{From: lo, To: lo, Count: len(xs)}}
	}
	width := refNiceStep((hi - lo) / float64(bins-1))
	out := make([]value.Bin, bins)
	for i := range out {
		out[i] = value.Bin{From: r2(lo + float64(i)*width), To: r2(lo + float64(i+1)*width)}
	}
	out[bins-1].To = math.Max(out[bins-1].To, r2(xs[len(xs)-1]))
	for _, x := range xs {
		i := int((x - lo) / width)
		out[max(0, min(i, bins-1))].Count++
	}
	return out
}

func refNiceStep(x float64) float64 {
	if x <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= x {
			return m * p
		}
	}
	return 10 * p
}

func refPareto(rows []*fresco.CustomerValue, metric string, points int, topPercent float64) *value.Pareto {
	key := map[string]func(v *fresco.CustomerValue) float64{
		"profit":  func(v *fresco.CustomerValue) float64 { return v.HistoricalProfit.Float() },
		"revenue": func(v *fresco.CustomerValue) float64 { return v.HistoricalValue.Float() },
		"clv":     func(v *fresco.CustomerValue) float64 { return v.CLV / 100 },
	}[metric]
	vals := make([]float64, len(rows))
	total := 0.0
	for i, v := range rows {
		vals[i] = key(v)
		total += vals[i]
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(vals)))
	cum := make([]float64, len(vals)+1)
	for i, v := range vals {
		cum[i+1] = cum[i] + v
	}
	share := func(frac float64) float64 {
		if total == 0 || len(vals) == 0 {
			return 0
		}
		return r4(cum[int(math.Round(frac*float64(len(vals))))] / total)
	}
	out := &value.Pareto{Metric: metric, Customers: len(rows), Total: r2(total), TopPercent: topPercent,
		Curve: []value.ParetoPoint{{CustomerShare: 0, ValueShare: 0}}}
	for i := 1; i <= points; i++ {
		f := float64(i) / float64(points)
		out.Curve = append(out.Curve, value.ParetoPoint{CustomerShare: r4(f), ValueShare: share(f)})
	}
	out.TopShare = share(topPercent / 100)
	pct, _ := json.Marshal(topPercent)
	made, _ := json.Marshal(math.Round(out.TopShare*1000) / 10)
	out.Text = "The top " + string(pct) + "% of customers make " + string(made) + "% of " + metric + "."
	return out
}

func refSegments(rows []*fresco.CustomerValue) *value.SegmentTable {
	acc := map[string]*value.SegmentRow{}
	add := func(name string, v *fresco.CustomerValue) {
		r := acc[name]
		if r == nil {
			r = &value.SegmentRow{Segment: name}
			acc[name] = r
		}
		r.Customers++
		r.Revenue += v.HistoricalValue.Float()
		r.Profit += v.HistoricalProfit.Float()
		r.TotalCLV += v.CLV / 100
		r.AvgPAlive += v.PAlive
		r.AvgPurchases += float64(v.Purchases)
	}
	for _, v := range rows {
		add(v.Segment, v)
		if v.Mercenary {
			add("mercenary", v)
		}
		if v.Apostle {
			add("apostle", v)
		}
	}
	finish := func(name string) value.SegmentRow {
		r := acc[name]
		if r == nil {
			return value.SegmentRow{Segment: name}
		}
		n := float64(r.Customers)
		r.Share = r4(n / float64(len(rows)))
		r.AvgCLV = r2(r.TotalCLV / n)
		r.TotalCLV, r.Revenue, r.Profit = r2(r.TotalCLV), r2(r.Revenue), r2(r.Profit)
		r.AvgPAlive, r.AvgPurchases = r4(r.AvgPAlive/n), r2(r.AvgPurchases/n)
		return *r
	}
	out := &value.SegmentTable{}
	for _, name := range value.Segments {
		out.Segments = append(out.Segments, finish(name))
	}
	out.Flags = []value.SegmentRow{finish("mercenary"), finish("apostle")}
	return out
}

// r2 and r4 round to 2 and 4 decimals; NaN and ±Inf (a one-bar histogram's
// edges) become 0.
func r2(f float64) float64 { return finiteOr0(math.Round(f*100) / 100) }
func r4(f float64) float64 { return finiteOr0(math.Round(f*10000) / 10000) }

func finiteOr0(f float64) float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	return f
}
