package ui

import (
	"encoding/json"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/value"
)

const (
	listPageSize     = 25   // rows per page in the lists
	maxQueryLen      = 200  // characters of a search query that count
	profilePurchases = 25   // purchases listed on a profile
	profileChartMax  = 5000 // purchases read for the profile chart
	profileReferrals = 50   // referred customers listed on a profile
)

type customersView struct {
	Query     string
	Customers []*fresco.Customer
	List      *listState
	Attention map[int64]bool // service recovery: customers with an open case
	// ValueLink is the lifetime-value calculator for the customers of
	// this filter (ui/value_segments.go).
	ValueLink string
}

// Customers lists customers, newest first, filtered, sorted and paged both
// ways; ?format=csv downloads the filtered list.
func (u *UI) Customers(w http.ResponseWriter, r *http.Request) {
	lq := u.newListQuery(r)
	f := store.CustomerListFilter{Search: lq.text("q", "Name, e-mail or customer number")}
	f.From, f.To = lq.dates("Customer since")
	f.Segment = lq.choice("segment", "Segment", segmentOptions)
	f.Attention = lq.check("attention", "Special attention only")
	list := u.db.CustomerList(f)
	p := lq.page(listSort{"newest", true}, listSort{"name", false}, listSort{"since", true})
	if wantsCSV(r) {
		streamCSV(u, w, r, "customers", []string{"id", "external_id", "name", "email", "phone", "acquisition_source", "first_seen"},
			list, p, func(c *fresco.Customer) []string {
				return []string{strconv.FormatInt(c.ID, 10), c.ExternalID, c.Name, c.Email, c.Phone, c.AcquisitionSource, u.csvTime(&c.FirstSeen)}
			})
		return
	}
	page, err := list.Page(r.Context(), p)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	count, err := list.Count(r.Context())
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v := customersView{Query: f.Search, Customers: page.Rows, List: lq.state("/customers", p, count, page.Prev, page.Next),
		ValueLink: "/value/segments?" + value.SegmentCalcInput{By: store.CalcByFilter, Filter: f}.Query().Encode()}
	if v.Attention, err = u.customersNeedingAttention(r.Context(), page.Rows); err != nil { // service recovery (ui/cases.go)
		u.fail(w, r, err)
		return
	}
	u.render(w, r, http.StatusOK, "customers", "Customers", v)
}

// segmentOptions are the lifetime-value segments a customer list filters by.
var segmentOptions = func() []option {
	out := []option{{Label: "Any segment"}}
	for _, s := range value.Segments {
		out = append(out, option{Value: s, Label: label(s)})
	}
	return out
}()

func trimQuery(q string) string {
	q = strings.TrimSpace(q)
	if utf8.RuneCountInString(q) > maxQueryLen {
		q = string([]rune(q)[:maxQueryLen])
	}
	return q
}

type customerView struct {
	Customer      *fresco.Customer
	ReferredBy    *fresco.Customer
	Referrals     []*fresco.Customer
	MoreReferrals bool
	Summary       *store.CustomerSummary
	Purchases     []*fresco.Purchase // newest first
	MorePurchases bool
	Chart         *spendChart
	Insight       *Insight
	Attention     []Attention
	Story         *customerStory         // answers, follow-ups, cases, gestures, calls and the timeline
	Emails        []*fresco.EmailMessage // the newest mail sent (or queued) to them, a failed send with its error
	MoreEmails    bool
	Notes         *notesPanel            // their current preference notes (ui/anticipate.go)
	NoteForm      noteForm               // writers add a note here
	Back          string                 // this page, for the note forms to come back to
	Actions       []fresco.NextAction    // their next best actions
	Suggestions   *fresco.SuggestionList // what they may be suggested and why, or why nothing
	Referral      *referralPanel         // their referral link (ui/referral.go)
}

// profileSuggestions is how many suggestions the profile shows.
const profileSuggestions = 5

// profileEmails is how many e-mails the profile lists.
const profileEmails = 20

