package importer_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/importer"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

const purchaseHeader = "external_id,customer_external_id,purchased_at,location,served_by,sku,quantity,unit_price,discount\n"

// Every purchase column a line can get wrong is rejected on that line and
// names that column; the good line after it is still stored.
func TestImportPurchaseColumnErrorsNameLineAndColumn(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, line, field, message string
	}{
		{"no external id", ",c1,2024-01-01,,,A,1,1.00,", "external_id", "required"},
		{"bad date", "p1,c1,yesterday,,,A,1,1.00,", "purchased_at", "not a date"},
		{"fraction quantity", "p1,c1,2024-01-01,,,A,1.5,1.00,", "quantity", "whole number"},
		{"zero quantity", "p1,c1,2024-01-01,,,A,0,1.00,", "quantity", "zero"},
		{"quantity above the limit", fmt.Sprintf("p1,c1,2024-01-01,,,A,%d,1.00,", fresco.MaxQuantity+1), "quantity", "between"},
		{"refund above the limit", fmt.Sprintf("p1,c1,2024-01-01,,,A,-%d,1.00,", fresco.MaxQuantity+1), "quantity", "between"},
		{"price not money", "p1,c1,2024-01-01,,,A,1,one,", "unit_price", "not an amount"},
		{"price three decimals", "p1,c1,2024-01-01,,,A,1,1.005,", "unit_price", "decimal"},
		{"price ambiguous comma", "p1,c1,2024-01-01,,,A,1,\"1,5\",", "unit_price", "ambiguous"},
		{"price negative", "p1,c1,2024-01-01,,,A,1,-1.00,", "unit_price", "negative"},
		{"price above the limit", "p1,c1,2024-01-01,,,A,1,100000000.01,", "unit_price", "at most"},
		{"bad discount", "p1,c1,2024-01-01,,,A,1,1.00,lots", "discount", "not an amount"},
		{"no sku", "p1,c1,2024-01-01,,,,1,1.00,", "sku", "required"},
		{"unknown employee", "p1,c1,2024-01-01,,nobody@example.com,A,1,1.00,", "served_by", "nobody@example.com"},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for _, tc := range cases {
			// line 2: a good purchase; line 3: the bad one; line 4: another good one.
			text := purchaseHeader +
				"g1-" + tc.name + ",c1,2024-01-01,,,A,1,1.00,\n" +
				tc.line + "\n" +
				"g2-" + tc.name + ",c1,2024-01-02,,,B,2,3.00,\n"
			text = strings.Replace(text, "p1,", "bad-"+strings.ReplaceAll(tc.name, " ", "-")+",", 1)
			s, err := importer.File(ctx, db, importer.Purchases, writeFile(t, "p.csv", []byte(text)), importer.Options{})
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if s.Lines != 3 || s.Imported != 2 || s.Rejected != 1 || len(s.Rejections) != 1 {
				t.Errorf("%s: lines %d imported %d rejected %d %+v", tc.name, s.Lines, s.Imported, s.Rejected, s.Rejections)
				continue
			}
			r := s.Rejections[0]
			if r.Line != 3 || r.Field != tc.field || !strings.Contains(r.Message, tc.message) {
				t.Errorf("%s: rejection %+v, want line 3 field %s message containing %q", tc.name, r, tc.field, tc.message)
			}
			if _, err := db.PurchaseByExternalID(ctx, "g2-"+tc.name); err != nil {
				t.Errorf("%s: the good line after the bad one was not stored: %v", tc.name, err)
			}
		}
	})
}

