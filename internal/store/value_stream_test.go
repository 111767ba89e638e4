package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestHistoryReadIsOneSnapshot: every part of a history read sees the
// database as it was when the read began, whatever commits while the parts
// run — purchases for the first and the last customers of the ranges, and
// a new customer past them — and a read begun afterwards sees them all.
// The parts cover every customer once, in id order, with the purchase
// times as stored (microseconds and whole seconds).
func TestHistoryReadIsOneSnapshot(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		base := time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
		var ids []int64
		want := map[int64][]time.Time{}
		for i := range 7 {
			c := w.customer("C")
			ids = append(ids, c.ID)
			for j := range 1 + i%3 {
				at := base.AddDate(0, 0, 10*j+i).Add(time.Duration(i*j) * 1234567 * time.Microsecond)
				w.purchase(&c.ID, at, "12.50")
				want[c.ID] = append(want[c.ID], at)
			}
		}
		for _, parts := range []int{1, 3} {
			r, err := db.BeginHistoryRead(w.ctx, parts)
			if err != nil {
				t.Fatal(err)
			}
			// Commits after the read began.
			late := base.AddDate(0, 2, 0)
			w.purchase(&ids[0], late, "3.00")
			w.purchase(&ids[len(ids)-1], late, "3.00")
			extra := w.customer("Late")
			w.purchase(&extra.ID, late, "3.00")

			got := read(t, w.ctx, r)
			r.Close()
			if len(got.order) != len(want) {
				t.Fatalf("%d parts: customers %v, want the %d before the read began", parts, got.order, len(want))
			}
			for i, id := range got.order {
				if i > 0 && id <= got.order[i-1] {
					t.Fatalf("%d parts: customers out of order: %v", parts, got.order)
				}
				if !equalTimes(got.times[id], want[id]) {
					t.Fatalf("%d parts: customer %d read %v, want %v", parts, id, got.times[id], want[id])
				}
			}
			// What committed meanwhile is there for the next read.
			want[ids[0]] = append(want[ids[0]], late)
			want[ids[len(ids)-1]] = append(want[ids[len(ids)-1]], late)
			want[extra.ID] = []time.Time{late}
			ids = append(ids, extra.ID)
			r, err = db.BeginHistoryRead(w.ctx, parts)
			if err != nil {
				t.Fatal(err)
			}
			again := read(t, w.ctx, r)
			r.Close()
			for _, id := range ids {
				if !equalTimes(again.times[id], want[id]) {
					t.Fatalf("%d parts, read after the writes: customer %d read %v, want %v", parts, id, again.times[id], want[id])
				}
			}
		}
	})
}

type historyRead struct {
	order []int64
	times map[int64][]time.Time
}

// read collects the customers and purchase times of a history read, parts
// concatenated in order.
func read(t *testing.T, ctx context.Context, r *store.HistoryReader) historyRead {
	t.Helper()
	byPart := make([][]int64, r.Parts())
	times := map[int64][]time.Time{}
	mu := make(chan struct{}, 1) // the parts call fn at once
	err := r.EachCustomerHistory(ctx, func(part int, id int64, hist []store.HistoryPurchase) error {
		mu <- struct{}{}
		defer func() { <-mu }()
		byPart[part] = append(byPart[part], id)
		for _, p := range hist {
			times[id] = append(times[id], p.At)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var order []int64
	for _, p := range byPart {
		order = append(order, p...)
	}
	return historyRead{order: order, times: times}
}

func equalTimes(a, b []time.Time) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].Equal(b[i]) || a[i].Location() != time.UTC {
			return false
		}
	}
	return true
}

// TestParseStoredTime: the refit's parse of SQLite's stored text agrees
// with the general parse on every form, and refuses what it refuses.
func TestParseStoredTime(t *testing.T) {
	for _, s := range []string{
		"2026-01-02 03:04:05+00:00", "2026-01-02 03:04:05.123456+00:00", "2026-01-02 03:04:05.1+00:00",
		"2026-12-31 23:59:59.999999999+00:00", "2024-02-29 00:00:00+00:00",
		"2026-01-02T03:04:05Z", "2026-01-02 03:04:05", "2026-01-02 05:04:05+02:00",
	} {
		got, err := store.ParseStoredTime(s)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		var want time.Time
		for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05"} {
			if w, err := time.Parse(layout, s); err == nil {
				want = w.UTC()
				break
			}
		}
		if !got.Equal(want) || got.Location() != time.UTC {
			t.Fatalf("%q: read %v, want %v", s, got, want)
		}
	}
	for _, s := range []string{"2026-02-30 00:00:00+00:00", "2026-13-01 00:00:00+00:00", "2026-01-02 24:00:00+00:00", "2026-01-0x 00:00:00+00:00", "yesterday"} {
		if got, err := store.ParseStoredTime(s); err == nil {
			t.Fatalf("%q read as %v", s, got)
		}
	}
}
