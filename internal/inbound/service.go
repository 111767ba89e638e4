package inbound

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/store"
)

// EventReply is the live event the case owner gets when a customer's e-mail
// lands on their case (recovery.NotifyCustomerEmail through the notifier).
const EventReply = "case." + recovery.NotifyCustomerEmail

// DefaultMaxBytes is the largest message accepted (10 MB), over SMTP and
// over the webhook alike.
const DefaultMaxBytes = 10 << 20

// actor is who files inbound mail, in the audit log.
const actor = "inbound-email"

// Options configure a Service. DB, Recovery and Feedback are required.
type Options struct {
	DB       *store.DB
	Recovery *recovery.Service
	Feedback *feedback.Service
	Logger   *slog.Logger
	Registry *prometheus.Registry
	Policy   Policy
	// Domains are the recipient domains the SMTP listener accepts mail for
	// (e.g. support.example.com); empty, any.
	Domains []string
	// MaxBytes is the largest message accepted (DefaultMaxBytes when 0).
	MaxBytes int64
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Service files inbound mail: the one path that both the SMTP listener and
// the webhook use.
type Service struct {
	db       *store.DB
	recovery *recovery.Service
	feedback *feedback.Service
	log      *slog.Logger
	policy   Policy
	domains  []string
	maxBytes int64
	now      func() time.Time
	messages *prometheus.CounterVec
}

// New returns the service.
func New(o Options) *Service {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &Service{db: o.DB, recovery: o.Recovery, feedback: o.Feedback, log: o.Logger.With("component", "inbound"),
		policy: o.Policy.WithDefaults(), domains: o.Domains, maxBytes: o.MaxBytes, now: o.Now,
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fresco_inbound_messages_total",
			Help: "Inbound e-mails by outcome: reply (filed on its case), new_case, auto_reply, bounce, loop, duplicate (dropped), rejected (refused: unreadable, too large, not our recipient), failed (our fault; the sender retries).",
		}, []string{"outcome"}),
	}
	for _, o := range Outcomes {
		s.messages.WithLabelValues(o)
	}
	if o.Registry != nil {
		o.Registry.MustRegister(s.messages)
	}
	return s
}

// MaxBytes is the largest message accepted.
func (s *Service) MaxBytes() int64 { return s.maxBytes }

// Domains are the recipient domains accepted (empty: any).
func (s *Service) Domains() []string { return s.domains }

// Result is what became of a received message.
type Result struct {
	Outcome     string `json:"outcome"`
	Reason      string `json:"reason,omitempty"`
	CaseID      int64  `json:"case_id,omitempty"`
	MessageID   int64  `json:"message_id,omitempty"` // the case message
	CustomerID  int64  `json:"customer_id,omitempty"`
	NewCustomer bool   `json:"new_customer,omitempty"`
	// Refused names the attachments not stored, and why.
	Refused []string `json:"refused_attachments,omitempty"`
}

// Receive reads raw, an RFC 5322 message, and files it: a reply on the
// case it answers, anything else from a person as a new case. Bounces,
// automatic answers and loops are dropped (a permanent bounce marks the
// address undeliverable). Every message is counted by outcome, and each
// one dropped or refused logged with the reason. A message that cannot be
// filed as it is (unreadable, too large, a sender address Fresco cannot
// keep) is refused: outcome rejected, an EINVALID (ETOOLARGE) error naming
// "message". Any other error is ours (outcome failed, EINTERNAL): the
// sender should try again later.
func (s *Service) Receive(ctx context.Context, env Envelope, raw []byte) (Result, error) {
	res, err := s.receive(ctx, env, raw)
	var refused *rejection
	switch {
	case errors.As(err, &refused):
		res.Outcome, res.Reason, err = OutcomeRejected, refused.err.Error(), refused.err
	case err != nil:
		res.Outcome, res.Reason = OutcomeFailed, err.Error()
		err = fresco.Errorf(fresco.EINTERNAL, "could not file the message now, try again later: %v", err)
	}
	s.Count(res.Outcome)
	attrs := []any{"outcome", res.Outcome, "mail_from", env.MailFrom, "bytes", len(raw)}
	switch res.Outcome {
	case OutcomeReply, OutcomeNewCase:
		s.log.InfoContext(ctx, "inbound: filed", append(attrs, "case", res.CaseID, "refused_attachments", len(res.Refused))...)
	case OutcomeFailed:
		s.log.ErrorContext(ctx, "inbound: not filed", append(attrs, "err", err)...)
	default:
		s.log.InfoContext(ctx, "inbound: dropped", append(attrs, "reason", res.Reason)...)
	}
	return res, err
}

