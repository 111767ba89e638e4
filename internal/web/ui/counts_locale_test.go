package ui_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestCountsUseTheBusinessLocale: a list's count is grouped as the
// business writes numbers, not always the English way.
func TestCountsUseTheBusinessLocale(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		now := time.Now().UTC()
		// 1,234 customers in one statement: the count, not the rows, is under test.
		if _, err := db.Exec(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1234)
			INSERT INTO customers (name, first_seen, created_at, updated_at) SELECT 'Customer ' || i, ?, ?, ? FROM n`, now, now, now); err != nil {
			t.Fatal(err)
		}
		if res := f.do(fresco.RoleManager, "GET", "/customers", nil); !strings.Contains(res.body, `id="list-count">1,234 customers<`) {
			t.Fatalf("en-GB count lacks 1,234 customers")
		}
		for i, c := range []struct{ locale, want string }{{"de-DE", "1.234"}, {"fr-FR", "1\u202f234"}} {
			res := f.do(fresco.RoleOwner, "POST", "/settings", settingsForm(fmt.Sprint(i), map[string]string{"locale": c.locale, "time_zone": "UTC"}))
			if res.status != http.StatusSeeOther {
				t.Fatalf("save %s = %d", c.locale, res.status)
			}
			res = f.do(fresco.RoleManager, "GET", "/customers", nil)
			if !strings.Contains(res.body, `id="list-count">`+c.want+` customers<`) {
				t.Errorf("%s count is not %q", c.locale, c.want)
			}
		}
	})
}
