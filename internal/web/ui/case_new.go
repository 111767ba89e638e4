package ui

// Opening a case from anywhere: the customer's page, a response or comment,
// a follow-up (which carries its response), or the blank "New case" form
// with a customer search. GET /cases/new shows the form, POST /cases/new
// opens the case through the recovery service.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/store"
)

const (
	searchResults = 10 // customers a search offers
	casePurchases = 25 // recent purchases offered on the form
)

func init() { flashes["case-opened"] = "Case opened." }

type newCaseView struct {
	Query     string             // the customer search as typed
	Results   []*fresco.Customer // its matches
	Searched  bool
	Choose    string           // where a chosen customer leads ("" this form)
	Customer  *fresco.Customer // the chosen customer
	Purchases []*fresco.Purchase
	Said      *saidView // the response the case comes from
	FollowUp  int64
	Form      map[string]string
	Errors    map[string]string
}

// NewCase is GET /cases/new[?customer_id=|response_id=|followup_id=|q=].
func (u *UI) NewCase(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	form := map[string]string{"customer_id": q.Get("customer_id"), "response_id": q.Get("response_id"),
		"followup_id": q.Get("followup_id")}
	v, err := u.newCaseView(r.Context(), form, nil)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	if v.Customer == nil {
		v.Query = trimQuery(q.Get("q"))
		if v.Searched = v.Query != ""; v.Searched {
			if v.Results, err = u.db.SearchCustomers(r.Context(), v.Query, searchResults); err != nil {
				u.fail(w, r, err)
				return
			}
		}
	}
	u.render(w, r, http.StatusOK, "cases_new", "New case", v)
}

