package ui

// A customer's referral link on their page (package referral): the live
// code and its link, how many were revoked, and the buttons to issue one
// (offered only when the customer may have one) or revoke it.

import (
	"context"
	"net/http"
	"strconv"

	"github.com/fresco-cx/fresco/internal/fresco"
)

func init() {
	flashes["referral-issued"] = "Referral link issued: give the customer the link or the code."
	flashes["referral-revoked"] = "Referral code revoked: it is refused from now on."
}

// referralPanel is the customer page's referral section.
type referralPanel struct {
	Live    *fresco.ReferralCode
	Link    string
	Revoked int
	WhyNot  string // why no code can be issued now; "" when one can
}

// customerReferral builds the panel; nil without the service. A failure
// leaves the panel out: the rest of the profile is still worth showing.
func (u *UI) customerReferral(ctx context.Context, c *fresco.Customer) *referralPanel {
	if u.referral == nil {
		return nil
	}
	codes, err := u.referral.CodesOf(ctx, c)
	if err != nil {
		u.log.ErrorContext(ctx, "ui: referral codes", "customer_id", c.ID, "err", err)
		return nil
	}
	p := &referralPanel{}
	for _, code := range codes {
		if code.RevokedAt == nil {
			p.Live, p.Link = code, u.referral.Link(code.Code)
		} else {
			p.Revoked++
		}
	}
	if p.WhyNot, err = u.referral.WhyNot(ctx, c); err != nil {
		u.log.ErrorContext(ctx, "ui: referral eligibility", "customer_id", c.ID, "err", err)
		return nil
	}
	return p
}

// IssueReferral is POST /customers/{id}/referral: give the customer a
// code (or keep the live one) and show the page again.
func (u *UI) IssueReferral(w http.ResponseWriter, r *http.Request) {
	id, ok := u.idAndForm(w, r, maxFormBytes)
	if !ok {
		return
	}
	v := viewerFrom(r.Context())
	if _, _, err := u.referral.Issue(r.Context(), id, v.actor(), &v.ID); err != nil {
		u.fail(w, r, err)
		return
	}
	http.Redirect(w, r, doneFlash("/customers/"+strconv.FormatInt(id, 10), "referral-issued")+"#referral", http.StatusSeeOther)
}

// RevokeReferral is POST /customers/{id}/referral/revoke: the form names
// the code, which must be the customer's.
func (u *UI) RevokeReferral(w http.ResponseWriter, r *http.Request) {
	id, ok := u.idAndForm(w, r, maxFormBytes)
	if !ok {
		return
	}
	ctx := r.Context()
	code, _, err := u.referral.Live(ctx, r.PostFormValue("code"), "code")
	if err == nil && code.CustomerID != id {
		err = fresco.Errorf(fresco.ENOTFOUND, "referral code not found")
	}
	if err == nil {
		_, err = u.referral.Revoke(ctx, code.Code, viewerFrom(ctx).actor())
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	http.Redirect(w, r, doneFlash("/customers/"+strconv.FormatInt(id, 10), "referral-revoked")+"#referral", http.StatusSeeOther)
}
