package importer_test

import (
	"context"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/importer"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// A purchase file's referral_code column records the code's owner as the
// buyer's referrer, as typed at the till; an unknown code rejects its line
// naming the column.
func TestImportPurchasesWithReferralCodes(t *testing.T) {
	t.Parallel()
	csv := "InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID,referral_code\n" +
		"2001,A,1,2011-01-01 10:00:00,2.50,N1,aaaa-bbbb-cccc-dddd\n" + // line 2: referred
		"2002,A,1,2011-01-01 11:00:00,2.50,N2,ZZZZZZZZZZZZZZZZ\n" + // line 3: no such code
		"2003,A,1,2011-01-01 12:00:00,2.50,N3,\n" // line 4: no code
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		owner := &fresco.Customer{Name: "Pia"}
		if err := db.CreateCustomer(ctx, owner); err != nil {
			t.Fatal(err)
		}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.InsertReferralCode(ctx, &fresco.ReferralCode{Code: "AAAABBBBCCCCDDDD", CustomerID: owner.ID, CreatedAt: time.Now()})
		})
		if err != nil {
			t.Fatal(err)
		}
		s, err := importer.File(ctx, db, importer.Purchases, writeFile(t, "referred.csv", []byte(csv)), importer.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if s.Imported != 2 || s.Rejected != 1 || rejectedLines(s)[3] != "referral_code" {
			t.Fatalf("summary %+v", s)
		}
		for ext, want := range map[string]*int64{"N1": &owner.ID, "N3": nil} {
			c, err := db.CustomerByExternalID(ctx, ext)
			if err != nil {
				t.Fatal(err)
			}
			if (want == nil) != (c.ReferredBy == nil) || (want != nil && *c.ReferredBy != *want) {
				t.Errorf("%s referred_by = %v, want %v", ext, c.ReferredBy, want)
			}
		}
	})
}
