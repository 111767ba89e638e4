package feedback_test

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// valueAnswers are the four value items in the order results,
// process_quality, price, access_costs; 0 leaves an item out.
func valueAnswers(scores ...int) []feedback.AnswerInput {
	var out []feedback.AnswerInput
	for i, s := range scores {
		if s != 0 {
			out = append(out, feedback.AnswerInput{Type: "value", Item: feedback.ValueItems[i%4], Score: intp(s)})
		}
	}
	return out
}

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-9 {
		t.Errorf("%s = %.12f, want %.12f", what, got, want)
	}
}

// TestValueEquationIndex checks the index against values worked by hand:
//
//	A (May, at the location):     results 5, quality 4, price 4, access 5 → 9 ÷ (2 + 1) = 3
//	B (June, at the location):    3, 3, 2, 3                             → 6 ÷ (4 + 3) = 6/7
//	C (June, nowhere): results twice (3 and 5 → 4), 5, 3, 3               → 9 ÷ (3 + 3) = 1.5
//	D (June): three items only                                           → not counted
//
// Overall mean (3 + 6/7 + 1.5) ÷ 3 = 75/42; the sample SD is √(Σd²/2) and the
// 95% Student-t interval uses t(0.975, 2) = 4.302652729911275.
func TestValueEquationIndex(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		// record stores a response and checks its own index (ValueIndexOf,
		// the response's value_index in the API) against want (< 0: none).
		record := func(at time.Time, loc *int64, want float64, answers []feedback.AnswerInput) {
			r, err := w.svc.Record(ctx, &feedback.Input{LocationID: loc, RespondedAt: at, Answers: answers})
			must(t, err)
			got, ok := feedback.ValueIndexOf(r.Answers)
			if ok != (want >= 0) || ok && math.Abs(got-want) > 1e-12 {
				t.Errorf("response at %v: index %v (%v), want %v", at, got, ok, want)
			}
		}
		record(time.Date(2025, 5, 10, 9, 0, 0, 0, time.UTC), &w.loc.ID, 3, valueAnswers(5, 4, 4, 5))
		record(time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC), &w.loc.ID, 6.0/7, valueAnswers(3, 3, 2, 3))
		record(time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC), nil, 1.5, valueAnswers(3, 5, 3, 3, 5))
		record(time.Date(2025, 6, 1, 11, 0, 0, 0, time.UTC), &w.loc.ID, -1, valueAnswers(5, 5, 5, 0))

		r, err := w.svc.ValueEquation(ctx, store.ResponseFilter{}, store.ValueByLocation)
		must(t, err)
		idx := []float64{3, 6.0 / 7, 1.5}
		mean := (idx[0] + idx[1] + idx[2]) / 3
		var ss float64
		for _, x := range idx {
			ss += (x - mean) * (x - mean)
		}
		sd := math.Sqrt(ss / 2)
		half := 4.302652729911275 * sd / math.Sqrt(3)
		o := r.Overall.Index
		if o.N != 3 {
			t.Fatalf("overall n = %d, want 3 (the response with three items is left out)", o.N)
		}
		near(t, "overall index", o.Mean, 75.0/42)
		near(t, "overall sd", o.SD, sd)
		near(t, "overall ci low", o.CILow, mean-half)
		near(t, "overall ci high", o.CIHigh, mean+half)
		near(t, "mean results answer", r.Overall.Items["results"], (5+3+4)/3.0)
		near(t, "mean price answer", r.Overall.Items["price"], (4+2+3)/3.0)

		if len(r.Groups) != 2 || r.Groups[0].Key != "" || r.Groups[1].Key != fmt.Sprint(w.loc.ID) {
			t.Fatalf("groups %+v", r.Groups)
		}
		near(t, "no location", r.Groups[0].Index.Mean, 1.5)
		near(t, "Harbour Street", r.Groups[1].Index.Mean, (3+6.0/7)/2)
		if r.Groups[1].Label != "Harbour Street" || r.Groups[1].Index.N != 2 {
			t.Errorf("location group %+v", r.Groups[1])
		}

		if len(r.Trend) != 2 || r.Trend[0].Key != "2025-05-01" || r.Trend[1].Key != "2025-06-01" {
			t.Fatalf("trend %+v", r.Trend)
		}
		near(t, "May", r.Trend[0].Index.Mean, 3)
		near(t, "June", r.Trend[1].Index.Mean, (6.0/7+1.5)/2)
		if r.Change == nil || r.Change.Comparable {
			t.Errorf("one May answer has no spread: change %+v, want not comparable", r.Change)
		}

		june, err := w.svc.ValueEquation(ctx, store.ResponseFilter{From: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)}, store.ValueByPeriod)
		must(t, err)
		if june.Overall.Index.N != 2 || len(june.Groups) != 1 {
			t.Fatalf("june %+v", june)
		}
		near(t, "June only", june.Overall.Index.Mean, (6.0/7+1.5)/2)

		if _, err := w.svc.ValueEquation(ctx, store.ResponseFilter{}, "weekday"); fieldsOf(err)["by"] == "" {
			t.Errorf("by=weekday: %v, want a validation error naming by", err)
		}
	})
}

