package ui

// The real process on a designed map's page (processmap.Overlay): the log
// and period chosen in the page's form, the mined figures drawn on the
// map, the arcs not in the design listed, the real fail points with what
// they cost customers, and the conformance of the cases with each
// deviation's cases as links. Shown to those who read event logs.

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/mining"
	"github.com/fresco-cx/fresco/internal/processlog"
	"github.com/fresco-cx/fresco/internal/processmap"
)

// overlayView is what the page shows of the real process.
type overlayView struct {
	Log, From, To string
	Logs          []choice // the event sources offered
	Problem       string   // a bad log or period, in words
	O             *processmap.Overlay
	Fitness       string // mean fitness per case, as a percentage
	FittingShare  string
	Fitting       int
	Deviations    []deviationRow
	Extras        []extraRow
	Fails         []realFailRow
	NeverTaken    []string
}

type deviationRow struct {
	N     int
	What  string
	Count int
	Cases []caseLink // the first deviationLinks
	// InCases is how many cases deviate so; More of them are not linked.
	InCases, More int
}

// deviationLinks bounds the cases a deviation links to: at a million
// customers one deviation can be tens of thousands of cases, a page of
// megabytes that costs a quarter of a second to write and nobody reads;
// GET /api/v1/process-maps/{id}/conformance lists them all.
const deviationLinks = 100

type caseLink struct {
	ID   string
	Href string // "" for a stored log's case
}

type extraRow struct {
	From, To string
	Count    int
	Median   string
}

type realFailRow struct {
	On, Reason string
	Outcome    string // "" when the log is not Fresco's own
}

// mapOverlay reads the log and period asked for in r's query and mines it
// over m; nil when the viewer may not read logs or asked for none.
func (u *UI) mapOverlay(r *http.Request, m *fresco.ProcessMap) *overlayView {
	v := viewerFrom(r.Context())
	if !processlog.CanRead(v.Role) {
		return nil
	}
	qv := r.URL.Query()
	ov := &overlayView{Log: qv.Get("log"), From: qv.Get("from"), To: qv.Get("to")}
	if ov.Log == "none" {
		return ov
	}
	a := staffActor(v)
	ov.Logs = []choice{{processmap.OwnLog, "Fresco's own work (recovery cases)"}}
	if logs, err := u.processlog.List(r.Context(), a); err == nil {
		for _, l := range logs {
			ov.Logs = append(ov.Logs, choice{strconv.FormatInt(l.ID, 10), fmt.Sprintf("%s (%d cases)", l.Name, l.Cases)})
		}
	}
	q, err := processmap.ParseOverlayQuery(ov.Log, ov.From, ov.To)
	if err == nil {
		ov.O, err = u.maps.Overlay(r.Context(), a, m, q)
	}
	if err != nil {
		ov.Problem, ov.O = problemWords(err), nil
		return ov
	}
	ov.Log = q.Log
	o, f := ov.O, u.format()
	c := o.Conformance
	ov.Fitness, ov.Fitting = pct(c.Fitness), c.Fitting
	ov.FittingShare = pct(1)
	if len(c.Cases) > 0 {
		ov.FittingShare = pct(float64(c.Fitting) / float64(len(c.Cases)))
	}
	ov.Deviations = deviationRows(c.Deviations, o.Own)
	for _, x := range o.Extras {
		row := extraRow{From: x.From, To: x.To, Count: x.Count, Median: "—"}
		if x.MedianWaitS != nil {
			row.Median = processmap.SecondsWords(*x.MedianWaitS)
		}
		ov.Extras = append(ov.Extras, row)
	}
	for _, rf := range o.Fails {
		on := "activity " + rf.Activity
		if x := m.Activity(rf.Activity); x != nil {
			on = fmt.Sprintf("activity %d %s", x.Number, x.Name)
		}
		if rf.Arrow != "" {
			on = processmap.TargetWords(m, &fresco.FailPoint{Arrow: rf.Arrow})
		}
		if x := rf.Extra; x != nil {
			on = fmt.Sprintf("the arc from %s to %s (not in the design)", x.From, x.To)
		}
		row := realFailRow{On: on, Reason: rf.Reason}
		if oc := rf.Outcomes; oc != nil {
			row.Outcome = processmap.OutcomeWords(oc, f.Money)
		}
		ov.Fails = append(ov.Fails, row)
	}
	for _, k := range o.NeverTaken() {
		ov.NeverTaken = append(ov.NeverTaken, processmap.TargetWords(m, &fresco.FailPoint{Arrow: k}))
	}
	return ov
}

// deviationRows lists the deviations, each with links to its first
// deviationLinks cases (to their case pages when own, Fresco's own log).
func deviationRows(devs []mining.Deviation, own bool) []deviationRow {
	var rows []deviationRow
	for i, d := range devs {
		row := deviationRow{N: i + 1, What: deviationWords(d), Count: d.Count, InCases: len(d.CaseIDs)}
		ids := d.CaseIDs
		if len(ids) > deviationLinks {
			ids, row.More = ids[:deviationLinks], len(ids)-deviationLinks
		}
		for _, id := range ids {
			link := caseLink{ID: id}
			if n := processmap.CaseNumber(id); own && n > 0 {
				link.Href = "/cases/" + strconv.FormatInt(n, 10)
			}
			row.Cases = append(row.Cases, link)
		}
		rows = append(rows, row)
	}
	return rows
}

func pct(f float64) string { return strconv.FormatFloat(f*100, 'f', 0, 64) + "%" }

// deviationWords says what a deviation is.
func deviationWords(d mining.Deviation) string {
	switch d.Kind {
	case mining.DeviationStart:
		return fmt.Sprintf("Starts with %q, which the map does not start with", d.Activity)
	case mining.DeviationEnd:
		return fmt.Sprintf("Ends with %q, which the map does not end with", d.Activity)
	case mining.DeviationActivity:
		return fmt.Sprintf("%q is not on the map", d.Activity)
	}
	return fmt.Sprintf("%q straight to %q: no arrow on the map", d.From, d.To)
}

// problemWords is an error's message with its fields, for a page.
func problemWords(err error) string {
	msg := fresco.ErrorMessage(err)
	for _, f := range fresco.ErrorFields(err) {
		msg += "; " + f.Field + ": " + f.Message
	}
	return msg
}
