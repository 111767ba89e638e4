package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// The next best actions across customers read each kind's candidates from
// an index, in order, up to a limit: never every customer, every
// lifetime-value row or every response. At a million customers a scan of
// any of those tables is what would make the list slow.
func TestNextActionCandidatesReadByIndex(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		at := time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC)
		for _, tc := range []struct {
			name, query string
			args        []any
			sqliteIndex string // the index SQLite must use
			scans       []string
		}{
			{"slipping regulars", store.SlippingRegularsQuery, []any{0.5, 0.05, 150}, "customer_value_slipping",
				[]string{"SCAN customer_value", "Seq Scan on customer_value"}},
			{"regulars last buying", store.RegularsLastBuyingQuery, []any{at.AddDate(0, -6, 0), at, 150}, "customer_purchase_summary_regulars",
				[]string{"SCAN customer_purchase_summary", "Seq Scan on customer_purchase_summary"}},
			{"visit milestones", store.VisitCountQuery, []any{10, at.AddDate(0, -1, 0), 150}, "customer_purchase_summary_visits",
				[]string{"SCAN customer_purchase_summary", "Seq Scan on customer_purchase_summary"}},
			{"anniversaries", store.FirstBoughtQuery, []any{at.AddDate(-1, 0, -14), at.AddDate(-1, 0, 7), 150}, "customer_purchase_summary_first_positive",
				[]string{"SCAN customer_purchase_summary", "Seq Scan on customer_purchase_summary"}},
			// Several anniversaries and visit counts are one statement,
			// each run a subquery that keeps its own plan.
			{"visit milestones at once", store.EachLimitedQuery(store.VisitCountQuery, 2), []any{10, at.AddDate(0, -1, 0), 150, 25, at.AddDate(0, -1, 0), 150},
				"customer_purchase_summary_visits", []string{"SCAN customer_purchase_summary", "Seq Scan on customer_purchase_summary"}},
			{"anniversaries at once", store.EachLimitedQuery(store.FirstBoughtQuery, 2),
				[]any{at.AddDate(-1, 0, -14), at.AddDate(-1, 0, 7), 150, at.AddDate(-2, 0, -14), at.AddDate(-2, 0, 7), 150},
				"customer_purchase_summary_first_positive", []string{"SCAN customer_purchase_summary", "Seq Scan on customer_purchase_summary"}},
			{"promoters", store.RecentPromotersQuery, []any{at.AddDate(-1, 0, 0), 150}, "responses_at",
				[]string{"SCAN r\n", "Seq Scan on responses", "SCAN c\n", "Seq Scan on customers"}},
			{"open cases with a return", store.OpenCaseReturnersQuery, []any{150}, "(status=?)", // the open cases only, few beside all cases
				[]string{"SCAN c\n", "Seq Scan on recovery_cases", "SCAN p\n", "Seq Scan on purchases"}},
		} {
			plan := explainAvoidingScans(t, db, tc.query, tc.args...) + "\n"
			for _, bad := range tc.scans {
				if strings.Contains(plan, bad) {
					t.Errorf("%s: the plan scans (%q):\n%s", tc.name, strings.TrimSpace(bad), plan)
				}
			}
			if db.Dialect() == store.SQLite && !strings.Contains(plan, tc.sqliteIndex) {
				t.Errorf("%s: not read through %s:\n%s", tc.name, tc.sqliteIndex, plan)
			}
		}
	})
}
