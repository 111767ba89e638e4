package store_test

import (
	"slices"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestFollowUpLists checks the follow-up filters (status, owner, overdue at
// an instant) and that paging any of them with small pages returns each
// follow-up once, in id order, even while earlier ones are closed between
// pages.
func TestFollowUpLists(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ann := w.customer("Ann")
		ada, ben := w.employee(fresco.RoleAgent, nil), w.employee(fresco.RoleAgent, nil)
		now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
		var all []*fresco.FollowUp
		responses := make([]int64, 9)
		for i := range responses {
			responses[i] = w.response(&ann.ID, i)
		}
		w.tx(func(tx *store.Tx) error {
			for i := range 9 {
				owner := &ada.ID
				if i%3 == 0 {
					owner = &ben.ID
				}
				f := &fresco.FollowUp{ResponseID: responses[i], CustomerID: &ann.ID, OwnerID: owner,
					Reasons: []string{"detractor"}, DueAt: now.Add(time.Duration(i-4) * time.Hour)}
				if _, err := tx.CreateFollowUp(w.ctx, f); err != nil {
					return err
				}
				all = append(all, f)
			}
			return nil
		})
		closed := []int{1, 5}
		for _, i := range closed {
			w.tx(func(tx *store.Tx) error { return tx.CloseFollowUp(w.ctx, all[i].ID, now, "phone", "ok", "employee:1") })
		}
		pick := func(idx ...int) []int64 {
			var out []int64
			for _, i := range idx {
				out = append(out, all[i].ID)
			}
			return out
		}
		followUpID := func(f *fresco.FollowUp) int64 { return f.ID }
		for _, c := range []struct {
			name string
			f    store.FollowUpFilter
			want []int64
		}{
			{"all", store.FollowUpFilter{}, pick(0, 1, 2, 3, 4, 5, 6, 7, 8)},
			{"open", store.FollowUpFilter{Status: fresco.FollowUpOpen}, pick(0, 2, 3, 4, 6, 7, 8)},
			{"closed", store.FollowUpFilter{Status: fresco.FollowUpClosed}, pick(1, 5)},
			{"Ben's", store.FollowUpFilter{OwnerID: ben.ID}, pick(0, 3, 6)},
			// Due strictly before now and still open.
			{"overdue", store.FollowUpFilter{Overdue: true, Now: now}, pick(0, 2, 3)},
			{"Ada's overdue", store.FollowUpFilter{Overdue: true, Now: now, OwnerID: ada.ID}, pick(2)},
		} {
			got, next, err := db.ListFollowUps(w.ctx, c.f)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(got, followUpID), c.want) || next != "" {
				t.Errorf("%s: %v (next %q), want %v", c.name, ids(got, followUpID), next, c.want)
			}
			for _, limit := range []int{1, 2, 4} {
				f := c.f
				f.Limit = limit
				var paged []int64
				for pages := 0; pages <= len(all); pages++ {
					page, next, err := db.ListFollowUps(w.ctx, f)
					if err != nil {
						t.Fatal(err)
					}
					if len(page) > limit {
						t.Fatalf("%s: a page of %d, limit %d", c.name, len(page), limit)
					}
					paged = append(paged, ids(page, followUpID)...)
					if next == "" {
						break
					}
					f.Cursor = next
				}
				if !slices.Equal(paged, c.want) {
					t.Errorf("%s, %d a page: %v, want %v", c.name, limit, paged, c.want)
				}
			}
		}

		// Closing a follow-up already listed does not shift the next page.
		f := store.FollowUpFilter{Status: fresco.FollowUpOpen, Limit: 2}
		page, next, err := db.ListFollowUps(w.ctx, f)
		if err != nil || !slices.Equal(ids(page, followUpID), pick(0, 2)) {
			t.Fatalf("first open page: %v, %v", ids(page, followUpID), err)
		}
		w.tx(func(tx *store.Tx) error { return tx.CloseFollowUp(w.ctx, all[0].ID, now, "email", "ok", "employee:1") })
		f.Cursor = next
		if page, _, err := db.ListFollowUps(w.ctx, f); err != nil || !slices.Equal(ids(page, followUpID), pick(3, 4)) {
			t.Errorf("second open page after closing one on the first: %v, %v; want %v", ids(page, followUpID), err, pick(3, 4))
		}
		_, _, err = db.ListFollowUps(w.ctx, store.FollowUpFilter{Cursor: "@@"})
		wantFieldError(t, err, fresco.EINVALID, "cursor")

		got, err := db.FollowUp(w.ctx, all[3].ID)
		if err != nil || got.OwnerName != ben.Name || got.CustomerName != "Ann" || got.NPS == nil || *got.NPS != 3 ||
			!slices.Equal(got.Reasons, []string{"detractor"}) || !got.DueAt.Equal(now.Add(-time.Hour)) {
			t.Errorf("follow-up read = %+v, %v", got, err)
		}
		wantCode(t, fresco.ENOTFOUND, errOf(db.FollowUp(w.ctx, 987654)))
		w.tx(func(tx *store.Tx) error {
			got, err := tx.FollowUp(w.ctx, all[0].ID)
			if err != nil || got.Status != fresco.FollowUpClosed || got.ContactChannel != "email" || got.ClosedAt == nil {
				t.Errorf("closed follow-up read in a transaction = %+v, %v", got, err)
			}
			wantCode(t, fresco.ENOTFOUND, errOf(tx.FollowUp(w.ctx, 987654)))
			return nil
		})
	})
}

// TestFollowUpListPagesOfTies pages the follow-up list two at a time through
// follow-ups due at the same instant, both ways: a page reads its ids first
// and joins them after (listSpec.pageQuery), and neither read may lose the
// id order that breaks the ties.
func TestFollowUpListPagesOfTies(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ann := w.customer("Ann")
		due := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
		var rows []int64
		for i := range 5 {
			resp := w.response(&ann.ID, i)
			w.tx(func(tx *store.Tx) error {
				f := &fresco.FollowUp{ResponseID: resp, CustomerID: &ann.ID, Reasons: []string{"detractor"}, DueAt: due}
				if i == 3 {
					f.DueAt = due.Add(-time.Hour)
				}
				_, err := tx.CreateFollowUp(w.ctx, f)
				rows = append(rows, f.ID)
				return err
			})
		}
		open := db.FollowUpList(store.FollowUpListFilter{Status: fresco.FollowUpOpen})
		checkLists(t, []listCase[*fresco.FollowUp]{
			{"soonest due", open, store.ListPage{Sort: "due"}, []int{3, 0, 1, 2, 4}},
			{"latest due", open, store.ListPage{Sort: "due", Desc: true}, []int{4, 2, 1, 0, 3}},
			{"newest", open, store.ListPage{Desc: true}, []int{4, 3, 2, 1, 0}},
		}, func(f *fresco.FollowUp) int64 { return f.ID }, rows)
	})
}
