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

// The follow-up call post's asks are the call tasks due in the period in
// every status but skipped, its answers the done ones: the statuses are
// named in the query (to read call_tasks_due by ranges), so each counts.
func TestPostActivityCountsCallTasksOfEveryStatus(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.CreateProduct(ctx, &fresco.Product{SKU: "TEA", ListPrice: 300}); err != nil {
			t.Fatal(err)
		}
		c := &fresco.Customer{Name: "Guest"}
		if err := db.CreateCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2025, 5, 10, 9, 30, 0, 0, time.UTC)
		task := func(status string, due time.Time) {
			p := &fresco.Purchase{CustomerID: &c.ID, PurchasedAt: due.Add(-time.Hour), Lines: []fresco.PurchaseLine{{SKU: "TEA", Quantity: 1, UnitPrice: 300}}}
			if err := db.CreatePurchase(ctx, p); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec(ctx, `INSERT INTO call_tasks (purchase_id, customer_id, due_at, status, created_at) VALUES (?, ?, ?, ?, ?)`,
				p.ID, c.ID, due, status, due); err != nil {
				t.Fatal(err)
			}
		}
		for i, status := range []string{"open", "done", "done", "no_answer", "declined", "skipped", "skipped"} {
			task(status, at.Add(time.Duration(i)*time.Hour))
		}
		task("done", at.AddDate(0, 0, 3)) // after the period
		var post int64
		if err := db.QueryRow(ctx, `SELECT id FROM listening_posts WHERE slug = 'follow_up_call'`).Scan(&post); err != nil {
			t.Fatal(err)
		}
		for _, p := range [][2]time.Time{{at.Add(-time.Minute), at.AddDate(0, 0, 1)}, {at.Truncate(24 * time.Hour), at.AddDate(0, 0, 2).Truncate(24 * time.Hour)}} {
			got, err := db.PostActivity(ctx, p[0], p[1], nil)
			if err != nil {
				t.Fatal(err)
			}
			a := got[post]
			if a == nil || a.Asked != 5 || a.Answered != 2 {
				t.Fatalf("%v: follow-up call post %s, want 5 asked (all but the skipped) and 2 answered", p, fmt.Sprint(a))
			}
		}
	})
}
