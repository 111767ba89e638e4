package web

import (
	"context"
	"fmt"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/processmap"
)

// Designed process maps (package processmap): lanes, numbered activities
// and arrows, versioned; fail points on activities and arrows; the
// customer's-shoes view.

// ProcessMap is a designed service process at its current version.
type ProcessMap struct {
	ID          int64                `json:"id"`
	Name        string               `json:"name"`
	Description string               `json:"description"`
	TimeUnit    string               `json:"time_unit" enum:"minutes,hours,days" doc:"The unit of the time axis and of activities' position.x."`
	Lanes       []fresco.MapLane     `json:"lanes" doc:"Roles or people, top to bottom. customer_facing lanes are above the line of visibility."`
	Activities  []fresco.MapActivity `json:"activities" doc:"In their numbered order. key is stable across versions; name is what an event log calls the activity."`
	Arrows      []fresco.MapArrow    `json:"arrows" doc:"The flow, from one activity's key to another's; label names a decision's branch."`
	Version     int64                `json:"version"`
	CreatedBy   string               `json:"created_by"`
	UpdatedBy   string               `json:"updated_by"`
	CreatedAt   time.Time            `json:"created_at"`
	UpdatedAt   time.Time            `json:"updated_at"`
	// Only on a map read by id (and the answers of POST and PATCH):
	FailPoints   []FailPoint   `json:"fail_points,omitempty" doc:"The fail points marked on the map (GET by id only)."`
	CustomerView *CustomerView `json:"customer_view,omitempty" doc:"The map from the customer's shoes (GET by id only)."`
	Flow         *MapFlow      `json:"flow,omitempty" doc:"What the map allows, by activity name, for checking a real flow against it (GET by id only)."`
}

// MapFlow is what a designed map allows.
type MapFlow struct {
	Arcs            [][2]string `json:"arcs" doc:"Pairs [from, to] of activity names an arrow joins."`
	StartActivities []string    `json:"start_activities" doc:"Activities no arrow enters."`
	EndActivities   []string    `json:"end_activities" doc:"Activities no arrow leaves."`
}

// CustomerView is a map from the customer's shoes.
type CustomerView struct {
	Lanes            []fresco.MapLane     `json:"lanes" doc:"Only the customer-facing lanes."`
	Activities       []fresco.MapActivity `json:"activities"`
	Arrows           []fresco.MapArrow    `json:"arrows" doc:"Between activities the customer sees; label \"behind the line\" for a path through steps they do not see."`
	WaitMinutes      float64              `json:"wait_minutes" doc:"The customer's waiting summed: expected durations along the longest path from start to end, backstage steps included."`
	SeenMinutes      float64              `json:"seen_minutes" doc:"The part of wait_minutes in activities the customer sees."`
	HiddenMinutes    float64              `json:"hidden_minutes" doc:"… and behind the line of visibility."`
	HiddenActivities int                  `json:"hidden_activities" doc:"How many activities are behind the line."`
}

