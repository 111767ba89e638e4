package ui

// Lifetime value (internal/value): the "Lifetime value" page and the CLV
// panel of the customer profile.

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/value"
)

// ValueInsights adapts the lifetime-value service to the profile's panel.
func ValueInsights(svc *value.Service) CustomerInsights { return valueInsights{svc} }

type valueInsights struct{ svc *value.Service }

func (v valueInsights) CustomerInsight(ctx context.Context, customerID int64) (*Insight, error) {
	cv, err := v.svc.Insight(ctx, customerID)
	if err != nil || cv == nil {
		return nil, err
	}
	clv := fresco.Money(math.Round(cv.CLV * 100))
	p := cv.PAlive
	in := &Insight{
		CLV:        &clv,
		CLVHorizon: fmt.Sprintf("%s; %.1f purchases expected", v.svc.HorizonText(), cv.ExpectedPurchases),
		PAlive:     &p,
		Segment:    label(cv.Segment),
		Link:       "/value",
	}
	notes := []string{fmt.Sprintf("bought recently %d, often %d, much %d (each 1–5, 5 is best)", cv.RFM.R, cv.RFM.F, cv.RFM.M)}
	if cv.Apostle {
		notes = append(notes, fmt.Sprintf("apostle: referred %d customers (%d down the chain)", cv.Referrals, cv.ReferralsTotal))
	}
	if cv.Mercenary {
		notes = append(notes, "mercenary: came for a discount, bought only on deals, lapsed")
	}
	in.SegmentNote = strings.Join(notes, " · ")
	return in, nil
}

// valueView is the data of the Lifetime value page.
type valueView struct {
	format      fresco.Formatter
	Summary     *value.Summary
	Calc        *value.Calculation
	CalcError   string
	Form        map[string]string // the override form's current values
	Pareto      *value.Pareto
	Segments    *value.SegmentTable
	Mercenaries []value.CustomerValue
	Apostles    []value.CustomerValue
	Top         []value.CustomerValue
	CanRefit    bool
	RefitQueued bool
	Refit       *value.RefitProgress // the refit under way, nil when none is
	Skipped     *value.Skipped       // customers the last refit left out, nil when none
	Charts      *valueCharts
	Equation    *veCard // the Customer Value Equation over the last twelve months
}

// Money formats an amount in currency units the business's way, for the
// template.
func (v valueView) Money(f float64) string { return v.format.Money(fresco.Money(math.Round(f * 100))) }

// Whole formats an amount rounded to whole units, with the currency symbol.
func (v valueView) Whole(f float64) string {
	return v.format.WholeMoney(int64(math.Round(f)))
}

// Count formats a number of customers the business's way.
func (v valueView) Count(n int) string { return v.format.Integer(int64(n)) }

// valueCharts is the JSON the page's charts read.
type valueCharts struct {
	Distribution []value.Bin         `json:"distribution"`
	Pareto       []value.ParetoPoint `json:"pareto"`
	Compare      map[string]any      `json:"compare"`
}

// calcFields are the calculator's override parameters, as in the API.
var calcFields = []string{"from", "to", "loyal_top", "acquisition_cost", "margin",
	"purchases_per_lifetime", "items_per_purchase", "average_price",
	"loyal_purchases_per_lifetime", "loyal_items_per_purchase", "loyal_average_price"}

