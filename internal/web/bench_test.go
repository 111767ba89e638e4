package web_test

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/app/apptest"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// BenchmarkBatch10k posts a batch of 10,000 two-line purchases (new ones on
// the first iteration, updates after that) on each engine.
func BenchmarkBatch10k(b *testing.B) {
	for _, eng := range storetest.Engines() {
		b.Run(eng.Name, func(b *testing.B) {
			db := storetest.Open(b, eng.URL(b))
			srv := apptest.New(b, db).Server
			tok, _, err := srv.Auth().CreateAPIToken(b.Context(), "bench", fresco.RoleAgent)
			if err != nil {
				b.Fatal(err)
			}
			items := make([]string, 10000)
			for i := range items {
				items[i] = fmt.Sprintf(`{"external_id":"b%d","purchased_at":"2024-05-01T10:00:00Z","lines":[{"sku":"S%d","quantity":1,"unit_price":"9.99"},{"sku":"T","quantity":2,"unit_price":1.5}]}`, i, i%500)
			}
			body := `{"purchases":[` + strings.Join(items, ",") + `]}`
			b.SetBytes(int64(len(body)))
			b.ResetTimer()
			for b.Loop() {
				r := httptest.NewRequest("POST", "/api/v1/purchases:batch", strings.NewReader(body))
				r.Header.Set("Authorization", "Bearer "+tok)
				r.Header.Set("Content-Type", "application/json")
				w := httptest.NewRecorder()
				srv.ServeHTTP(w, r)
				if w.Code != 200 || strings.Contains(w.Body.String(), `"rejected":1`) {
					b.Fatalf("batch = %d %.300s", w.Code, w.Body)
				}
			}
		})
	}
}
