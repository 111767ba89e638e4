package ui

// Asking a customer for feedback from anywhere: staff choose the customer
// by name, e-mail or customer number (the customer search of the "New
// case" form) or go straight to a purchase by its number, optionally pick
// one of the customer's purchases, and then make a survey link or schedule
// a follow-up call. Internal ids travel only in the links and forms the
// page itself writes; nobody types one.

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
)

const askPath = "/feedback/ask"

func init() {
	flashes["call-scheduled"] = "Call scheduled."
	flashes["call-already-scheduled"] = "That call was already scheduled."
}

type askView struct {
	// The customer search, as on the "New case" form.
	Query    string
	Results  []*fresco.Customer
	Searched bool
	Choose   string // where a chosen customer leads
	Survey   string // the survey preselected (the survey admin's "Ask a customer…")
	Purchase string // a purchase number as typed

	Customer  *fresco.Customer
	Purchases []*fresco.Purchase
	Surveys   []*fresco.Survey // the active ones
	Form      map[string]string
	Errors    map[string]string
	Link      string // the survey link just made, with its origin
	Message   string
}

// Ask is GET /feedback/ask[?q=|customer_id=|purchase=][&survey=]: choose
// whom to ask; survey, kept through the search, preselects the survey.
func (u *UI) Ask(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	form := map[string]string{"customer_id": q.Get("customer_id"), "purchase": trimQuery(q.Get("purchase"))}
	v := &askView{Form: form, Errors: map[string]string{}, Purchase: form["purchase"]}
	if id := optionalNumber(q.Get("survey")); id > 0 {
		v.Survey, form["survey_id"] = fmt.Sprint(id), fmt.Sprint(id)
	}
	v.Choose = withQuery(askPath, "survey", v.Survey)
	ctx := r.Context()
	if form["purchase"] != "" {
		p, err := u.db.PurchaseByExternalID(ctx, form["purchase"])
		switch {
		case fresco.ErrorCode(err) == fresco.ENOTFOUND:
			v.Errors["purchase"] = fmt.Sprintf("No purchase is numbered “%s”.", form["purchase"])
		case err != nil:
			u.fail(w, r, err)
			return
		case p.CustomerID == nil:
			v.Errors["purchase"] = fmt.Sprintf("Purchase %s has no customer on record: there is nobody to ask.", form["purchase"])
		default:
			form["customer_id"], form["purchase_id"] = fmt.Sprint(*p.CustomerID), fmt.Sprint(p.ID)
		}
	}
	if err := u.askCustomer(ctx, v); err != nil {
		u.fail(w, r, err)
		return
	}
	if v.Customer == nil {
		v.Query = trimQuery(q.Get("q"))
		if v.Searched = v.Query != ""; v.Searched {
			var err error
			if v.Results, err = u.db.SearchCustomers(ctx, v.Query, searchResults); err != nil {
				u.fail(w, r, err)
				return
			}
		}
	}
	u.render(w, r, http.StatusOK, "feedback_ask", "Ask for feedback", v)
}

// askCustomer fills in the chosen customer with their recent purchases and
// the surveys a link may go to.
func (u *UI) askCustomer(ctx context.Context, v *askView) error {
	id := optionalNumber(v.Form["customer_id"])
	if id == 0 {
		return nil
	}
	c, err := u.db.Customer(ctx, id)
	if err != nil {
		return err
	}
	v.Customer = c
	if v.Purchases, err = u.db.CustomerPurchases(ctx, c.ID, casePurchases); err != nil {
		return err
	}
	surveys, err := u.db.ListSurveys(ctx)
	for _, s := range surveys {
		if s.Active {
			v.Surveys = append(v.Surveys, s)
		}
	}
	return err
}

