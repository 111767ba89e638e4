package recovery

// Cases from e-mail: internal/inbound parses and screens a customer's mail;
// here it becomes a new case or lands on the case it answers, as a message
// of the case's thread.

import (
	"context"
	"fmt"
	"strings"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// NotifyCustomerEmail is the kind of the notification the case owner gets
// when the customer's e-mail lands on the case; through ViaNotify it is the
// live event "case.customer_email".
const NotifyCustomerEmail = "customer_email"

// EmailCase is a case opened by a customer's e-mail.
type EmailCase struct {
	CustomerID int64
	Summary    string              // the subject, or the first line
	Message    *fresco.CaseMessage // the first message of the thread (its CaseID is set here)
	ResponseID *int64              // the feedback response the e-mail was recorded as
	// Complaint: the e-mail reads as one, so the owner is told at once that
	// the customer needs special attention.
	Complaint bool
}

// OpenFromEmail opens within tx the case of a customer's e-mail, with the
// e-mail as the first message of its thread. The case has the e-mail's
// feedback response as its source, so the closed loop's escalation of the
// same response finds it and opens no second case. The caller commits tx
// and then calls done, which hands the notifications on.
func (s *Service) OpenFromEmail(ctx context.Context, tx *store.Tx, in EmailCase) (c *fresco.Case, done func(), err error) {
	open := OpenInput{CustomerID: in.CustomerID, Source: "email", Summary: caseSummary(in.Summary, in.Message.Text),
		SourceResponseID: in.ResponseID}
	if err := s.checkOpen(System, &open); err != nil {
		return nil, nil, err
	}
	ch, err := s.open(ctx, tx, System, open)
	if err != nil {
		return nil, nil, err
	}
	if err := s.addEmail(ctx, ch, in.Message); err != nil {
		return nil, nil, err
	}
	if in.Complaint {
		name, err := tx.CustomerName(ctx, ch.c.CustomerID)
		if err != nil {
			return nil, nil, err
		}
		if err := ch.notifyEmployee(ctx, ch.c.OwnerID, "special_attention",
			fmt.Sprintf("%s needs special attention: their e-mail reads as a complaint (case %d: %s)", name, ch.c.ID, ch.c.Summary)); err != nil {
			return nil, nil, err
		}
	}
	return ch.c, func() { s.afterCommit(ctx, ch) }, nil
}

// ReceiveEmail files a customer's e-mail on case id: the message joins the
// thread, the case reopens when its state allows it (a customer coming back
// within the reopen window, as CaseAllows says) and the owner is told. A
// merged case passes the message to the case it was merged into. A case
// that cannot take it any more (closed beyond the reopen window) stays as
// it is, and a new case is opened for its customer, naming the old one in
// its summary. It returns the case the message landed on and whether that
// case is new. It may run in a Batch (the demo files its customers'
// e-mails so).
func (s *Service) ReceiveEmail(ctx context.Context, id int64, m *fresco.CaseMessage) (*fresco.Case, bool, error) {
	var ch *change
	var opened bool
	err := s.inTx(ctx, func(tx *store.Tx) error {
		c, err := tx.CaseForUpdate(ctx, id)
		for hops := 0; err == nil && c.Status == fresco.CaseMerged && c.MergedInto != nil && hops < 10; hops++ {
			c, err = tx.CaseForUpdate(ctx, *c.MergedInto)
		}
		if err != nil {
			return err
		}
		action := ActCustomerReply
		if c.Status == fresco.CaseClosed {
			action = ActReopen
		}
		if ok, _ := CaseAllows(c, action, s.Now(), s.opts.ReopenWindow); !ok {
			opened = true
			open := OpenInput{CustomerID: c.CustomerID, Source: "email",
				Summary: caseSummary(fmt.Sprintf("Wrote again after case %d: %s", c.ID, m.Subject), m.Text)}
			if err := s.checkOpen(System, &open); err != nil {
				return err
			}
			if ch, err = s.open(ctx, tx, System, open); err != nil {
				return err
			}
			return s.addEmail(ctx, ch, m)
		}
		ch, err = s.applyChange(ctx, tx, c.ID, System, func(ctx context.Context, ch *change) error {
			m.CaseID, m.Direction = ch.c.ID, fresco.MessageIn
			if err := ch.tx.InsertCaseMessage(ctx, m); err != nil {
				return err
			}
			return s.messageArrived(ctx, ch, m)
		})
		return err
	})
	if err != nil {
		return nil, false, err
	}
	s.committed(ctx, ch)
	return ch.c, opened, nil
}

// addEmail stores the customer's message on the case's thread and tells the
// case's story that the customer replied, by e-mail.
func (s *Service) addEmail(ctx context.Context, ch *change, m *fresco.CaseMessage) error {
	m.CaseID, m.Direction = ch.c.ID, fresco.MessageIn
	if err := ch.tx.InsertCaseMessage(ctx, m); err != nil {
		return err
	}
	_, err := ch.event(ctx, "customer_replied", map[string]any{"message": fresco.Excerpt(m.Text, maxCaseText),
		"channel": "email", "subject": m.Subject, "case_message_id": m.ID, "attachments": len(m.Attachments)})
	return err
}

// caseSummary is the subject, else the first line of the text, shortened.
func caseSummary(subject, text string) string {
	s := strings.TrimSpace(subject)
	if s == "" {
		s, _, _ = strings.Cut(strings.TrimSpace(text), "\n")
	}
	if s == "" {
		s = "E-mail received (no subject)"
	}
	return fresco.Excerpt(s, 140)
}
