package value_test

import (
	"bufio"
	"context"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/clv"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
	"github.com/fresco-cx/fresco/internal/value"
)

// cdnowEnd is the refit's day for the CDNOW sample: the last purchase,
// 1998-06-30. Half the history is 39 weeks, so the holdout check splits at
// 1997-09-30, where the published analyses do.
var cdnowEnd = time.Date(1998, 6, 30, 18, 0, 0, 0, time.UTC)

// loadCDNOW stores the CDNOW sample (internal/clv/testdata) as a business:
// customer i is sample id i, each purchase one line of its dollar value.
// It returns the purchases as clv transactions, the ones Fresco counts as
// purchases (a positive total: the eight zero-dollar ones are not).
func loadCDNOW(t *testing.T, db *store.DB) []clv.Transaction {
	t.Helper()
	ctx := context.Background()
	f, err := os.Open("../clv/testdata/CDNOW_sample.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	type row struct {
		id    int
		at    time.Time
		cents int64
	}
	var rows []row
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 5 {
			continue
		}
		id, _ := strconv.Atoi(fields[1])
		at, err := time.Parse("20060102", fields[2])
		if err != nil {
			t.Fatal(err)
		}
		dollars, _ := strconv.ParseFloat(fields[4], 64)
		rows = append(rows, row{id, at.Add(12 * time.Hour), int64(math.Round(dollars * 100))})
	}
	customers := make([]*fresco.Customer, 2357)
	for i := range customers {
		customers[i] = &fresco.Customer{Name: "CDNOW " + strconv.Itoa(i+1)}
	}
	for _, r := range slices.Backward(rows) {
		customers[r.id-1].FirstSeen = r.at
	}
	prod := &fresco.Product{SKU: "CD", Name: "CDs", ListPrice: 1000}
	if err := db.CreateProduct(ctx, prod); err != nil {
		t.Fatal(err)
	}
	var txns []clv.Transaction
	err = db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.InsertCustomers(ctx, customers); err != nil {
			return err
		}
		ps := make([]*fresco.Purchase, len(rows))
		for i, r := range rows {
			ps[i] = &fresco.Purchase{CustomerID: &customers[r.id-1].ID, PurchasedAt: r.at, Channel: "mail",
				Lines: []fresco.PurchaseLine{{ProductID: prod.ID, SKU: "CD", Description: "CDs", Quantity: 1, UnitPrice: fresco.Money(r.cents)}}}
			if r.cents > 0 {
				txns = append(txns, clv.Transaction{CustomerID: strconv.Itoa(r.id), At: r.at, Amount: float64(r.cents) / 100})
			}
		}
		return tx.InsertPurchases(ctx, ps)
	})
	if err != nil {
		t.Fatal(err)
	}
	return txns
}

// The refit's holdout check on CDNOW, read back from the stored refit,
// equals internal/clv's holdout evaluation of the same purchases: every
// model's MAE, totals, tracking weeks and deciles. Auto uses the model
// with the lowest MAE.
func TestCalibrationOnCDNOW(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		txns := loadCDNOW(t, db)
		svc := value.New(db, value.Options{Now: func() time.Time { return cdnowEnd }})
		if _, err := svc.Calibration(ctx); fresco.ErrorCode(err) != fresco.ENOTFOUND {
			t.Fatalf("before a refit: %v", err)
		}
		res, cal := refitCalibrated(t, svc)
		h, err := clv.SplitHoldout(slices.Values(txns), clv.Options{Unit: clv.Week, CalibrationEnd: time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC)},
			time.Date(1998, 6, 30, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		// 2,349 customers: eight of the sample bought only for $0, which is
		// not a purchase.
		if cal.Skipped != "" || cal.CalibrationEnd != "1997-09-30" || cal.HoldoutEnd != "1998-06-30" || cal.HoldoutWeeks != 39 ||
			cal.Customers != len(h.Customers) || len(h.Customers) != 2349 || cal.CalibrationCustomers != 2349 || cal.Sampled ||
			len(cal.Models) != 3 || cal.Criterion != "holdout_mae" {
			t.Fatalf("calibration of %d customers from %s to %s (%v weeks), %d models, skipped %q",
				cal.Customers, cal.CalibrationEnd, cal.HoldoutEnd, cal.HoldoutWeeks, len(cal.Models), cal.Skipped)
		}
		best, bestMAE := "", math.Inf(1)
		for i, name := range value.PurchaseModels {
			got := cal.Models[i]
			m, err := clv.FitModel(name, h.Summaries())
			if err != nil {
				t.Fatal(err)
			}
			want := clv.EvaluateHoldout(m, h)
			if got.Model != name || got.Error != "" || !got.Converged {
				t.Fatalf("%s: %+v", name, got)
			}
			close := func(what string, g, w float64) {
				t.Helper()
				if math.Abs(g-w) > 1e-6*math.Max(1, math.Abs(w)) {
					t.Errorf("%s %s = %.9g, internal/clv %.9g", name, what, g, w)
				}
			}
			close("MAE", got.MAE, want.MAE)
			close("predicted purchases", got.Predicted, want.PredictedTotal)
			close("actual purchases", got.Actual, want.ActualTotal)
			if len(got.Tracking) != len(want.Tracking) || len(got.Deciles) != 10 || len(want.Deciles) != 10 {
				t.Fatalf("%s: %d tracking weeks (want %d), %d deciles", name, len(got.Tracking), len(want.Tracking), len(got.Deciles))
			}
			var cum float64
			for k, w := range want.Tracking {
				g := got.Tracking[k]
				cum += w.Predicted
				if g.Start != w.Start.Format(time.DateOnly) || g.Holdout != w.Holdout || g.Actual != w.Actual {
					t.Errorf("%s week %d: %+v, want %+v", name, k, g, w)
				}
				close("weekly predicted", g.Predicted, w.Predicted)
				close("cumulative predicted", g.CumPredicted, cum)
			}
			for k, w := range want.Deciles {
				g := got.Deciles[k]
				if g.Decile != k+1 || g.Customers != w.Customers || g.Actual != w.Actual {
					t.Errorf("%s decile %d: %+v, want %+v", name, k+1, g, w)
				}
				close("decile predicted", g.Predicted, w.Predicted)
			}
			if want.MAE < bestMAE {
				best, bestMAE = name, want.MAE
			}
			t.Logf("%s: MAE %.4f, %.1f predicted vs %.0f actual holdout purchases", name, got.MAE, got.Predicted, got.Actual)
		}
		// The last cumulative actual is every repeat purchase day of the
		// calibration customers, calibration and holdout; 1,882 of them in
		// the holdout.
		last := cal.Models[0].Tracking[len(cal.Models[0].Tracking)-1]
		if last.CumActual != 4339 || cal.Models[0].Actual != 1882 {
			t.Errorf("cumulative actual %v, holdout %v", last.CumActual, cal.Models[0].Actual)
		}
		if cal.Choice != value.ModelAuto || cal.Model != best || res.Model != best || res.ModelChoice != value.ModelAuto ||
			!strings.Contains(cal.Reason, "lowest holdout error") {
			t.Errorf("auto chose %q (%s; refit %q), want %q", cal.Model, cal.Reason, res.Model, best)
		}
		for _, m := range cal.Models {
			if m.InUse != (m.Model == best) {
				t.Errorf("%s in use: %v", m.Model, m.InUse)
			}
		}
		// The forecasts use the chosen model; the calibration is not a fit.
		fits, err := svc.Fits(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(fits) != 2 || fits[0].Model != best || fits[1].Model != "gammagamma" {
			t.Errorf("fits %+v", fits)
		}
	})
}

