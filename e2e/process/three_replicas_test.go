package process

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/value"
)

// Three `fresco serve` replicas on one PostgreSQL database, with responses
// and purchases written concurrently through all three: every job is
// claimed once (one attempt, done), each periodic job — all three replicas
// enqueue the current slot of every schedule as they start — exists once per
// slot, the scheduled refit runs once, and afterwards every report rollup
// equals what `fresco rollups rebuild` computes from the rows.
func TestThreeReplicasRunEachJobOnce(t *testing.T) {
	t.Parallel()
	bin, dbURL, token, db := sharedDatabase(t)
	recv := newReceiver(t, "whsec_three_replicas_0123456789")
	// The subscription exists before the other replicas start (each caches
	// the list for a second).
	first := startServer(t, bin, "replica 1", dbURL)
	recv.subscribe(first, token)
	replicas := []*server{first, startServer(t, bin, "replica 2", dbURL), startServer(t, bin, "replica 3", dbURL)}

	sources := []string{"radio", "friend", "web"}
	var customers []int64
	for i := range 6 {
		var c struct{ ID int64 }
		replicas[i%3].must(token, "POST", "/api/v1/customers", map[string]any{"name": fmt.Sprintf("Customer %d", i),
			"acquisition_source": sources[i%3]}, 201, &c)
		customers = append(customers, c.ID)
	}

	// Responses over four months (the monthly rollups) with CSAT and item
	// answers (the driver rollup), and purchases, some refunds, for the
	// same few customers from all replicas at once (the acquisition
	// rollup's shards).
	const n = 60
	start := time.Now().UTC().AddDate(0, -5, 0)
	inParallel(n, func(i int) bool {
		srv, customer := replicas[i%3], customers[i%len(customers)]
		at := start.Add(time.Duration(i) * 53 * time.Hour)
		body := map[string]any{"external_id": fmt.Sprintf("r-%d", i), "customer_id": customer, "responded_at": at,
			"answers": []map[string]any{{"type": "nps", "score": 0}, {"type": "csat", "score": 3 + i%3},
				{"type": "process_quality", "item": "empathy", "score": 1 + i%5}}}
		if i%3 == 2 {
			body = map[string]any{"external_id": fmt.Sprintf("r-%d", i), "listening_post": "complaint", "customer_id": customer,
				"responded_at": at, "comment": "The soup was cold and the waiter was rude."}
		}
		quantity := 1
		if i%7 == 6 {
			quantity = -1 // a refund
		}
		return srv.post(token, "/api/v1/responses", body) && srv.post(token, "/api/v1/purchases", map[string]any{
			"customer_id": customer, "purchased_at": at,
			"lines": []map[string]any{{"sku": "SOUP", "quantity": quantity, "unit_price": "7.50"}}})
	})
	if t.Failed() {
		return
	}

	expected := expectedEvents(t, db)
	if len(expected) != 2*n {
		t.Fatalf("%d events expected from the stored responses, want %d", len(expected), 2*n)
	}
	waitFor(t, "every job done and every webhook received", 40*time.Second, func() (bool, string) {
		var pending int
		if err := db.QueryRow(t.Context(), `SELECT COUNT(*) FROM jobs WHERE status <> 'done' AND run_at <= ?`,
			time.Now()).Scan(&pending); err != nil {
			t.Fatal(err)
		}
		missing := recv.missing(expected)
		return pending == 0 && len(missing) == 0, fmt.Sprintf("%d due jobs not done (%s), %d webhooks missing",
			pending, notDone(t, db), len(missing))
	})

	// Every job that ran was claimed once: a second claim would have
	// counted a second attempt.
	rows, err := db.Query(t.Context(), `SELECT kind, COUNT(*), MAX(attempts) FROM jobs WHERE status = 'done' GROUP BY kind ORDER BY kind`)
	if err != nil {
		t.Fatal(err)
	}
	ran := map[string]int{}
	for rows.Next() {
		var kind string
		var count, attempts int
		if err := rows.Scan(&kind, &count, &attempts); err != nil {
			t.Fatal(err)
		}
		ran[kind] = count
		if attempts != 1 {
			t.Errorf("a %s job was claimed %d times, want once", kind, attempts)
		}
	}
	rows.Close()
	// Periodic jobs: one per schedule and slot (its run_at), though three
	// replicas enqueued each slot; the refit is daily, so exactly one ran.
	var periodic, slots int
	if err := db.QueryRow(t.Context(), `SELECT COUNT(*), COUNT(DISTINCT (kind, run_at)) FROM jobs WHERE unique_key LIKE kind || ':%'`).
		Scan(&periodic, &slots); err != nil {
		t.Fatal(err)
	}
	if periodic < 5 || periodic != slots {
		t.Errorf("%d periodic jobs for %d slots, want one per slot (and at least the five schedules)", periodic, slots)
	}
	if ran[value.RefitKind] != 1 {
		t.Errorf("the daily refit ran %d times, want once", ran[value.RefitKind])
	}
	// One delivery per event, one follow-up per response, one case per complaint.
	var deliveries, followUps, cases int
	if err := db.QueryRow(t.Context(), `SELECT (SELECT COUNT(*) FROM webhook_deliveries), (SELECT COUNT(*) FROM follow_ups),
		(SELECT COUNT(*) FROM recovery_cases WHERE source = 'complaint')`).Scan(&deliveries, &followUps, &cases); err != nil {
		t.Fatal(err)
	}
	if deliveries != len(expected) || followUps != n || cases != n/3 {
		t.Errorf("%d deliveries for %d events, %d follow-ups for %d responses, %d cases for %d complaints: want one each",
			deliveries, len(expected), followUps, n, cases, n/3)
	}
	recv.check(t, expected)

	// The rollups, kept by triggers in each writing transaction on
	// whichever replica, equal a rebuild from the rows.
	checkRollupsEqualRebuild(t, db)
	t.Logf("%d responses and %d purchases through 3 replicas; jobs run: %v", n, n, ran)
}

// checkRollupsEqualRebuild fails t when a report rollup differs from what a
// rebuild (`fresco rollups rebuild`) would write.
func checkRollupsEqualRebuild(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := t.Context()
	for name, rows := range map[string]func(fromSource bool) (any, error){
		"feedback_score_daily":    func(b bool) (any, error) { return store.FeedbackRollupRows(ctx, db, b) },
		"feedback_score_monthly":  func(b bool) (any, error) { return store.FeedbackMonthlyRows(ctx, db, b) },
		"feedback_driver_monthly": func(b bool) (any, error) { return store.FeedbackDriverRows(ctx, db, b) },
		"acquisition_rollup":      func(b bool) (any, error) { return store.AcquisitionRollupRows(ctx, db, b) },
	} {
		kept, err := rows(false)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		rebuilt, err := rows(true)
		if err != nil {
			t.Fatalf("%s rebuilt: %v", name, err)
		}
		if reflect.ValueOf(kept).Len() == 0 {
			t.Errorf("%s is empty: the load did not exercise it", name)
		}
		if !reflect.DeepEqual(kept, rebuilt) {
			t.Errorf("%s as kept by the triggers differs from a rebuild:\nkept    %+v\nrebuilt %+v", name, kept, rebuilt)
		}
	}
}
