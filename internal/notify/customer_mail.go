package notify

// Mail to customers: survey invitations, replies from a case. It goes
// through the same outbox and job as staff mail, and carries its customer so
// that the message can offer an unsubscribe link and a bounce can be traced.

import (
	"context"
	"fmt"
	"strings"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/store"
)

// QueueCustomerMail puts m, an e-mail to customer *m.CustomerID, in the
// outbox within tx and enqueues its delivery, so that it is sent once the
// transaction commits and never if it rolls back. m.To defaults to the
// customer's address; m.MessageID is fixed here when empty, so the caller
// can thread on it. It refuses (ECONFLICT, saying why) a customer without
// an address or whose address has bounced; consent and the contact rule are
// the caller's to check, as they depend on why the mail is sent.
func (n *Notifier) QueueCustomerMail(ctx context.Context, tx *store.Tx, m *fresco.EmailMessage) error {
	if m.CustomerID == nil {
		return fmt.Errorf("customer mail %q: no customer", m.Subject)
	}
	c, err := tx.Customer(ctx, *m.CustomerID)
	if err != nil {
		return err
	}
	if m.To == "" {
		m.To = c.Email
	}
	switch {
	case m.To == "":
		return fresco.Errorf(fresco.ECONFLICT, "customer %d has no e-mail address", c.ID)
	case c.EmailUndeliverableAt != nil && strings.EqualFold(m.To, c.Email):
		return fresco.Errorf(fresco.ECONFLICT, "mail to %s bounced on %s; change the customer's e-mail to write again",
			c.Email, c.EmailUndeliverableAt.Format("2006-01-02"))
	}
	if m.Purpose == "" || m.Purpose == fresco.EmailPurposeStaff {
		return fmt.Errorf("customer mail %q: purpose %q is not one for customers", m.Subject, m.Purpose)
	}
	if m.MessageID == "" {
		m.MessageID = NewMessageID(n.opts.SMTP.From)
	}
	if err := tx.InsertEmail(ctx, m); err != nil {
		return err
	}
	return n.enqueueEmail(ctx, tx, m.ID)
}

// enqueueEmail enqueues the delivery job of outbox record id. The key keeps
// one job per message: a retried transaction or a second enqueue cannot send
// it twice.
func (n *Notifier) enqueueEmail(ctx context.Context, tx *store.Tx, id int64) error {
	_, err := jobs.Enqueue(ctx, tx, jobs.Job{Kind: JobEmail, Payload: emailJob{EmailID: id},
		UniqueKey: fmt.Sprintf("email:%d", id), MaxAttempts: n.opts.EmailAttempts})
	return err
}
