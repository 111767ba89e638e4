package loop_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/loop"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestDigestAtTheBusinessHour: the daily digest is due at its hour in the
// business's zone (here +14:00, where 07:00 is the day before in UTC), once
// per day however many replicas run the schedule.
func TestDigestAtTheBusinessHour(t *testing.T) {
	t.Parallel()
	kiritimati, err := time.LoadLocation("Pacific/Kiritimati")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		set := fresco.DefaultSettings()
		set.TimeZone = "Pacific/Kiritimati"
		format := func(context.Context) fresco.Formatter { return fresco.NewFormatter(set) }
		for range 2 { // two replicas
			n := notify.New(db, notify.Options{})
			l := loop.New(db, n, loop.Options{DigestHour: 7, Format: format})
			q := jobs.New(db, jobs.Options{Workers: 1, PollInterval: 20 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
			n.Register(q)
			l.Register(q)
			runQueue(t, ctx, q)
		}
		var keys []string
		waitFor(t, "the digest to be enqueued", func() bool {
			keys = digestKeys(t, db)
			return len(keys) > 0
		})
		if len(keys) != 1 {
			t.Fatalf("digest jobs %v, want one", keys)
		}
		slot, err := time.Parse(time.RFC3339Nano, strings.TrimPrefix(keys[0], loop.JobDigest+":"))
		if err != nil {
			t.Fatal(err)
		}
		if local := slot.In(kiritimati); local.Hour() != 7 || local.Minute() != 0 {
			t.Errorf("digest slot %v is %v at Kiritimati, want 07:00", slot, local)
		}
	})
}

func digestKeys(t *testing.T, db *store.DB) []string {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT unique_key FROM jobs WHERE kind = ?`, loop.JobDigest)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var keys []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	return keys
}
