package ui

// The calculator per segment (value.SegmentCalculator): the page
// /value/segments (choose the grouping or a customer filter, share a
// read-only link), and the one-page printable version "to share with all
// employees" — for staff at /value/segments/print and for anyone with a
// signed link at /share/calculator/{token} — drawn by one standalone
// template with a print stylesheet.

import (
	"context"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/value"
)

type segView struct {
	Query      url.Values // the question as the form and links spell it
	QueryText  string     // …encoded
	Groupings  []fbOption
	Problem    string
	Calc       *value.SegmentCalculation
	CanShare   bool
	ShareURL   string    // a link just made
	ShareUntil time.Time // …and when it stops working
	format     fresco.Formatter
}

// Money formats an amount in currency units.
func (v segView) Money(f float64) string { return v.format.Money(fresco.Money(math.Round(f * 100))) }

// Count writes a number of customers the business's way ("5,000").
func (v segView) Count(n int) string { return v.format.Integer(int64(n)) }

// Name is a segment's name in words.
func (v segView) Name(c value.SegmentColumn) string {
	switch {
	case c.Label != "" && v.Calc.By != "filter":
		return label(c.Label)
	case v.Calc.By == "filter":
		return "The customers of the filter"
	}
	return "Not known"
}

var segGroupings = []fbOption{{Value: "source", Label: "How they heard of us"}, {Value: "location", Label: "Location (latest purchase)"},
	{Value: "rfm", Label: "Lifetime-value segment"}, {Value: "filter", Label: "A customer filter"}}

// segmentView answers the question in r's query.
func (u *UI) segmentView(r *http.Request, q url.Values) (segView, int, error) {
	in, err := value.ParseSegmentQuery(q)
	v := segView{Query: in.Query(), format: u.format()}
	v.QueryText = v.Query.Encode()
	for _, g := range segGroupings {
		g.Selected = g.Value == in.By
		v.Groupings = append(v.Groupings, g)
	}
	if err == nil {
		v.Calc, err = u.value.SegmentCalculator(r.Context(), in)
	}
	if fresco.ErrorCode(err) == fresco.EINVALID {
		v.Problem = invalidMessage(err)
		return v, http.StatusUnprocessableEntity, nil
	}
	return v, http.StatusOK, err
}

// ValueSegments is GET /value/segments, and POST (managers) to make a
// share link.
func (u *UI) ValueSegments(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if r.Method == http.MethodPost {
		if err := r.ParseForm(); err != nil {
			u.fail(w, r, err)
			return
		}
		q = r.PostForm
	}
	v, status, err := u.segmentView(r, q)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v.CanShare = managersRoles(viewerFrom(r.Context()).Role)
	if r.Method == http.MethodPost && v.Problem == "" {
		days, perr := strconv.Atoi(q.Get("expires_in_days"))
		if perr != nil || days < 1 || days > value.MaxShareDays {
			days = 30
		}
		in, _ := value.ParseSegmentQuery(q)
		v.ShareUntil = u.now().UTC().Truncate(time.Second).AddDate(0, 0, days)
		token, err := value.ShareToken(u.db.SecretKeys(), in, v.ShareUntil)
		if err != nil {
			u.fail(w, r, err)
			return
		}
		scheme := "https"
		if r.TLS == nil && r.Header.Get("X-Forwarded-Proto") != "https" {
			scheme = "http"
		}
		v.ShareURL = scheme + "://" + r.Host + value.SharePath(token, in)
	}
	u.render(w, r, status, "value_segments", "Lifetime value by segment", v)
}

// ValueSegmentsPrint is GET /value/segments/print: the one-page version.
func (u *UI) ValueSegmentsPrint(w http.ResponseWriter, r *http.Request) {
	v, status, err := u.segmentView(r, r.URL.Query())
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.printSegments(w, status, v, "")
}

// SharedCalculator is GET /share/calculator/{token}: the one-page version
// for anyone holding a valid link, read only, without signing in.
func (u *UI) SharedCalculator(w http.ResponseWriter, r *http.Request) {
	in, err := value.ParseSegmentQuery(r.URL.Query())
	var expires time.Time
	if err == nil {
		expires, err = value.OpenShare(u.db.SecretKeys(), r.PathValue("token"), in, u.now())
	}
	if err != nil {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Referrer-Policy", "no-referrer")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintln(w, value.ErrShareInvalid.Message)
		return
	}
	v, status, err := u.segmentView(r, r.URL.Query())
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.printSegments(w, status, v, "Shared read-only link, valid until "+u.format().Date(expires)+".")
}

type segPrint struct {
	segView
	Business string
	Note     string
	Date     string
}

