package ui

// Process maps (package processmap): the list of designed maps, a map
// drawn as SVG with its numbered legend, fail points and versions (and the
// customer's-shoes view of it), the SVG download, and the swimlane editor
// (static/process-map-editor.js), which saves through the API. Owners and
// managers draw and mark; everyone reads.

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/processmap"
	"github.com/fresco-cx/fresco/internal/store"
)

func init() {
	flashes["fail-point-marked"] = "Fail point marked."
	flashes["fail-point-saved"] = "Fail point saved."
}

type mapRow struct {
	ID                     int64
	Name                   string
	Lanes, Activities      int
	OpenFails, Fails       int
	Version                int64
	UpdatedAt              any
	UpdatedBy, Description string
}

type mapsView struct {
	Maps    []mapRow
	Manage  bool
	Units   []choice
	Problem string
	Name    string
}

func mapUnits() []choice {
	return []choice{{fresco.UnitMinutes, "Minutes"}, {fresco.UnitHours, "Hours"}, {fresco.UnitDays, "Days"}}
}

// refNames names who made each of list ("employee:4" → the name), as the
// audit log does.
func refNames[T any](u *UI, r *http.Request, list []T, ref func(T) string) (map[string]string, error) {
	entries := make([]fresco.AuditEntry, len(list))
	for i, x := range list {
		entries[i].Actor = ref(x)
	}
	return u.actorNames(r, entries)
}

// mapAndFails reads a map and its fail points.
func (u *UI) mapAndFails(r *http.Request, id int64) (*fresco.ProcessMap, []*fresco.FailPoint, error) {
	a := staffActor(viewerFrom(r.Context()))
	m, err := u.maps.Get(r.Context(), a, id)
	if err != nil {
		return nil, nil, err
	}
	fps, err := u.maps.FailPoints(r.Context(), a, id)
	return m, fps, err
}

// ProcessMaps is GET /process-maps: every map, and for owners and
// managers the form to start one.
func (u *UI) ProcessMaps(w http.ResponseWriter, r *http.Request) {
	u.renderProcessMaps(w, r, http.StatusOK, "", "")
}

func (u *UI) renderProcessMaps(w http.ResponseWriter, r *http.Request, status int, name, problem string) {
	v := viewerFrom(r.Context())
	a := staffActor(v)
	list, err := u.maps.List(r.Context(), a)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	view := &mapsView{Manage: v.Role.CanManageEmployees(), Units: mapUnits(), Problem: problem, Name: name}
	names, err := refNames(u, r, list, func(m *fresco.ProcessMap) string { return m.UpdatedBy })
	if err != nil {
		u.fail(w, r, err)
		return
	}
	for _, m := range list {
		fps, err := u.maps.FailPoints(r.Context(), a, m.ID)
		if err != nil {
			u.fail(w, r, err)
			return
		}
		row := mapRow{ID: m.ID, Name: m.Name, Description: m.Description, Lanes: len(m.Lanes), Activities: len(m.Activities),
			Fails: len(fps), Version: m.Version, UpdatedAt: m.UpdatedAt, UpdatedBy: names[m.UpdatedBy]}
		for _, f := range fps {
			if f.Status == fresco.FixOpen || f.Status == fresco.FixInProgress {
				row.OpenFails++
			}
		}
		view.Maps = append(view.Maps, row)
	}
	u.render(w, r, status, "process_maps", "Process maps", view)
}

// CreateProcessMap is POST /process-maps: a new map with the three lanes
// most service processes start from, opened in the editor.
func (u *UI) CreateProcessMap(w http.ResponseWriter, r *http.Request) {
	if !u.readForm(w, r, maxFormBytes) {
		return
	}
	name := r.PostFormValue("name")
	m, err := u.maps.Create(r.Context(), staffActor(viewerFrom(r.Context())), processmap.Draft{Name: name,
		TimeUnit: r.PostFormValue("time_unit"), Lanes: []fresco.MapLane{
			{Key: "customer", Name: "Customer", CustomerFacing: true},
			{Key: "front-line", Name: "Front line", CustomerFacing: true},
			{Key: "back-office", Name: "Back office"}}})
	switch {
	case fresco.ErrorCode(err) == fresco.EINVALID:
		u.renderProcessMaps(w, r, http.StatusUnprocessableEntity, name, invalidMessage(err))
	case err != nil:
		u.fail(w, r, err)
	default:
		http.Redirect(w, r, fmt.Sprintf("/process-maps/%d/edit", m.ID), http.StatusSeeOther)
	}
}

