package prefs

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/portable"
	"github.com/fresco-cx/fresco/internal/store"
)

// Service opens customer links and applies what the customer chooses.
type Service struct {
	db *store.DB
}

// New returns the service over db, whose secret keyring signs the links.
func New(db *store.DB) *Service { return &Service{db: db} }

// Token is a signed link for the customer (see the package Token).
func (s *Service) Token(customerID int64, scope Scope) (string, error) {
	keys := s.db.SecretKeys()
	if keys == nil {
		return "", store.ErrNoSecretKey
	}
	return Token(keys, customerID, scope), nil
}

// Open returns the customer a link names and what it allows. A forged or
// revoked link, or one whose customer was deleted or erased, is
// ErrLinkInvalid.
func (s *Service) Open(ctx context.Context, token string) (*fresco.Customer, Link, error) {
	l, err := ParseToken(s.db.SecretKeys(), token)
	if err != nil {
		return nil, Link{}, err
	}
	c, err := s.db.Customer(ctx, l.CustomerID)
	return customerOf(c, l, err)
}

func customerOf(c *fresco.Customer, l Link, err error) (*fresco.Customer, Link, error) {
	switch {
	case fresco.ErrorCode(err) == fresco.ENOTFOUND:
		return nil, Link{}, ErrLinkInvalid
	case err != nil:
		return nil, Link{}, err
	case c.Name == portable.ErasedName && c.Email == "": // erased: their links lead nowhere
		return nil, Link{}, ErrLinkInvalid
	}
	return c, l, nil
}

// Choices are what the preference page sets.
type Choices struct {
	Surveys, Marketing, Personalisation bool
	// Referral: a personal referral link (customers.consent_referral);
	// turning it off revokes the live code.
	Referral bool
	// Locale is one of Languages' tags ("" the business's default), or
	// the customer's current locale unchanged.
	Locale string
}

// ChoicesOf are a customer's current choices.
func ChoicesOf(c *fresco.Customer) Choices {
	return Choices{Surveys: c.ConsentSurveys, Marketing: c.ConsentMarketing,
		Personalisation: c.ConsentPersonalisation, Referral: c.ConsentReferral, Locale: c.Locale}
}

// Unsubscribe turns off, at once, the consents the link's scope names
// (survey links: surveys; others: surveys and marketing) and audits it as
// the customer. Unsubscribing twice changes nothing and records nothing.
func (s *Service) Unsubscribe(ctx context.Context, token string) (*fresco.Customer, Link, error) {
	return s.change(ctx, token, "customer.unsubscribe", func(_ *fresco.Customer, l Link, ch *Choices) error {
		ch.Surveys = false
		if l.Scope == ScopeAll {
			ch.Marketing = false
		}
		return nil
	})
}

// Update stores the customer's choices from the preference page, audited
// as the customer.
func (s *Service) Update(ctx context.Context, token string, in Choices) (*fresco.Customer, error) {
	c, _, err := s.change(ctx, token, "customer.preferences", func(c *fresco.Customer, _ Link, ch *Choices) error {
		in.Locale = strings.TrimSpace(in.Locale)
		if in.Locale != c.Locale && !slices.ContainsFunc(Languages, func(l Language) bool { return l.Tag == in.Locale }) {
			var v fresco.Validation
			v.Add("locale", "%q is not one of the languages offered", in.Locale)
			return v.Err()
		}
		*ch = in
		return nil
	})
	return c, err
}

// change applies edit to the link's customer in one transaction and, when
// something changed, writes the customer and the audit entry.
func (s *Service) change(ctx context.Context, token, action string, edit func(*fresco.Customer, Link, *Choices) error) (*fresco.Customer, Link, error) {
	l, err := ParseToken(s.db.SecretKeys(), token)
	if err != nil {
		return nil, Link{}, err
	}
	var out *fresco.Customer
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		c, err := tx.Customer(ctx, l.CustomerID)
		if c, _, err = customerOf(c, l, err); err != nil {
			return err
		}
		before := ChoicesOf(c)
		after := before
		if err := edit(c, l, &after); err != nil {
			return err
		}
		out = c
		if after == before {
			return nil
		}
		c.ConsentSurveys, c.ConsentMarketing, c.ConsentPersonalisation, c.Locale = after.Surveys, after.Marketing, after.Personalisation, after.Locale
		c.ConsentReferral = after.Referral
		if err := tx.UpdateCustomer(ctx, c); err != nil {
			return err
		}
		return tx.Audit(ctx, "customer:"+strconv.FormatInt(c.ID, 10), action, "customer", strconv.FormatInt(c.ID, 10),
			map[string]any{"before": auditChoices(before), "after": auditChoices(after)})
	})
	if err != nil {
		return nil, Link{}, err
	}
	return out, l, nil
}

func auditChoices(c Choices) map[string]any {
	return map[string]any{"consent_surveys": c.Surveys, "consent_marketing": c.Marketing,
		"consent_personalisation": c.Personalisation, "consent_referral": c.Referral, "locale": c.Locale}
}
