package recovery

// Replies from a case: staff write to the customer by e-mail, from the
// business's address, threaded with what the customer sent; the customer's
// answers come back into the same thread (filed by the inbound mail code,
// which tells the case with MessageReceived).

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// CustomerMailer queues mail to customers inside the caller's transaction;
// internal/notify's Notifier is the one Fresco runs with.
type CustomerMailer interface {
	QueueCustomerMail(ctx context.Context, tx *store.Tx, m *fresco.EmailMessage) error
	// CustomerFrom is the From customers see: "Business <address>".
	CustomerFrom(ctx context.Context) string
}

// ReplyInput is an e-mail to the case's customer.
type ReplyInput struct {
	Subject string // "" threads: "Re: " and the customer's last subject, else "About your case #N"
	Body    string // the text; "" with a template: the template's body, filled
	// TemplateID names the reply template the text came from (recorded on
	// the timeline); its subject and body fill whichever of the two is empty.
	TemplateID *int64
}

// maxReferences caps the References header: the first message and the most
// recent ones, as RFC 5322 §3.6.4 suggests for long threads.
const maxReferences = 20

// Reply sends an e-mail to the case's customer: the outgoing message is
// written to the thread and queued in the outbox in one transaction (sent
// once it commits, never if it rolls back), threaded on the customer's last
// message. A reply counts as a response to the customer for the SLA clocks
// (the first one stops the first-response clock). The case must allow a
// response (not on a resolved, closed or merged case: 409).
func (s *Service) Reply(ctx context.Context, actor Actor, caseID int64, in ReplyInput) (*fresco.CaseMessage, error) {
	if s.opts.Mailer == nil {
		return nil, fmt.Errorf("recovery: replies need a CustomerMailer (Options.Mailer)")
	}
	if !actor.Role.CanWrite() {
		return nil, fresco.Errorf(fresco.EFORBIDDEN, "an %s cannot write to customers", actor.Role)
	}
	var v fresco.Validation
	v.Text("subject", in.Subject, false, fresco.MaxReplySubject)
	v.Check(!strings.ContainsAny(in.Subject, "\r\n"), "subject", "must be one line")
	v.Text("body", in.Body, in.TemplateID == nil, fresco.MaxReplyBody)
	v.Check(in.TemplateID == nil || *in.TemplateID > 0, "template_id", "must be a reply template's id")
	if err := v.Err(); err != nil {
		return nil, err
	}
	var msg *fresco.CaseMessage
	_, err := s.update(ctx, caseID, actor, func(ctx context.Context, ch *change) error {
		if err := ch.allow(ActRespond); err != nil {
			return err
		}
		subject, body := strings.TrimSpace(in.Subject), in.Body
		if in.TemplateID != nil {
			t, err := ch.tx.ReplyTemplate(ctx, *in.TemplateID)
			if fresco.ErrorCode(err) == fresco.ENOTFOUND {
				var v fresco.Validation
				v.Add("template_id", "reply template %d does not exist", *in.TemplateID)
				return v.Err()
			}
			if err != nil {
				return err
			}
			name, err := ch.tx.CustomerName(ctx, ch.c.CustomerID)
			if err != nil {
				return err
			}
			tSubject, tBody, err := s.fill(ctx, ch.tx, ch.c, name, actor, t)
			if err != nil {
				return err
			}
			if subject == "" {
				subject = tSubject
			}
			if strings.TrimSpace(body) == "" {
				body = tBody
			}
		}
		head, err := ch.tx.CaseThreadHead(ctx, ch.c.ID)
		if err != nil {
			return err
		}
		if subject == "" {
			subject = replySubject(head, ch.c.ID)
		}
		var inReplyTo string
		switch {
		case head.LastInbound != nil && head.LastInbound.MessageID != "":
			inReplyTo = head.LastInbound.MessageID
		case head.Last != nil:
			inReplyTo = head.Last.MessageID
		}
		mail := &fresco.EmailMessage{CustomerID: &ch.c.CustomerID, CaseID: &ch.c.ID, Purpose: fresco.EmailPurposeCaseReply,
			Subject: subject, Body: body, InReplyTo: inReplyTo, References: references(head.MessageIDs)}
		if err := s.opts.Mailer.QueueCustomerMail(ctx, ch.tx, mail); err != nil {
			return err
		}
		msg = &fresco.CaseMessage{CaseID: ch.c.ID, Direction: fresco.MessageOut, EmailID: &mail.ID, MessageID: mail.MessageID,
			InReplyTo: mail.InReplyTo, References: mail.References, From: s.opts.Mailer.CustomerFrom(ctx), To: mail.To,
			Subject: subject, Text: body, EmployeeID: actor.EmployeeID, CreatedAt: ch.at}
		if err := ch.tx.InsertCaseMessage(ctx, msg); err != nil {
			return err
		}
		if ch.c.FirstResponseAt == nil {
			t := ch.at
			ch.c.FirstResponseAt = &t
		}
		_, err = ch.event(ctx, "reply_sent", map[string]any{"case_message_id": msg.ID, "email_id": mail.ID,
			"to": mail.To, "subject": subject, "template_id": in.TemplateID})
		return err
	})
	if err != nil {
		return nil, err
	}
	return msg, nil
}

