package store_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// LatestNPSAtOrBefore is what a re-survey compares with: the customer's own
// latest NPS up to and including the moment given, skipping answers without one.
func TestLatestNPSAtOrBefore(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		survey, err := db.ListeningPostBySlug(ctx, "survey")
		if err != nil {
			t.Fatal(err)
		}
		ada, bea := &fresco.Customer{Name: "Ada"}, &fresco.Customer{Name: "Bea"}
		for _, c := range []*fresco.Customer{ada, bea} {
			if err := db.CreateCustomer(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		at := time.Date(2026, 2, 3, 4, 5, 6, 789000, time.UTC)
		err = db.InTx(ctx, func(tx *store.Tx) error {
			for _, r := range []*fresco.Response{
				{CustomerID: &ada.ID, NPS: intp(8), RespondedAt: at.Add(-48 * time.Hour)},
				{CustomerID: &ada.ID, NPS: intp(2), RespondedAt: at},
				{CustomerID: &ada.ID, CSAT: intp(1), RespondedAt: at},
				{CustomerID: &bea.ID, NPS: intp(5), RespondedAt: at.Add(-time.Hour)},
				{CustomerID: &ada.ID, NPS: intp(10), RespondedAt: at.Add(time.Microsecond)},
			} {
				r.PostID = survey.ID
				if err := tx.InsertResponse(ctx, r); err != nil {
					return err
				}
			}
			for _, c := range []struct {
				customer int64
				at       time.Time
				want     string
			}{
				{ada.ID, at, "2"},                   // inclusive, the one without NPS skipped
				{ada.ID, at.Add(-time.Second), "8"}, // earlier
				{ada.ID, at.Add(-72 * time.Hour), "none"},
				{bea.ID, at, "5"},
			} {
				got, err := tx.LatestNPSAtOrBefore(ctx, c.customer, c.at)
				if err != nil {
					return err
				}
				show := "none"
				if got != nil {
					show = strconv.Itoa(*got)
				}
				if show != c.want {
					t.Errorf("customer %d at %s: %s, want %s", c.customer, c.at, show, c.want)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
