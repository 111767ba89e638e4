package jobs

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

func TestEverySlots(t *testing.T) {
	t.Parallel()
	q := New(nil, Options{})
	q.Every("hourly", time.Hour)
	s := q.schedules[len(q.schedules)-1]
	at := time.Date(2024, 5, 1, 10, 59, 59, 0, time.UTC)
	start, next := s.slotOf(at)
	if !start.Equal(time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)) || !next.Equal(time.Date(2024, 5, 1, 11, 0, 0, 0, time.UTC)) {
		t.Errorf("slotOf(%v) = %v, %v", at, start, next)
	}
	if key := slotKey("hourly", start); key != "hourly:2024-05-01T10:00:00Z" {
		t.Errorf("slotKey = %q", key)
	}
}

func TestDailyAtSlots(t *testing.T) {
	t.Parallel()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	q := New(nil, Options{})
	q.DailyAt("report", 2, 30, berlin)
	s := q.schedules[len(q.schedules)-1]
	cases := []struct {
		now, start, next string // RFC 3339
	}{
		// Before today's 02:30: the slot is yesterday's.
		{"2024-05-02T01:00:00+02:00", "2024-05-01T02:30:00+02:00", "2024-05-02T02:30:00+02:00"},
		// At exactly 02:30 today's slot begins.
		{"2024-05-02T02:30:00+02:00", "2024-05-02T02:30:00+02:00", "2024-05-03T02:30:00+02:00"},
		// Spring forward (31 March 2024): 02:30 does not exist and becomes 03:30.
		{"2024-03-31T12:00:00+02:00", "2024-03-31T03:30:00+02:00", "2024-04-01T02:30:00+02:00"},
		// Fall back (27 October 2024): 02:30 happens twice; time.Date picks
		// the second, and the day still has one slot.
		{"2024-10-27T12:00:00+01:00", "2024-10-27T02:30:00+01:00", "2024-10-28T02:30:00+01:00"},
	}
	for _, c := range cases {
		start, next := s.slotOf(mustTime(t, c.now))
		if !start.Equal(mustTime(t, c.start)) || !next.Equal(mustTime(t, c.next)) {
			t.Errorf("slotOf(%s) = %v, %v; want %s, %s", c.now, start, next, c.start, c.next)
		}
	}
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestPruneDeletesOnlyOldDoneJobs(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		q := New(db, Options{Logger: slog.New(slog.DiscardHandler)})
		day := 24 * time.Hour
		insert := func(status string, age time.Duration) (id int64) {
			at := now().Add(-age)
			err := db.InTx(ctx, func(tx *store.Tx) error {
				return tx.QueryRow(ctx, `INSERT INTO jobs (kind, status, run_at, finished_at, created_at)
					VALUES ('old', ?, ?, ?, ?) RETURNING id`, status, at, at, at).Scan(&id)
			})
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		oldDone := insert("done", 8*day)
		recentDone := insert("done", 6*day)
		oldFailed := insert("failed", 30*day)

		if err := q.pruneDone(ctx, nil); err != nil {
			t.Fatal(err)
		}
		for id, wantKept := range map[int64]bool{oldDone: false, recentDone: true, oldFailed: true} {
			var n int
			if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM jobs WHERE id = ?`, id).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if kept := n == 1; kept != wantKept {
				t.Errorf("job %d kept = %v, want %v", id, kept, wantKept)
			}
		}
	})
}

func TestErrorText(t *testing.T) {
	t.Parallel()
	long := make([]byte, 3*maxErrorLength)
	for i := range long {
		long[i] = 'x'
	}
	long[1] = 0
	got := errorText(errorString(string(long)))
	if len(got) > maxErrorLength+8 || strings.ContainsRune(got, 0) {
		t.Errorf("errorText kept %d bytes or a NUL", len(got))
	}
}

type errorString string

func (e errorString) Error() string { return string(e) }

// TestDailyAtZoneFollowsTheZone: the slot is the hour in the zone as it is
// when the schedule looks, here at a +14:00 zone where 07:00 is the day
// before in UTC, and it moves when the zone changes.
func TestDailyAtZoneFollowsTheZone(t *testing.T) {
	t.Parallel()
	kiritimati, err := time.LoadLocation("Pacific/Kiritimati")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	zone := kiritimati
	q := New(nil, Options{})
	q.DailyAtZone("digest", 7, 0, func() *time.Location { return zone })
	s := q.schedules[len(q.schedules)-1]
	if s.recheck <= 0 || s.recheck > time.Hour {
		t.Errorf("a zone schedule looks again every %v", s.recheck)
	}
	now := mustTime(t, "2026-12-05T18:00:00Z") // 08:00 on 6 Dec at Kiritimati
	start, next := s.slotOf(now)
	if !start.Equal(mustTime(t, "2026-12-05T17:00:00Z")) || !next.Equal(mustTime(t, "2026-12-06T17:00:00Z")) {
		t.Errorf("Kiritimati slot = %v, %v; want 07:00 there (17:00 UTC the day before)", start, next)
	}
	zone = nil // back to UTC: 18:00 UTC is past today's 07:00
	if start, _ := s.slotOf(now); !start.Equal(mustTime(t, "2026-12-05T07:00:00Z")) {
		t.Errorf("UTC slot = %v", start)
	}
}
