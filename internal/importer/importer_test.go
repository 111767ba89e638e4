package importer_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/importer"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func gz(t *testing.T, text string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(text))
	zw.Close()
	return buf.Bytes()
}

func rejectedLines(s *importer.Summary) map[int]string {
	m := map[int]string{}
	for _, r := range s.Rejections {
		m[r.Line] = r.Field
	}
	return m
}

const retailHeader = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country,Mood\n"

func TestImportPurchasesMalformed(t *testing.T) {
	t.Parallel()
	csv := retailHeader +
		"1001,A,Mug,2,2011-01-01 10:00:00,2.50,17850.0,United Kingdom,x\n" + // line 2 good
		"1001,B,Plate,1,2011-01-01 10:00:00,4.00,17850.0,United Kingdom,x\n" + // line 3 good, same invoice
		"1002,A,Mug,1,not-a-date,2.50,12345,France,x\n" + // line 4 bad date
		"1003,A,Mug,1,2011-01-02 10:00:00,-2.50,12345,France,x\n" + // line 5 negative price
		"1004,C,Caf\xe9,1,2011-01-02 10:00:00,1.00,,France,x\n" + // line 6 invalid UTF-8
		"C1005,A,Mug,-1,2011-01-03 10:00:00,2.50,17850,United Kingdom,x\n" + // line 7 cancellation
		"1006,D,Lamp,1,2011-01-04 10:00:00,9.99,,United Kingdom,x\n" + // line 8 anonymous
		"1007,A,Mug,1,2011-01-04 11:00:00,2.50,12345,France,x\n" + // line 9 good
		"1007,B,Plate,zero,2011-01-04 11:00:00,4.00,12345,France,x\n" // line 10 bad quantity, 1007 keeps line 9
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		path := writeFile(t, "retail.csv", []byte(csv))
		s, err := importer.File(ctx, db, importer.Purchases, path, importer.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if s.Lines != 9 || s.Imported != 4 || s.Rejected != 4 {
			t.Fatalf("summary: lines %d imported %d rejected %d: %+v", s.Lines, s.Imported, s.Rejected, s.Rejections)
		}
		want := map[int]string{4: "purchased_at", 5: "unit_price", 6: "column 3", 10: "quantity"}
		got := rejectedLines(s)
		for line, field := range want {
			if got[line] != field {
				t.Errorf("line %d: rejected field %q, want %q (all: %v)", line, got[line], field, got)
			}
		}
		if len(s.Warnings) == 0 || !strings.Contains(s.Warnings[0], "Mood") {
			t.Errorf("unknown column not reported: %v", s.Warnings)
		}
		p, err := db.PurchaseByExternalID(ctx, "1001")
		if err != nil || len(p.Lines) != 2 || p.Total() != 900 || p.CustomerID == nil {
			t.Fatalf("invoice 1001: %+v %v", p, err)
		}
		c, err := db.CustomerByExternalID(ctx, "17850")
		if err != nil || *p.CustomerID != c.ID {
			t.Fatalf("customer 17850.0 should be stored as 17850: %v", err)
		}
		if cancel, err := db.PurchaseByExternalID(ctx, "C1005"); err != nil || cancel.Total() != -250 {
			t.Fatalf("cancellation: %+v %v", cancel, err)
		}
		if anon, err := db.PurchaseByExternalID(ctx, "1006"); err != nil || anon.CustomerID != nil {
			t.Fatalf("anonymous purchase: %+v %v", anon, err)
		}
		if p, err := db.PurchaseByExternalID(ctx, "1007"); err != nil || len(p.Lines) != 1 {
			t.Fatalf("1007 keeps its good line: %+v %v", p, err)
		}
		// Importing again changes nothing but counts updates: idempotent.
		again, err := importer.File(ctx, db, importer.Purchases, path, importer.Options{})
		if err != nil || again.Imported != 0 || again.Updated != 4 {
			t.Fatalf("re-import: %+v %v", again, err)
		}
		list, _, _ := db.ListPurchases(ctx, store.PurchaseFilter{Limit: 100})
		if len(list) != 4 {
			t.Fatalf("after re-import %d purchases, want 4", len(list))
		}
	})
}