// ValuePage is the Lifetime value page: the CLV distribution, the average
// and loyal customer side by side (with an override form), the Pareto
// curve, the segment table, and lists of apostles and mercenaries.
func (u *UI) ValuePage(w http.ResponseWriter, r *http.Request) {
	viewer := viewerFrom(r.Context())
	if r.Method == http.MethodPost {
		u.valueRefit(w, r)
		return
	}
	ctx := r.Context()
	q := r.URL.Query()
	v := valueView{format: u.format(), Form: map[string]string{}, CanRefit: managersRoles(viewer.Role), RefitQueued: q.Get("refit") == "queued"}
	for _, f := range calcFields {
		v.Form[f] = strings.TrimSpace(q.Get(f))
	}
	in, msg := calcInputFromForm(v.Form)
	prog, err := u.value.RefitProgress(ctx)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	if prog != nil && prog.Running(time.Now()) {
		v.Refit = prog
	} else if prog != nil && prog.Phase == value.PhaseDone {
		v.Skipped = prog.Skipped
	}
	if msg != "" {
		v.CalcError = msg
	} else if v.Calc, err = u.value.Calculator(ctx, in); err != nil {
		if fresco.ErrorCode(err) != fresco.EINVALID {
			u.fail(w, r, err)
			return
		}
		v.CalcError = sentence(fresco.ErrorMessage(err))
	}
	if v.Summary, err = u.value.Summary(ctx, 20); err != nil {
		u.fail(w, r, err)
		return
	}
	if v.Pareto, err = u.value.Pareto(ctx, "profit", 20, 20); err != nil {
		u.fail(w, r, err)
		return
	}
	if v.Segments, err = u.value.Segments(ctx); err != nil {
		u.fail(w, r, err)
		return
	}
	if v.Apostles, err = u.value.List(ctx, value.ListFilter{Flag: "apostle", Sort: "referral_value", Limit: 15}); err != nil {
		u.fail(w, r, err)
		return
	}
	if v.Mercenaries, err = u.value.List(ctx, value.ListFilter{Flag: "mercenary", Sort: "last_purchase", Limit: 15}); err != nil {
		u.fail(w, r, err)
		return
	}
	if v.Top, err = u.value.List(ctx, value.ListFilter{Sort: "clv", Limit: 10}); err != nil {
		u.fail(w, r, err)
		return
	}
	today := u.now().UTC().Truncate(24 * time.Hour)
	if v.Equation, err = u.valueEquationCard(ctx, store.ResponseFilter{From: today.AddDate(-1, 0, 1), To: today.AddDate(0, 0, 1)}, ""); err != nil {
		u.fail(w, r, err)
		return
	}
	v.Charts = &valueCharts{Distribution: v.Summary.Distribution, Pareto: v.Pareto.Curve}
	if v.Calc != nil {
		v.Charts.Compare = map[string]any{
			"labels":  []string{"Gross value", "Gross profit", "Acquisition cost", "Lifetime value"},
			"average": []float64{v.Calc.Average.GrossValue, v.Calc.Average.GrossProfit, v.Calc.Average.AcquisitionCost, v.Calc.Average.LifetimeValue},
			"loyal":   []float64{v.Calc.Loyal.GrossValue, v.Calc.Loyal.GrossProfit, v.Calc.Loyal.AcquisitionCost, v.Calc.Loyal.LifetimeValue},
		}
	}
	u.render(w, r, http.StatusOK, "value_page", "Lifetime value", v)
}

// valueRefit queues a refit (managers and owners) and returns to the page.
func (u *UI) valueRefit(w http.ResponseWriter, r *http.Request) {
	if _, err := u.value.EnqueueRefit(r.Context(), viewerFrom(r.Context()).actor()); err != nil {
		u.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/value?refit=queued", http.StatusSeeOther)
}

// calcInputFromForm reads the override form; msg explains a bad value.
func calcInputFromForm(form map[string]string) (value.CalcInput, string) {
	var in value.CalcInput
	var bad []string
	num := func(name string) *float64 {
		s := form[name]
		if s == "" {
			return nil
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f < -1e9 || f > 1e9 || math.IsNaN(f) {
			bad = append(bad, strings.ReplaceAll(name, "_", " "))
			return nil
		}
		return &f
	}
	date := func(name string, nextDay bool) time.Time {
		s := form[name]
		if s == "" {
			return time.Time{}
		}
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			bad = append(bad, name)
			return time.Time{}
		}
		if nextDay {
			d = d.AddDate(0, 0, 1)
		}
		return d
	}
	in.From, in.To = date("from", false), date("to", true)
	if p := num("loyal_top"); p != nil {
		in.LoyalTop = *p
	}
	in.AcquisitionCost, in.Margin = num("acquisition_cost"), num("margin")
	in.PurchasesPerLifetime, in.ItemsPerPurchase, in.AveragePrice = num("purchases_per_lifetime"), num("items_per_purchase"), num("average_price")
	in.LoyalPurchasesPerLifetime, in.LoyalItemsPerPurchase, in.LoyalAveragePrice = num("loyal_purchases_per_lifetime"), num("loyal_items_per_purchase"), num("loyal_average_price")
	if len(bad) > 0 {
		return in, "Please check: " + strings.Join(bad, ", ") + " (numbers such as 12.5; dates such as 2024-05-01)."
	}
	return in, ""
}
