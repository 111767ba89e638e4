package demo

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// dump reads a table's rows as engine-neutral text: booleans as 0/1, times
// in UTC to the microsecond, bytes as text.
func dump(t *testing.T, db *store.DB, q string) []string {
	t.Helper()
	rows := query(t, db, q)
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		scan(t, rows, ptrs...)
		var b strings.Builder
		for _, v := range vals {
			switch x := v.(type) {
			case bool:
				v = map[bool]int{false: 0, true: 1}[x]
			case []byte:
				v = string(x)
			case time.Time:
				v = x.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano)
			}
			fmt.Fprintf(&b, "%v|", v)
		}
		out = append(out, b.String())
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// The same seed gives the same business on SQLite and on PostgreSQL, row for
// row: the demo a team evaluates on one engine is the one they move to.
func TestSameSeedSameBusinessOnEveryEngine(t *testing.T) {
	t.Parallel()
	engines := storetest.Engines()
	if len(engines) < 2 {
		t.Skip("FRESCO_TEST_POSTGRES_URL is not set")
	}
	tables := []string{
		`SELECT id, name, timezone FROM locations ORDER BY id`,
		`SELECT id, email, role, COALESCE(location_id, 0), COALESCE(team_id, 0), active FROM employees ORDER BY id`,
		`SELECT id, sku, category, list_price, unit_cost FROM products ORDER BY id`,
		`SELECT id, external_id, name, email, consent_surveys, consent_marketing, acquisition_source,
			COALESCE(referred_by, 0), first_seen, tags FROM customers ORDER BY id`,
		`SELECT id, external_id, COALESCE(customer_id, 0), purchased_at, channel, promotion_code, total, items FROM purchases ORDER BY id`,
		`SELECT purchase_id, line_no, product_id, quantity, unit_price, discount FROM purchase_lines ORDER BY purchase_id, line_no`,
		`SELECT period_start, channel, amount FROM marketing_spend ORDER BY id`,
		`SELECT id, post_id, COALESCE(customer_id, 0), responded_at, COALESCE(nps, -1), COALESCE(csat, -1), comment FROM responses ORDER BY id`,
		`SELECT id, customer_id, status, owner_id, opened_at, summary FROM recovery_cases ORDER BY id`,
		`SELECT c.id, c.consent_referral, k.code, k.created_at FROM referral_codes k JOIN customers c ON c.id = k.customer_id ORDER BY k.id`,
	}
	opts := Options{Seed: 11, Customers: 150, Years: 1, End: testEnd}
	var first [][]string
	for _, eng := range engines {
		db := storetest.Open(t, eng.URL(t))
		if _, err := Generate(context.Background(), db, opts); err != nil {
			t.Fatalf("%s: %v", eng.Name, err)
		}
		var got [][]string
		for _, q := range tables {
			got = append(got, dump(t, db, q))
		}
		if first == nil {
			first = got
			continue
		}
		for i, q := range tables {
			a, b := first[i], got[i]
			if len(a) != len(b) {
				t.Errorf("%s: %d rows on %s, %d on %s", q, len(a), engines[0].Name, len(b), eng.Name)
				continue
			}
			for j := range a {
				if a[j] != b[j] {
					t.Errorf("%s\nrow %d:\n%s: %s\n%s: %s", q, j, engines[0].Name, a[j], eng.Name, b[j])
					break
				}
			}
		}
	}
}

