package importer_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/fresco-cx/fresco/internal/importer"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// FuzzImportPurchases feeds arbitrary bytes to the purchase importer: it
// never panics, every line it reads is either stored or rejected, and no
// purchase is stored without its lines.
func FuzzImportPurchases(f *testing.F) {
	f.Add([]byte("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n" +
		"536365,85123A,WHITE HANGER,6,12/1/2010 8:26,2.55,17850,United Kingdom\n" +
		"536365,71053,LANTERN,-6,12/1/2010 8:26,3.39,17850,United Kingdom\n"))
	f.Add([]byte("external_id,sku,quantity,purchased_at,unit_price\np1,A,1,2024-05-01T10:00:00Z,\"12,50\"\np2,B,9223372036854775807,2024-05-01,1.00\n"))
	f.Add([]byte("external_id,sku,quantity,purchased_at,unit_price\n\"unterminated,A,1,2024-05-01,1\n"))
	f.Add([]byte{0x1f, 0x8b, 0x08, 0x00})
	db := storetest.Open(f, storetest.SQLiteURL(f))
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, data []byte) {
		s := &importer.Summary{}
		if err := importer.Read(ctx, db, importer.Purchases, bytes.NewReader(data), int64(len(data)), importer.Options{}, s); err != nil {
			return // a header or stream nothing can be read from
		}
		if s.Rejected < 0 || (s.Rejected > 0 && len(s.Rejections) == 0) {
			t.Fatalf("summary %+v: rejected lines without reasons", s)
		}
		var orphans int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM purchases p
			WHERE NOT EXISTS (SELECT 1 FROM purchase_lines l WHERE l.purchase_id = p.id)`).Scan(&orphans); err != nil {
			t.Fatal(err)
		}
		if orphans > 0 {
			t.Fatalf("%d purchases stored without lines", orphans)
		}
	})
}
