package importer

import (
	"context"
	"fmt"
	"strings"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// A customers file has one row per customer, keyed by external_id. A
// referrer (referred_by, the referrer's external id) may appear later in the
// file than the customer they referred: such referrals are set at the end.

type customerImporter struct {
	db       *store.DB
	deferred []deferredReferral
}

type deferredReferral struct {
	line       int
	customer   *fresco.Customer
	referrerID string
}

func (c *customerImporter) aliases() map[string]string {
	return aliasesFor(Customers, map[string]string{
		"id": "external_id", "customer_id": "external_id", "customerid": "external_id",
		"full_name": "name", "e-mail": "email", "mail": "email", "telephone": "phone",
		"source": "acquisition_source", "how_did_you_hear_about_us": "acquisition_source",
		"referrer": "referred_by", "since": "first_seen", "created": "first_seen",
	})
}

func (c *customerImporter) required() []string { return []string{"external_id"} }

func (c *customerImporter) add(ctx context.Context, r *row, s *Summary) error {
	cust, referrer, err := parseCustomer(r)
	if err != nil {
		s.rejectErr(r.line, err)
		return nil
	}
	if referrer != "" {
		ref, err := c.db.CustomerByExternalID(ctx, referrer)
		switch {
		case err == nil:
			cust.ReferredBy = &ref.ID
		case fresco.ErrorCode(err) == fresco.ENOTFOUND:
			c.deferred = append(c.deferred, deferredReferral{line: r.line, customer: cust, referrerID: referrer})
		default:
			return err
		}
	}
	created, err := c.db.UpsertCustomer(ctx, cust)
	switch {
	case err != nil && fresco.ErrorCode(err) == fresco.EINTERNAL:
		return err
	case err != nil:
		s.rejectErr(r.line, err)
	case created:
		s.Imported++
	default:
		s.Updated++
	}
	return nil
}

func parseCustomer(r *row) (*fresco.Customer, string, error) {
	var v fresco.Validation
	c := &fresco.Customer{
		ExternalID:        externalID(r.get("external_id")),
		Name:              r.get("name"),
		Email:             r.get("email"),
		Phone:             r.get("phone"),
		Address:           r.get("address"),
		AcquisitionSource: r.get("acquisition_source"),
	}
	if c.ExternalID == "" {
		v.Add("external_id", "is required")
	}
	if s := r.get("first_seen"); s != "" {
		t, err := parseTime(s)
		if err != nil {
			v.Add("first_seen", "%v", err)
		}
		c.FirstSeen = t
	}
	for _, tag := range strings.Split(r.get("tags"), ";") {
		if tag = strings.TrimSpace(tag); tag != "" {
			c.Tags = append(c.Tags, tag)
		}
	}
	for _, consent := range []struct {
		field string
		dst   *bool
	}{{"consent_surveys", &c.ConsentSurveys}, {"consent_marketing", &c.ConsentMarketing}, {"consent_personalisation", &c.ConsentPersonalisation}, {"consent_referral", &c.ConsentReferral}} {
		b, err := parseBool(r.get(consent.field))
		if err != nil {
			v.Add(consent.field, "%v", err)
		}
		*consent.dst = b
	}
	if err := v.Err(); err != nil {
		return nil, "", err
	}
	if err := c.Validate(); err != nil {
		return nil, "", err
	}
	return c, externalID(r.get("referred_by")), nil
}

// finish sets the referrals whose referrer came later in the file.
func (c *customerImporter) finish(ctx context.Context, s *Summary) error {
	for _, d := range c.deferred {
		ref, err := c.db.CustomerByExternalID(ctx, d.referrerID)
		if err != nil {
			s.Warnings = append(s.Warnings, fmt.Sprintf("line %d: referred_by: no customer with external_id %q; imported without a referrer", d.line, d.referrerID))
			continue
		}
		d.customer.ReferredBy = &ref.ID
		if err := c.db.UpdateCustomer(ctx, d.customer); err != nil {
			s.Warnings = append(s.Warnings, fmt.Sprintf("line %d: referred_by: %s", d.line, fresco.ErrorMessage(err)))
		}
	}
	return nil
}

// A products file has one row per SKU.
type productImporter struct{ db *store.DB }

func (p *productImporter) aliases() map[string]string {
	return aliasesFor(Products, map[string]string{
		"stockcode": "sku", "code": "sku", "product_code": "sku", "description": "name", "title": "name",
		"price": "list_price", "unitprice": "list_price", "cost": "unit_cost",
	})
}

func (p *productImporter) required() []string { return []string{"sku"} }

func (p *productImporter) add(ctx context.Context, r *row, s *Summary) error {
	var v fresco.Validation
	prod := &fresco.Product{SKU: r.get("sku"), Name: r.get("name"), Category: r.get("category")}
	var err error
	if prod.ListPrice, err = parseMoneyField(r.get("list_price")); err != nil {
		v.Add("list_price", "%v", err)
	}
	if prod.UnitCost, err = parseMoneyField(r.get("unit_cost")); err != nil {
		v.Add("unit_cost", "%v", err)
	}
	v.Merge("", prod.Validate())
	if err := v.Err(); err != nil {
		s.rejectErr(r.line, err)
		return nil
	}
	created, err := p.db.UpsertProduct(ctx, prod)
	switch {
	case err != nil && fresco.ErrorCode(err) == fresco.EINTERNAL:
		return err
	case err != nil:
		s.rejectErr(r.line, err)
	case created:
		s.Imported++
	default:
		s.Updated++
	}
	return nil
}

func (p *productImporter) finish(context.Context, *Summary) error { return nil }