func TestImportTruncatedGzipKeepsEarlierLines(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString(retailHeader)
	for i := 0; i < 3000; i++ {
		fmt.Fprintf(&b, "2%05d,SKU,Thing,1,2011-02-01 09:00:00,1.00,,UK,\n", i)
	}
	full := gz(t, b.String())
	truncated := full[:len(full)*2/3]
	db := storetest.Open(t, storetest.SQLiteURL(t))
	path := writeFile(t, "cut.csv.gz", truncated)
	s, err := importer.File(context.Background(), db, importer.Purchases, path, importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Error == "" || !strings.Contains(s.Error, "breaks off") {
		t.Fatalf("truncation not reported: %+v", s)
	}
	if s.Imported < 100 || s.Imported >= 3000 {
		t.Fatalf("imported %d lines before the break, want most of them", s.Imported)
	}
	list, _, _ := db.ListPurchases(context.Background(), store.PurchaseFilter{Limit: 1000})
	if len(list) == 0 {
		t.Fatal("nothing stored before the truncation")
	}
}

func TestImportCustomersAndProducts(t *testing.T) {
	t.Parallel()
	customers := "external_id,name,email,referred_by,how did you hear about us,tags,consent_surveys,first_seen\n" +
		"c2,Bob,bob@example.com,c1,Friend,family;vip,yes,2024-01-05\n" + // referrer comes later
		"c1,Ada,ada@example.com,,Google,,no,2023-12-01\n" +
		"c3,Cy,not-an-email,,,,,\n" + // bad e-mail
		"c4,Di,di@example.com,,,,maybe,\n" + // bad consent
		"c1,Ada Lovelace,ada@example.com,,Google,,no,2023-12-01\n" // duplicate id: updates
	products := "sku,name,category,list_price,unit_cost\nA,Mug,kitchen,2.50,1.00\nB,Plate,kitchen,abc,1\nA,Mug XL,kitchen,3.00,1.20\n"
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, err := importer.File(ctx, db, importer.Customers, writeFile(t, "c.csv", []byte(customers)), importer.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if s.Imported != 2 || s.Updated != 1 || s.Rejected != 2 {
			t.Fatalf("customers: %+v", s)
		}
		if got := rejectedLines(s); got[4] != "email" || got[5] != "consent_surveys" {
			t.Fatalf("rejections %v", got)
		}
		bob, _ := db.CustomerByExternalID(ctx, "c2")
		ada, _ := db.CustomerByExternalID(ctx, "c1")
		if bob.ReferredBy == nil || *bob.ReferredBy != ada.ID || ada.Name != "Ada Lovelace" || bob.AcquisitionSource != "Friend" || len(bob.Tags) != 2 {
			t.Fatalf("bob %+v ada %+v", bob, ada)
		}
		p, err := importer.File(ctx, db, importer.Products, writeFile(t, "p.csv", []byte(products)), importer.Options{})
		if err != nil || p.Imported != 1 || p.Updated != 1 || p.Rejected != 1 {
			t.Fatalf("products: %+v %v", p, err)
		}
		mug, _ := db.ProductBySKU(ctx, "A")
		if mug.Name != "Mug XL" || mug.ListPrice != 300 {
			t.Fatalf("mug %+v", mug)
		}
	})
}

func TestImportHeaderErrors(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, storetest.SQLiteURL(t))
	ctx := context.Background()
	cases := []struct {
		name, kind, text string
		opts             importer.Options
		want             string
	}{
		{"empty file", importer.Purchases, "", importer.Options{}, "empty"},
		{"missing column", importer.Purchases, "InvoiceNo,StockCode\n1,A\n", importer.Options{}, "quantity"},
		{"bad map field", importer.Purchases, retailHeader, importer.Options{Map: map[string]string{"Mood": "nonsense"}}, "nonsense"},
		{"unknown kind", "widgets", "a\n", importer.Options{}, "widgets"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := importer.File(ctx, db, tc.kind, writeFile(t, "f.csv", []byte(tc.text)), tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error mentioning %q", err, tc.want)
			}
		})
	}
}

