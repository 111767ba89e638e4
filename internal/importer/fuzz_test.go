package importer_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/fresco-cx/fresco/internal/importer"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// FuzzImportPurchases feeds arbitrary bytes to the purchase importer: it must
// never panic, and every line it reads is either stored or rejected.
func FuzzImportPurchases(f *testing.F) {
	f.Add([]byte(retailHeader + "1,A,Mug,2,2011-01-01 10:00:00,2.50,17850.0,UK,x\n"))
	f.Add([]byte("InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice\n\"1,A,1,2011-01-01,1\n"))
	f.Add([]byte("InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice\n1,A,1,2011-01-01,1,extra\n2,\xff,1,x,y\n"))
	f.Add([]byte{0x1f, 0x8b, 0x08, 0x00})
	db := storetest.Open(f, storetest.SQLiteURL(f))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := &importer.Summary{}
		err := importer.Read(context.Background(), db, importer.Purchases, bytes.NewReader(data), int64(len(data)), importer.Options{}, s)
		if err != nil {
			return // a header the importer cannot use is reported as an error
		}
		if s.Rejected > s.Lines {
			t.Fatalf("rejected %d of %d lines", s.Rejected, s.Lines)
		}
	})
}
