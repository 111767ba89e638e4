package portable_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/portable"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// figures are totals that erasure must not move.
func figures(t *testing.T, db *store.DB) [6]int64 {
	t.Helper()
	var f [6]int64
	err := db.QueryRow(context.Background(), `SELECT
		(SELECT COUNT(*) FROM customers), (SELECT COALESCE(SUM(total), 0) FROM purchases),
		(SELECT COUNT(*) FROM responses), (SELECT COALESCE(SUM(nps), 0) + COALESCE(SUM(csat), 0) FROM responses),
		(SELECT COUNT(*) FROM recovery_cases), (SELECT COUNT(*) FROM case_events)`).Scan(&f[0], &f[1], &f[2], &f[3], &f[4], &f[5])
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// A customer who is forgotten leaves no name, address or words behind, and
// every total stays as it was.
func TestEraseCustomer(t *testing.T) {
	ctx := context.Background()
	for _, eng := range storetest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			db := demoDB(t)
			if eng.Name == "postgres" { // the same business on PostgreSQL
				dir, _ := export(t, db, portable.CSV)
				db = storetest.Open(t, eng.URL(t))
				if _, err := portable.Import(ctx, db, dir); err != nil {
					t.Fatal(err)
				}
			}
			// The customer with the most to forget: a case and a comment.
			var id int64
			err := db.QueryRow(ctx, `SELECT c.customer_id FROM recovery_cases c
				JOIN responses r ON r.customer_id = c.customer_id AND r.comment <> ''
				GROUP BY c.customer_id ORDER BY COUNT(*) DESC, c.customer_id LIMIT 1`).Scan(&id)
			if err != nil {
				t.Fatalf("no customer with a case and a comment in the demo: %v", err)
			}
			before, err := portable.CustomerData(ctx, db, id)
			if err != nil {
				t.Fatal(err)
			}
			personal := personalStrings(before)
			if len(personal) < 3 {
				t.Fatalf("only %d personal strings to erase: %v", len(personal), personal)
			}
			totals := figures(t, db)

			e, err := portable.EraseCustomer(ctx, db, "employee:1", id)
			if err != nil {
				t.Fatal(err)
			}
			if e.Rows["responses"] == 0 || e.Rows["recovery_cases"] == 0 {
				t.Errorf("erasure touched %v", e.Rows)
			}
			// The answer names every table erasure looks in, even where it found nothing.
			for _, table := range []string{"email_messages", "case_messages", "case_attachments", "case_notifications",
				"feedback_uses", "audit_log", "jobs", "webhook_deliveries", "report_snapshots", "notifications"} {
				if _, ok := e.Rows[table]; !ok {
					t.Errorf("no %s in the erasure's rows %v", table, e.Rows)
				}
			}
			after, err := portable.CustomerData(ctx, db, id)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := json.Marshal(after)
			for _, s := range personal {
				if strings.Contains(string(raw), s) {
					t.Errorf("%q is still there after erasure", s)
				}
			}
			if after["customers"][0]["name"] != portable.ErasedName {
				t.Errorf("name after erasure %v", after["customers"][0]["name"])
			}
			if got := figures(t, db); got != totals {
				t.Errorf("totals moved: %v → %v", totals, got)
			}
			var audits int
			db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'erase' AND entity = 'customer' AND actor = 'employee:1'`).Scan(&audits)
			if audits != 1 {
				t.Errorf("%d audit records of the erasure", audits)
			}
			if _, err := portable.EraseCustomer(ctx, db, "employee:1", 999999); fresco.ErrorCode(err) != fresco.ENOTFOUND {
				t.Errorf("erase of a missing customer: %v", err)
			}
		})
	}
}

// personalStrings picks what identifies the customer or says what they or
// staff wrote: contact details, comments, case summaries, notes.
func personalStrings(data map[string][]map[string]any) []string {
	var out []string
	pick := func(table string, cols ...string) {
		for _, row := range data[table] {
			for _, c := range cols {
				if s, ok := row[c].(string); ok && len(s) > 3 {
					out = append(out, s)
				}
			}
		}
	}
	pick("customers", "name", "email", "phone", "address", "external_id")
	pick("responses", "comment")
	pick("response_answers", "text")
	pick("recovery_cases", "summary", "expectation")
	pick("gestures", "letter", "note")
	return out
}

// The customer's data holds the nominations they wrote, and only theirs;
// erasure blanks the words and keeps the nomination.
func TestCustomerDataHoldsTheirNominations(t *testing.T) {
	ctx := context.Background()
	for _, eng := range storetest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			db := storetest.Open(t, eng.URL(t))
			e := &fresco.Employee{Name: "Ana", Email: "ana@example.com", Role: fresco.RoleAgent}
			if err := db.CreateEmployee(ctx, e); err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, name := range []string{"Writer", "Other"} {
				c := &fresco.Customer{Name: name}
				if err := db.CreateCustomer(ctx, c); err != nil {
					t.Fatal(err)
				}
				ids = append(ids, c.ID)
			}
			err := db.InTx(ctx, func(tx *store.Tx) error {
				for i, id := range ids {
					n := &fresco.Nomination{NomineeID: e.ID, Source: fresco.NominationCustomer, CustomerID: &id,
						Reason: []string{"Ana found my lost parcel", "Someone else's words"}[i], CreatedBy: "token:1"}
					if err := tx.CreateNomination(ctx, n); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			data, err := portable.CustomerData(ctx, db, ids[0])
			if err != nil {
				t.Fatal(err)
			}
			got := data["nominations"]
			if len(got) != 1 || got[0]["reason"] != "Ana found my lost parcel" {
				t.Fatalf("nominations in the customer's data: %v", got)
			}
			if _, err := portable.EraseCustomer(ctx, db, "employee:1", ids[0]); err != nil {
				t.Fatal(err)
			}
			data, _ = portable.CustomerData(ctx, db, ids[0])
			if got := data["nominations"]; len(got) != 1 || got[0]["reason"] != "" {
				t.Errorf("nominations after erasure: %v", got)
			}
		})
	}
}
