package processmap

import (
	"fmt"
	"strconv"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// Changes says in words what changed from old to m, one line a change:
// what a version records as "what". Empty when nothing did.
func Changes(old, m *fresco.ProcessMap) []string {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	if old.Name != m.Name {
		add("renamed the map from %q to %q", old.Name, m.Name)
	}
	if old.Description != m.Description {
		add("changed the description")
	}
	if old.TimeUnit != m.TimeUnit {
		add("changed the time axis from %s to %s", old.TimeUnit, m.TimeUnit)
	}
	out = append(out, laneChanges(old.Lanes, m.Lanes)...)
	out = append(out, activityChanges(old.Activities, m.Activities)...)
	names := func(pm *fresco.ProcessMap) func(string) string {
		return func(key string) string {
			if a := pm.Activity(key); a != nil {
				return strconv.Itoa(a.Number) + " " + a.Name
			}
			return key
		}
	}
	oldName, newName := names(old), names(m)
	was := map[string]fresco.MapArrow{}
	for _, r := range old.Arrows {
		was[r.Key] = r
	}
	now := map[string]bool{}
	for _, r := range m.Arrows {
		now[r.Key] = true
		o, ok := was[r.Key]
		switch {
		case !ok:
			add("added an arrow from %s to %s%s", newName(r.From), newName(r.To), labelled(r.Label))
		case o.From != r.From || o.To != r.To:
			add("redrew an arrow from %s → %s to %s → %s", oldName(o.From), oldName(o.To), newName(r.From), newName(r.To))
		case o.Label != r.Label:
			add("relabelled the arrow from %s to %s%s", newName(r.From), newName(r.To), labelled(r.Label))
		}
	}
	for _, o := range old.Arrows {
		if !now[o.Key] {
			add("removed the arrow from %s to %s", oldName(o.From), oldName(o.To))
		}
	}
	return out
}

func labelled(label string) string {
	if label == "" {
		return ""
	}
	return fmt.Sprintf(" (%q)", label)
}

func laneChanges(old, lanes []fresco.MapLane) []string {
	var out []string
	was := map[string]fresco.MapLane{}
	for _, l := range old {
		was[l.Key] = l
	}
	now := map[string]bool{}
	for i, l := range lanes {
		now[l.Key] = true
		o, ok := was[l.Key]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("added lane %q", l.Name))
			continue
		case o.Name != l.Name:
			out = append(out, fmt.Sprintf("renamed lane %q to %q", o.Name, l.Name))
		}
		if o.CustomerFacing != l.CustomerFacing {
			side := "behind the line of visibility"
			if l.CustomerFacing {
				side = "customer-facing"
			}
			out = append(out, fmt.Sprintf("made lane %q %s", l.Name, side))
		}
		if i >= len(old) || old[i].Key != l.Key {
			out = append(out, fmt.Sprintf("moved lane %q to place %d", l.Name, i+1))
		}
	}
	for _, o := range old {
		if !now[o.Key] {
			out = append(out, fmt.Sprintf("removed lane %q", o.Name))
		}
	}
	return out
}

func activityChanges(old, acts []fresco.MapActivity) []string {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	was := map[string]fresco.MapActivity{}
	for _, a := range old {
		was[a.Key] = a
	}
	now := map[string]bool{}
	for _, a := range acts {
		now[a.Key] = true
		o, ok := was[a.Key]
		if !ok {
			add("added activity %d %q", a.Number, a.Name)
			continue
		}
		if o.Name != a.Name {
			add("renamed activity %d from %q to %q", a.Number, o.Name, a.Name)
		}
		if o.Number != a.Number {
			add("renumbered activity %q from %d to %d", a.Name, o.Number, a.Number)
		}
		if o.Description != a.Description {
			add("changed the description of activity %d %q", a.Number, a.Name)
		}
		if o.Lane != a.Lane {
			add("moved activity %d %q to another lane", a.Number, a.Name)
		} else if o.Position != a.Position {
			add("moved activity %d %q", a.Number, a.Name)
		}
		if o.Duration != a.Duration || o.DurationUnit != a.DurationUnit {
			add("changed the expected duration of activity %d %q from %s to %s", a.Number, a.Name,
				DurationWords(o.Duration, o.DurationUnit), DurationWords(a.Duration, a.DurationUnit))
		}
	}
	for _, o := range old {
		if !now[o.Key] {
			add("removed activity %d %q", o.Number, o.Name)
		}
	}
	return out
}

// DurationWords is a duration in words: "15 minutes", "1 hour", "2.5 days".
func DurationWords(n float64, unit string) string {
	s := strconv.FormatFloat(n, 'f', -1, 64)
	if n == 1 && len(unit) > 1 {
		return s + " " + unit[:len(unit)-1]
	}
	return s + " " + unit
}
