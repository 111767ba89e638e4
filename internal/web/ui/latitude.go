package ui

// The latitude audit's page (internal/latitude): the limits per role and
// employee, what staff ask to decide, and how approvals went, with a
// recommendation where the data carry one.

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/latitude"
	"github.com/fresco-cx/fresco/internal/pulse"
)

// latitudeView is the page.
type latitudeView struct {
	From, To, By string
	Unit         int64
	Units        map[string]map[int64]string // "team"/"location" → id → name, for the unit picker
	Report       *latitude.Report
	Roles        []latitudeRoleView
	Employees    []latitudeLimitView
	Error        string
	MinN         int
}

type latitudeRoleView struct {
	Role      string
	Limits    []latitudeLimitView
	Approvals []latitudeApprovalView
}

// Heading names the role's people: "Agents", not the stored "agent".
func (r latitudeRoleView) Heading() string { return roleLabel(fresco.Role(r.Role)) + "s" }

// Name heads the gesture's row: "Refund", the sentences' "refund" with a
// capital.
func (a latitudeApprovalView) Name() string {
	if a.Gesture == "" {
		return ""
	}
	return strings.ToUpper(a.Gesture[:1]) + a.Gesture[1:]
}

// latitudeApprovalView is one gesture kind's row, in words.
type latitudeApprovalView struct {
	latitude.Approvals
	Gesture string // "free item"
	Rate    string // "95% (77–99%, of 21 decided)"
	Wait    string // "1.5 hours"
}

type latitudeLimitView struct {
	Who, Kind, Amount string
}

// Latitude shows the audit.
func (u *UI) Latitude(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	view := latitudeView{From: q.Get("from"), To: q.Get("to"), By: q.Get("by"), MinN: pulse.MinN, Units: map[string]map[int64]string{}}
	var v fresco.Validation
	if s := q.Get("unit"); s != "" { // "team:3" from the picker, or by=team&unit=3
		if by, id, ok := strings.Cut(s, ":"); ok {
			view.By, s = by, id
		}
		n, err := strconv.ParseInt(s, 10, 64)
		v.Check(err == nil && n >= 0, "unit", "must be a team or location")
		view.Unit = n
	}
	for _, kind := range []string{pulse.UnitTeam, pulse.UnitLocation} {
		names, err := u.db.UnitNames(r.Context(), kind)
		if err != nil {
			u.fail(w, r, err)
			return
		}
		view.Units[kind] = names
	}
	err := v.Err()
	if err == nil {
		view.Report, err = u.latitude.Audit(r.Context(), latitude.Query{From: view.From, To: view.To, By: view.By, Unit: view.Unit})
	}
	status := http.StatusOK
	switch fresco.ErrorCode(err) {
	case "":
		view.From, view.To = view.Report.From, view.Report.To
		view.layout(u.format())
	case fresco.EINVALID:
		view.Error, status = invalidMessage(err), http.StatusUnprocessableEntity
	default:
		u.fail(w, r, err)
		return
	}
	u.render(w, r, status, "latitude", "Latitude", view)
}

// layout groups the report by role, amounts in the business's money.
func (v *latitudeView) layout(f fresco.Formatter) {
	amount := func(s string) string {
		if m, err := fresco.ParseMoney(s); err == nil {
			return f.Money(m)
		}
		return s // "unlimited"
	}
	kind := func(k string) string {
		if k == "*" {
			return "total per case"
		}
		return strings.ReplaceAll(k, "_", " ")
	}
	roles := map[string]*latitudeRoleView{}
	var order []string
	at := func(role string) *latitudeRoleView {
		if roles[role] == nil {
			roles[role] = &latitudeRoleView{Role: role}
			order = append(order, role)
		}
		return roles[role]
	}
	for _, rl := range v.Report.Roles {
		rv := at(rl.Role)
		for _, l := range rl.Limits {
			rv.Limits = append(rv.Limits, latitudeLimitView{Kind: kind(l.Kind), Amount: amount(l.Amount)})
		}
	}
	for _, a := range v.Report.Approvals {
		rv := at(a.Role)
		av := latitudeApprovalView{Approvals: a, Gesture: kind(a.Kind), Rate: "—", Wait: "—"}
		if r := a.ApprovalRate; r != nil {
			av.Rate = fmt.Sprintf("%.0f%% (%.0f–%.0f%%, of %d decided)", r.Percent, r.CILow, r.CIHigh, r.N)
		}
		if h := a.MedianWaitHours; h != nil {
			av.Wait = fmt.Sprintf("%.1f hours", *h)
		}
		rv.Approvals = append(rv.Approvals, av)
	}
	for _, role := range order {
		v.Roles = append(v.Roles, *roles[role])
	}
	for _, e := range v.Report.Employees {
		v.Employees = append(v.Employees, latitudeLimitView{Who: e.Name, Kind: kind(e.Kind), Amount: amount(e.Amount)})
	}
}