// Customer shows one customer's profile: contact, consent, how they found
// us and whom they brought, what they bought, and — when the capabilities
// are plugged in — their lifetime value and any open problem.
func (u *UI) Customer(w http.ResponseWriter, r *http.Request) {
	id, ok := u.pageID(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	c, err := u.db.Customer(ctx, id)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v := customerView{Customer: c}
	if c.ReferredBy != nil {
		ref, err := u.db.Customer(ctx, *c.ReferredBy)
		if err != nil && fresco.ErrorCode(err) != fresco.ENOTFOUND {
			u.fail(w, r, err)
			return
		}
		v.ReferredBy = ref
	}
	refs, more, err := u.db.ListCustomers(ctx, store.CustomerFilter{ReferredBy: &c.ID, Limit: profileReferrals})
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v.Referrals, v.MoreReferrals = refs, more != ""
	if v.Summary, err = u.db.CustomerSummary(ctx, c.ID); err != nil {
		u.fail(w, r, err)
		return
	}

	var all []*fresco.Purchase
	truncated := false
	for cursor := ""; ; {
		page, next, err := u.db.ListPurchases(ctx, store.PurchaseFilter{CustomerID: &c.ID, Cursor: cursor, Limit: 1000})
		if err != nil {
			u.fail(w, r, err)
			return
		}
		all = append(all, page...)
		if next == "" {
			break
		}
		if len(all) >= profileChartMax {
			truncated = true
			break
		}
		cursor = next
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].PurchasedAt.After(all[j].PurchasedAt) })
	v.Chart = newSpendChart(all)
	v.Purchases = all
	if len(all) > profilePurchases || truncated {
		v.Purchases, v.MorePurchases = all[:min(profilePurchases, len(all))], true
	}

	if v.Story, err = u.customerStory(ctx, c, all); err != nil {
		u.fail(w, r, err)
		return
	}
	if v.Emails, err = u.db.CustomerEmails(ctx, c.ID, profileEmails+1); err != nil {
		u.fail(w, r, err)
		return
	}
	if len(v.Emails) > profileEmails {
		v.Emails, v.MoreEmails = v.Emails[:profileEmails], true
	}

	// The optional panels: a failure there is logged and the panel left
	// out, because the rest of the profile is still worth showing.
	if u.insights != nil {
		if v.Insight, err = u.insights.CustomerInsight(ctx, c.ID); err != nil {
			u.log.ErrorContext(ctx, "ui: customer insight", "customer_id", c.ID, "err", err)
			v.Insight = nil
		}
		if v.Insight != nil && v.Insight.CLV == nil && v.Insight.PAlive == nil && v.Insight.Segment == "" {
			v.Insight = nil
		}
	}
	v.Notes = u.customerNotes(ctx, viewerFrom(ctx), c.ID)
	v.Back = "/customers/" + strconv.FormatInt(c.ID, 10)
	v.NoteForm = addNoteForm(c.ID, v.Back, nil, "")
	if v.Actions, err = u.anticipate.ForCustomer(ctx, c); err != nil {
		u.log.ErrorContext(ctx, "ui: next best actions", "customer_id", c.ID, "err", err)
		v.Actions = nil
	}
	if u.attention != nil {
		if v.Attention, err = u.attention.SpecialAttention(ctx, c.ID); err != nil {
			u.log.ErrorContext(ctx, "ui: special attention", "customer_id", c.ID, "err", err)
			v.Attention = nil
		}
	}
	if u.suggestions != nil {
		if v.Suggestions, err = u.suggestions.For(ctx, c.ID, profileSuggestions); err != nil {
			u.log.ErrorContext(ctx, "ui: suggestions", "customer_id", c.ID, "err", err)
			v.Suggestions = nil
		}
	}
	v.Referral = u.customerReferral(ctx, c)
	u.render(w, r, http.StatusOK, "customer", customerName(c), v)
}

// spendChart is a customer's spend per calendar month (UTC), every month
// from the first purchase to the last, with the running total. It
// marshals to the JSON that app.js hands to ECharts; Rows are the same
// figures for the table beside the chart.
type spendChart struct {
	Rows []spendRow
}

type spendRow struct {
	Label      string
	Spend      fresco.Money
	Cumulative fresco.Money
}

func newSpendChart(purchases []*fresco.Purchase) *spendChart {
	if len(purchases) == 0 {
		return nil
	}
	byMonth := map[time.Time]fresco.Money{}
	first, last := month(purchases[0].PurchasedAt), month(purchases[0].PurchasedAt)
	for _, p := range purchases {
		m := month(p.PurchasedAt)
		byMonth[m] += p.Total()
		if m.Before(first) {
			first = m
		}
		if m.After(last) {
			last = m
		}
	}
	c := &spendChart{}
	var running fresco.Money
	for m := first; !m.After(last); m = m.AddDate(0, 1, 0) {
		running += byMonth[m]
		c.Rows = append(c.Rows, spendRow{Label: m.Format("Jan 2006"), Spend: byMonth[m], Cumulative: running})
	}
	return c
}

func month(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// MarshalJSON writes {"labels": […], "spend": […], "cumulative": […]} in
// major units: the chart only draws them, it never adds them up.
func (c *spendChart) MarshalJSON() ([]byte, error) {
	out := struct {
		Labels     []string  `json:"labels"`
		Spend      []float64 `json:"spend"`
		Cumulative []float64 `json:"cumulative"`
	}{}
	for _, r := range c.Rows {
		out.Labels = append(out.Labels, r.Label)
		out.Spend = append(out.Spend, round2(r.Spend.Float()))
		out.Cumulative = append(out.Cumulative, round2(r.Cumulative.Float()))
	}
	return json.Marshal(out)
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }
