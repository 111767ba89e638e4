package anticipate_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/anticipate"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// BenchmarkNextActionsList: the list across customers at 10,000 and at a
// million customers (SQLite, synthetic purchase summaries and refit rows:
// purchase counts 1–12, last purchases over 400 days, P(alive) spread
// 0–1). The list reads bounded candidates from indexes, so its cost must
// not grow with the customers:
//
//	nice go test ./internal/anticipate -run '^$' -bench NextActionsList -benchtime 20x -cpu 1
func BenchmarkNextActionsList(b *testing.B) {
	for _, n := range []int{10_000, 1_000_000} {
		b.Run(fmt.Sprintf("customers=%d", n), func(b *testing.B) {
			db := storetest.Open(b, storetest.SQLiteURL(b))
			syntheticCustomers(b, db, n)
			now := time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)
			svc := anticipate.New(db, anticipate.Options{Now: func() time.Time { return now }})
			ctx := context.Background()
			b.ResetTimer()
			for range b.N {
				list, err := svc.List(ctx, "", anticipate.DefaultListLimit)
				if err != nil {
					b.Fatal(err)
				}
				if len(list) != anticipate.DefaultListLimit {
					b.Fatalf("%d actions, want %d", len(list), anticipate.DefaultListLimit)
				}
			}
		})
	}
}

// syntheticCustomers writes n customers with a purchase summary and a
// lifetime-value row each, straight into the tables (no purchases).
func syntheticCustomers(b *testing.B, db *store.DB, n int) {
	b.Helper()
	ctx := context.Background()
	series := `WITH RECURSIVE s(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM s WHERE id < ?) `
	day := func(expr string) string {
		return `datetime('2026-06-15 10:00:00', '-' || (` + expr + `) || ' days') || '+00:00'`
	}
	for _, q := range []string{
		series + `INSERT INTO customers (id, name, first_seen, created_at, updated_at)
			SELECT id, 'Customer ' || id, ` + day("400 + id % 300") + `, ` + day("400 + id % 300") + `, ` + day("400 + id % 300") + ` FROM s`,
		series + `INSERT INTO customer_purchase_summary (customer_id, purchases, first_at, last_at, last_location_id, first_positive_at, gap_low_us, gap_high_us)
			SELECT id, 1 + id % 12, ` + day("365 + id % 300") + `, ` + day("id % 400") + `, NULL, ` + day("365 + id % 300") + `,
				(10 + id % 50) * 86400000000, (10 + id % 50) * 86400000000 FROM s`,
		series + `INSERT INTO customer_value (customer_id, frequency, recency, t, monetary, purchases, first_purchase, last_purchase, p_alive,
				expected_purchases, expected_spend, clv, historical_value, historical_profit, related_sales_value, referral_value, referrals,
				referrals_total, rfm_r, rfm_f, rfm_m, segment, computed_at)
			SELECT id, id % 12, 100, 400, 20, 1 + id % 12, ` + day("365 + id % 300") + `, ` + day("id % 400") + `, (id % 1000) / 1000.0,
				1, 20, 100, 1000, 300, 0, 0, 0, 0, 3, 3, 3, 'regular', ` + day("0") + ` FROM s`,
	} {
		if _, err := db.Exec(ctx, q, n); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := db.Exec(ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
}
