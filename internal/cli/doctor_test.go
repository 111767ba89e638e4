package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// Rows written before today's validation — a quantity of 2^63, a stale
// total, a NUL byte — are found, and repaired with --fix without touching the
// good purchase beside them.
func TestDoctorFindsAndRepairs(t *testing.T) {
	dir := t.TempDir()
	url := "sqlite:" + filepath.Join(dir, "f.db")
	ctx := context.Background()
	db, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	for _, ext := range []string{"good", "huge", "stale"} {
		p := &fresco.Purchase{ExternalID: ext, PurchasedAt: at, Lines: []fresco.PurchaseLine{{SKU: "X", Quantity: 2, UnitPrice: 150}}}
		if err := db.CreatePurchase(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	c := &fresco.Customer{Name: "Ada"}
	if err := db.CreateCustomer(ctx, c); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`UPDATE purchase_lines SET quantity = 9223372036854775807 WHERE purchase_id = (SELECT id FROM purchases WHERE external_id = 'huge')`,
		`UPDATE purchases SET total = 1 WHERE external_id = 'stale'`,
		`UPDATE customers SET name = 'Ada' || char(0) || 'L'`,
	} {
		if _, err := db.Exec(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	code, out, stderr := runCLI(t, nil, "", "doctor", "--db", url, "--json")
	if code != 1 || !strings.Contains(stderr, "3 problems found") {
		t.Fatalf("doctor: exit %d %q %q", code, out, stderr)
	}
	var report doctorReport
	if err := json.Unmarshal([]byte(out), &report); err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, f := range report.Findings {
		counts[f.Check] = f.Count
	}
	if counts["purchase_amounts"] != 1 || counts["purchase_totals"] != 1 || counts["customers_nul"] != 1 {
		t.Fatalf("findings %v", counts)
	}

	quarantine := filepath.Join(dir, "q.jsonl")
	if code, out, stderr := runCLI(t, nil, "", "doctor", "--db", url, "--fix", "--quarantine", quarantine); code != 0 || !strings.Contains(out, "1 purchases quarantined") {
		t.Fatalf("doctor --fix: exit %d %q %q", code, out, stderr)
	}
	if b, err := os.ReadFile(quarantine); err != nil || !strings.Contains(string(b), `"quantity":9223372036854775807`) {
		t.Errorf("quarantine file %q (%v)", b, err)
	}
	if code, out, stderr := runCLI(t, nil, "", "doctor", "--db", url); code != 0 {
		t.Errorf("doctor after --fix: exit %d %q %q", code, out, stderr)
	}
	db, err = store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for ext, want := range map[string]fresco.Money{"good": 300, "stale": 300} {
		p, err := db.PurchaseByExternalID(ctx, ext)
		if err != nil || p.Total() != want {
			t.Errorf("%s after repair: %v %v", ext, p, err)
		}
		var stored int64
		db.QueryRow(ctx, `SELECT total FROM purchases WHERE external_id = ?`, ext).Scan(&stored)
		if stored != int64(want) {
			t.Errorf("%s stored total %d, want %d", ext, stored, want)
		}
	}
	if got, _ := db.Customer(ctx, c.ID); got.Name != "AdaL" {
		t.Errorf("customer name after repair %q", got.Name)
	}
	if entries, _ := db.ListAudit(ctx, "purchase", "", 10); len(entries) < 2 {
		t.Errorf("repairs not audited: %v", entries)
	}
}