// Count counts a message by outcome (the SMTP listener counts those it
// refuses before Receive sees them).
func (s *Service) Count(outcome string) { s.messages.WithLabelValues(outcome).Inc() }

func (s *Service) receive(ctx context.Context, env Envelope, raw []byte) (Result, error) {
	if int64(len(raw)) > s.maxBytes {
		return Result{}, &rejection{fresco.Errorf(fresco.ETOOLARGE, "message: is %s, more than the %s accepted",
			byteSize(int64(len(raw))), byteSize(s.maxBytes))}
	}
	m, err := Parse(raw)
	if err != nil {
		return Result{}, invalid("%v", err)
	}
	if v := Screen(m, env, s.policy); v != nil {
		return Result{Outcome: v.Outcome, Reason: v.Reason}, s.markUndeliverable(ctx, v)
	}
	var res Result
	var threadCase int64
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if m.MessageID != "" {
			id, dup, err := tx.CaseForMessageIDs(ctx, []string{m.MessageID})
			if err != nil || dup {
				res = Result{Outcome: OutcomeDuplicate, Reason: "Message-ID " + m.MessageID + " was filed before", CaseID: id}
				return err
			}
		}
		var err error
		threadCase, err = s.match(ctx, tx, m, env)
		return err
	})
	if err != nil || res.Outcome != "" {
		return res, err
	}
	msg, refused := caseMessage(m, s.policy)
	res.Refused = refused
	if threadCase != 0 {
		c, opened, err := s.recovery.ReceiveEmail(ctx, threadCase, msg)
		if err != nil {
			return res, err
		}
		res.Outcome, res.CaseID, res.MessageID, res.CustomerID = OutcomeReply, c.ID, msg.ID, c.CustomerID
		if opened {
			res.Outcome, res.Reason = OutcomeNewCase, fmt.Sprintf("case %d no longer reopens", threadCase)
		}
		return res, nil
	}
	return s.openCase(ctx, m, msg, res)
}

// match finds the case m answers: the case of a message its In-Reply-To or
// References name (those IDs are random and were only ever sent to the
// thread's people), else the case token of a recipient address
// (support+c123@…), which is guessable and so is believed only when the
// sender is that case's customer. 0: none.
func (s *Service) match(ctx context.Context, tx *store.Tx, m *Message, env Envelope) (int64, error) {
	if ids := ThreadIDs(m); len(ids) > 0 {
		id, ok, err := tx.CaseForMessageIDs(ctx, ids)
		if err != nil || ok {
			return id, err
		}
	}
	token := CaseToken(append(append([]string{}, env.Recipients...), m.To...))
	if token == 0 {
		return 0, nil
	}
	c, err := tx.CaseForUpdate(ctx, token)
	if fresco.ErrorCode(err) == fresco.ENOTFOUND {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	cust, err := tx.Customer(ctx, c.CustomerID)
	if err != nil {
		return 0, err
	}
	if !strings.EqualFold(strings.TrimSpace(cust.Email), m.From) {
		return 0, nil
	}
	return c.ID, nil
}

// openCase opens a case for a message that answers none: the sender's
// customer (found by address, or created from the From name and address),
// the message recorded at the e-mail listening post — so that it runs
// through the same classifier and closed loop as any feedback — and, in
// the same transaction, the case with the message as its first.
func (s *Service) openCase(ctx context.Context, m *Message, msg *fresco.CaseMessage, res Result) (Result, error) {
	customer, created, err := s.customer(ctx, m)
	if err != nil {
		return res, err
	}
	res.CustomerID, res.NewCustomer = customer, created
	in := &feedback.Input{CustomerID: &customer, Comment: comment(m), Source: "email", Actor: actor,
		ExternalID: externalID(m)}
	var done func()
	_, err = s.feedback.RecordEmail(ctx, in, func(tx *store.Tx, r *fresco.Response) error {
		c, after, err := s.recovery.OpenFromEmail(ctx, tx, recovery.EmailCase{CustomerID: customer, Summary: m.Subject,
			Message: msg, ResponseID: &r.ID, Complaint: feedback.FlagsOf(r).Complaint})
		if err != nil {
			return err
		}
		res.CaseID, res.MessageID, done = c.ID, msg.ID, after
		return nil
	})
	if slices.ContainsFunc(fresco.ErrorFields(err), func(f fresco.FieldError) bool { return f.Field == "external_id" }) {
		// The same message, filed by a delivery that overlapped this one.
		return Result{Outcome: OutcomeDuplicate, Reason: "Message-ID " + m.MessageID + " was filed before"}, nil
	}
	if err != nil {
		return res, err
	}
	done()
	res.Outcome = OutcomeNewCase
	return res, nil
}

// customer finds the sender's customer by address, or creates one from the
// From name and address.
func (s *Service) customer(ctx context.Context, m *Message) (id int64, created bool, err error) {
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		c, err := tx.CustomerByEmail(ctx, m.From)
		if err == nil {
			id = c.ID
			return nil
		}
		if fresco.ErrorCode(err) != fresco.ENOTFOUND {
			return err
		}
		name := m.FromName
		if name == "" {
			name, _, _ = strings.Cut(m.From, "@")
		}
		c = &fresco.Customer{Name: fresco.Excerpt(name, 200), Email: m.From}
		if err := tx.CreateCustomer(ctx, c); fresco.ErrorCode(err) == fresco.EINVALID {
			return invalid("the sender %q cannot be kept as a customer: %v", m.From, err)
		} else if err != nil {
			return err
		}
		id, created = c.ID, true
		return tx.Audit(ctx, actor, "customer.created", "customer", strconv.FormatInt(c.ID, 10),
			map[string]any{"email": c.Email, "name": c.Name, "source": "email"})
	})
	return id, created, err
}

