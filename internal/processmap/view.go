package processmap

import (
	"github.com/fresco-cx/fresco/internal/fresco"
)

// CustomerView is a map "from the customer's shoes": only the
// customer-facing lanes (above the line of visibility) and their
// activities, joined by the flow as the customer lives it — an arrow
// between two activities they see, directly or through steps behind the
// line (then labelled "behind the line").
type CustomerView struct {
	Map *fresco.ProcessMap
	// WaitMinutes is the customer's waiting summed: the expected durations
	// of the activities along the longest path from a start to an end of
	// the whole map, the backstage ones included — the customer waits for
	// those too, without seeing them. An arrow back to an earlier activity
	// (rework) is not followed round again.
	WaitMinutes float64
	// SeenMinutes is the part of WaitMinutes spent in activities the
	// customer sees; HiddenMinutes the rest.
	SeenMinutes, HiddenMinutes float64
	// Hidden is how many activities are behind the line.
	Hidden int
}

// BehindTheLine labels an arrow of the customer's view that stands for
// steps the customer does not see.
const BehindTheLine = "behind the line"

// CustomerShoes returns m as the customer sees it.
func CustomerShoes(m *fresco.ProcessMap) CustomerView {
	facing := map[string]bool{}
	v := &fresco.ProcessMap{ID: m.ID, Name: m.Name, Description: m.Description, TimeUnit: m.TimeUnit, Version: m.Version}
	for _, l := range m.Lanes {
		if l.CustomerFacing {
			facing[l.Key] = true
			v.Lanes = append(v.Lanes, l)
		}
	}
	seen := map[string]bool{}
	view := CustomerView{Map: v}
	for _, a := range m.Activities {
		if facing[a.Lane] {
			seen[a.Key] = true
			v.Activities = append(v.Activities, a)
		} else {
			view.Hidden++
		}
	}
	next := map[string][]fresco.MapArrow{}
	for _, r := range m.Arrows {
		next[r.From] = append(next[r.From], r)
	}
	for _, a := range v.Activities {
		added := map[string]bool{}
		for _, r := range next[a.Key] { // the arrows the customer sees whole first
			if seen[r.To] && !added[r.To] {
				added[r.To] = true
				v.Arrows = append(v.Arrows, r)
			}
		}
		for _, r := range next[a.Key] {
			if seen[r.To] {
				continue
			}
			// Through the steps behind the line, to the first ones the customer sees again.
			stack, visited := []string{r.To}, map[string]bool{r.To: true}
			for len(stack) > 0 {
				k := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				for _, r2 := range next[k] {
					switch {
					case seen[r2.To]:
						if !added[r2.To] {
							added[r2.To] = true
							v.Arrows = append(v.Arrows, fresco.MapArrow{Key: "via-" + a.Key + "-" + r2.To, From: a.Key, To: r2.To, Label: BehindTheLine})
						}
					case !visited[r2.To]:
						visited[r2.To] = true
						stack = append(stack, r2.To)
					}
				}
			}
		}
	}
	path := LongestPath(m)
	for _, k := range path {
		d := m.Activity(k).DurationMinutes()
		view.WaitMinutes += d
		if seen[k] {
			view.SeenMinutes += d
		} else {
			view.HiddenMinutes += d
		}
	}
	return view
}

// LongestPath returns the keys of the activities along the path from a
// start to an end whose expected durations sum the most: the time the
// case takes when nothing runs late. Arrows back to an activity already on
// the way (rework loops) are left out; with no arrows at all, the path is
// the longest single activity.
func LongestPath(m *fresco.ProcessMap) []string {
	next := map[string][]string{}
	for _, r := range m.Arrows {
		next[r.From] = append(next[r.From], r.To)
	}
	// Depth-first from every activity in numbered order; an arrow to an
	// activity on the current stack is a back edge, dropped.
	const (
		white = iota
		grey
		black
	)
	state := map[string]int{}
	var order []string // reverse postorder = a topological order of the DAG left
	keep := map[[2]string]bool{}
	var visit func(k string)
	visit = func(k string) {
		state[k] = grey
		for _, to := range next[k] {
			switch state[to] {
			case white:
				keep[[2]string{k, to}] = true
				visit(to)
			case black:
				keep[[2]string{k, to}] = true
			}
		}
		state[k] = black
		order = append(order, k)
	}
	for _, a := range m.Activities {
		if state[a.Key] == white {
			visit(a.Key)
		}
	}
	best, from := map[string]float64{}, map[string]string{}
	end, endBest := "", -1.0
	for i := len(order) - 1; i >= 0; i-- { // sources first
		k := order[i]
		best[k] += m.Activity(k).DurationMinutes()
		if best[k] >= endBest { // ties: the longer chain, ending in a zero-length step
			end, endBest = k, best[k]
		}
		for _, to := range next[k] {
			if keep[[2]string{k, to}] && best[k] > best[to] {
				best[to], from[to] = best[k], k
			}
		}
	}
	if end == "" {
		return nil
	}
	var path []string
	for k := end; k != ""; k = from[k] {
		path = append([]string{k}, path...)
	}
	return path
}