// Every generated record points at records that exist and agree with each
// other, for several seeds: purchases at their customer's and server's
// location, feedback about the customer's own purchase, cases owned by staff
// who may own them, referrals to earlier customers.
func TestReferentialIntegrityAcrossSeeds(t *testing.T) {
	t.Parallel()
	checks := []struct{ what, q string }{
		{"purchases of a missing customer", `SELECT COUNT(*) FROM purchases p WHERE p.customer_id IS NOT NULL
			AND NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = p.customer_id)`},
		{"purchases served by someone from another location", `SELECT COUNT(*) FROM purchases p JOIN employees e ON e.id = p.served_by
			WHERE e.location_id IS NOT NULL AND e.location_id <> p.location_id`},
		{"purchases without lines", `SELECT COUNT(*) FROM purchases p WHERE NOT EXISTS (SELECT 1 FROM purchase_lines l WHERE l.purchase_id = p.id)`},
		{"purchase totals that disagree with their lines", `SELECT COUNT(*) FROM purchases p
			WHERE p.total <> (SELECT SUM(l.unit_price * l.quantity - l.discount) FROM purchase_lines l WHERE l.purchase_id = p.id)`},
		{"lines of an unknown product", `SELECT COUNT(*) FROM purchase_lines l WHERE NOT EXISTS (SELECT 1 FROM products p WHERE p.id = l.product_id)`},
		{"responses about another customer's purchase", `SELECT COUNT(*) FROM responses r JOIN purchases p ON p.id = r.purchase_id
			WHERE r.customer_id IS NOT NULL AND p.customer_id <> r.customer_id`},
		{"responses before their purchase", `SELECT COUNT(*) FROM responses r JOIN purchases p ON p.id = r.purchase_id
			WHERE r.responded_at < p.purchased_at`},
		{"scores out of range", `SELECT COUNT(*) FROM responses WHERE nps NOT BETWEEN 0 AND 10 OR csat NOT BETWEEN 1 AND 5 OR ces NOT BETWEEN 1 AND 7`},
		{"cases about another customer's purchase", `SELECT COUNT(*) FROM recovery_cases c JOIN purchases p ON p.id = c.purchase_id
			WHERE p.customer_id <> c.customer_id`},
		{"cases owned by an analyst or nobody active", `SELECT COUNT(*) FROM recovery_cases c JOIN employees e ON e.id = c.owner_id
			WHERE e.role = 'analyst' OR NOT e.active`},
		{"cases without their opening event", `SELECT COUNT(*) FROM recovery_cases c
			WHERE NOT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.kind = 'opened')`},
		{"closed cases without a root cause", `SELECT COUNT(*) FROM recovery_cases WHERE status = 'closed' AND (root_cause_category = '' OR root_cause_source = '')`},
		{"referrals to later customers", `SELECT COUNT(*) FROM customers c JOIN customers r ON r.id = c.referred_by WHERE r.first_seen > c.first_seen`},
		{"self-referrals", `SELECT COUNT(*) FROM customers WHERE referred_by = id`},
		{"referral codes of customers who did not agree", `SELECT COUNT(*) FROM referral_codes k JOIN customers c ON c.id = k.customer_id
			WHERE NOT c.consent_referral OR k.revoked_at IS NOT NULL`},
		{"customers agreeing to a link without one", `SELECT COUNT(*) FROM customers c WHERE c.consent_referral
			AND NOT EXISTS (SELECT 1 FROM referral_codes k WHERE k.customer_id = c.id)`},
		{"referrals by a code's owner from before the code", `SELECT COUNT(*) FROM customers c JOIN referral_codes k ON k.customer_id = c.referred_by
			WHERE c.first_seen < k.created_at`},
		{"codes of customers not yet customers", `SELECT COUNT(*) FROM referral_codes k JOIN customers c ON c.id = k.customer_id
			WHERE k.created_at < c.first_seen`},
		{"references to missing rows (SQLite's foreign key check)", `SELECT COUNT(*) FROM pragma_foreign_key_check`},
		{"employees in a team of another location", `SELECT COUNT(*) FROM employees e JOIN teams t ON t.id = e.team_id
			WHERE t.location_id IS NOT NULL AND e.location_id <> t.location_id`},
	}
	for _, seed := range []int64{2, 5, 9} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, storetest.SQLiteURL(t))
			s, err := Generate(context.Background(), db, Options{Seed: seed, Customers: 200, Years: 1, End: testEnd})
			if err != nil {
				t.Fatal(err)
			}
			if s.Responses == 0 || s.Cases == 0 || s.Referred == 0 {
				t.Fatalf("seed %d made too little to check: %+v", seed, s)
			}
			for _, c := range checks {
				if n := count(t, db, c.q); n != 0 {
					t.Errorf("%d %s", n, c.what)
				}
			}
			// A few promoters have a referral link, and customers came
			// through it.
			codes := dump(t, db, `SELECT customer_id FROM referral_codes ORDER BY id`)
			if len(codes) == 0 || len(codes) > demoReferralPromoters {
				t.Errorf("%d referral codes, want 1 to %d", len(codes), demoReferralPromoters)
			}
			for _, owner := range codes {
				var id int64
				fmt.Sscanf(owner, "%d|", &id)
				if nps, err := db.LastNPS(context.Background(), id); err != nil || nps == nil || *nps < 9 {
					t.Errorf("customer %d has a code, last recommend answer %v (%v)", id, nps, err)
				}
			}
			if n := count(t, db, `SELECT COUNT(*) FROM customers c JOIN referral_codes k ON k.customer_id = c.referred_by`); n < len(codes) {
				t.Errorf("%d customers came through %d codes", n, len(codes))
			}
			// The summary is what was stored.
			sizes := []struct {
				what string
				got  int
				want int
			}{
				{"responses", count(t, db, `SELECT COUNT(*) FROM responses`), s.Responses},
				{"cases", count(t, db, `SELECT COUNT(*) FROM recovery_cases`), s.Cases},
				{"referred", count(t, db, `SELECT COUNT(*) FROM customers WHERE referred_by IS NOT NULL`), s.Referred},
				{"revenue", count(t, db, `SELECT COALESCE(SUM(total), 0) FROM purchases`), int(s.Revenue)},
				{"marketing spend", count(t, db, `SELECT COALESCE(SUM(amount), 0) FROM marketing_spend`), int(s.MarketingSpend)},
				{"teams", count(t, db, `SELECT COUNT(*) FROM teams`), s.Teams},
			}
			for _, sz := range sizes {
				if sz.got != sz.want {
					t.Errorf("%s: %d stored, summary says %d", sz.what, sz.got, sz.want)
				}
			}
		})
	}
}

