package ui

// The recovery-sources report (recovery.Service.Sources): closed cases by
// the source of the problem in the recovery process, by category and month,
// each count linked to its cases.

import (
	"net/http"
	"net/url"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/recovery"
)

// CaseCauseLink returns the link to the case list of the cases closed in
// [from, to) with a root cause (source, category; "" any).
func CaseCauseLink(from, to time.Time) func(source, category string) string {
	return func(source, category string) string {
		q := url.Values{"view": {"closed"},
			"closed_from": {from.UTC().Format(time.RFC3339)}, "closed_to": {to.UTC().Format(time.RFC3339)}}
		if source != "" {
			q.Set("root_cause_source", source)
		}
		if category != "" {
			q.Set("root_cause_category", category)
		}
		return "/cases?" + q.Encode()
	}
}

type recoverySourcesView struct {
	From, To string // the form's dates, to inclusive
	Problem  string
	Report   *recovery.SourcesReport
	Max      int // the largest monthly count of one source, for the bars' scale
	Top      string
}

// BarWidth is the width in pixels (of 120) of a month's bar.
func (v recoverySourcesView) BarWidth(n int) int {
	if v.Max == 0 {
		return 0
	}
	return n * 120 / v.Max
}

// RecoverySources is the recovery-sources report page.
func (u *UI) RecoverySources(w http.ResponseWriter, r *http.Request) {
	var data recoverySourcesView
	from, to, err := u.reportPeriod(r, &data.From, &data.To)
	to = to.AddDate(0, 0, 1) // the report's to is exclusive
	if err == nil {
		data.Report, err = u.recovery.Sources(r.Context(), from, to)
	}
	if fresco.ErrorCode(err) == fresco.EINVALID {
		data.Problem = invalidMessage(err)
		u.render(w, r, http.StatusUnprocessableEntity, "recovery_sources", "Recovery sources", data)
		return
	} else if err != nil {
		u.fail(w, r, err)
		return
	}
	data.Report.CaseLinks(CaseCauseLink(from, to))
	for _, m := range data.Report.Months {
		for _, n := range m.BySource {
			data.Max = max(data.Max, n)
		}
	}
	best := 0
	for _, s := range data.Report.Sources {
		if s.Key != "none" && s.Count > best {
			best, data.Top = s.Count, s.Key
		}
	}
	u.render(w, r, http.StatusOK, "recovery_sources", "Recovery sources", data)
}
