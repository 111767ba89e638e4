// Package processmap keeps designed service-process maps (issue 14, items
// 1 and 2): lanes for the roles or people down the left, time across,
// numbered activities with their expected durations, arrows for the flow
// and its branches; every change stored as a new version with who made it,
// when and what changed; and the fail points marked on an activity or an
// arrow, with their kind, the process-quality influence they touch, their
// evidence and the fix's owner and status. The customer's-shoes view
// (view.go) shows only what the customer sees, with their waiting summed;
// svg.go draws a map.
//
// Who may do what: owners and managers draw maps and mark fail points;
// everyone signed in (analysts and agents too) reads them — agents work in
// the lanes, and a map is how they learn the process.
package processmap

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/processlog"
	"github.com/fresco-cx/fresco/internal/staff"
	"github.com/fresco-cx/fresco/internal/store"
)

// Actor is who asks: the same as package staff's.
type Actor = staff.Actor

// Service keeps process maps and their fail points.
type Service struct {
	db *store.DB
	// logs reads the event logs the overlay mines: the app's shared service,
	// so a stored log is read and prepared once, then mined from its cache.
	logs *processlog.Service
	// overlays keeps the overlays of Fresco's own log (overlaycache.go);
	// nil when logs keeps nothing in memory.
	overlays *overlayCache
}

// New returns the service over db, mining event logs through logs — the
// app's shared service, whose cache of stored logs the overlay then uses;
// nil gives it a service of its own.
func New(db *store.DB, logs *processlog.Service) *Service {
	if logs == nil {
		logs = processlog.New(db, processlog.Options{})
	}
	s := &Service{db: db, logs: logs}
	if logs.Caches() {
		s.overlays = &overlayCache{kept: map[overlayKey]*overlayWork{}}
	}
	return s
}

// Limits of a map.
const (
	MaxName        = 200
	MaxDescription = 2000
	MaxLaneName    = 100
	MaxLanes       = 30
	MaxActivities  = 200
	MaxArrows      = 400
	MaxLabel       = 60
	MaxRows        = 20     // rows within a lane
	MaxDuration    = 100000 // in the activity's unit
	MaxPosition    = 100000 // in the map's unit
	MaxNote        = 4000
	MaxEvidence    = 100 // linked cases, and linked responses
)

var keyPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,39}$`)

// Draft is a map as asked for: what a create or a change sets.
type Draft struct {
	Name        string
	Description string
	TimeUnit    string
	Lanes       []fresco.MapLane
	Activities  []fresco.MapActivity
	Arrows      []fresco.MapArrow
}

// DraftOf is the draft that would leave m as it is.
func DraftOf(m *fresco.ProcessMap) Draft {
	return Draft{Name: m.Name, Description: m.Description, TimeUnit: m.TimeUnit,
		Lanes: slices.Clone(m.Lanes), Activities: slices.Clone(m.Activities), Arrows: slices.Clone(m.Arrows)}
}

// slug makes a key from a name: "Front desk" → "front-desk".
func slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case b.Len() > 0 && !dash:
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 36 {
			break
		}
	}
	return strings.Trim(b.String(), "-")
}

// uniqueKey returns base, or base-2, base-3 … whichever is not taken.
func uniqueKey(base string, taken map[string]bool) string {
	if base == "" {
		base = "x"
	}
	k := base
	for n := 2; taken[k]; n++ {
		k = base + "-" + strconv.Itoa(n)
	}
	return k
}

// checkKey validates the key of a lane, activity or arrow (field f), made
// from base when empty, against those taken, and takes it.
func checkKey(v *fresco.Validation, f, key, base, what string, taken map[string]bool) string {
	if key == "" {
		key = uniqueKey(base, taken)
	}
	switch {
	case !keyPattern.MatchString(key):
		v.Add(f+".key", "must be 1 to 40 lower-case letters, digits, - or _ (got %q)", key)
	case taken[key]:
		v.Add(f+".key", "%q is the key of another %s", key, what)
	}
	taken[key] = true
	return key
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// Check validates d, naming every bad field as the API names it
// (lanes[0].name, activities[2].lane, arrows[1].to …), and returns the map
// it describes (fields only): missing keys made, activities put in their
// numbered order (numbered 1, 2, 3 … in the order given when none has a
// number), a missing duration unit the map's.
func Check(d Draft) (*fresco.ProcessMap, error) {
	var v fresco.Validation
	m := &fresco.ProcessMap{Name: strings.TrimSpace(d.Name), Description: strings.TrimSpace(d.Description), TimeUnit: d.TimeUnit}
	v.Text("name", m.Name, true, MaxName)
	v.Text("description", m.Description, false, MaxDescription)
	if m.TimeUnit == "" {
		m.TimeUnit = fresco.UnitHours
	}
	v.Check(slices.Contains(fresco.MapUnits, m.TimeUnit), "time_unit", "must be minutes, hours or days (got %q)", m.TimeUnit)
	v.Check(len(d.Lanes) <= MaxLanes, "lanes", "a map has at most %d lanes", MaxLanes)
	v.Check(len(d.Activities) <= MaxActivities, "activities", "a map has at most %d activities", MaxActivities)
	v.Check(len(d.Arrows) <= MaxArrows, "arrows", "a map has at most %d arrows", MaxArrows)
	if err := v.Err(); err != nil {
		return nil, err
	}
	lanes := map[string]bool{}
	for i, l := range d.Lanes {
		f := "lanes[" + strconv.Itoa(i) + "]"
		l.Name = strings.TrimSpace(l.Name)
		v.Text(f+".name", l.Name, true, MaxLaneName)
		l.Key = checkKey(&v, f, l.Key, slug(l.Name), "lane", lanes)
		m.Lanes = append(m.Lanes, l)
	}
	m.Activities = checkActivities(&v, d.Activities, lanes, m.TimeUnit)
	acts := map[string]bool{}
	for _, a := range m.Activities {
		acts[a.Key] = true
	}
	arrows, pairs := map[string]bool{}, map[string]int{}
	for i, r := range d.Arrows {
		f := "arrows[" + strconv.Itoa(i) + "]"
		r.Label = strings.TrimSpace(r.Label)
		v.Text(f+".label", r.Label, false, MaxLabel)
		r.Key = checkKey(&v, f, r.Key, slug(r.From+"-"+r.To), "arrow", arrows)
		for _, end := range []struct{ field, key string }{{"from", r.From}, {"to", r.To}} {
			switch {
			case end.key == "":
				v.Add(f+"."+end.field, "is required: the key of an activity")
			case !acts[end.key]:
				v.Add(f+"."+end.field, "no activity %q on the map: an arrow must join two activities", end.key)
			}
		}
		v.Check(r.From == "" || r.From != r.To, f+".to", "an arrow goes to another activity (rework is an arrow back to an earlier one)")
		pair := r.From + "\x00" + r.To + "\x00" + r.Label
		if j, dup := pairs[pair]; dup {
			v.Add(f, "repeats arrows[%d]: same from, to and label", j)
		}
		pairs[pair] = i
		m.Arrows = append(m.Arrows, r)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return m, nil
}

// checkActivities validates the activities and returns them in their
// numbered order.
func checkActivities(v *fresco.Validation, list []fresco.MapActivity, lanes map[string]bool, unit string) []fresco.MapActivity {
	numbered := slices.ContainsFunc(list, func(a fresco.MapActivity) bool { return a.Number != 0 })
	keys, numbers := map[string]bool{}, map[int]int{}
	out := make([]fresco.MapActivity, 0, len(list))
	for i, a := range list {
		f := "activities[" + strconv.Itoa(i) + "]"
		a.Name, a.Description = strings.TrimSpace(a.Name), strings.TrimSpace(a.Description)
		v.Text(f+".name", a.Name, true, MaxLaneName)
		v.Text(f+".description", a.Description, false, MaxDescription)
		a.Key = checkKey(v, f, a.Key, slug(a.Name), "activity", keys)
		if !numbered {
			a.Number = i + 1
		}
		switch j, dup := numbers[a.Number]; {
		case a.Number < 1 || a.Number > len(list):
			v.Add(f+".number", "must be 1 to %d: activities are numbered in order, each number once (got %d)", len(list), a.Number)
		case dup:
			v.Add(f+".number", "%d is also the number of activities[%d]: each number once", a.Number, j)
		}
		numbers[a.Number] = i
		switch {
		case a.Lane == "":
			v.Add(f+".lane", "is required: the key of the lane (role or person) doing it")
		case !lanes[a.Lane]:
			v.Add(f+".lane", "no lane %q on the map", a.Lane)
		}
		if a.DurationUnit == "" {
			a.DurationUnit = unit
		}
		v.Check(slices.Contains(fresco.MapUnits, a.DurationUnit), f+".duration_unit", "must be minutes, hours or days (got %q)", a.DurationUnit)
		v.Check(finite(a.Duration) && a.Duration >= 0 && a.Duration <= MaxDuration, f+".duration",
			"must be an expected duration from 0 to %d", MaxDuration)
		v.Check(finite(a.Position.X) && a.Position.X >= 0 && a.Position.X <= MaxPosition, f+".position.x",
			"must be a start along the time axis from 0 to %d, in the map's unit", MaxPosition)
		v.Check(a.Position.Y >= 0 && a.Position.Y < MaxRows, f+".position.y", "must be a row of the lane from 0 to %d", MaxRows-1)
		out = append(out, a)
	}
	slices.SortStableFunc(out, func(a, b fresco.MapActivity) int { return a.Number - b.Number })
	return out
}

func forbidden() error {
	return fresco.Errorf(fresco.EFORBIDDEN, "only owners and managers draw process maps and mark fail points")
}

// mayWrite refuses anyone but owners and managers.
func mayWrite(a Actor) error {
	if a.Role == fresco.RoleOwner || a.Role == fresco.RoleManager {
		return nil
	}
	return forbidden()
}

// List returns every map, oldest first.
func (s *Service) List(ctx context.Context, _ Actor) ([]*fresco.ProcessMap, error) {
	return s.db.ProcessMaps(ctx)
}

// Get returns one map.
func (s *Service) Get(ctx context.Context, _ Actor, id int64) (*fresco.ProcessMap, error) {
	return s.db.ProcessMap(ctx, id)
}

// Versions returns every version of a map, newest first.
func (s *Service) Versions(ctx context.Context, a Actor, id int64) ([]*fresco.ProcessMapVersion, error) {
	if _, err := s.Get(ctx, a, id); err != nil {
		return nil, err
	}
	return s.db.ProcessMapVersions(ctx, id)
}

const auditEntity = "process_map"

// Create stores a new map at version 1. Audited.
func (s *Service) Create(ctx context.Context, a Actor, d Draft) (*fresco.ProcessMap, error) {
	if err := mayWrite(a); err != nil {
		return nil, err
	}
	m, err := Check(d)
	if err != nil {
		return nil, err
	}
	m.CreatedBy = a.Ref
	changes := []string{fmt.Sprintf("created the map with %s, %s and %s",
		count(len(m.Lanes), "lane"), count(len(m.Activities), "activity"), count(len(m.Arrows), "arrow"))}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.InsertProcessMap(ctx, m, changes); err != nil {
			return err
		}
		return tx.Audit(ctx, a.Ref, "process_map.created", auditEntity, strconv.FormatInt(m.ID, 10),
			map[string]any{"name": m.Name, "version": m.Version, "changes": changes})
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// Update changes map id to d when its version is still version
// (store.AnyVersion: any), storing the new version with who and what
// changed. A change that changes nothing stores no version. An activity or
// arrow that carries fail points cannot be taken off the map. Audited.
func (s *Service) Update(ctx context.Context, a Actor, id, version int64, d Draft) (*fresco.ProcessMap, error) {
	if err := mayWrite(a); err != nil {
		return nil, err
	}
	m, err := Check(d)
	if err != nil {
		return nil, err
	}
	m.ID, m.UpdatedBy = id, a.Ref
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		old, err := tx.ProcessMap(ctx, id)
		if err != nil {
			return err
		}
		if version != store.AnyVersion && version != old.Version {
			return stale(id)
		}
		m.CreatedBy, m.CreatedAt = old.CreatedBy, old.CreatedAt
		fps, err := tx.FailPoints(ctx, id)
		if err != nil {
			return err
		}
		if err := keepsFailPoints(m, fps); err != nil {
			return err
		}
		changes := Changes(old, m)
		if len(changes) == 0 {
			*m = *old
			return nil
		}
		var expect *int64
		if version != store.AnyVersion {
			expect = &version
		}
		ok, err := tx.UpdateProcessMapIfVersion(ctx, m, expect, changes)
		if err != nil {
			return err
		}
		if !ok {
			return stale(id)
		}
		return tx.Audit(ctx, a.Ref, "process_map.updated", auditEntity, strconv.FormatInt(id, 10),
			map[string]any{"name": m.Name, "version": m.Version, "changes": changes})
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

func stale(id int64) error {
	return fresco.Errorf(fresco.ESTALE, "process map %d has changed since it was read", id)
}

// keepsFailPoints refuses a map that drops an activity or arrow a fail
// point is marked on.
func keepsFailPoints(m *fresco.ProcessMap, fps []*fresco.FailPoint) error {
	var v fresco.Validation
	for _, f := range fps {
		switch {
		case f.Activity != "" && m.Activity(f.Activity) == nil:
			v.Add("activities", "activity %q carries fail point %d: resolve or move the fail point before taking it off the map", f.Activity, f.ID)
		case f.Arrow != "" && m.Arrow(f.Arrow) == nil:
			v.Add("arrows", "arrow %q carries fail point %d: resolve or move the fail point before taking it off the map", f.Arrow, f.ID)
		}
	}
	return v.Err()
}

func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if strings.HasSuffix(noun, "y") {
		return strconv.Itoa(n) + " " + strings.TrimSuffix(noun, "y") + "ies"
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