// FailPoint is a place where the process fails the customer.
type FailPoint struct {
	ID          int64     `json:"id"`
	MapID       int64     `json:"map_id"`
	Activity    string    `json:"activity" doc:"The key of the activity it is on; \"\" when on an arrow."`
	Arrow       string    `json:"arrow" doc:"The key of the arrow it is on; \"\" when on an activity."`
	Kind        string    `json:"kind" enum:"inefficiency,unnecessary_step,lost_time,other"`
	Influence   string    `json:"influence" enum:"dependability,responsiveness,authority,empathy,tangible_evidence" doc:"The influence on process quality it touches."`
	Note        string    `json:"note"`
	CaseIDs     []int64   `json:"case_ids" doc:"Recovery cases that show it."`
	ResponseIDs []int64   `json:"response_ids" doc:"Responses whose comments show it."`
	OwnerID     *int64    `json:"owner_id" doc:"The employee who owns the fix."`
	Status      string    `json:"status" enum:"open,in_progress,fixed,wont_fix"`
	Version     int64     `json:"version"`
	CreatedBy   string    `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// ProcessMapVersion is one stored version of a map.
type ProcessMapVersion struct {
	Version   int64      `json:"version"`
	ChangedBy string     `json:"changed_by" doc:"Who made it: employee:12, token:3 or cli."`
	ChangedAt time.Time  `json:"changed_at"`
	Changes   []string   `json:"changes" doc:"What changed, in words, one line a change."`
	Map       ProcessMap `json:"map" doc:"The map as it was at this version."`
}

// MapLaneIn is a lane as sent.
type MapLaneIn struct {
	Key            string `json:"key,omitempty" maxLength:"40" doc:"Stable key, lower-case letters, digits, - and _; omitted: made from the name."`
	Name           string `json:"name" maxLength:"100" doc:"A role or a person."`
	CustomerFacing bool   `json:"customer_facing,omitempty" doc:"Above the line of visibility: the customer sees what happens in it."`
}

// MapActivityIn is an activity as sent.
type MapActivityIn struct {
	Key          string              `json:"key,omitempty" maxLength:"40" doc:"Stable key (what fail points hang on); omitted: made from the name."`
	Number       int                 `json:"number,omitempty" doc:"Its place in the numbered order, 1 to the number of activities, each once; omitted on all: the order sent."`
	Name         string              `json:"name" maxLength:"100" doc:"Name it as event logs do (\"Case opened\") to see mined times on it."`
	Description  string              `json:"description,omitempty" maxLength:"2000"`
	Lane         string              `json:"lane" doc:"The key of the lane doing it."`
	Duration     float64             `json:"duration,omitempty" doc:"Expected duration, in duration_unit."`
	DurationUnit string              `json:"duration_unit,omitempty" doc:"minutes, hours or days; omitted: the map's time_unit."`
	Position     *fresco.MapPosition `json:"position,omitempty" doc:"x: its start along the time axis in the map's time_unit; y: its row within the lane (0 the first)."`
}

// MapArrowIn is an arrow as sent.
type MapArrowIn struct {
	Key   string `json:"key,omitempty" maxLength:"40" doc:"Stable key; omitted: made from from and to."`
	From  string `json:"from" doc:"An activity's key."`
	To    string `json:"to" doc:"Another activity's key."`
	Label string `json:"label,omitempty" maxLength:"60" doc:"A decision's branch: \"yes\", \"over the limit\"."`
}

// ProcessMapInput creates a map.
type ProcessMapInput struct {
	Name        string          `json:"name" maxLength:"200"`
	Description string          `json:"description,omitempty" maxLength:"2000"`
	TimeUnit    string          `json:"time_unit,omitempty" doc:"minutes, hours or days; omitted: hours."`
	Lanes       []MapLaneIn     `json:"lanes,omitempty" maxItems:"30"`
	Activities  []MapActivityIn `json:"activities,omitempty" maxItems:"200"`
	Arrows      []MapArrowIn    `json:"arrows,omitempty" maxItems:"400"`
}

// ProcessMapPatch changes a map: each field sent replaces the map's
// (lanes, activities and arrows each as a whole list).
type ProcessMapPatch struct {
	Name        *string          `json:"name,omitempty" maxLength:"200"`
	Description *string          `json:"description,omitempty" maxLength:"2000"`
	TimeUnit    *string          `json:"time_unit,omitempty"`
	Lanes       *[]MapLaneIn     `json:"lanes,omitempty" maxItems:"30"`
	Activities  *[]MapActivityIn `json:"activities,omitempty" maxItems:"200"`
	Arrows      *[]MapArrowIn    `json:"arrows,omitempty" maxItems:"400"`
}

// FailPointInput marks a fail point.
type FailPointInput struct {
	Activity    string  `json:"activity,omitempty" doc:"The key of the activity it is on; or give arrow."`
	Arrow       string  `json:"arrow,omitempty" doc:"The key of the arrow it is on; or give activity."`
	Kind        string  `json:"kind" doc:"inefficiency, unnecessary_step, lost_time or other."`
	Influence   string  `json:"influence" doc:"dependability, responsiveness, authority, empathy or tangible_evidence."`
	Note        string  `json:"note,omitempty" maxLength:"4000"`
	CaseIDs     []int64 `json:"case_ids,omitempty" maxItems:"100"`
	ResponseIDs []int64 `json:"response_ids,omitempty" maxItems:"100"`
	OwnerID     *int64  `json:"owner_id,omitempty" doc:"An active employee."`
	Status      string  `json:"status,omitempty" doc:"open, in_progress, fixed or wont_fix; omitted: open."`
}

// FailPointPatch changes some of a fail point's fields.
type FailPointPatch struct {
	Activity    *string  `json:"activity,omitempty" doc:"Moves it onto this activity (drops arrow)."`
	Arrow       *string  `json:"arrow,omitempty" doc:"Moves it onto this arrow (drops activity)."`
	Kind        *string  `json:"kind,omitempty"`
	Influence   *string  `json:"influence,omitempty"`
	Note        *string  `json:"note,omitempty" maxLength:"4000"`
	CaseIDs     *[]int64 `json:"case_ids,omitempty" maxItems:"100"`
	ResponseIDs *[]int64 `json:"response_ids,omitempty" maxItems:"100"`
	OwnerID     *int64   `json:"owner_id,omitempty" doc:"0 clears the owner."`
	Status      *string  `json:"status,omitempty"`
}

func processMapOut(m *fresco.ProcessMap) ProcessMap {
	return ProcessMap{ID: m.ID, Name: m.Name, Description: m.Description, TimeUnit: m.TimeUnit,
		Lanes: orEmpty(m.Lanes), Activities: orEmpty(m.Activities), Arrows: orEmpty(m.Arrows), Version: m.Version,
		CreatedBy: m.CreatedBy, UpdatedBy: m.UpdatedBy, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt}
}

// processMapFull is a map with its fail points, customer view and flow.
func processMapFull(m *fresco.ProcessMap, fps []*fresco.FailPoint) ProcessMap {
	out := processMapOut(m)
	out.FailPoints = make([]FailPoint, len(fps))
	for i, f := range fps {
		out.FailPoints[i] = failPointOut(f)
	}
	v := processmap.CustomerShoes(m)
	out.CustomerView = &CustomerView{Lanes: orEmpty(v.Map.Lanes), Activities: orEmpty(v.Map.Activities), Arrows: orEmpty(v.Map.Arrows),
		WaitMinutes: v.WaitMinutes, SeenMinutes: v.SeenMinutes, HiddenMinutes: v.HiddenMinutes, HiddenActivities: v.Hidden}
	f := m.Flow()
	out.Flow = &MapFlow{Arcs: orEmpty(f.Arcs), StartActivities: orEmpty(f.Start), EndActivities: orEmpty(f.End)}
	return out
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func failPointOut(f *fresco.FailPoint) FailPoint {
	return FailPoint{ID: f.ID, MapID: f.MapID, Activity: f.Activity, Arrow: f.Arrow, Kind: f.Kind, Influence: f.Influence,
		Note: f.Note, CaseIDs: orEmpty(f.CaseIDs), ResponseIDs: orEmpty(f.ResponseIDs), OwnerID: f.OwnerID, Status: f.Status,
		Version: f.Version, CreatedBy: f.CreatedBy, CreatedAt: f.CreatedAt, UpdatedAt: f.UpdatedAt}
}

func lanesIn(in []MapLaneIn) []fresco.MapLane {
	out := make([]fresco.MapLane, len(in))
	for i, l := range in {
		out[i] = fresco.MapLane{Key: l.Key, Name: l.Name, CustomerFacing: l.CustomerFacing}
	}
	return out
}

func activitiesIn(in []MapActivityIn) []fresco.MapActivity {
	out := make([]fresco.MapActivity, len(in))
	for i, a := range in {
		out[i] = fresco.MapActivity{Key: a.Key, Number: a.Number, Name: a.Name, Description: a.Description, Lane: a.Lane,
			Duration: a.Duration, DurationUnit: a.DurationUnit}
		if a.Position != nil {
			out[i].Position = *a.Position
		}
	}
	return out
}

func arrowsIn(in []MapArrowIn) []fresco.MapArrow {
	out := make([]fresco.MapArrow, len(in))
	for i, r := range in {
		out[i] = fresco.MapArrow{Key: r.Key, From: r.From, To: r.To, Label: r.Label}
	}
	return out
}

func (in *ProcessMapInput) draft() processmap.Draft {
	return processmap.Draft{Name: in.Name, Description: in.Description, TimeUnit: in.TimeUnit,
		Lanes: lanesIn(in.Lanes), Activities: activitiesIn(in.Activities), Arrows: arrowsIn(in.Arrows)}
}

func (p *ProcessMapPatch) apply(d *processmap.Draft) {
	if p.Name != nil {
		d.Name = *p.Name
	}
	if p.Description != nil {
		d.Description = *p.Description
	}
	if p.TimeUnit != nil {
		d.TimeUnit = *p.TimeUnit
	}
	if p.Lanes != nil {
		d.Lanes = lanesIn(*p.Lanes)
	}
	if p.Activities != nil {
		d.Activities = activitiesIn(*p.Activities)
	}
	if p.Arrows != nil {
		d.Arrows = arrowsIn(*p.Arrows)
	}
}

func (in *FailPointInput) input() processmap.FailInput {
	return processmap.FailInput{Activity: in.Activity, Arrow: in.Arrow, Kind: in.Kind, Influence: in.Influence, Note: in.Note,
		CaseIDs: in.CaseIDs, ResponseIDs: in.ResponseIDs, OwnerID: in.OwnerID, Status: in.Status}
}

func (p *FailPointPatch) apply(in *processmap.FailInput) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	if p.Activity != nil {
		in.Activity, in.Arrow = *p.Activity, ""
	}
	if p.Arrow != nil {
		in.Arrow = *p.Arrow
		if p.Activity == nil {
			in.Activity = ""
		}
	}
	set(&in.Kind, p.Kind)
	set(&in.Influence, p.Influence)
	set(&in.Note, p.Note)
	set(&in.Status, p.Status)
	if p.CaseIDs != nil {
		in.CaseIDs = *p.CaseIDs
	}
	if p.ResponseIDs != nil {
		in.ResponseIDs = *p.ResponseIDs
	}
	if p.OwnerID != nil {
		in.OwnerID = p.OwnerID
		if *p.OwnerID == 0 {
			in.OwnerID = nil
		}
	}
}

// FailPointParam names one fail point of a map.
type FailPointParam struct {
	IDParam
	FailPointID int64 `path:"fail_point_id" minimum:"1" doc:"The fail point's id."`
}

func (s *Server) listProcessMaps(ctx context.Context, _ *struct{}) (*itemsBody[ProcessMap], error) {
	list, err := s.maps.List(ctx, staffActor(ctx))
	if err != nil {
		return nil, err
	}
	return items(list, processMapOut), nil
}

// fullMap answers a map with its fail points.
func (s *Server) fullMap(ctx context.Context, m *fresco.ProcessMap) (*Tagged[ProcessMap], error) {
	fps, err := s.maps.FailPoints(ctx, staffActor(ctx), m.ID)
	if err != nil {
		return nil, err
	}
	return tagged(processMapFull(m, fps), m.Version), nil
}

func (s *Server) createProcessMap(ctx context.Context, in *struct{ Body ProcessMapInput }) (*Created[ProcessMap], error) {
	m, err := s.maps.Create(ctx, staffActor(ctx), in.Body.draft())
	if err != nil {
		return nil, err
	}
	return &Created[ProcessMap]{Location: fmt.Sprintf("%s/process-maps/%d", apiPrefix, m.ID), ETag: etag(m.Version),
		Body: processMapFull(m, nil)}, nil
}

func (s *Server) getProcessMap(ctx context.Context, in *IDParam) (*Tagged[ProcessMap], error) {
	m, err := s.maps.Get(ctx, staffActor(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return s.fullMap(ctx, m)
}

func (s *Server) patchProcessMap(ctx context.Context, in *patchInput[ProcessMapPatch]) (*Tagged[ProcessMap], error) {
	return s.changeProcessMap(ctx, in.ID, in.IfMatchParam, &in.Body)
}

// ProcessMapPatchByID changes the map named in the body.
type ProcessMapPatchByID struct {
	ID int64 `json:"id" minimum:"1" doc:"The map to change."`
	ProcessMapPatch
}

// patchProcessMapByID is PATCH /process-maps with the map's id in the
// body: the same change as PATCH /process-maps/{id}.
func (s *Server) patchProcessMapByID(ctx context.Context, in *struct {
	IfMatchParam
	Body ProcessMapPatchByID
}) (*Tagged[ProcessMap], error) {
	return s.changeProcessMap(ctx, in.Body.ID, in.IfMatchParam, &in.Body.ProcessMapPatch)
}

func (s *Server) changeProcessMap(ctx context.Context, id int64, ifMatch IfMatchParam, p *ProcessMapPatch) (*Tagged[ProcessMap], error) {
	a := staffActor(ctx)
	m, err := s.maps.Get(ctx, a, id)
	if err != nil {
		return nil, err
	}
	version, err := ifMatch.expectedVersion("process map", m.ID, m.Version)
	if err != nil {
		return nil, err
	}
	d := processmap.DraftOf(m)
	p.apply(&d)
	if m, err = s.maps.Update(ctx, a, id, version, d); err != nil {
		return nil, err
	}
	return s.fullMap(ctx, m)
}

func (s *Server) processMapVersions(ctx context.Context, in *IDParam) (*itemsBody[ProcessMapVersion], error) {
	list, err := s.maps.Versions(ctx, staffActor(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return items(list, func(v *fresco.ProcessMapVersion) ProcessMapVersion {
		return ProcessMapVersion{Version: v.Version, ChangedBy: v.ChangedBy, ChangedAt: v.ChangedAt, Changes: orEmpty(v.Changes), Map: processMapOut(v.Map)}
	}), nil
}

func (s *Server) listFailPoints(ctx context.Context, in *IDParam) (*itemsBody[FailPoint], error) {
	list, err := s.maps.FailPoints(ctx, staffActor(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return items(list, failPointOut), nil
}

func (s *Server) markFailPoint(ctx context.Context, in *struct {
	IDParam
	Body FailPointInput
}) (*Created[FailPoint], error) {
	f, err := s.maps.MarkFailPoint(ctx, staffActor(ctx), in.ID, in.Body.input())
	if err != nil {
		return nil, err
	}
	return &Created[FailPoint]{Location: fmt.Sprintf("%s/process-maps/%d/fail-points/%d", apiPrefix, in.ID, f.ID),
		ETag: etag(f.Version), Body: failPointOut(f)}, nil
}

func (s *Server) patchFailPoint(ctx context.Context, in *struct {
	FailPointParam
	IfMatchParam
	Body FailPointPatch
}) (*Tagged[FailPoint], error) {
	a := staffActor(ctx)
	f, err := s.maps.FailPoint(ctx, a, in.ID, in.FailPointID)
	if err != nil {
		return nil, err
	}
	version, err := in.expectedVersion("fail point", f.ID, f.Version)
	if err != nil {
		return nil, err
	}
	input := processmap.FailInputOf(f)
	in.Body.apply(&input)
	if f, err = s.maps.UpdateFailPoint(ctx, a, in.ID, in.FailPointID, version, input); err != nil {
		return nil, err
	}
	return tagged(failPointOut(f), f.Version), nil
}

func (s *Server) deleteFailPoint(ctx context.Context, in *FailPointParam) (*struct{}, error) {
	return nil, s.maps.DeleteFailPoint(ctx, staffActor(ctx), in.ID, in.FailPointID)
}
