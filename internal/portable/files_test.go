package portable_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/portable"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// awkward are texts that a naive CSV or JSON writer would mangle: NULL's
// spelling, backslashes, quotes, commas, line ends, non-ASCII.
var awkward = []string{`\N`, `\\N`, `\`, `a,"b"` + "\nc\r\nd", "Zoë 🍵 Ångström", "  padded  ", "{\"json\": true}"}

// business stores a few customers with awkward names, a referral to a later
// customer, purchases with sub-microsecond times, refunds and discounts, and
// mail (see mail).
func business(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	var ids []int64
	for i, name := range awkward {
		c := &fresco.Customer{ExternalID: fmt.Sprintf("aw-%d", i), Name: name, Email: fmt.Sprintf("p%d@example.com", i),
			Address: name, Tags: []string{name, "vip"}, ConsentSurveys: i%2 == 0, ConsentMarketing: i%3 == 0,
			AcquisitionSource: "Friend", FirstSeen: time.Date(2024, 1, 2, 3, 4, 5, 123456789, time.UTC)}
		if err := db.CreateCustomer(ctx, c); err != nil {
			t.Fatalf("customer %q: %v", name, err)
		}
		ids = append(ids, c.ID)
	}
	first, err := db.Customer(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	first.ReferredBy = &ids[len(ids)-1]
	if err := db.UpdateCustomer(ctx, first); err != nil {
		t.Fatal(err)
	}
	var batch []*fresco.Purchase
	for i, id := range ids {
		batch = append(batch, &fresco.Purchase{ExternalID: fmt.Sprintf("inv-%d", i), CustomerID: &id,
			PurchasedAt: time.Date(2025, 3, 4, 5, 6, 7, 987654321, time.UTC), Channel: "web", PromotionCode: awkward[i],
			Lines: []fresco.PurchaseLine{
				{SKU: "A", Description: awkward[i], Quantity: 3, UnitPrice: 1999, Discount: 5},
				{SKU: "B", Quantity: -1, UnitPrice: 250},
			}})
	}
	results, err := db.SavePurchases(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range results {
		if r.Status == store.StatusRejected {
			t.Fatalf("purchase %d: %v", i, r.Err)
		}
	}
	mail(t, db, ids[1])
}

// An export from either engine, in either format, restores on either engine
// with every awkward value intact, read back through the store.
func TestRoundTripEveryEnginePairKeepsContent(t *testing.T) {
	ctx := context.Background()
	engines := storetest.Engines()
	for _, src := range engines {
		source := storetest.Open(t, src.URL(t))
		business(t, source)
		for _, format := range []portable.Format{portable.CSV, portable.JSON} {
			dir, m := export(t, source, format)
			if m.Engine != string(source.Dialect()) || m.Rows["customers"] != int64(len(awkward)) || m.Rows["purchase_lines"] != int64(2*len(awkward)) {
				t.Fatalf("%s manifest %+v", src.Name, m)
			}
			for _, dst := range engines {
				t.Run(src.Name+"→"+dst.Name+"/"+string(format), func(t *testing.T) {
					target := storetest.Open(t, dst.URL(t))
					if _, err := portable.Import(ctx, target, dir); err != nil {
						t.Fatalf("import: %v", err)
					}
					for i := range awkward {
						sameCustomer(t, source, target, fmt.Sprintf("aw-%d", i))
						samePurchase(t, source, target, fmt.Sprintf("inv-%d", i))
					}
					again, _ := export(t, target, format)
					sameFiles(t, dir, again)
					sameMail(t, source, target)
				})
			}
		}
	}
}

func sameCustomer(t *testing.T, a, b *store.DB, ext string) {
	t.Helper()
	ctx := context.Background()
	x, err := a.CustomerByExternalID(ctx, ext)
	if err != nil {
		t.Fatal(err)
	}
	y, err := b.CustomerByExternalID(ctx, ext)
	if err != nil {
		t.Fatalf("%s after import: %v", ext, err)
	}
	if x.ID != y.ID || x.Name != y.Name || x.Address != y.Address || x.Email != y.Email || !slices.Equal(x.Tags, y.Tags) ||
		x.ConsentSurveys != y.ConsentSurveys || x.ConsentMarketing != y.ConsentMarketing || x.Version != y.Version ||
		!x.FirstSeen.Truncate(time.Microsecond).Equal(y.FirstSeen) || (x.ReferredBy == nil) != (y.ReferredBy == nil) ||
		x.ReferredBy != nil && *x.ReferredBy != *y.ReferredBy {
		t.Errorf("%s differs after the round trip:\nbefore %+v\nafter  %+v", ext, x, y)
	}
}

func samePurchase(t *testing.T, a, b *store.DB, ext string) {
	t.Helper()
	ctx := context.Background()
	x, err := a.PurchaseByExternalID(ctx, ext)
	if err != nil {
		t.Fatal(err)
	}
	y, err := b.PurchaseByExternalID(ctx, ext)
	if err != nil {
		t.Fatalf("%s after import: %v", ext, err)
	}
	if x.Total() != y.Total() || x.Total() != 3*1999-5-250 || len(x.Lines) != len(y.Lines) ||
		x.PromotionCode != y.PromotionCode || !x.PurchasedAt.Truncate(time.Microsecond).Equal(y.PurchasedAt) {
		t.Errorf("%s differs after the round trip:\nbefore %+v\nafter  %+v", ext, x, y)
		return
	}
	for i := range x.Lines {
		if x.Lines[i].Description != y.Lines[i].Description || x.Lines[i].SKU != y.Lines[i].SKU || x.Lines[i].Quantity != y.Lines[i].Quantity {
			t.Errorf("%s line %d: %+v → %+v", ext, i, x.Lines[i], y.Lines[i])
		}
	}
}

// A database holding any business data refuses an import, naming what it
// holds; nothing of the export is written.
func TestImportRefusesNonEmptyDatabase(t *testing.T) {
	ctx := context.Background()
	source := storetest.Open(t, storetest.SQLiteURL(t))
	business(t, source)
	dir, _ := export(t, source, portable.CSV)
	cases := []struct {
		what string
		fill func(*store.DB) error
	}{
		{"customers", func(db *store.DB) error { return db.CreateCustomer(ctx, &fresco.Customer{Name: "Already here"}) }},
		{"employees", func(db *store.DB) error {
			return db.CreateEmployee(ctx, &fresco.Employee{Email: "e@example.com", Name: "E", Role: fresco.RoleAgent, Active: true})
		}},
		{"purchases", func(db *store.DB) error {
			_, err := db.SavePurchases(ctx, []*fresco.Purchase{{ExternalID: "x", PurchasedAt: time.Now(),
				Lines: []fresco.PurchaseLine{{SKU: "Z", Quantity: 1, UnitPrice: 100}}}})
			return err
		}},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		for _, tc := range cases {
			target := db
			if tc.what != "customers" { // one table filled at a time
				target = storetest.Open(t, storetest.SQLiteURL(t))
				if db.Dialect() == store.Postgres {
					target = storetest.Open(t, storetest.PostgresURL(t))
				}
			}
			if err := tc.fill(target); err != nil {
				t.Fatalf("%s: %v", tc.what, err)
			}
			_, err := portable.Import(ctx, target, dir)
			if fresco.ErrorCode(err) != fresco.ECONFLICT || !strings.Contains(err.Error(), tc.what) {
				t.Errorf("%s: %v, want a conflict naming %s", tc.what, err, tc.what)
			}
			if _, err := target.CustomerByExternalID(ctx, "aw-0"); fresco.ErrorCode(err) != fresco.ENOTFOUND {
				t.Errorf("%s: the refused import wrote a customer: %v", tc.what, err)
			}
		}
	})
}

// A damaged export is refused with the file, and where it matters the line,
// named; the target stays empty.
func TestImportRejectsDamagedFiles(t *testing.T) {
	ctx := context.Background()
	source := storetest.Open(t, storetest.SQLiteURL(t))
	business(t, source)
	replaceLine := func(file string, line int, f func(string) string) func(string) {
		return func(dir string) {
			path := filepath.Join(dir, file)
			b, err := os.ReadFile(path)
			if err != nil {
				panic(err)
			}
			lines := strings.Split(string(b), "\n")
			lines[line-1] = f(lines[line-1])
			os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o600)
		}
	}
	editManifest := func(f func(map[string]any)) func(string) {
		return func(dir string) {
			path := filepath.Join(dir, "manifest.json")
			b, _ := os.ReadFile(path)
			var m map[string]any
			json.Unmarshal(b, &m)
			f(m)
			b, _ = json.Marshal(m)
			os.WriteFile(path, b, 0o600)
		}
	}
	cases := []struct {
		name   string
		format portable.Format
		damage func(dir string)
		want   []string
	}{
		{"no manifest", portable.CSV, func(dir string) { os.Remove(filepath.Join(dir, "manifest.json")) }, []string{"not a finished Fresco export"}},
		{"manifest not JSON", portable.CSV, func(dir string) { os.WriteFile(filepath.Join(dir, "manifest.json"), []byte("{"), 0o600) }, []string{"manifest.json"}},
		{"other layout", portable.CSV, editManifest(func(m map[string]any) { m["fresco"] = "export/9" }), []string{"manifest.json", "export/9"}},
		{"unknown format", portable.CSV, editManifest(func(m map[string]any) { m["format"] = "xml" }), []string{"manifest.json", "xml"}},
		{"newer schema", portable.CSV, editManifest(func(m map[string]any) { m["schema_version"] = 99999 }), []string{"99999", "newer"}},
		{"rows missing", portable.CSV, editManifest(func(m map[string]any) { m["rows"].(map[string]any)["customers"] = 99 }), []string{"customers", "99", "incomplete"}},
		{"csv unknown column", portable.CSV, replaceLine("customers.csv", 1, func(s string) string { return strings.Replace(s, "name", "nickname", 1) }),
			[]string{"customers.csv", "nickname"}},
		{"csv short line", portable.CSV, replaceLine("products.csv", 2, func(s string) string { return "1,A" }), []string{"products.csv line 2"}},
		{"csv bad integer", portable.CSV, replaceLine("purchase_lines.csv", 3, func(s string) string {
			f := strings.SplitN(s, ",", 2)
			return "x" + f[0] + "," + f[1]
		}), []string{"purchase_lines.csv line 3", "column purchase_id"}},
		{"csv bad time", portable.CSV, replaceLine("purchases.csv", 2, func(s string) string { return strings.Replace(s, "2025-03-04T", "2025-03-04 ", 1) }),
			[]string{"purchases.csv line 2", "column purchased_at"}},
		{"json broken line", portable.JSON, replaceLine("customers.jsonl", 4, func(s string) string { return s[:len(s)/2] }), []string{"customers.jsonl line 4"}},
		{"json unknown key", portable.JSON, replaceLine("customers.jsonl", 2, func(s string) string { return `{"shoe_size": 42,` + s[1:] }),
			[]string{"customers.jsonl line 2", "shoe_size"}},
		{"json bad boolean", portable.JSON, replaceLine("customers.jsonl", 1, func(s string) string {
			return strings.Replace(s, `"consent_surveys":true`, `"consent_surveys":"often"`, 1)
		}), []string{"customers.jsonl line 1", "column consent_surveys"}},
		{"table file missing", portable.CSV, func(dir string) { os.Remove(filepath.Join(dir, "customers.csv")) }, []string{"customers", "incomplete"}},
		{"csv bad quoted text", portable.CSV, replaceLine("products.csv", 2, func(s string) string { return strings.Replace(s, ",A,", `,"\""unclosed",`, 1) }),
			[]string{"products.csv line 2", "column sku"}},
		{"binary column not marked", portable.JSON, editManifest(func(m map[string]any) { delete(m, "encoded") }),
			[]string{"case_attachments", "column data", "base64"}},
		{"binary not base64", portable.JSON, replaceLine("case_attachments.jsonl", 1, func(s string) string {
			return strings.Replace(s, `"data":"`, `"data":"%`, 1)
		}), []string{"case_attachments.jsonl line 1", "column data"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir, _ := export(t, source, tc.format)
			tc.damage(dir)
			target := storetest.Open(t, storetest.SQLiteURL(t))
			_, err := portable.Import(ctx, target, dir)
			if err == nil {
				t.Fatal("the damaged export was imported")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			var n int
			if err := target.QueryRow(ctx, `SELECT COUNT(*) FROM customers`).Scan(&n); err != nil || n != 0 {
				t.Errorf("a failed import left %d customers (%v)", n, err)
			}
		})
	}
}

