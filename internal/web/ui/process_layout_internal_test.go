package ui

import (
	"fmt"
	"reflect"
	"testing"
)

func layoutCase() ([]string, []layoutEdge) {
	nodes := []string{"Register", "Check", "Decide", "Pay", "Reject", "Archive"}
	edges := []layoutEdge{
		{"Register", "Check", 10}, {"Check", "Decide", 9}, {"Decide", "Check", 3}, // a loop back
		{"Decide", "Pay", 6}, {"Decide", "Reject", 3}, {"Pay", "Archive", 6}, {"Reject", "Archive", 3},
		{"Register", "Decide", 1}, {"Pay", "Pay", 2}, // a long arc and a self-loop
	}
	return nodes, edges
}

// TestLayoutLayersLeftToRight: every forward arc goes to a later layer, the
// back edge of the loop is the one reversed, and starts are in layer 0.
func TestLayoutLayersLeftToRight(t *testing.T) {
	nodes, edges := layoutCase()
	g := layoutGraph(nodes, edges, []string{"Register"})
	if g.Nodes["Register"].Layer != 0 {
		t.Errorf("Register in layer %d, want 0", g.Nodes["Register"].Layer)
	}
	if !g.Back[[2]string{"Decide", "Check"}] || len(g.Back) != 1 {
		t.Errorf("back edges %v, want only Decide→Check", g.Back)
	}
	for _, e := range edges {
		if e.From == e.To || g.Back[[2]string{e.From, e.To}] {
			continue
		}
		a, b := g.Nodes[e.From], g.Nodes[e.To]
		if b.Layer <= a.Layer || b.X <= a.X {
			t.Errorf("%s→%s goes from layer %d to %d (x %d to %d)", e.From, e.To, a.Layer, b.Layer, a.X, b.X)
		}
	}
	// Longest path: Register, Check, Decide, Pay|Reject, Archive.
	want := map[string]int{"Register": 0, "Check": 1, "Decide": 2, "Pay": 3, "Reject": 3, "Archive": 4}
	for n, l := range want {
		if g.Nodes[n].Layer != l {
			t.Errorf("%s in layer %d, want %d", n, g.Nodes[n].Layer, l)
		}
	}
}

// TestLayoutNoOverlap: no two boxes share any point, and all fit the canvas.
func TestLayoutNoOverlap(t *testing.T) {
	nodes, edges := layoutCase()
	for i := 0; i < 12; i++ { // a wide layer too
		n := fmt.Sprintf("Side %d", i)
		nodes = append(nodes, n)
		edges = append(edges, layoutEdge{"Register", n, 1}, layoutEdge{n, "Archive", 1})
	}
	g := layoutGraph(nodes, edges, []string{"Register"})
	if len(g.Nodes) != len(nodes) {
		t.Fatalf("%d nodes placed, want %d", len(g.Nodes), len(nodes))
	}
	for _, a := range g.Nodes {
		if a.X < 0 || a.Y < 0 || a.X+layoutBoxW > g.Width || a.Y+layoutBoxH > g.Height {
			t.Errorf("%s at %d,%d outside %dx%d", a.ID, a.X, a.Y, g.Width, g.Height)
		}
		for _, b := range g.Nodes {
			if a.ID < b.ID && a.X < b.X+layoutBoxW && b.X < a.X+layoutBoxW && a.Y < b.Y+layoutBoxH && b.Y < a.Y+layoutBoxH {
				t.Errorf("%s (%d,%d) overlaps %s (%d,%d)", a.ID, a.X, a.Y, b.ID, b.X, b.Y)
			}
		}
	}
}

// TestLayoutDeterministic: the same graph, its nodes and arcs given in any
// order, is laid out the same; the barycentre keeps Pay above Reject (both
// follow Decide; Pay is the heavier).
func TestLayoutDeterministic(t *testing.T) {
	nodes, edges := layoutCase()
	first := layoutGraph(nodes, edges, []string{"Register"})
	for i := 0; i < 5; i++ {
		n := append([]string(nil), nodes...)
		e := append([]layoutEdge(nil), edges...)
		for j := range n {
			k := (j*7 + i) % len(n)
			n[j], n[k] = n[k], n[j]
		}
		for j := range e {
			k := (j*5 + i) % len(e)
			e[j], e[k] = e[k], e[j]
		}
		again := layoutGraph(n, e, []string{"Register"})
		if !reflect.DeepEqual(first.Layers, again.Layers) {
			t.Fatalf("layers %v, then %v", first.Layers, again.Layers)
		}
	}
	if p, r := first.Nodes["Pay"], first.Nodes["Reject"]; p.Y >= r.Y {
		t.Errorf("Pay at y %d, Reject at y %d: want Pay above", p.Y, r.Y)
	}
}