// The owner's choice is used whatever the holdout says, and the check is
// still made and stored for every model.
func TestCalibrationOwnerChoice(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		loadCDNOW(t, db)
		for i, choice := range value.PurchaseModels {
			at := cdnowEnd.Add(time.Duration(i) * time.Minute) // a refit of its own instant
			svc := value.New(db, value.Options{Now: func() time.Time { return at },
				ModelChoice: func(context.Context) string { return choice }})
			res, cal := refitCalibrated(t, svc)
			fits, err := svc.Fits(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if res.Model != choice || res.ModelChoice != choice || cal.Choice != choice || cal.Model != choice ||
				cal.Reason != "chosen by the owner in the settings" || len(cal.Models) != 3 || fits[0].Model != choice {
				t.Errorf("choice %s: refit %q (%q), calibration %q/%q (%s), fit %q", choice, res.Model, res.ModelChoice, cal.Choice, cal.Model, cal.Reason, fits[0].Model)
			}
			for _, m := range cal.Models {
				if m.MAE <= 0 || len(m.Tracking) == 0 || m.InUse != (m.Model == choice) {
					t.Errorf("choice %s: %s scored %+v", choice, m.Model, m.MAE)
				}
			}
		}
		// A holdout the owner set: 13 weeks.
		svc := value.New(db, value.Options{Now: func() time.Time { return cdnowEnd.Add(time.Hour) }, HoldoutWeeks: 13, CalibrationSample: 1000})
		_, cal := refitCalibrated(t, svc)
		// Sampled: whole 1/64ths of the 2,357 customers, about 1,000 of them.
		if cal.CalibrationEnd != "1998-03-31" || cal.HoldoutWeeks != 13 || !cal.Sampled || cal.Customers < 800 || cal.Customers > 1300 {
			t.Errorf("13-week holdout, sample of 1000: %d customers from %s (%v weeks), sampled %v", cal.Customers, cal.CalibrationEnd, cal.HoldoutWeeks, cal.Sampled)
		}
	})
}

// Too short a history has no holdout check: auto falls back to BG/NBD
// and says why.
func TestCalibrationSkippedOnShortHistory(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		newTiny(t, db)
		svc := value.New(db, value.Options{Now: func() time.Time { return day(2024, 2, 20, 12) }})
		res, cal := refitCalibrated(t, svc)
		if res.Model != value.ModelBGNBD || cal.Skipped == "" || !strings.Contains(cal.Reason, "no holdout check") || len(cal.Models) != 0 {
			t.Errorf("refit %q; calibration %+v", res.Model, cal)
		}
	})
}

// refitCalibrated refits and reads back the refit's holdout check.
func refitCalibrated(t *testing.T, svc *value.Service) (*value.RefitResult, *value.Calibration) {
	t.Helper()
	ctx := context.Background()
	res, err := svc.Refit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cal, err := svc.Calibration(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return res, cal
}