// Export writes only into a new or empty folder, and only known formats.
func TestExportRefusesUsedFolderAndUnknownFormat(t *testing.T) {
	db := storetest.Open(t, storetest.SQLiteURL(t))
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "keep.txt"), []byte("mine"), 0o600)
	_, err := portable.Export(context.Background(), db, dir, portable.CSV)
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("export into a used folder: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "keep.txt")); string(b) != "mine" {
		t.Fatal("export touched a file it did not write")
	}
	for _, tc := range []struct {
		in string
		ok bool
	}{{"csv", true}, {"json", true}, {"CSV", false}, {"jsonl", false}, {"", false}} {
		f, err := portable.ParseFormat(tc.in)
		if (err == nil) != tc.ok || tc.ok && string(f) != tc.in {
			t.Errorf("ParseFormat(%q) = %q, %v", tc.in, f, err)
		}
		if !tc.ok && (err == nil || !strings.Contains(err.Error(), "csv or json")) {
			t.Errorf("ParseFormat(%q) error %v does not say what is allowed", tc.in, err)
		}
	}
}

// An erased customer stays erased through an export and import, keeps their
// referral link and purchases, and erasing twice is harmless and audited twice.
func TestErasureSurvivesRoundTrip(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		business(t, db)
		c, err := db.CustomerByExternalID(ctx, "aw-0")
		if err != nil {
			t.Fatal(err)
		}
		before, _ := db.PurchaseByExternalID(ctx, "inv-0")
		for range 2 {
			e, err := portable.EraseCustomer(ctx, db, "employee:7", c.ID)
			if err != nil || e.Rows["customers"] != 1 {
				t.Fatalf("erase: %+v %v", e, err)
			}
		}
		data, err := portable.CustomerData(ctx, db, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		row := data["customers"][0]
		if row["name"] != portable.ErasedName || row["email"] != "" || row["address"] != "" || row["external_id"] != nil || row["tags"] != "[]" {
			t.Errorf("erased row %v", row)
		}
		if row["referred_by"] == nil || row["acquisition_source"] != "Friend" {
			t.Errorf("erasure dropped what carries no identity: %v", row)
		}
		if len(data["purchases"]) != 1 {
			t.Errorf("purchases after erasure: %v", data["purchases"])
		}
		var audits int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'erase' AND entity_id = ?`, fmt.Sprint(c.ID)).Scan(&audits)
		if audits != 2 {
			t.Errorf("%d erase audit records, want 2", audits)
		}

		dir, _ := export(t, db, portable.JSON)
		target := storetest.Open(t, storetest.SQLiteURL(t))
		if _, err := portable.Import(ctx, target, dir); err != nil {
			t.Fatal(err)
		}
		got, err := target.Customer(ctx, c.ID)
		if err != nil || got.Name != portable.ErasedName || got.Email != "" {
			t.Fatalf("erased customer after import: %+v %v", got, err)
		}
		after, err := target.PurchaseByExternalID(ctx, "inv-0")
		if err != nil || after.Total() != before.Total() || after.CustomerID == nil || *after.CustomerID != c.ID {
			t.Fatalf("purchase after erasure and import: %+v %v", after, err)
		}
	})
}