type failRow struct {
	N                                  int
	ID, Version                        int64
	On, Kind, Influence, Status, Owner string
	KindCode, InfluenceCode            string
	StatusCode, Note, Cases, Responses string
	OwnerID                            int64
	CaseIDs                            []int64
}

type versionRow struct {
	Version   int64
	By        string
	At        any
	Changes   []string
	IsCurrent bool
}

type mapPageView struct {
	Map                         *fresco.ProcessMap
	SVG                         template.HTML
	Customer                    bool
	Wait, Seen, Hidden          string
	HiddenCount                 int
	Fails                       []failRow
	Versions                    []versionRow
	Manage                      bool
	Targets                     []choice
	Kinds, Influences, Statuses []choice
	Owners                      []choice
	Problem                     string
	FailColour                  string
	Form                        map[string]string
	Real                        *overlayView // the real process on the map; nil for those who do not read logs
}

func choices(codes []string, words func(string) string) []choice {
	out := make([]choice, len(codes))
	for i, c := range codes {
		out[i] = choice{c, words(c)}
	}
	return out
}

// ProcessMap is GET /process-maps/{id}[?view=customer].
func (u *UI) ProcessMap(w http.ResponseWriter, r *http.Request) {
	id, ok := u.pageID(w, r)
	if !ok {
		return
	}
	u.renderProcessMap(w, r, id, http.StatusOK, nil, "")
}

func (u *UI) renderProcessMap(w http.ResponseWriter, r *http.Request, id int64, status int, form map[string]string, problem string) {
	ctx := r.Context()
	v := viewerFrom(ctx)
	a := staffActor(v)
	m, fps, err := u.mapAndFails(r, id)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	view := &mapPageView{Map: m, Manage: v.Role.CanManageEmployees(), Customer: r.URL.Query().Get("view") == "customer",
		Kinds: choices(fresco.FailKinds, processmap.KindWords), Influences: choices(fresco.Influences, processmap.InfluenceWords),
		Statuses: choices(fresco.FixStatuses, processmap.StatusWords), Problem: problem, FailColour: processmap.FailColour, Form: form}
	if view.Form == nil {
		view.Form = map[string]string{}
	}
	cv := processmap.CustomerShoes(m)
	view.Wait, view.Seen, view.Hidden, view.HiddenCount = minutesWords(cv.WaitMinutes), minutesWords(cv.SeenMinutes), minutesWords(cv.HiddenMinutes), cv.Hidden
	if view.Customer {
		shown := map[string]bool{}
		for _, x := range cv.Map.Activities {
			shown["a:"+x.Key] = true
		}
		for _, x := range cv.Map.Arrows {
			shown["r:"+x.Key] = true
		}
		var seen []*fresco.FailPoint
		for _, f := range fps {
			if shown["a:"+f.Activity] || shown["r:"+f.Arrow] {
				seen = append(seen, f)
			}
		}
		view.SVG = template.HTML(processmap.SVG(cv.Map, seen, processmap.SVGOptions{Legend: true, Title: m.Name + " — from the customer's shoes"}))
	} else {
		opt := processmap.SVGOptions{Legend: true, Money: u.format().Money}
		// A log with no case of the map lays nothing on it (every arrow
		// would read "never taken").
		if view.Real = u.mapOverlay(r, m); view.Real != nil && view.Real.O != nil && view.Real.O.Cases > 0 {
			opt.Overlay = view.Real.O
		}
		view.SVG = template.HTML(processmap.SVG(m, fps, opt))
	}
	names := u.employeeNames(ctx)
	for i, f := range fps {
		row := failRow{N: i + 1, ID: f.ID, Version: f.Version, On: processmap.TargetWords(m, f), Kind: processmap.KindWords(f.Kind),
			Influence: processmap.InfluenceWords(f.Influence), Status: processmap.StatusWords(f.Status), StatusCode: f.Status,
			KindCode: f.Kind, InfluenceCode: f.Influence, Note: f.Note, Owner: "Nobody yet", CaseIDs: f.CaseIDs}
		if f.OwnerID != nil {
			row.Owner, row.OwnerID = names(*f.OwnerID), *f.OwnerID
		}
		row.Cases, row.Responses = idList(f.CaseIDs), idList(f.ResponseIDs)
		view.Fails = append(view.Fails, row)
	}
	versions, err := u.maps.Versions(ctx, a, id)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	who, err := refNames(u, r, versions, func(x *fresco.ProcessMapVersion) string { return x.ChangedBy })
	if err != nil {
		u.fail(w, r, err)
		return
	}
	for _, x := range versions {
		view.Versions = append(view.Versions, versionRow{Version: x.Version, By: who[x.ChangedBy], At: x.ChangedAt, Changes: x.Changes, IsCurrent: x.Version == m.Version})
	}
	if view.Manage {
		for _, x := range m.Activities {
			view.Targets = append(view.Targets, choice{"activity:" + x.Key, fmt.Sprintf("Activity %d %s", x.Number, x.Name)})
		}
		for _, x := range m.Arrows {
			view.Targets = append(view.Targets, choice{"arrow:" + x.Key, strings.TrimPrefix(processmap.TargetWords(m, &fresco.FailPoint{Arrow: x.Key}), "the ")})
		}
		active := true
		emps, _, err := u.db.ListEmployees(ctx, store.EmployeeFilter{Active: &active, Limit: 500})
		if err != nil {
			u.fail(w, r, err)
			return
		}
		for _, e := range emps {
			view.Owners = append(view.Owners, choice{strconv.FormatInt(e.ID, 10), e.Name})
		}
	}
	u.render(w, r, status, "process_map", m.Name, view)
}

