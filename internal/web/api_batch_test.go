package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// An Idempotency-Key belongs to the caller who sent it: another caller with
// the same key gets its own run, never the first caller's stored response.
func TestIdempotencyKeyIsPerCaller(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		body := `{"purchases":[{"external_id":"k1","purchased_at":"2024-05-01T10:00:00Z","lines":[{"sku":"X","quantity":1,"unit_price":"1"}]}]}`
		key := http.Header{"Idempotency-Key": {"shared-key"}}
		first := f.do(request{method: "POST", path: "/api/v1/purchases:batch", role: agent, body: body, header: key})
		if first.Code != 200 || !strings.Contains(string(first.Body), `"created":1`) {
			t.Fatalf("first caller = %s", first)
		}
		other := f.do(request{method: "POST", path: "/api/v1/purchases:batch", role: fresco.RoleManager, body: body, header: key})
		if other.Code != 200 || other.Header.Get("Idempotent-Replayed") != "" || !strings.Contains(string(other.Body), `"updated":1`) {
			t.Fatalf("second caller with the same key = %s %v, want its own run", other, other.Header)
		}
		// The second caller's different body is not refused as a reuse of the first's key.
		changed := strings.Replace(body, `"1"}`, `"2"}`, 1)
		third := f.do(request{method: "POST", path: "/api/v1/purchases:batch", role: fresco.RoleOwner, body: changed, header: key})
		if third.Code != 200 {
			t.Fatalf("third caller = %s", third)
		}
		again := f.do(request{method: "POST", path: "/api/v1/purchases:batch", role: agent, body: body, header: key})
		if again.Header.Get("Idempotent-Replayed") != "true" || string(again.Body) != string(first.Body) {
			t.Errorf("the first caller's replay = %s %v", again, again.Header)
		}
	})
}

// A line must say its price: the batch's fast path once stored a line
// without unit_price at 0.
func TestBatchLineWithoutPrice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		body := `{"purchases":[{"external_id":"np1","purchased_at":"2024-05-01T10:00:00Z","lines":[{"sku":"X","quantity":1}]},` +
			`{"external_id":"np2","purchased_at":"2024-05-01T10:00:00Z","lines":[{"sku":"X","quantity":1,"unit_price":"0"}]}]}`
		res := f.do(request{method: "POST", path: "/api/v1/purchases:batch", role: agent, body: body})
		var out struct {
			Created, Rejected int
			Results           []struct {
				Status string
				Errors []struct{ Field, Message string }
			}
		}
		if err := json.Unmarshal(res.Body, &out); err != nil || res.Code != 200 {
			t.Fatalf("batch = %s (%v)", res, err)
		}
		if out.Created != 1 || out.Rejected != 1 || out.Results[0].Status != "rejected" || len(out.Results[0].Errors) != 1 ||
			out.Results[0].Errors[0].Field != "lines[0].unit_price" {
			t.Errorf("batch = %s", res.Body)
		}
	})
}

// Concurrent retries of one batch without external ids under one key store
// it once (they used to store it once per retry); the others get the first
// answer replayed.
func TestBatchRetriesStoreOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		var b strings.Builder
		b.WriteString(`{"purchases":[`)
		for i := range 200 {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(`{"purchased_at":"2024-05-01T10:00:00Z","lines":[{"sku":"X","quantity":1,"unit_price":"1.00"}]}`)
		}
		b.WriteString(`]}`)
		key := http.Header{"Idempotency-Key": {"retry-me"}}
		responses := make([]*response, 4)
		var wg sync.WaitGroup
		for i := range responses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				responses[i] = f.do(request{method: "POST", path: "/api/v1/purchases:batch", role: agent, body: b.String(), header: key})
			}()
		}
		wg.Wait()
		replayed := 0
		for _, res := range responses {
			if res.Code != 200 || !strings.Contains(string(res.Body), `"created":200`) {
				t.Fatalf("retry = %s", res)
			}
			if res.Header.Get("Idempotent-Replayed") == "true" {
				replayed++
			}
		}
		var n int
		if err := db.QueryRow(t.Context(), `SELECT COUNT(*) FROM purchases`).Scan(&n); err != nil || n != 200 {
			t.Fatalf("%d purchases stored (%v), want 200", n, err)
		}
		if replayed != 3 {
			t.Errorf("%d answers replayed, want 3", replayed)
		}
	})
}
