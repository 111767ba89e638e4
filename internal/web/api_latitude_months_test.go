package web_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// The settled months' approvals are stored per month (report_snapshots)
// and added up on a view: the audit read from them equals the one counted
// from the gestures while the month was under way, says when it is as of,
// falls behind a change until the job runs, and equals the gestures again
// after it.
func TestLatitudeStoredMonthsEqualLive(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, _, _, _, _ := latitudeWorld(t, db)
		ctx := context.Background()
		const months = "from=2025-02&to=2025-03"
		april := w.clock.Now()
		w.clock.Set(time.Date(2025, 3, 28, 12, 0, 0, 0, time.UTC)) // March under way: counted from the gestures
		live := w.latitude(t, months)
		w.clock.Set(april) // March settled: stored on this first view, then read
		first, stored := w.latitude(t, months), w.latitude(t, months)
		if len(live.Approvals) < 2 || live.Approvals[1].Waited < 20 {
			t.Fatalf("approvals %+v: the world has too few gestures to compare", live.Approvals)
		}
		for _, r := range []any{first.Approvals, stored.Approvals} {
			if !reflect.DeepEqual(r, live.Approvals) {
				t.Fatalf("approvals from the stored months\n%+v\ndiffer from the gestures'\n%+v", r, live.Approvals)
			}
		}
		if march := time.Date(2025, 3, 28, 12, 0, 0, 0, time.UTC); stored.AsOf == nil || !stored.AsOf.Equal(march) {
			t.Errorf("as of %v, want %v (when February, the oldest stored, was worked out)", stored.AsOf, march)
		}

		// A decided refund erased: the stored month falls behind until the
		// job works it out again.
		if _, err := db.Exec(ctx, `DELETE FROM gestures WHERE id = (SELECT MAX(id) FROM gestures WHERE kind = 'refund' AND status = 'granted')`); err != nil {
			t.Fatal(err)
		}
		if again := w.latitude(t, months); !reflect.DeepEqual(again.Approvals, stored.Approvals) {
			t.Fatalf("the stored month changed before the job ran: %+v", again.Approvals)
		}
		w.clock.Set(april.Add(time.Hour))
		if err := w.f.app.Latitude.RefreshMonths(ctx); err != nil {
			t.Fatal(err)
		}
		refreshed := w.latitude(t, months)
		w.clock.Set(time.Date(2025, 3, 28, 12, 0, 0, 0, time.UTC))
		liveAgain := w.latitude(t, months)
		if !reflect.DeepEqual(refreshed.Approvals, liveAgain.Approvals) || reflect.DeepEqual(refreshed.Approvals, stored.Approvals) {
			t.Fatalf("after the job, approvals %+v, want the gestures' %+v (one refund fewer than %+v)",
				refreshed.Approvals, liveAgain.Approvals, stored.Approvals)
		}
		if refreshed.AsOf == nil || !refreshed.AsOf.Equal(april.Add(time.Hour)) {
			t.Errorf("as of %v after the job, want %v", refreshed.AsOf, april.Add(time.Hour))
		}
	})
}