// newCaseView resolves what the form was opened from: a follow-up gives its
// response, a response its customer, purchase, employee and location; the
// form's other fields are prefilled from the response unless typed already.
func (u *UI) newCaseView(ctx context.Context, form, errs map[string]string) (*newCaseView, error) {
	v := &newCaseView{Form: form, Errors: errs}
	if v.Errors == nil {
		v.Errors = map[string]string{}
	}
	if id := optionalNumber(form["followup_id"]); id > 0 {
		f, err := u.db.FollowUp(ctx, id)
		if err != nil {
			return nil, err
		}
		v.FollowUp, form["response_id"] = f.ID, fmt.Sprint(f.ResponseID)
	}
	if id := optionalNumber(form["response_id"]); id > 0 {
		said, err := u.responseSaid(ctx, id, questionTexts{})
		if err != nil {
			return nil, err
		}
		v.Said = said
		resp := said.R
		if resp.CustomerID == nil {
			return nil, fresco.Errorf(fresco.EINVALID, "this answer is anonymous: there is no customer to open a case for")
		}
		form["customer_id"] = fmt.Sprint(*resp.CustomerID)
		if form["purchase_id"] == "" && resp.PurchaseID != nil {
			form["purchase_id"] = fmt.Sprint(*resp.PurchaseID)
		}
		if form["summary"] == "" {
			form["summary"] = summaryOf(resp)
		}
	}
	if id := optionalNumber(form["customer_id"]); id > 0 {
		c, err := u.db.Customer(ctx, id)
		if err != nil {
			return nil, err
		}
		v.Customer = c
		if v.Purchases, err = u.db.CustomerPurchases(ctx, c.ID, casePurchases); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// summaryOf is a case summary drawn from a response: the first line of the
// comment, else of the first free-text answer, else the post's name.
func summaryOf(r *fresco.Response) string {
	texts := []string{r.Comment}
	for _, a := range r.Answers {
		texts = append(texts, a.Text)
	}
	for _, t := range texts {
		if line, _, _ := strings.Cut(strings.TrimSpace(t), "\n"); line != "" {
			if utf8.RuneCountInString(line) > 140 {
				line = string([]rune(line)[:139]) + "…"
			}
			return line
		}
	}
	return "Unhappy answer on " + label(r.PostSlug)
}

// CreateCase is POST /cases/new: open the case, or show the form again with
// what was typed and the fields in error.
func (u *UI) CreateCase(w http.ResponseWriter, r *http.Request) {
	viewer := viewerFrom(r.Context())
	if u.recovery == nil {
		u.serverError(w, r, errors.New("opening cases needs the recovery service (ui.Deps.Recovery)"))
		return
	}
	if !u.readForm(w, r, maxFormBytes) {
		return
	}
	form := map[string]string{}
	for _, k := range []string{"customer_id", "response_id", "followup_id", "purchase_id", "summary", "expectation", "what_happened"} {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	ctx := r.Context()
	v, err := u.newCaseView(ctx, form, nil)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	vid := viewer.ID
	actor := recovery.Actor{Ref: fmt.Sprintf("employee:%d", vid), Name: viewer.Name, Role: viewer.Role, EmployeeID: &vid}
	in := recovery.OpenInput{Summary: form["summary"], Expectation: form["expectation"],
		Incident: recovery.Incident{WhatHappened: form["what_happened"]}}
	if v.Customer != nil {
		in.CustomerID = v.Customer.ID
	}
	if id := optionalNumber(form["purchase_id"]); id > 0 {
		in.PurchaseID = &id
	}
	if v.Said != nil {
		resp := v.Said.R
		in.SourceResponseID, in.LocationID = &resp.ID, resp.LocationID
		if resp.EmployeeID != nil {
			in.Involved = []int64{*resp.EmployeeID}
		}
		if v.Said.CaseID > 0 { // opened meanwhile, by the complaint job or a colleague
			http.Redirect(w, r, fmt.Sprintf("/cases/%d", v.Said.CaseID), http.StatusSeeOther)
			return
		}
	}
	c, err := u.recovery.Open(ctx, actor, in)
	switch {
	case err == nil:
		http.Redirect(w, r, fmt.Sprintf("/cases/%d?done=case-opened", c.ID), http.StatusSeeOther)
	case errors.Is(err, store.ErrResponseHasCase):
		id, _, err := u.db.CaseOfResponse(ctx, *in.SourceResponseID)
		if err != nil {
			u.fail(w, r, err)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/cases/%d", id), http.StatusSeeOther)
	case fresco.ErrorCode(err) == fresco.EINVALID:
		for _, fe := range fresco.ErrorFields(err) {
			field := strings.TrimPrefix(fe.Field, "incident.")
			if field == "customer_id" {
				field, fe.Message = "customer", "choose the customer first"
			}
			v.Errors[field] = fe.Message
		}
		if len(v.Errors) == 0 {
			v.Errors["form"] = fresco.ErrorMessage(err)
		}
		u.render(w, r, http.StatusUnprocessableEntity, "cases_new", "New case", v)
	default:
		u.fail(w, r, err)
	}
}

// optionalNumber reads a positive id from a query or form value; anything
// else is none.
func optionalNumber(s string) int64 {
	var n int64
	if _, err := fmt.Sscan(strings.TrimSpace(s), &n); err != nil || n <= 0 {
		return 0
	}
	return n
}

// CustomerSearch is GET /customers/search?q=[&for=ask[&survey=]|for=serve]: the matches of a
// customer search as an HTML fragment (the "customer-choices" partial), for
// the pages that let staff choose a customer as they type; each match leads
// to the "New case" form, with for=ask to the page that asks for feedback, with
// for=serve to the "before you serve" card.
func (u *UI) CustomerSearch(w http.ResponseWriter, r *http.Request) {
	q := trimQuery(r.URL.Query().Get("q"))
	list, err := u.db.SearchCustomers(r.Context(), q, searchResults)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v := newCaseView{Query: q, Results: list, Searched: q != ""}
	if r.URL.Query().Get("for") == "serve" {
		v.Choose = servePath
	}
	if r.URL.Query().Get("for") == "ask" {
		v.Choose = askPath
		if id := optionalNumber(r.URL.Query().Get("survey")); id > 0 {
			v.Choose = withQuery(askPath, "survey", fmt.Sprint(id))
		}
	}
	u.renderFragment(w, r, "cases_new", "customer-choices", v)
}

// renderFragment executes one template of a page alone — a piece of HTML
// that a page's script puts in place — buffered like render.
func (u *UI) renderFragment(w http.ResponseWriter, r *http.Request, page, name string, data any) {
	t, ok := u.pages[page]
	if !ok {
		u.serverError(w, r, fmt.Errorf("ui: no template %q", page))
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		u.serverError(w, r, fmt.Errorf("ui: render %s/%s: %w", page, name, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}
