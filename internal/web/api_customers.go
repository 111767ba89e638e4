package web

import (
	"context"
	"fmt"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// Customer is a customer as the API shows it.
type Customer struct {
	ID                     int64            `json:"id"`
	ExternalID             string           `json:"external_id" doc:"The id in the business's own systems."`
	Name                   string           `json:"name"`
	Email                  string           `json:"email"`
	Phone                  string           `json:"phone"`
	Address                string           `json:"address"`
	ConsentSurveys         bool             `json:"consent_surveys"`
	ConsentMarketing       bool             `json:"consent_marketing"`
	ConsentPersonalisation bool             `json:"consent_personalisation"`
	ConsentReferral        bool             `json:"consent_referral" doc:"Agreed to be given a personal referral link to pass on."`
	AcquisitionSource      string           `json:"acquisition_source" doc:"The answer to \"How did you hear about us?\""`
	ReferredBy             *int64           `json:"referred_by" doc:"The id of the customer who referred this one."`
	FirstSeen              time.Time        `json:"first_seen"`
	Tags                   []string         `json:"tags"`
	Locale                 string           `json:"locale" doc:"The language the customer is written to in (BCP 47, e.g. de or fr-FR); empty: the business's default."`
	EmailUndeliverableAt   *time.Time       `json:"email_undeliverable_at" doc:"When mail to the address bounced for good; nothing is sent to it until it changes."`
	CreatedAt              time.Time        `json:"created_at"`
	UpdatedAt              time.Time        `json:"updated_at"`
	Version                int64            `json:"version" doc:"Moves with every change; the ETag is this number in quotes."`
	Summary                *CustomerSummary `json:"summary,omitempty" doc:"What the customer has bought (on GET /customers/{id})."`
	// NeedsSpecialAttention is set by service recovery (internal/recovery):
	// the customer has a case that is not closed yet.
	NeedsSpecialAttention bool `json:"needs_special_attention" doc:"The customer has an open service-recovery case: treat them with special attention."`
}

// CustomerSummary totals a customer's purchases.
type CustomerSummary struct {
	Purchases     int        `json:"purchases" doc:"Purchases with a positive total."`
	Refunds       int        `json:"refunds" doc:"Purchases with a negative total."`
	Revenue       Money      `json:"revenue"`
	Items         int64      `json:"items"`
	FirstPurchase *time.Time `json:"first_purchase"`
	LastPurchase  *time.Time `json:"last_purchase"`
}

func customerOut(c *fresco.Customer) Customer {
	return Customer{
		ID: c.ID, ExternalID: c.ExternalID, Name: c.Name, Email: c.Email, Phone: c.Phone, Address: c.Address,
		ConsentSurveys: c.ConsentSurveys, ConsentMarketing: c.ConsentMarketing, ConsentPersonalisation: c.ConsentPersonalisation,
		ConsentReferral:   c.ConsentReferral,
		AcquisitionSource: c.AcquisitionSource, ReferredBy: c.ReferredBy, FirstSeen: c.FirstSeen,
		Tags: nonNilStrings(c.Tags), Locale: c.Locale, EmailUndeliverableAt: c.EmailUndeliverableAt, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, Version: c.Version,
	}
}

// CustomerInput creates a customer.
type CustomerInput struct {
	ExternalID             string     `json:"external_id,omitempty"`
	Name                   string     `json:"name,omitempty"`
	Email                  string     `json:"email,omitempty"`
	Phone                  string     `json:"phone,omitempty"`
	Address                string     `json:"address,omitempty"`
	ConsentSurveys         bool       `json:"consent_surveys,omitempty"`
	ConsentMarketing       bool       `json:"consent_marketing,omitempty"`
	ConsentPersonalisation bool       `json:"consent_personalisation,omitempty"`
	ConsentReferral        bool       `json:"consent_referral,omitempty"`
	AcquisitionSource      string     `json:"acquisition_source,omitempty"`
	ReferredBy             *int64     `json:"referred_by,omitempty"`
	FirstSeen              *time.Time `json:"first_seen,omitempty" doc:"Defaults to now."`
	Tags                   []string   `json:"tags,omitempty" maxItems:"100" doc:"At most 100 tags of 1 to 64 characters."`
	Locale                 string     `json:"locale,omitempty" doc:"BCP 47 language tag, e.g. de or fr-FR."`
}

func (in *CustomerInput) domain() *fresco.Customer {
	c := &fresco.Customer{
		ExternalID: in.ExternalID, Name: in.Name, Email: in.Email, Phone: in.Phone, Address: in.Address,
		ConsentSurveys: in.ConsentSurveys, ConsentMarketing: in.ConsentMarketing, ConsentPersonalisation: in.ConsentPersonalisation,
		ConsentReferral:   in.ConsentReferral,
		AcquisitionSource: in.AcquisitionSource, ReferredBy: in.ReferredBy, Tags: in.Tags, Locale: in.Locale,
	}
	if in.FirstSeen != nil {
		c.FirstSeen = *in.FirstSeen
	}
	return c
}

// CustomerPatch changes some fields of a customer; absent fields stay as
// they are, and referred_by: null clears the referrer.
type CustomerPatch struct {
	ExternalID             *string         `json:"external_id,omitempty"`
	Name                   *string         `json:"name,omitempty"`
	Email                  *string         `json:"email,omitempty"`
	Phone                  *string         `json:"phone,omitempty"`
	Address                *string         `json:"address,omitempty"`
	ConsentSurveys         *bool           `json:"consent_surveys,omitempty"`
	ConsentMarketing       *bool           `json:"consent_marketing,omitempty"`
	ConsentPersonalisation *bool           `json:"consent_personalisation,omitempty"`
	ConsentReferral        *bool           `json:"consent_referral,omitempty" doc:"false also revokes the customer's live referral code."`
	AcquisitionSource      *string         `json:"acquisition_source,omitempty"`
	ReferredBy             Optional[int64] `json:"referred_by,omitempty"`
	FirstSeen              *time.Time      `json:"first_seen,omitempty"`
	Tags                   []string        `json:"tags,omitempty" nullable:"false" maxItems:"100" doc:"Replaces the tags when present. At most 100 tags of 1 to 64 characters."`
	Locale                 *string         `json:"locale,omitempty" doc:"BCP 47 language tag; empty for the business's default."`
}

func (p *CustomerPatch) apply(c *fresco.Customer) error {
	set(&c.ExternalID, p.ExternalID)
	set(&c.Name, p.Name)
	set(&c.Email, p.Email)
	set(&c.Phone, p.Phone)
	set(&c.Address, p.Address)
	set(&c.ConsentSurveys, p.ConsentSurveys)
	set(&c.ConsentMarketing, p.ConsentMarketing)
	set(&c.ConsentPersonalisation, p.ConsentPersonalisation)
	set(&c.ConsentReferral, p.ConsentReferral)
	set(&c.AcquisitionSource, p.AcquisitionSource)
	p.ReferredBy.apply(&c.ReferredBy)
	set(&c.FirstSeen, p.FirstSeen)
	set(&c.Locale, p.Locale)
	if p.Tags != nil {
		c.Tags = p.Tags
	}
	return nil
}

type customerListInput struct {
	ListParams
	Search            string `query:"search" doc:"Matches name, e-mail, phone or external id."`
	AcquisitionSource string `query:"acquisition_source"`
	ReferredBy        int64  `query:"referred_by" minimum:"0" doc:"Customers referred by this customer id."`
	Tag               string `query:"tag"`
}

func (s *Server) listCustomers(ctx context.Context, in *customerListInput) (*PageBody[Customer], error) {
	list, next, err := s.db.ListCustomers(ctx, store.CustomerFilter{
		Search: in.Search, AcquisitionSource: in.AcquisitionSource, ReferredBy: idPtr(in.ReferredBy),
		Tag: in.Tag, Cursor: in.Cursor, Limit: in.Limit,
	})
	if err != nil {
		return nil, err
	}
	out := page(list, next, customerOut)
	if err := s.flagCustomers(ctx, out.Body.Items); err != nil { // service recovery
		return nil, err
	}
	return out, nil
}

func (s *Server) createCustomer(ctx context.Context, in *struct{ Body CustomerInput }) (*Created[Customer], error) {
	c := in.Body.domain()
	if err := s.db.CreateCustomer(ctx, c); err != nil {
		return nil, err
	}
	return &Created[Customer]{Location: fmt.Sprintf("%s/customers/%d", apiPrefix, c.ID), ETag: etag(c.Version), Body: customerOut(c)}, nil
}

func (s *Server) getCustomer(ctx context.Context, in *IDParam) (*Tagged[Customer], error) {
	out, err := getVersioned(ctx, s, customerEntity, in.ID)
	if err != nil {
		return nil, err
	}
	c := &out.Body
	if c.NeedsSpecialAttention, err = s.db.CustomerNeedsAttention(ctx, c.ID); err != nil { // service recovery
		return nil, err
	}
	sum, err := s.db.CustomerSummary(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	c.Summary = &CustomerSummary{Purchases: sum.Purchases, Refunds: sum.Refunds, Revenue: moneyOut(sum.Revenue),
		Items: sum.Items, FirstPurchase: sum.FirstPurchase, LastPurchase: sum.LastPurchase}
	return out, nil
}

func (s *Server) updateCustomer(ctx context.Context, in *patchInput[CustomerPatch]) (*Tagged[Customer], error) {
	return patchVersioned(ctx, s, customerEntity, in.ID, in.IfMatchParam, in.Body.apply)
}

// customerEntity is a customer for GET and versioned PATCH.
var customerEntity = versioned[fresco.Customer, Customer]{name: "customer", out: customerOut,
	load: (*store.DB).Customer, save: storeSave((*store.DB).UpdateCustomerIfVersion),
	ident: func(x *fresco.Customer) (int64, int64) { return x.ID, x.Version },
}