// TestValueEquationDrivers: twelve customers answered in January; those
// who rated results 4 or 5 bought again, the others did not. Results moves
// repurchase (ρ > 0.8 on n = 12); price, answered by five, is skipped for
// its small sample; an answer from last week is too recent to count.
func TestValueEquationDrivers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		jan := time.Date(2025, 1, 10, 12, 0, 0, 0, time.UTC)
		for i := range 12 {
			c := &fresco.Customer{Name: fmt.Sprintf("C%d", i), Email: fmt.Sprintf("c%d@example.com", i)}
			must(t, db.CreateCustomer(ctx, c))
			w.buy(t, c, w.bob, jan.Add(-time.Hour))
			results := 1 + i%5
			answers := valueAnswers(results, 3, 0, 0)
			if i < 5 {
				answers = valueAnswers(results, 3, 1+i%3, 0)
			}
			answers = append(answers, feedback.AnswerInput{Type: "nps", Score: intp(2 * results)})
			_, err := w.svc.Record(ctx, &feedback.Input{CustomerID: &c.ID, RespondedAt: jan, Answers: answers})
			must(t, err)
			if results >= 4 {
				w.buy(t, c, w.bob, jan.AddDate(0, 1, 0))
			}
		}
		_, err := w.svc.Record(ctx, &feedback.Input{CustomerID: &w.ada.ID, RespondedAt: w.clock.Now().Add(-7 * 24 * time.Hour),
			Answers: valueAnswers(1, 3, 0, 0)})
		must(t, err)

		r, err := w.svc.ValueEquation(ctx, store.ResponseFilter{}, "")
		must(t, err)
		rep := r.Drivers.Repurchase
		var found bool
		for _, d := range rep.Drivers {
			if d.Item == "results" {
				found = true
				if d.N != 12 || d.Spearman < 0.8 {
					t.Errorf("results → repurchase %+v, want n 12 and a strong positive ρ", d)
				}
			}
		}
		if !found {
			t.Fatalf("results missing from the repurchase drivers: %+v", rep)
		}
		skipped := map[string]int{}
		for _, s := range rep.Skipped {
			skipped[s.Item] = s.N
		}
		if n, ok := skipped["price"]; !ok || n != 5 {
			t.Errorf("price should be skipped with n 5: %+v", rep.Skipped)
		}
		if len(r.Drivers.NPS.Drivers) == 0 || r.Drivers.NPS.Drivers[0].Item != "results" || r.Drivers.NPS.Drivers[0].N != 12 {
			t.Errorf("NPS drivers %+v, want results first on n 12", r.Drivers.NPS)
		}
	})
}
