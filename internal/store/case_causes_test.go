package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestClosedCaseCauseCounts: closed cases count by cause and UTC month of
// closing — a case closed in the last instant of a month in that month,
// one closed at midnight in the next — ordered by source, category and
// month, the same on both engines (PostgreSQL groups by the month as a
// time, SQLite by its text).
func TestClosedCaseCauseCounts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cu := &fresco.Customer{Name: "Closed"}
		owner := &fresco.Employee{Email: "o@example.com", Name: "Owner", Role: fresco.RoleAgent, Active: true}
		for _, err := range []error{db.CreateCustomer(ctx, cu), db.CreateEmployee(ctx, owner)} {
			if err != nil {
				t.Fatal(err)
			}
		}
		endOfJanuary := time.Date(2026, 1, 31, 23, 59, 59, 999999000, time.UTC)
		closeCase := func(status, source, category string, at time.Time) {
			t.Helper()
			if _, err := db.Exec(ctx, `INSERT INTO recovery_cases (customer_id, source, summary, status, state, owner_id, opened_at,
				closed_at, root_cause_source, root_cause_category, created_at, updated_at)
				VALUES (?, 'manual', 'x', ?, 'closed', ?, ?, ?, ?, ?, ?, ?)`,
				cu.ID, status, owner.ID, at.Add(-time.Hour), at, source, category, at, at); err != nil {
				t.Fatal(err)
			}
		}
		closeCase("closed", "training", "kitchen", endOfJanuary)
		closeCase("closed", "training", "kitchen", endOfJanuary.Add(time.Microsecond)) // February, UTC
		closeCase("closed", "training", "kitchen", endOfJanuary.Add(-24*time.Hour))
		closeCase("closed", "latitude", "front desk", endOfJanuary.Add(40*24*time.Hour))
		closeCase("closed", "latitude", "Front desk", endOfJanuary.Add(40*24*time.Hour))
		closeCase("resolved", "training", "kitchen", endOfJanuary)                 // not closed
		closeCase("closed", "training", "kitchen", endOfJanuary.AddDate(0, -2, 0)) // before from
		got, err := db.ClosedCaseCauseCounts(ctx, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		want := []store.ClosedCaseCauses{
			{Source: "latitude", Category: "Front desk", Month: "2026-03", Cases: 1},
			{Source: "latitude", Category: "front desk", Month: "2026-03", Cases: 1},
			{Source: "training", Category: "kitchen", Month: "2026-01", Cases: 2},
			{Source: "training", Category: "kitchen", Month: "2026-02", Cases: 1},
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("counts = %+v, want %+v", got, want)
		}
	})
}
