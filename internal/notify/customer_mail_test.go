package notify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/notify/notifytest"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// A reply to a customer goes out with the Message-ID fixed when it was
// queued and the thread headers it was given; an address that bounced, or
// none, is refused with the reason, and nothing is queued.
func TestCustomerMailIsThreadedAndRefusesBouncedAddresses(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		srv := notifytest.StartSMTP(t)
		n := notify.New(db, notify.Options{SMTP: notify.SMTPConfig{Addr: srv.Addr, From: "Hotel <care@hotel.example>"}})
		startQueue(t, db, n)
		ada := &fresco.Customer{Name: "Ada", Email: "Ada@Example.com"}
		nobody := &fresco.Customer{Name: "No Mail"}
		for _, c := range []*fresco.Customer{ada, nobody} {
			if err := db.CreateCustomer(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		m := &fresco.EmailMessage{CustomerID: &ada.ID, Purpose: fresco.EmailPurposeCaseReply, Subject: "About your stay",
			Body: "We are sorry.", InReplyTo: "first@guest.example", References: "<first@guest.example>"}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return n.QueueCustomerMail(ctx, tx, m) }); err != nil {
			t.Fatal(err)
		}
		if m.To != ada.Email || !strings.HasSuffix(m.MessageID, "@hotel.example") {
			t.Fatalf("queued to %q with Message-ID %q", m.To, m.MessageID)
		}
		waitFor(t, "reply sent", func() bool {
			got, err := db.Email(ctx, m.ID)
			return err == nil && got.Status == fresco.EmailSent
		})
		data := srv.Messages()[0].Data
		for _, want := range []string{"Message-ID: <" + m.MessageID + ">", "In-Reply-To: <first@guest.example>",
			"References: <first@guest.example>"} {
			if !strings.Contains(data, want) {
				t.Errorf("sent message lacks %q:\n%s", want, data)
			}
		}
		got, _ := db.Email(ctx, m.ID)
		if *got.CustomerID != ada.ID || got.Purpose != fresco.EmailPurposeCaseReply || got.InReplyTo != m.InReplyTo {
			t.Errorf("stored %+v", got)
		}

		err := db.InTx(ctx, func(tx *store.Tx) error {
			if n, err := tx.MarkEmailUndeliverable(ctx, "ada@EXAMPLE.com", time.Now()); err != nil || n != 1 {
				t.Errorf("marked %d customers (%v), want 1", n, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []*fresco.Customer{ada, nobody} {
			err := db.InTx(ctx, func(tx *store.Tx) error {
				return n.QueueCustomerMail(ctx, tx, &fresco.EmailMessage{CustomerID: &c.ID, Purpose: fresco.EmailPurposeInvitation,
					Subject: "How was it?", Body: "Tell us."})
			})
			if fresco.ErrorCode(err) != fresco.ECONFLICT {
				t.Errorf("%s: %v, want a conflict", c.Name, err)
			}
		}
		if list, _ := db.CustomerEmails(ctx, ada.ID, 10); len(list) != 1 {
			t.Errorf("%d e-mails to Ada, want the one reply", len(list))
		}
		// A new address has not bounced.
		fresh, _ := db.Customer(ctx, ada.ID)
		if fresh.EmailUndeliverableAt == nil {
			t.Fatal("bounce not recorded")
		}
		fresh.Email = "ada@new.example"
		if err := db.UpdateCustomer(ctx, fresh); err != nil || fresh.EmailUndeliverableAt != nil {
			t.Errorf("after a new address: %v, undeliverable %v", err, fresh.EmailUndeliverableAt)
		}
	})
}