// The number of customers asked for is what is made, at the small end too,
// and the segments always add up to it.
func TestCustomerCountsAndSegments(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, 7, 64} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, storetest.SQLiteURL(t))
			s, err := Generate(context.Background(), db, Options{Seed: 4, Customers: n, Years: 1, End: testEnd})
			if err != nil {
				t.Fatal(err)
			}
			total := 0
			for _, seg := range s.Segments {
				if seg.Customers < 0 || seg.Name == "" {
					t.Errorf("segment %+v", seg)
				}
				total += seg.Customers
			}
			if s.Customers != n || total != n || count(t, db, `SELECT COUNT(*) FROM customers`) != n {
				t.Errorf("asked for %d customers: summary %d, segments %d, stored %d", n, s.Customers, total,
					count(t, db, `SELECT COUNT(*) FROM customers`))
			}
			if s.Locations != 4 || s.Employees < 24 || s.Employees > 24+demoReplacements || s.Products != 40 {
				t.Errorf("the organisation does not depend on the customers: %+v", s)
			}
		})
	}
}

// The bulk load drops indexes and triggers and turns foreign key checks
// off while it runs; a finished demo has every index and trigger the
// migrations define, as written, and checks references again.
func TestDemoLeavesTheSchemaAsMigrated(t *testing.T) {
	t.Parallel()
	fresh := storetest.Open(t, storetest.SQLiteURL(t))
	db := storetest.Open(t, storetest.SQLiteURL(t))
	if _, err := Generate(context.Background(), db, Options{Seed: 4, Customers: 100, Years: 1, End: testEnd}); err != nil {
		t.Fatal(err)
	}
	schema := `SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') ORDER BY type, name`
	want, got := dump(t, fresh, schema), dump(t, db, schema)
	if !slices.Equal(got, want) {
		t.Fatalf("after the demo %d indexes and triggers, freshly migrated %d; first missing: %v", len(got), len(want), firstMissing(want, got))
	}
	if _, err := db.Exec(context.Background(), `INSERT INTO purchases (customer_id, purchased_at, total, items, created_at) VALUES (99999999, '2025-01-01', 1, 1, '2025-01-01')`); err == nil {
		t.Fatal("a purchase of a missing customer was stored after the demo")
	}
}

func firstMissing(want, got []string) string {
	for _, w := range want {
		if !slices.Contains(got, w) {
			return w
		}
	}
	return ""
}