// askForm reads the posted form of the ask page and the customer it names;
// on false it has answered.
func (u *UI) askForm(w http.ResponseWriter, r *http.Request, fields ...string) (*askView, bool) {
	if !u.readForm(w, r, maxFormBytes) {
		return nil, false
	}
	form := map[string]string{}
	for _, k := range append([]string{"customer_id", "purchase_id"}, fields...) {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	v := &askView{Choose: askPath, Form: form, Errors: map[string]string{}}
	if err := u.askCustomer(r.Context(), v); err != nil {
		u.fail(w, r, err)
		return nil, false
	}
	if v.Customer == nil {
		v.Errors["customer"] = "Choose the customer first."
		u.render(w, r, http.StatusUnprocessableEntity, "feedback_ask", "Ask for feedback", v)
		return nil, false
	}
	return v, true
}

// askRefused shows the ask page again with a refusal of the services: an
// invalid field or a rule (consent, the contact interval, a call already
// made) by the field it names, anything else as the error page.
func (u *UI) askRefused(w http.ResponseWriter, r *http.Request, v *askView, err error) {
	if c := fresco.ErrorCode(err); c != fresco.EINVALID && c != fresco.ECONFLICT {
		u.fail(w, r, err)
		return
	}
	for _, fe := range fresco.ErrorFields(err) {
		v.Errors[strings.TrimSuffix(fe.Field, "_id")] = fe.Message
	}
	if len(v.Errors) == 0 {
		v.Errors["form"] = fresco.ErrorMessage(err)
	}
	u.render(w, r, http.StatusUnprocessableEntity, "feedback_ask", "Ask for feedback", v)
}

// AskLink is POST /feedback/ask/link: a survey link for the chosen
// customer (and purchase), shown on the page to copy.
func (u *UI) AskLink(w http.ResponseWriter, r *http.Request) {
	v, ok := u.askForm(w, r, "survey_id")
	if !ok {
		return
	}
	in := feedback.InvitationInput{SurveyID: optionalNumber(v.Form["survey_id"]), CustomerID: &v.Customer.ID, Channel: "ui"}
	if in.SurveyID == 0 {
		v.Errors["survey"] = "Choose a survey."
		u.render(w, r, http.StatusUnprocessableEntity, "feedback_ask", "Ask for feedback", v)
		return
	}
	if id := optionalNumber(v.Form["purchase_id"]); id > 0 {
		in.PurchaseID = &id
	}
	inv, err := u.feedback.CreateInvitation(r.Context(), in)
	if err != nil {
		u.askRefused(w, r, v, err)
		return
	}
	v.Link = requestOrigin(r) + inv.Path
	v.Message = "Link made for " + v.Customer.Name + ": it works once and expires on " + inv.ExpiresAt.Format("2 Jan 2006") + "."
	u.render(w, r, http.StatusOK, "feedback_ask", "Ask for feedback", v)
}

// AskCall is POST /feedback/ask/call: schedule a follow-up call, by the
// viewer or by the employee who served, today or on a later day.
func (u *UI) AskCall(w http.ResponseWriter, r *http.Request) {
	v, ok := u.askForm(w, r, "caller", "due")
	if !ok {
		return
	}
	viewer := viewerFrom(r.Context())
	in := feedback.CallRequest{CustomerID: v.Customer.ID}
	if id := optionalNumber(v.Form["purchase_id"]); id > 0 {
		in.PurchaseID = &id
	}
	if v.Form["caller"] != "served" {
		in.EmployeeID = &viewer.ID
	}
	if d := v.Form["due"]; d != "" {
		day, err := time.ParseInLocation(time.DateOnly, d, time.UTC)
		if err != nil {
			v.Errors["due"] = "Give the day as YYYY-MM-DD."
			u.render(w, r, http.StatusUnprocessableEntity, "feedback_ask", "Ask for feedback", v)
			return
		}
		in.DueAt = day
	}
	task, created, err := u.feedback.ScheduleCall(r.Context(), in)
	if err != nil {
		u.askRefused(w, r, v, err)
		return
	}
	done := "call-scheduled"
	if !created {
		done = "call-already-scheduled"
	}
	target := withQuery("/feedback/calls", "done", done)
	if task.EmployeeID == nil || *task.EmployeeID != viewer.ID {
		target = withQuery("/feedback/calls", "all", "1", "done", done)
	}
	http.Redirect(w, r, fmt.Sprintf("%s#call%d", target, task.ID), http.StatusSeeOther)
}

// requestOrigin is the scheme and host the browser used, for links to copy.
func requestOrigin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