// A line with several bad columns is one rejected line reported once per
// column, all on that line.
func TestImportLineWithSeveralBadColumnsCountsOnce(t *testing.T) {
	t.Parallel()
	text := purchaseHeader + "p1,c1,never,,,,x,y,\n"
	db := storetest.Open(t, storetest.SQLiteURL(t))
	s, err := importer.File(context.Background(), db, importer.Purchases, writeFile(t, "p.csv", []byte(text)), importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Rejected != 1 {
		t.Fatalf("rejected %d, want 1 line", s.Rejected)
	}
	fields := map[string]bool{}
	for _, r := range s.Rejections {
		if r.Line != 2 {
			t.Errorf("rejection on line %d, want 2: %+v", r.Line, r)
		}
		fields[r.Field] = true
	}
	for _, f := range []string{"purchased_at", "quantity", "unit_price", "sku"} {
		if !fields[f] {
			t.Errorf("field %s not reported: %+v", f, s.Rejections)
		}
	}
}

// Customer columns: each bad value is named by its line and column.
func TestImportCustomerColumnErrors(t *testing.T) {
	t.Parallel()
	header := "external_id,name,email,first_seen,consent_surveys,consent_marketing,consent_personalisation\n"
	cases := []struct {
		name, line, field string
	}{
		{"no id", ",Ann,ann@example.com,,,,", "external_id"},
		{"bad email", "x1,Ann,ann-at-example,,,,", "email"},
		{"bad first seen", "x1,Ann,ann@example.com,the 5th,,,", "first_seen"},
		{"bad surveys consent", "x1,Ann,ann@example.com,,perhaps,,", "consent_surveys"},
		{"bad marketing consent", "x1,Ann,ann@example.com,,,2,", "consent_marketing"},
		{"bad personalisation consent", "x1,Ann,ann@example.com,,,,nope", "consent_personalisation"},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for _, tc := range cases {
			text := header + "ok1,Ok,ok@example.com,2024-01-01,yes,no,y\n" + tc.line + "\n"
			s, err := importer.File(ctx, db, importer.Customers, writeFile(t, "c.csv", []byte(text)), importer.Options{})
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if s.Rejected != 1 || len(s.Rejections) != 1 || s.Rejections[0].Line != 3 || s.Rejections[0].Field != tc.field {
				t.Errorf("%s: %+v, want line 3 field %s", tc.name, s.Rejections, tc.field)
			}
		}
		ok, err := db.CustomerByExternalID(ctx, "ok1")
		if err != nil || !ok.ConsentSurveys || ok.ConsentMarketing || !ok.ConsentPersonalisation {
			t.Fatalf("good customer: %+v %v", ok, err)
		}
	})
}

// A referrer the file never defines leaves the customer imported without one,
// with a warning naming the line.
func TestImportCustomerUnknownReferrerWarns(t *testing.T) {
	t.Parallel()
	text := "external_id,name,referred_by\nk1,Kim,ghost\n"
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, err := importer.File(ctx, db, importer.Customers, writeFile(t, "c.csv", []byte(text)), importer.Options{})
		if err != nil || s.Imported != 1 {
			t.Fatalf("%+v %v", s, err)
		}
		if len(s.Warnings) != 1 || !strings.Contains(s.Warnings[0], "line 2") || !strings.Contains(s.Warnings[0], "ghost") {
			t.Fatalf("warnings %v", s.Warnings)
		}
		kim, err := db.CustomerByExternalID(ctx, "k1")
		if err != nil || kim.ReferredBy != nil {
			t.Fatalf("kim %+v %v", kim, err)
		}
	})
}

// Windows line ends and a UTF-8 byte-order mark (what Excel writes) read like
// a plain file: the first column is still recognised and line numbers hold.
func TestImportCRLFAndByteOrderMark(t *testing.T) {
	t.Parallel()
	text := "\ufeffexternal_id,purchased_at,sku,quantity,unit_price\r\n" +
		"w1,2024-05-01,A,2,1.25\r\n" +
		"w2,2024-05-01,A,x,1.25\r\n" +
		"w3,2024-05-02,B,1,4.00\r\n"
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, err := importer.File(ctx, db, importer.Purchases, writeFile(t, "w.csv", []byte(text)), importer.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Warnings) != 0 {
			t.Errorf("BOM column reported as unknown: %v", s.Warnings)
		}
		if s.Imported != 2 || s.Rejected != 1 || rejectedLines(s)[3] != "quantity" {
			t.Fatalf("summary %+v", s)
		}
		p, err := db.PurchaseByExternalID(ctx, "w3")
		if err != nil || len(p.Lines) != 1 || p.Lines[0].SKU != "B" || p.Total() != 400 {
			t.Fatalf("w3 %+v %v", p, err)
		}
	})
}

