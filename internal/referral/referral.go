// Package referral gives promoters a personal referral link on purpose
// (issue 17, item 8): the seed asks "How did you hear about us?" to assess
// "the rate of referrals", and the three Rs count referrals among what a
// loyal customer is worth. A customer who answered 9 or 10 to the recommend
// question and agreed to it (customers.consent_referral) gets one code; the
// thank-you mail for their answer carries its link; a purchase carrying the
// code, or a newcomer joining through the link, records them as the
// referrer (customers.referred_by), which the value engine already credits.
package referral

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// Mailer queues customer mail in a transaction (notify.Notifier).
type Mailer interface {
	QueueCustomerMail(ctx context.Context, tx *store.Tx, m *fresco.EmailMessage) error
}

// Options configure the service.
type Options struct {
	BaseURL  string // links are BaseURL + "/r/" + code
	Mailer   Mailer // nil: promoters get their code but no mail
	Business func(context.Context) fresco.Settings
	Now      func() time.Time
	Logger   *slog.Logger
}

// Service issues, shows and revokes codes and lets newcomers join by link.
type Service struct {
	db   *store.DB
	opts Options
}

// New returns the service.
func New(db *store.DB, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Business == nil {
		opts.Business = func(context.Context) fresco.Settings { return fresco.DefaultSettings() }
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Service{db: db, opts: opts}
}

// Link is the public page a code's owner passes on.
func (s *Service) Link(code string) string {
	return strings.TrimRight(s.opts.BaseURL, "/") + "/r/" + code
}

// NewCode draws a code: ReferralCodeLen characters of Crockford's base 32,
// 80 bits from crypto/rand, so that nobody finds a code by trying.
func NewCode() string {
	b := make([]byte, fresco.ReferralCodeLen)
	rand.Read(b) // never fails (crypto/rand, Go 1.24)
	for i := range b {
		b[i] = fresco.ReferralAlphabet[b[i]&31]
	}
	return string(b)
}

// Issue gives customerID a code, or returns the live one they have
// (created false): a code already printed on a card keeps working. The
// customer must have agreed to it and be a promoter: their last answer to
// the recommend question was 9 or 10. employeeID is who issued it.
func (s *Service) Issue(ctx context.Context, customerID int64, actor string, employeeID *int64) (code *fresco.ReferralCode, created bool, err error) {
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		c, err := tx.Customer(ctx, customerID)
		if err != nil {
			return err
		}
		if err := mayRefer(ctx, tx, c); err != nil {
			return err
		}
		if code, err = tx.LiveReferralCode(ctx, c.ID); err == nil || fresco.ErrorCode(err) != fresco.ENOTFOUND {
			return err
		}
		code, created = &fresco.ReferralCode{Code: NewCode(), CustomerID: c.ID, CreatedBy: employeeID, CreatedAt: s.opts.Now()}, true
		if err := tx.InsertReferralCode(ctx, code); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "issue", "referral_code", strconv.FormatInt(code.ID, 10), map[string]any{"customer_id": c.ID})
	})
	return code, created, err
}

// mayRefer says why customer c may not be given a code: no consent, or not
// a promoter.
func mayRefer(ctx context.Context, q interface {
	LastNPS(context.Context, int64) (*int, error)
}, c *fresco.Customer) error {
	if !c.ConsentReferral {
		return invalid("consent_referral", "the customer has not agreed to be given a referral link")
	}
	nps, err := q.LastNPS(ctx, c.ID)
	if err != nil {
		return err
	}
	if nps == nil || *nps < 9 {
		return invalid("customer_id", "the customer is not a promoter: their last answer to the recommend question was not 9 or 10")
	}
	return nil
}

func invalid(field, format string, args ...any) error {
	var v fresco.Validation
	v.Add(field, format, args...)
	return v.Err()
}

// WhyNot says why customer c cannot be given a code now ("" when they
// can), for the customer page to offer the button only when it works.
func (s *Service) WhyNot(ctx context.Context, c *fresco.Customer) (string, error) {
	err := mayRefer(ctx, s.db, c)
	if fresco.ErrorCode(err) == fresco.EINVALID {
		if f := fresco.ErrorFields(err); len(f) > 0 {
			return f[0].Message, nil
		}
	}
	return "", err
}

// Codes returns every code customerID was given, the newest first.
func (s *Service) Codes(ctx context.Context, customerID int64) ([]*fresco.ReferralCode, error) {
	if _, err := s.db.Customer(ctx, customerID); err != nil {
		return nil, err
	}
	return s.db.ReferralCodes(ctx, customerID)
}

// CodesOf is Codes for a customer already read (the profile's).
func (s *Service) CodesOf(ctx context.Context, c *fresco.Customer) ([]*fresco.ReferralCode, error) {
	return s.db.ReferralCodes(ctx, c.ID)
}

// Revoke stops code (as typed) working for good. Revoking a revoked code
// changes nothing.
func (s *Service) Revoke(ctx context.Context, code, actor string) (*fresco.ReferralCode, error) {
	code = fresco.NormalizeReferralCode(code)
	var out *fresco.ReferralCode
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		c, err := tx.ReferralCodeByCode(ctx, code)
		if err != nil || c.RevokedAt != nil {
			out = c
			return err
		}
		if err := tx.RevokeReferralCode(ctx, c.ID, s.opts.Now()); err != nil {
			return err
		}
		if out, err = tx.ReferralCodeByCode(ctx, code); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "revoke", "referral_code", strconv.FormatInt(c.ID, 10), map[string]any{"customer_id": c.CustomerID})
	})
	return out, err
}