// markUndeliverable marks the addresses a permanent bounce reported.
func (s *Service) markUndeliverable(ctx context.Context, v *Verdict) error {
	if len(v.Undeliverable) == 0 {
		return nil
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		for _, addr := range v.Undeliverable {
			n, err := tx.MarkEmailUndeliverable(ctx, addr, s.now())
			if err != nil {
				return err
			}
			if n > 0 {
				if err := tx.Audit(ctx, actor, "customer.email_undeliverable", "email", addr,
					map[string]any{"customers": n, "reason": v.Reason}); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// caseMessage is m as a message of a case's thread, with the attachments the
// policy keeps; those refused are named at the end of its text.
func caseMessage(m *Message, p Policy) (*fresco.CaseMessage, []string) {
	kept, refused := SortAttachments(m.Attachments, p)
	text := m.Text
	if len(refused) > 0 {
		text += "\n\n[Attachments not stored: " + strings.Join(refused, "; ") + "]"
	}
	from := fresco.Mailbox(m.FromName, m.From)
	msg := &fresco.CaseMessage{Direction: fresco.MessageIn, MessageID: m.MessageID, From: from,
		To: strings.Join(m.To, ", "), Subject: m.Subject, Text: strings.TrimSpace(text), HTML: m.HTML}
	if len(m.InReplyTo) > 0 {
		msg.InReplyTo = m.InReplyTo[0]
	}
	if len(m.References) > 0 {
		msg.References = "<" + strings.Join(m.References, "> <") + ">"
	}
	for _, a := range kept {
		msg.Attachments = append(msg.Attachments, fresco.CaseAttachment{Filename: a.Filename, ContentType: a.ContentType, Data: a.Data})
	}
	return msg, refused
}

// comment is what the e-mail says, for the listening post: the subject and
// the text, within the length a comment may have.
func comment(m *Message) string {
	c := strings.TrimSpace(m.Subject + "\n\n" + m.Text)
	return fresco.Excerpt(c, feedback.MaxCommentLen)
}

// externalID keeps one response per Message-ID: a second delivery of the
// same message is refused by the store, not filed twice.
func externalID(m *Message) string {
	if m.MessageID == "" {
		return ""
	}
	if id := "email:" + m.MessageID; len(id) <= 200 {
		return id
	}
	sum := sha256.Sum256([]byte(m.MessageID))
	return "email:sha256:" + hex.EncodeToString(sum[:])
}

// rejection is a message refused for what it is, not for a fault of ours.
type rejection struct{ err error }

func (r *rejection) Error() string { return r.err.Error() }

// invalid refuses the message, naming the field "message".
func invalid(format string, args ...any) error {
	var v fresco.Validation
	v.Add("message", format, args...)
	return &rejection{v.Err()}
}