func idList(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(s, ", ")
}

// minutesWords writes a span of minutes for people: "1 day 2 hours 30 minutes".
func minutesWords(m float64) string {
	total := int64(m + 0.5)
	if total == 0 {
		return "no time"
	}
	var parts []string
	for _, unit := range []struct {
		n    int64
		name string
	}{{24 * 60, "day"}, {60, "hour"}, {1, "minute"}} {
		if q := total / unit.n; q > 0 {
			word := unit.name
			if q > 1 {
				word += "s"
			}
			parts = append(parts, fmt.Sprintf("%d %s", q, word))
			total %= unit.n
		}
	}
	return strings.Join(parts, " ")
}

// ProcessMapSVG is GET /process-maps/{id}/map.svg[?view=customer]: the
// drawing with its legend, as a file.
func (u *UI) ProcessMapSVG(w http.ResponseWriter, r *http.Request) {
	id, ok := u.pageID(w, r)
	if !ok {
		return
	}
	m, fps, err := u.mapAndFails(r, id)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	opt := processmap.SVGOptions{Legend: true, Money: u.format().Money}
	if r.URL.Query().Get("view") == "customer" {
		m, fps = processmap.CustomerShoes(m).Map, nil
	} else if r.URL.Query().Get("log") != "" {
		if ov := u.mapOverlay(r, m); ov != nil && ov.O != nil && ov.O.Cases > 0 {
			opt.Overlay = ov.O
		}
	}
	w.Header().Set("Content-Type", "image/svg+xml; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="process-map-%d-v%d.svg"`, id, m.Version))
	w.Header().Set("Cache-Control", "no-store")
	fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+processmap.SVG(m, fps, opt))
}

// failForm reads the mark-a-fail-point form.
func failForm(r *http.Request) (processmap.FailInput, map[string]string, error) {
	form := map[string]string{}
	for _, k := range []string{"target", "kind", "influence", "note", "case_ids", "response_ids", "owner_id", "status"} {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	var v fresco.Validation
	in := processmap.FailInput{Kind: form["kind"], Influence: form["influence"], Note: form["note"], Status: form["status"]}
	kind, key, _ := strings.Cut(form["target"], ":")
	switch kind {
	case "activity":
		in.Activity = key
	case "arrow":
		in.Arrow = key
	}
	in.CaseIDs = formIDs(&v, "case_ids", form["case_ids"])
	in.ResponseIDs = formIDs(&v, "response_ids", form["response_ids"])
	if form["owner_id"] != "" {
		in.OwnerID = optionalID(&v, "owner_id", form["owner_id"])
	}
	return in, form, v.Err()
}

// formIDs reads "12, 15 17" as ids, naming the field of a bad one.
func formIDs(v *fresco.Validation, field, s string) []int64 {
	var ids []int64
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		id, err := strconv.ParseInt(strings.TrimPrefix(part, "#"), 10, 64)
		if err != nil || id <= 0 {
			v.Add(field, "%q is not a number", part)
			continue
		}
		ids = append(ids, id)
	}
	return ids
}