func (u *UI) printSegments(w http.ResponseWriter, status int, v segView, note string) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer") // a share token is in the URL
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	w.WriteHeader(status)
	p := segPrint{segView: v, Business: u.business(context.Background()).BusinessName, Note: note, Date: u.format().Date(u.now())}
	if err := segPrintTmpl.Execute(w, p); err != nil {
		u.log.Error("render the printable calculator", "err", err)
	}
}

var segPrintTmpl = template.Must(template.New("segprint").Funcs(template.FuncMap{"percent": func(f float64) string {
	return strconv.FormatFloat(math.Round(f*1000)/10, 'f', -1, 64) + "%"
}}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>What a customer is worth · {{.Business}}</title>
<style>
body{font:13px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:1rem auto;max-width:60rem;color:#1d2430;padding:0 1rem}
h1{font-size:1.4rem;margin:0 0 .3rem} p{margin:.3rem 0}
table{border-collapse:collapse;width:100%;margin:.6rem 0} th,td{border-bottom:1px solid #d5dae0;padding:.2rem .35rem;text-align:right}
th:first-child,td:first-child{text-align:left} thead th{font-size:.85em;vertical-align:bottom}
tr.loyal td{color:#14532d} tr.seg-start th, tr.seg-start td{border-top:2px solid #1d2430}
.note{color:#555;font-size:.9em}
@page{size:A4 landscape;margin:10mm}
@media print{body{margin:0;max-width:none;font-size:10.5px} .screen-only{display:none} tr{break-inside:avoid}}
</style></head><body>
<h1>What a customer is worth to {{.Business}}</h1>
<p>Lifetime value = purchases per lifetime × items per purchase × average price × margin − acquisition cost. An average customer against a loyal one (the top {{with .Calc}}{{if .LoyalTop}}{{.LoyalTop}}{{else}}20{{end}}{{end}}% by purchases, with us a year or more), for each group of customers. Keeping a loyal customer is worth this much: every one we lose takes it with them.</p>
{{- with .Note}}<p class="note" id="share-note">{{.}}</p>{{end}}
{{- with .Problem}}<p role="alert">{{.}}</p>{{end}}
{{- with .Calc}}{{if .Refitted}}
<table id="segment-print">
<thead><tr><th scope="col">Group</th><th scope="col">Customer</th><th scope="col">Customers</th><th scope="col">Purchases per lifetime</th><th scope="col">Items per purchase</th><th scope="col">Average price</th><th scope="col">Gross value</th><th scope="col">Margin</th><th scope="col">Gross profit</th><th scope="col">Acquisition cost</th><th scope="col">Lifetime value</th></tr></thead>
<tbody>
{{- range .Segments}}
<tr class="seg-start"><th scope="row" rowspan="2">{{$.Name .}}</th><td>Average</td><td>{{.Average.Customers}}</td><td>{{printf "%.2f" .Average.PurchasesPerLifetime}}</td><td>{{printf "%.2f" .Average.ItemsPerPurchase}}</td><td>{{$.Money .Average.AveragePrice}}</td><td>{{$.Money .Average.GrossValue}}</td><td>{{percent .Average.Margin}}</td><td>{{$.Money .Average.GrossProfit}}</td><td>{{$.Money .Average.AcquisitionCost}}</td><td><strong>{{$.Money .Average.LifetimeValue}}</strong></td></tr>
<tr class="loyal"><td>Loyal{{if .LoyalMultiple}} (× {{printf "%.1f" .LoyalMultiple}}){{end}}</td><td>{{.Loyal.Customers}}</td><td>{{printf "%.2f" .Loyal.PurchasesPerLifetime}}</td><td>{{printf "%.2f" .Loyal.ItemsPerPurchase}}</td><td>{{$.Money .Loyal.AveragePrice}}</td><td>{{$.Money .Loyal.GrossValue}}</td><td>{{percent .Loyal.Margin}}</td><td>{{$.Money .Loyal.GrossProfit}}</td><td>{{$.Money .Loyal.AcquisitionCost}}</td><td><strong>{{$.Money .Loyal.LifetimeValue}}</strong></td></tr>
{{- end}}
</tbody></table>
<p class="note">Every purchase up to {{.Period.To.Format "2 Jan 2006"}}. Group: {{index .Definitions "segment"}}. Acquisition cost: {{index .Definitions "acquisition_cost"}}.</p>
{{- else}}<p>No lifetime-value figures yet: they appear after the first nightly refit.</p>{{end}}{{end}}
<p class="note">Printed {{.Date}}.</p>
</body></html>
`))