// Importing the same file twice creates nothing new: every purchase is
// updated in place, with the same lines and totals.
func TestImportTwiceIsIdempotent(t *testing.T) {
	t.Parallel()
	text := purchaseHeader +
		"d1,c9,2024-01-01,Harbour St,,A,1,2.00,\n" +
		"d1,c9,2024-01-01,Harbour St,,B,3,1.00,0.50\n" +
		"d2,c9,2024-01-03,Harbour St,,A,-1,2.00,\n"
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		path := writeFile(t, "d.csv", []byte(text))
		first, err := importer.File(ctx, db, importer.Purchases, path, importer.Options{})
		if err != nil || first.Imported != 2 || first.Updated != 0 || first.Rejected != 0 {
			t.Fatalf("first import %+v %v", first, err)
		}
		second, err := importer.File(ctx, db, importer.Purchases, path, importer.Options{})
		if err != nil || second.Imported != 0 || second.Updated != 2 || second.Rejected != 0 {
			t.Fatalf("second import %+v %v", second, err)
		}
		d1, err := db.PurchaseByExternalID(ctx, "d1")
		if err != nil || len(d1.Lines) != 2 || d1.Total() != 450 {
			t.Fatalf("d1 %+v %v", d1, err)
		}
		d2, _ := db.PurchaseByExternalID(ctx, "d2")
		if d2.Total() != -200 || d2.CustomerID == nil || *d2.CustomerID != *d1.CustomerID {
			t.Fatalf("d2 %+v", d2)
		}
		loc, err := db.LocationByName(ctx, "Harbour St")
		if err != nil || d1.LocationID == nil || *d1.LocationID != loc.ID {
			t.Fatalf("location %+v %v, purchase location %v", loc, err, d1.LocationID)
		}
		locs, _, err := db.ListLocations(ctx, store.LocationFilter{})
		if err != nil || len(locs) != 1 {
			t.Fatalf("locations after two imports: %d %v", len(locs), err)
		}
	})
}

// served_by names an employee by e-mail (any case); the purchase carries them.
func TestImportServedByKnownEmployee(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := &fresco.Employee{Email: "sam@example.com", Name: "Sam", Role: fresco.RoleAgent, Active: true}
		if err := db.CreateEmployee(ctx, e); err != nil {
			t.Fatal(err)
		}
		text := purchaseHeader + "e1,,2024-02-01,,sam@example.com,A,1,1.00,\ne2,,2024-02-01,,sam@example.com,A,1,1.00,\n"
		s, err := importer.File(ctx, db, importer.Purchases, writeFile(t, "e.csv", []byte(text)), importer.Options{})
		if err != nil || s.Imported != 2 {
			t.Fatalf("%+v %v", s, err)
		}
		for _, ext := range []string{"e1", "e2"} {
			p, err := db.PurchaseByExternalID(ctx, ext)
			if err != nil || p.ServedBy == nil || *p.ServedBy != e.ID || p.CustomerID != nil {
				t.Fatalf("%s: %+v %v", ext, p, err)
			}
		}
	})
}

// Progress is reported at the end with every byte of the file read.
func TestImportReportsProgress(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString(purchaseHeader)
	for i := range 5000 {
		fmt.Fprintf(&b, "q%d,,2024-02-01,,,A,1,1.00,\n", i)
	}
	db := storetest.Open(t, storetest.SQLiteURL(t))
	path := writeFile(t, "q.csv", []byte(b.String()))
	var calls int
	var lastRead, lastSize int64
	s, err := importer.File(context.Background(), db, importer.Purchases, path, importer.Options{
		Progress: func(read, size int64) { calls, lastRead, lastSize = calls+1, read, size }})
	if err != nil || s.Imported != 5000 {
		t.Fatalf("%+v %v", s, err)
	}
	if calls < 2 || lastSize != int64(b.Len()) || lastRead != lastSize {
		t.Fatalf("progress: %d calls, last %d of %d, file %d bytes", calls, lastRead, lastSize, b.Len())
	}
}

// A quoted field left open is one rejected line, named by its line; lines
// before it are stored.
func TestImportUnclosedQuoteRejectsItsLine(t *testing.T) {
	t.Parallel()
	text := "sku,name,list_price\nA,Mug,1.00\nB,\"Plate,2.00\n"
	db := storetest.Open(t, storetest.SQLiteURL(t))
	ctx := context.Background()
	s, err := importer.File(ctx, db, importer.Products, writeFile(t, "u.csv", []byte(text)), importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Imported != 1 || s.Rejected != 1 || s.Rejections[0].Line != 3 || !strings.Contains(s.Rejections[0].Message, "quote") {
		t.Fatalf("summary %+v", s)
	}
	if _, err := db.ProductBySKU(ctx, "A"); err != nil {
		t.Fatal(err)
	}
}

// Two file columns that map to one field refuse the file at its header.
func TestImportDuplicateColumnRefused(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, storetest.SQLiteURL(t))
	text := "sku,StockCode,name\nA,B,Mug\n"
	_, err := importer.File(context.Background(), db, importer.Products, writeFile(t, "d.csv", []byte(text)), importer.Options{})
	if err == nil || !strings.Contains(err.Error(), "line 1") || !strings.Contains(err.Error(), "sku") {
		t.Fatalf("got %v, want a line-1 error naming sku", err)
	}
}