func TestImportMapOverride(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, storetest.SQLiteURL(t))
	text := "Order,Item,Count,When,Each\nx1,A,2,2024-02-02,1.50\n"
	s, err := importer.File(context.Background(), db, importer.Purchases, writeFile(t, "m.csv", []byte(text)), importer.Options{
		Map: map[string]string{"Order": "external_id", "Item": "sku", "Count": "quantity", "When": "purchased_at", "Each": "unit_price"}})
	if err != nil || s.Imported != 1 {
		t.Fatalf("%+v %v", s, err)
	}
}

// Lines of one invoice that reappear after the invoice was stored (a file not
// sorted by invoice) are merged into it, not lost and not duplicated.
func TestImportNonContiguousInvoiceLines(t *testing.T) {
	t.Parallel()
	text := retailHeader +
		"5001,A,Mug,1,2011-03-01 10:00:00,2.00,900,UK,\n" +
		"5002,B,Plate,1,2011-03-01 11:00:00,3.00,901,UK,\n" +
		"5001,C,Bowl,2,2011-03-01 10:00:00,1.50,900,UK,\n" + // back to 5001 after its batch was stored
		"5001,D,Cup,1,2011-03-01 10:00:00,1.00,999,UK,\n" // another customer on the same invoice: rejected
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, err := importer.File(ctx, db, importer.Purchases, writeFile(t, "n.csv", []byte(text)), importer.Options{BatchSize: 1})
		if err != nil {
			t.Fatal(err)
		}
		if s.Imported != 2 || s.Rejected != 1 || rejectedLines(s)[5] != "customer_external_id" {
			t.Fatalf("summary %+v", s)
		}
		p, err := db.PurchaseByExternalID(ctx, "5001")
		if err != nil || len(p.Lines) != 2 || p.Total() != 500 {
			t.Fatalf("5001 after merge: %+v %v", p, err)
		}
	})
}

// Batches are stored while the next ones are read: a purchase the store
// refuses is still refused whole, its lines named, and the summary lists
// every rejection in file order, those found while reading (a bad price)
// and those found while storing (a description over 1,000 characters).
func TestImportBatchesStoredWhileReading(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 1001)
	text := retailHeader +
		"6001,A,Mug,1,2011-03-01 10:00:00,2.00,900,UK,\n" +
		"6002,B," + long + ",1,2011-03-01 11:00:00,3.00,901,UK,\n" + // refused by the store: the whole of 6002 goes
		"6002,C,Bowl,1,2011-03-01 11:00:00,1.00,901,UK,\n" +
		"6003,D,Cup,1,2011-03-02 10:00:00,1.00,902,UK,\n" +
		"6003,E,Cup,1,2011-03-02 10:00:00,x,902,UK,\n" + // refused while reading: 6003 keeps line D
		"6004,F,Cup,1,2011-03-03 10:00:00,1.00,903,UK,\n"
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, err := importer.File(ctx, db, importer.Purchases, writeFile(t, "b.csv", []byte(text)), importer.Options{BatchSize: 1})
		if err != nil {
			t.Fatal(err)
		}
		want := []importer.Rejection{{Line: 3, Field: "description"}, {Line: 4}, {Line: 6, Field: "unit_price"}}
		if s.Imported != 3 || s.Rejected != len(want) || len(s.Rejections) != len(want) {
			t.Fatalf("summary %+v", s)
		}
		for i, r := range s.Rejections {
			if r.Line != want[i].Line || r.Field != want[i].Field {
				t.Fatalf("rejection %d is line %d %q (%s), want line %d %q", i, r.Line, r.Field, r.Message, want[i].Line, want[i].Field)
			}
		}
		if _, err := db.PurchaseByExternalID(ctx, "6002"); fresco.ErrorCode(err) != fresco.ENOTFOUND {
			t.Fatalf("6002 should not be stored: %v", err)
		}
		if p, err := db.PurchaseByExternalID(ctx, "6003"); err != nil || len(p.Lines) != 1 {
			t.Fatalf("6003: %+v %v", p, err)
		}
	})
}
