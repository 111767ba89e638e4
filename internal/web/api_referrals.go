package web

// Referral codes (internal/referral): a promoter's personal code and link,
// issued, listed and revoked.

import (
	"context"
	"net/http"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// ReferralCodeOut is a customer's referral code as the API shows it.
type ReferralCodeOut struct {
	ID         int64      `json:"id"`
	Code       string     `json:"code" doc:"16 letters and digits; give it with a purchase as referral_code."`
	Link       string     `json:"link" doc:"The public page to pass on: whoever joins through it is recorded as referred by this customer."`
	CustomerID int64      `json:"customer_id"`
	CreatedBy  *int64     `json:"created_by" doc:"The employee who issued it; null when issued on a promoter's answer."`
	CreatedAt  time.Time  `json:"created_at"`
	RevokedAt  *time.Time `json:"revoked_at" doc:"Set once the code is revoked; it is then refused."`
	Live       bool       `json:"live"`
}

func (s *Server) referralCodeOut(c *fresco.ReferralCode) ReferralCodeOut {
	return ReferralCodeOut{ID: c.ID, Code: c.Code, Link: s.referral.Link(c.Code), CustomerID: c.CustomerID,
		CreatedBy: c.CreatedBy, CreatedAt: c.CreatedAt, RevokedAt: c.RevokedAt, Live: c.RevokedAt == nil}
}

// ReferralCodes lists a customer's codes, the newest first.
type ReferralCodes struct {
	Items []ReferralCodeOut `json:"items"`
}

func (s *Server) listReferralCodes(ctx context.Context, in *IDParam) (*One[ReferralCodes], error) {
	list, err := s.referral.Codes(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	out := ReferralCodes{Items: make([]ReferralCodeOut, len(list))}
	for i, c := range list {
		out.Items[i] = s.referralCodeOut(c)
	}
	return &One[ReferralCodes]{Body: out}, nil
}

type issuedCode struct {
	Status int
	Body   ReferralCodeOut
}

func (s *Server) issueReferralCode(ctx context.Context, in *IDParam) (*issuedCode, error) {
	p := principal(ctx)
	var by *int64
	if p != nil && p.Employee != nil {
		by = &p.Employee.ID
	}
	c, created, err := s.referral.Issue(ctx, in.ID, p.Actor(), by)
	if err != nil {
		return nil, err
	}
	status := http.StatusOK // the live code the customer already has
	if created {
		status = http.StatusCreated
	}
	return &issuedCode{Status: status, Body: s.referralCodeOut(c)}, nil
}

type referralCodeParam struct {
	Code string `path:"code" doc:"The code, as given (case, spaces and hyphens do not matter)."`
}

func (s *Server) revokeReferralCode(ctx context.Context, in *referralCodeParam) (*One[ReferralCodeOut], error) {
	c, err := s.referral.Revoke(ctx, in.Code, principal(ctx).Actor())
	if err != nil {
		return nil, err
	}
	return &One[ReferralCodeOut]{Body: s.referralCodeOut(c)}, nil
}