// replySubject is the subject of a reply given without one: the customer's
// last subject with "Re: " (once), else "About your case #N".
func replySubject(head store.ThreadHead, caseID int64) string {
	if head.LastInbound != nil {
		if sub := strings.TrimSpace(head.LastInbound.Subject); sub != "" {
			if len(sub) >= 3 && strings.EqualFold(sub[:3], "re:") {
				return sub
			}
			return "Re: " + sub
		}
	}
	return fmt.Sprintf("About your case #%d", caseID)
}

// references is the References header of a reply in a thread with these
// Message-IDs: the first and the latest, at most maxReferences.
func references(ids []string) string {
	if len(ids) > maxReferences {
		ids = append(ids[:1:1], ids[len(ids)-maxReferences+1:]...)
	}
	refs := make([]string, len(ids))
	for i, id := range ids {
		refs[i] = "<" + id + ">"
	}
	return strings.Join(refs, " ")
}

// MessageReceived tells case caseID that the customer's message msgID has
// been filed in its thread (tx.InsertCaseMessage, direction "in"). Call it
// in the transaction that filed the message, and call the function it
// returns after that transaction commits (it tells the case's owner). Like
// a customer reply logged by staff, the message goes on the timeline,
// starts the next-response SLA clock, ends a waiting state and reopens a
// resolved or closed case within the reopen window. A case that cannot take
// it (merged, or closed beyond the window) is a conflict (ECONFLICT, with
// the reason): file the message on a new case instead. Open case pages show
// the message within a second by themselves (they watch the thread).
func (s *Service) MessageReceived(ctx context.Context, tx *store.Tx, caseID, msgID int64) (func(context.Context), error) {
	m, err := tx.CaseMessage(ctx, msgID)
	if err != nil {
		return nil, err
	}
	if m.CaseID != caseID || m.Direction != fresco.MessageIn {
		return nil, fmt.Errorf("recovery: message %d is not an inbound message of case %d", msgID, caseID)
	}
	who := Actor{Ref: "customer", Name: m.From}
	ch, err := s.applyChange(ctx, tx, caseID, who, func(ctx context.Context, ch *change) error {
		return s.messageArrived(ctx, ch, m)
	})
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context) { s.afterCommit(ctx, ch) }, nil
}

// messageArrived is what a customer's message filed on the case being
// changed does, however it came: it goes on the timeline, starts the
// next-response clock, ends a waiting state, reopens a resolved or closed
// case within the reopen window (else ECONFLICT), and the owner is told.
func (s *Service) messageArrived(ctx context.Context, ch *change, m *fresco.CaseMessage) error {
	if err := s.customerCameBack(ctx, ch, "the customer wrote again: "+fresco.Excerpt(m.Subject, 200), "customer wrote",
		"message_received", map[string]any{"case_message_id": m.ID, "from": m.From, "subject": m.Subject,
			"attachments": len(m.Attachments)}); err != nil {
		return err
	}
	return ch.notifyEmployee(ctx, ch.c.OwnerID, NotifyCustomerEmail,
		fmt.Sprintf("The customer wrote on case %d: %s", ch.c.ID, fresco.Excerpt(m.Subject, 200)))
}

