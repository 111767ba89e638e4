package fresco

import "time"

// Process maps (internal/processmap): a service process as a manager lays
// it out with index cards — lanes for the roles or people down the left,
// time across, numbered activities with their expected durations, arrows
// for the flow — and the fail points found on it by looking from the
// customer's shoes. These are the stored shapes; validation, versions and
// the customer's view live in package processmap.

// Time units of a map's axis and of an activity's expected duration.
const (
	UnitMinutes = "minutes"
	UnitHours   = "hours"
	UnitDays    = "days"
)

// MapUnits lists the units in the order pages offer them.
var MapUnits = []string{UnitMinutes, UnitHours, UnitDays}

// UnitMinutesOf is how many minutes one unit is (0 for an unknown one).
func UnitMinutesOf(unit string) float64 {
	switch unit {
	case UnitMinutes:
		return 1
	case UnitHours:
		return 60
	case UnitDays:
		return 24 * 60
	}
	return 0
}

// ProcessMap is one designed process at its current version.
type ProcessMap struct {
	ID          int64
	Name        string
	Description string
	TimeUnit    string // the unit of the time axis and of activity positions
	Lanes       []MapLane
	Activities  []MapActivity // in their numbered order
	Arrows      []MapArrow
	Version     int64
	CreatedBy   string
	UpdatedBy   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// MapLane is a role or a person, one band of the map. A customer-facing
// lane is above the line of visibility: the customer sees what happens in it.
type MapLane struct {
	Key            string `json:"key"`
	Name           string `json:"name"`
	CustomerFacing bool   `json:"customer_facing"`
}

// MapPosition places an activity: X is its start along the time axis, in
// the map's time unit; Y its row within its lane (0 the first), for work
// done side by side.
type MapPosition struct {
	X float64 `json:"x"`
	Y int     `json:"y"`
}

// MapActivity is one numbered card. Key is stable across versions (what
// fail points, and mined logs' overlays, hang on); Name is what an event
// log calls the same activity.
type MapActivity struct {
	Key          string      `json:"key"`
	Number       int         `json:"number"`
	Name         string      `json:"name"`
	Description  string      `json:"description"`
	Lane         string      `json:"lane"` // a lane's key
	Duration     float64     `json:"duration"`
	DurationUnit string      `json:"duration_unit"`
	Position     MapPosition `json:"position"`
}

// DurationMinutes is the activity's expected duration in minutes.
func (a MapActivity) DurationMinutes() float64 { return a.Duration * UnitMinutesOf(a.DurationUnit) }

// MapArrow is one step of the flow from an activity to the next; Label
// names a decision's branch ("yes", "over the limit").
type MapArrow struct {
	Key   string `json:"key"`
	From  string `json:"from"` // an activity's key
	To    string `json:"to"`
	Label string `json:"label,omitempty"`
}

// MapFlow is what a designed map allows, by activity name, for checking a
// real flow against it: the arcs (directly-follows pairs), and the
// activities a case may start and end with.
type MapFlow struct {
	Arcs  [][2]string
	Start []string
	End   []string
}

// Flow returns the arcs, start and end activities the map allows, named
// as an event log names them (the activities' names). A start activity is
// one no arrow enters, an end activity one no arrow leaves.
func (m *ProcessMap) Flow() MapFlow {
	name := make(map[string]string, len(m.Activities))
	in, out := map[string]bool{}, map[string]bool{}
	for _, a := range m.Activities {
		name[a.Key] = a.Name
	}
	var f MapFlow
	seen := map[[2]string]bool{}
	for _, r := range m.Arrows {
		in[r.To], out[r.From] = true, true
		arc := [2]string{name[r.From], name[r.To]}
		if !seen[arc] {
			seen[arc] = true
			f.Arcs = append(f.Arcs, arc)
		}
	}
	for _, a := range m.Activities {
		if !in[a.Key] {
			f.Start = append(f.Start, a.Name)
		}
		if !out[a.Key] {
			f.End = append(f.End, a.Name)
		}
	}
	return f
}

// Activity returns the activity with key, or nil.
func (m *ProcessMap) Activity(key string) *MapActivity {
	for i := range m.Activities {
		if m.Activities[i].Key == key {
			return &m.Activities[i]
		}
	}
	return nil
}

// Arrow returns the arrow with key, or nil.
func (m *ProcessMap) Arrow(key string) *MapArrow {
	for i := range m.Arrows {
		if m.Arrows[i].Key == key {
			return &m.Arrows[i]
		}
	}
	return nil
}

// ProcessMapVersion is one stored version of a map: who made it, when,
// what changed in words, and the map as it then was.
type ProcessMapVersion struct {
	MapID     int64
	Version   int64
	ChangedBy string
	ChangedAt time.Time
	Changes   []string // "added activity 3 Resolved", …
	Map       *ProcessMap
}

// Fail-point kinds: what is wrong at the step.
const (
	FailInefficiency    = "inefficiency"
	FailUnnecessaryStep = "unnecessary_step"
	FailLostTime        = "lost_time"
	FailOther           = "other"
)

// FailKinds lists the kinds in the order pages offer them.
var FailKinds = []string{FailInefficiency, FailUnnecessaryStep, FailLostTime, FailOther}

// The five influences on a process's quality as customers judge it.
const (
	InfluenceDependability    = "dependability"
	InfluenceResponsiveness   = "responsiveness"
	InfluenceAuthority        = "authority"
	InfluenceEmpathy          = "empathy"
	InfluenceTangibleEvidence = "tangible_evidence"
)

// Influences lists them in the order pages offer them.
var Influences = []string{InfluenceDependability, InfluenceResponsiveness, InfluenceAuthority, InfluenceEmpathy, InfluenceTangibleEvidence}

// Fix statuses of a fail point.
const (
	FixOpen       = "open"
	FixInProgress = "in_progress"
	FixFixed      = "fixed"
	FixWontFix    = "wont_fix"
)

// FixStatuses lists them in the order pages offer them.
var FixStatuses = []string{FixOpen, FixInProgress, FixFixed, FixWontFix}

// FailPoint marks one activity or one arrow of a map (exactly one of
// Activity and Arrow is set, by key) as a place where the process fails
// the customer, with the evidence for it and who fixes it.
type FailPoint struct {
	ID          int64
	MapID       int64
	Activity    string
	Arrow       string
	Kind        string
	Influence   string
	Note        string
	CaseIDs     []int64 // recovery cases that show it
	ResponseIDs []int64 // responses whose comments show it
	OwnerID     *int64  // the employee who owns the fix
	Status      string
	Version     int64
	CreatedBy   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}