// MarkFailPoint is POST /process-maps/{id}/fail-points.
func (u *UI) MarkFailPoint(w http.ResponseWriter, r *http.Request) {
	id, ok := u.idAndForm(w, r, maxFormBytes)
	if !ok {
		return
	}
	in, form, err := failForm(r)
	if err == nil {
		_, err = u.maps.MarkFailPoint(r.Context(), staffActor(viewerFrom(r.Context())), id, in)
	}
	u.afterFailPoint(w, r, id, form, err, "fail-point-marked")
}

// UpdateFailPoint is POST /process-maps/{id}/fail-points/{fp}:
// the fix's status and owner from the fail points table.
func (u *UI) UpdateFailPoint(w http.ResponseWriter, r *http.Request) {
	id, ok := u.idAndForm(w, r, maxFormBytes)
	if !ok {
		return
	}
	fid, err := strconv.ParseInt(r.PathValue("fp"), 10, 64)
	if err != nil || fid <= 0 {
		u.NotFound(w, r)
		return
	}
	a := staffActor(viewerFrom(r.Context()))
	f, err := u.maps.FailPoint(r.Context(), a, id, fid)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	in := processmap.FailInputOf(f)
	in.Status = r.PostFormValue("status")
	var v fresco.Validation
	in.OwnerID = nil
	if s := r.PostFormValue("owner_id"); s != "" {
		in.OwnerID = optionalID(&v, "owner_id", s)
	}
	version, _ := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	err = v.Err()
	if err == nil {
		_, err = u.maps.UpdateFailPoint(r.Context(), a, id, fid, version, in)
	}
	u.afterFailPoint(w, r, id, nil, err, "fail-point-saved")
}

func (u *UI) afterFailPoint(w http.ResponseWriter, r *http.Request, id int64, form map[string]string, err error, done string) {
	switch code := fresco.ErrorCode(err); {
	case code == fresco.EINVALID:
		u.renderProcessMap(w, r, id, http.StatusUnprocessableEntity, form, invalidMessage(err))
	case code == fresco.ESTALE:
		u.renderProcessMap(w, r, id, http.StatusConflict, form, "Someone changed this fail point while you were looking at it: here it is as it is now.")
	case err != nil:
		u.fail(w, r, err)
	default:
		http.Redirect(w, r, fmt.Sprintf("/process-maps/%d?done=%s#fail-points", id, done), http.StatusSeeOther)
	}
}

// editorData is what the editor starts from (static/process-map-editor.js).
type editorData struct {
	ID         int64                `json:"id"`
	Version    int64                `json:"version"`
	Name       string               `json:"name"`
	Desc       string               `json:"description"`
	TimeUnit   string               `json:"time_unit"`
	Lanes      []fresco.MapLane     `json:"lanes"`
	Activities []fresco.MapActivity `json:"activities"`
	Arrows     []fresco.MapArrow    `json:"arrows"`
	Marked     []string             `json:"marked"` // "a:KEY" / "r:KEY" carrying fail points: drawn in the fail colour, not deletable
}

type mapEditView struct {
	Map   *fresco.ProcessMap
	Data  editorData
	Units []choice
}

// EditProcessMap is GET /process-maps/{id}/edit: the swimlane editor.
func (u *UI) EditProcessMap(w http.ResponseWriter, r *http.Request) {
	id, ok := u.pageID(w, r)
	if !ok {
		return
	}
	m, fps, err := u.mapAndFails(r, id)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	d := editorData{ID: m.ID, Version: m.Version, Name: m.Name, Desc: m.Description, TimeUnit: m.TimeUnit,
		Lanes: m.Lanes, Activities: m.Activities, Arrows: m.Arrows, Marked: []string{}}
	for _, f := range fps {
		if f.Arrow != "" {
			d.Marked = append(d.Marked, "r:"+f.Arrow)
		} else {
			d.Marked = append(d.Marked, "a:"+f.Activity)
		}
	}
	u.render(w, r, http.StatusOK, "process_map_edit", "Edit "+m.Name, &mapEditView{Map: m, Data: d, Units: mapUnits()})
}