// fill fills template t's subject and body for case c, written by actor;
// q reads the gesture (the database, or the reply's transaction).
func (s *Service) fill(ctx context.Context, q store.Querier, c *fresco.Case, customerName string, actor Actor,
	t *fresco.ReplyTemplate) (subject, body string, err error) {
	g, err := store.LatestGrantedGesture(ctx, q, c.ID)
	if err != nil {
		return "", "", err
	}
	gesture := ""
	if g != nil {
		if gesture = gestureText(g, s.opts.Format(ctx).Money); gesture == "" {
			gesture = "an apology letter"
		}
	}
	values := map[string]string{"customer_name": customerName, "case_number": strconv.FormatInt(c.ID, 10),
		"gesture": gesture, "employee_name": actor.Name, "business": s.opts.Business(ctx).BusinessName}
	return fresco.FillPlaceholders(t.Subject, values), fresco.FillPlaceholders(t.Body, values), nil
}

// FilledTemplate is a reply template filled for one case, as the reply form
// offers it.
type FilledTemplate struct {
	ID      int64
	Name    string
	Subject string
	Body    string
}

// FillTemplates fills every reply template for case caseID as actor would
// send it, for the reply form's picker.
func (s *Service) FillTemplates(ctx context.Context, actor Actor, caseID int64) ([]FilledTemplate, error) {
	list, err := s.db.ReplyTemplates(ctx)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	c, err := s.db.Case(ctx, caseID)
	if err != nil {
		return nil, err
	}
	cust, err := s.db.Customer(ctx, c.CustomerID)
	if err != nil {
		return nil, err
	}
	out := make([]FilledTemplate, 0, len(list))
	for _, t := range list {
		sub, body, err := s.fill(ctx, s.db, c, customerName(cust), actor, t)
		if err != nil {
			return nil, err
		}
		out = append(out, FilledTemplate{ID: t.ID, Name: t.Name, Subject: sub, Body: body})
	}
	return out, nil
}

// customerName is how a letter addresses the customer: the name, else the
// address (as store's CustomerName).
func customerName(c *fresco.Customer) string {
	if c.Name != "" {
		return c.Name
	}
	return c.Email
}

// ThreadMessage is one message of a case's thread with, for an outgoing
// one, its e-mail's send status.
type ThreadMessage struct {
	fresco.CaseMessage
	Email *fresco.EmailMessage // nil for inbound messages
}

// seesCases is the rule of who reads a case's thread and its attachments:
// every role that reads cases (all of them; an API token too).
func seesCases(actor Actor) error {
	if !slices.Contains(fresco.Roles, actor.Role) {
		return fresco.Errorf(fresco.EFORBIDDEN, "you may not read cases")
	}
	return nil
}

// Thread is case caseID's conversation, oldest first, each outgoing message
// with its send status (queued, sent, failed with the reason, skipped).
func (s *Service) Thread(ctx context.Context, actor Actor, caseID int64) ([]ThreadMessage, error) {
	if err := seesCases(actor); err != nil {
		return nil, err
	}
	if _, err := s.db.Case(ctx, caseID); err != nil {
		return nil, err
	}
	list, err := s.db.CaseMessages(ctx, caseID)
	if err != nil {
		return nil, err
	}
	mails, err := s.db.CaseEmails(ctx, caseID)
	if err != nil {
		return nil, err
	}
	out := make([]ThreadMessage, len(list))
	for i, m := range list {
		out[i].CaseMessage = m
		if m.EmailID != nil {
			out[i].Email = mails[*m.EmailID]
		}
	}
	return out, nil
}

// Attachment returns attachment id of case caseID with its data, for a
// viewer who may read the case; an attachment of another case is not found,
// so that ids cannot be probed through a case one may see.
func (s *Service) Attachment(ctx context.Context, actor Actor, caseID, id int64) (*fresco.CaseAttachment, error) {
	if err := seesCases(actor); err != nil {
		return nil, err
	}
	a, owner, err := s.db.CaseAttachment(ctx, id)
	if err != nil {
		return nil, err
	}
	if owner != caseID {
		return nil, fresco.Errorf(fresco.ENOTFOUND, "attachment %d not found on case %d", id, caseID)
	}
	return a, nil
}