// Live returns the code (as typed) when it may be used, with its owner;
// otherwise an error naming field: a code this business never issued, or
// a revoked one.
func (s *Service) Live(ctx context.Context, code, field string) (*fresco.ReferralCode, *fresco.Customer, error) {
	code = fresco.NormalizeReferralCode(code)
	var v fresco.Validation
	fresco.CheckReferralCode(&v, field, code)
	if err := v.Err(); err != nil {
		return nil, nil, err
	}
	c, err := s.db.ReferralCodeByCode(ctx, code)
	switch {
	case fresco.ErrorCode(err) == fresco.ENOTFOUND:
		return nil, nil, invalid(field, "%s is not a referral code of this business", code)
	case err != nil:
		return nil, nil, err
	case c.RevokedAt != nil:
		return nil, nil, invalid(field, "%s was revoked on %s", code, c.RevokedAt.Format(time.DateOnly))
	}
	owner, err := s.db.Customer(ctx, c.CustomerID)
	return c, owner, err
}

// Newcomer is someone joining through a referral link.
type Newcomer struct {
	Name, Email      string
	ConsentSurveys   bool
	ConsentMarketing bool
}

// Join records a newcomer who arrived through code's link as a customer
// referred by its owner, acquisition source "referral". Someone whose
// e-mail is already a customer's is not changed (and not told: the page
// must not reveal who is a customer); joined is false for them.
func (s *Service) Join(ctx context.Context, code string, n Newcomer) (joined bool, err error) {
	rc, _, err := s.Live(ctx, code, "code")
	if err != nil {
		return false, err
	}
	var v fresco.Validation
	v.Text("name", n.Name, true, 200)
	v.Text("email", n.Email, true, 320)
	v.Check(strings.Contains(n.Email, "@"), "email", "must be an e-mail address")
	if err := v.Err(); err != nil {
		return false, err
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.CustomerByEmail(ctx, n.Email); fresco.ErrorCode(err) != fresco.ENOTFOUND {
			return err // nil: a customer already; the page says the same thanks
		}
		referrer := rc.CustomerID
		c := &fresco.Customer{Name: strings.TrimSpace(n.Name), Email: strings.TrimSpace(n.Email), AcquisitionSource: SourceReferral,
			ReferredBy: &referrer, ConsentSurveys: n.ConsentSurveys, ConsentMarketing: n.ConsentMarketing, FirstSeen: s.opts.Now()}
		if err := tx.CreateCustomer(ctx, c); err != nil {
			return err
		}
		joined = true
		return tx.Audit(ctx, "referral:"+strconv.FormatInt(rc.ID, 10), "join", "customer", strconv.FormatInt(c.ID, 10),
			map[string]any{"referred_by": referrer})
	})
	return joined, err
}

// SourceReferral is the acquisition source of a newcomer who joined by a
// referral link.
const SourceReferral = "referral"

// ThankPromoter is the closed loop's hook for a promoter's answer
// (loop.Options.Promoter): a consenting promoter who was never given a code
// gets one, and, when they have an e-mail address, a thank-you mail with
// its link. Running it again for the same answer does nothing: the code is
// there. Revoked codes are not replaced on their own; staff issue anew.
func (s *Service) ThankPromoter(ctx context.Context, customerID int64) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		c, err := tx.Customer(ctx, customerID)
		if fresco.ErrorCode(err) == fresco.ENOTFOUND {
			return nil // erased since they answered
		}
		if err != nil {
			return err
		}
		if mayRefer(ctx, tx, c) != nil {
			return nil
		}
		if had, err := tx.EverHadReferralCode(ctx, c.ID); err != nil || had {
			return err
		}
		code := &fresco.ReferralCode{Code: NewCode(), CustomerID: c.ID, CreatedAt: s.opts.Now()}
		if err := tx.InsertReferralCode(ctx, code); err != nil {
			return err
		}
		if err := tx.Audit(ctx, "system", "issue", "referral_code", strconv.FormatInt(code.ID, 10),
			map[string]any{"customer_id": c.ID, "promoter": true}); err != nil {
			return err
		}
		if s.opts.Mailer == nil || strings.TrimSpace(c.Email) == "" || c.EmailUndeliverableAt != nil {
			return nil
		}
		subject, body := thanksText(s.opts.Business(ctx).BusinessName, c.Name, s.Link(code.Code), code.Code)
		return s.opts.Mailer.QueueCustomerMail(ctx, tx, &fresco.EmailMessage{CustomerID: &c.ID,
			Purpose: fresco.EmailPurposeReferral, Subject: subject, Body: body})
	})
}

// thanksText is the thank-you mail to a promoter.
func thanksText(business, name, link, code string) (subject, body string) {
	hello := "Hello,"
	if strings.TrimSpace(name) != "" {
		hello = "Hello " + name + ","
	}
	return fmt.Sprintf("Thank you for recommending %s", business),
		fmt.Sprintf("%s\n\nthank you for telling us you would recommend %s. It means a lot to us.\n\n"+
			"If a friend would like us too, this is your personal link to pass on:\n\n%s\n\n"+
			"Or they can give your code %s when they buy. We will know they came through you.\n\nThank you,\n%s",
			hello, business, link, code, business)
}
