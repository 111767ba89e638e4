package portable_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/demo"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/portable"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// demoDB is a small generated business: every table the export covers has
// rows (cases, responses, referrals, merged cases are made below).
func demoDB(t *testing.T) *store.DB {
	t.Helper()
	db := storetest.Open(t, storetest.SQLiteURL(t))
	_, err := demo.Generate(context.Background(), db, demo.Options{Seed: 7, Customers: 300,
		End: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), PasswordHash: "not-exported"})
	if err != nil {
		t.Fatal(err)
	}
	// A referral that points at a later customer needs the second pass.
	if _, err := db.Exec(context.Background(), `UPDATE customers SET referred_by = (SELECT MAX(id) FROM customers) WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	// What the daily jobs claim once sent; the demo does not run them.
	for _, q := range []string{
		`INSERT INTO goal_digests (week, notifications, sent_at) VALUES ('2026-W21', 3, '2026-05-25 07:00:00')`,
		`INSERT INTO mediocrity_alerts (unit_kind, unit_id, period, figures, created_at) VALUES ('team', 1, '2026-Q1', '{"turnover":0.4}', '2026-04-02 06:00:00'), ('location', 1, '2026-Q1', '{}', '2026-04-02 06:00:00')`,
		// An imported event log, one event without a time.
		`INSERT INTO event_logs (id, name, source, format, cases, events, activities, starts_at, ends_at, imported_by, imported_at)
			VALUES (1, 'claims', 'claims.xes', 'xes', 1, 2, 2, '2026-05-01 09:00:00', '2026-05-01 09:00:00', 'cli', '2026-05-02 10:00:00')`,
		`INSERT INTO event_log_cases (log_id, case_no, name) VALUES (1, 0, 'c1')`,
		`INSERT INTO event_log_attributes (log_id, case_no, name, value) VALUES (1, 0, 'region', 'north')`,
		`INSERT INTO event_log_events (log_id, seq, case_no, activity, at, resource, role, lifecycle)
			VALUES (1, 0, 0, 'Register', '2026-05-01 09:00:00', 'Pat', 'clerk', 'complete'), (1, 1, 0, 'Decide', NULL, '', '', '')`,
	} {
		if _, err := db.Exec(context.Background(), q); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

func export(t *testing.T, db *store.DB, format portable.Format) (string, *portable.Manifest) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "export")
	m, err := portable.Export(context.Background(), db, dir, format)
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	return dir, m
}

// An export restored on either engine exports again to the same files.
func TestExportImportRoundTrip(t *testing.T) {
	source := demoDB(t)
	for _, format := range []portable.Format{portable.CSV, portable.JSON} {
		dir, m := export(t, source, format)
		for _, table := range []string{"customers", "purchases", "purchase_lines", "responses", "response_answers", "recovery_cases", "case_events", "employees",
			"exit_reasons", "employment_spells", "employee_trainings", "rewards", "nominations", "goals", "goal_digests", "mediocrity_alerts",
			"event_logs", "event_log_cases", "event_log_attributes", "event_log_events",
			"process_maps", "process_map_versions", "process_map_fail_points"} {
			if m.Rows[table] == 0 {
				t.Errorf("%s export has no %s: the round trip would prove little", format, table)
			}
		}
		for _, eng := range storetest.Engines() {
			t.Run(string(format)+"/"+eng.Name, func(t *testing.T) {
				target := storetest.Open(t, eng.URL(t))
				if _, err := portable.Import(context.Background(), target, dir); err != nil {
					t.Fatalf("import: %v", err)
				}
				again, m2 := export(t, target, format)
				for table, n := range m.Rows {
					if m2.Rows[table] != n {
						t.Errorf("%s: %d rows exported, %d after the round trip", table, n, m2.Rows[table])
					}
				}
				sameFiles(t, dir, again)
				// New records get fresh ids after an import.
				c := &fresco.Customer{Name: "After import"}
				if err := target.CreateCustomer(context.Background(), c); err != nil {
					t.Fatalf("create after import: %v", err)
				}
				if c.ID <= m.Rows["customers"] {
					t.Errorf("new customer got id %d, not past the imported %d", c.ID, m.Rows["customers"])
				}
			})
		}
	}
}

func sameFiles(t *testing.T, a, b string) {
	t.Helper()
	entries, err := os.ReadDir(a)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() == "manifest.json" {
			continue
		}
		x, _ := os.ReadFile(filepath.Join(a, e.Name()))
		y, err := os.ReadFile(filepath.Join(b, e.Name()))
		if err != nil {
			t.Errorf("%s missing after the round trip", e.Name())
			continue
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs after the round trip:\n%s", e.Name(), firstDifference(x, y))
		}
	}
}

func firstDifference(x, y []byte) string {
	xl, yl := strings.Split(string(x), "\n"), strings.Split(string(y), "\n")
	for i := range min(len(xl), len(yl)) {
		if xl[i] != yl[i] {
			return "before: " + xl[i] + "\nafter:  " + yl[i]
		}
	}
	return "different lengths"
}

func TestExportKeepsSecretsIn(t *testing.T) {
	db := demoDB(t)
	if _, err := db.EnsureSetting(context.Background(), "feedback.link_key", "secret-key-material"); err != nil {
		t.Fatal(err)
	}
	dir, _ := export(t, db, portable.CSV)
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		for _, secret := range []string{"not-exported", "secret-key-material"} {
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("%s contains the secret %q", e.Name(), secret)
			}
		}
		for _, never := range []string{"api_tokens", "sessions", "webhook_subscriptions", "jobs", "pulse_respondents"} {
			if strings.HasPrefix(e.Name(), never+".") {
				t.Errorf("%s exported", e.Name())
			}
		}
	}
}

func TestImportRefusesDataAndBadFiles(t *testing.T) {
	db := demoDB(t)
	dir, _ := export(t, db, portable.CSV)
	if _, err := portable.Import(context.Background(), db, dir); fresco.ErrorCode(err) != fresco.ECONFLICT {
		t.Errorf("import over data: %v, want a conflict", err)
	}

	path := filepath.Join(dir, "purchase_lines.csv")
	b, _ := os.ReadFile(path)
	lines := strings.Split(string(b), "\n")
	fields := strings.Split(lines[3], ",")
	fields[0] = "three"
	lines[3] = strings.Join(fields, ",")
	os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o600)

	target := storetest.Open(t, storetest.SQLiteURL(t))
	_, err := portable.Import(context.Background(), target, dir)
	if err == nil || !strings.Contains(err.Error(), "purchase_lines.csv line 4") || !strings.Contains(err.Error(), "column purchase_id") {
		t.Fatalf("bad line: %v, want it named by file, line and column", err)
	}
	var n int
	target.QueryRow(context.Background(), `SELECT COUNT(*) FROM customers`).Scan(&n)
	if n != 0 {
		t.Errorf("a failed import left %d customers behind", n)
	}
	if _, err := portable.Import(context.Background(), target, t.TempDir()); err == nil {
		t.Error("a folder without a manifest was imported")
	}
}

// TestExportPulsesWithoutEmployees: the staff pulse moves with the
// business, its answers with their unit and nothing that names or dates
// the answerer, and who answered stays behind.
func TestExportPulsesWithoutEmployees(t *testing.T) {
	db := demoDB(t)
	dir, m := export(t, db, portable.CSV)
	for _, table := range []string{"pulses", "pulse_responses", "pulse_answers", "pulse_question_sets"} {
		if m.Rows[table] == 0 {
			t.Errorf("%s: no rows exported from a demo with pulses", table)
		}
	}
	for _, table := range []string{"pulse_responses", "pulse_answers"} {
		b, err := os.ReadFile(filepath.Join(dir, table+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		header, _, _ := strings.Cut(string(b), "\n")
		for _, col := range []string{"employee", "created", "_at", "answered"} {
			if strings.Contains(header, col) {
				t.Errorf("%s exports %q: %s", table, col, header)
			}
		}
	}
	if _, ok := m.Rows["pulse_respondents"]; ok {
		t.Error("pulse_respondents exported")
	}
}

// notExported are the tables an export leaves behind on purpose, each with
// why; every other table of the schema must be in the export.
var notExported = map[string]string{
	"api_tokens": "secret", "sessions": "secret", "webhook_subscriptions": "receivers hold the secrets",
	"webhook_deliveries": "delivery log", "webhook_attempts": "delivery log", "notifications": "notification log",
	"jobs": "job queue", "idempotency_keys": "replay guard", "login_failures": "login counter",
	"pulse_respondents": "would say whose a small team's answers are",
	"clv_fits":          "recomputed", "customer_value": "recomputed", "customer_purchase_summary": "recomputed",
	"acquisition_customer": "recomputed", "acquisition_rollup": "recomputed", "rollups_deferred": "recomputed",
	"baseline_customer_month": "recomputed", "baseline_month": "recomputed", "baseline_deferred": "recomputed",
	"feedback_score_daily": "recomputed", "feedback_score_monthly": "recomputed", "feedback_delay_daily": "recomputed",
	"feedback_delay_monthly": "recomputed", "feedback_driver_monthly": "recomputed", "process_marks": "recomputed",
	"value_answers": "recomputed", "acquisition_daily": "recomputed", "acquisition_edits": "cache counter",
	"satisfied_leaving": "recomputed", "suggestion_models": "recomputed", "satisfied_leaving_state": "recomputed", "report_snapshots": "recomputed",
	"response_vectors": "recomputed from the comment (and gone with it on erasure)",
}

// TestEveryTableExportedOrExcused fails when a migration adds a table that
// neither the export carries nor notExported explains.
func TestEveryTableExportedOrExcused(t *testing.T) {
	db := storetest.Open(t, storetest.SQLiteURL(t))
	_, m := export(t, db, portable.CSV)
	rows, err := db.Query(context.Background(), `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'goose_db_version'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		n++
		_, exported := m.Rows[name]
		_, excused := notExported[name]
		switch {
		case exported && excused:
			t.Errorf("%s is exported and listed as not exported", name)
		case !exported && !excused:
			t.Errorf("%s is neither exported nor listed in notExported with a reason", name)
		}
	}
	if n < len(m.Rows) {
		t.Errorf("%d tables in the schema, %d exported", n, len(m.Rows))
	}
}
