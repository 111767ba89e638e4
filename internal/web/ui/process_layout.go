package ui

// A layered ("Sugiyama style") layout of a mined process map, drawn left to
// right: cycles broken by reversing the back edges of a depth-first search
// from the start activities, layers by longest path, the order within each
// layer by a few barycentre sweeps, then boxes placed on a grid so that no
// two overlap. Deterministic: the same graph always gives the same picture.

import (
	"sort"
)

// Layout sizes, in SVG user units.
const (
	layoutBoxW   = 170
	layoutBoxH   = 46
	layoutGapX   = 90
	layoutGapY   = 36
	layoutMargin = 20
	layoutSweeps = 4
)

// layoutEdge is an arc of the graph to lay out; Weight orders the search.
type layoutEdge struct {
	From, To string
	Weight   int
}

// layoutNode is a placed box: its layer (column), place in the layer (row)
// and its top-left corner.
type layoutNode struct {
	ID           string
	Layer, Order int
	X, Y         int
}

// graphLayout is the placed graph.
type graphLayout struct {
	Nodes         map[string]*layoutNode
	Layers        [][]string // node ids per layer, top to bottom
	Width, Height int
	// Back are the edges reversed to break cycles (drawn as loops back).
	Back map[[2]string]bool
}

// layoutGraph lays nodes out; starts are searched first (in the order
// given), then any node not reached, by name.
func layoutGraph(nodes []string, edges []layoutEdge, starts []string) *graphLayout {
	g := &graphLayout{Nodes: map[string]*layoutNode{}, Back: map[[2]string]bool{}}
	ids := append([]string(nil), nodes...)
	sort.Strings(ids)
	out := map[string][]layoutEdge{}
	for _, e := range edges {
		out[e.From] = append(out[e.From], e)
	}
	for _, es := range out {
		sort.SliceStable(es, func(i, j int) bool {
			if es[i].Weight != es[j].Weight {
				return es[i].Weight > es[j].Weight
			}
			return es[i].To < es[j].To
		})
	}
	// 1. Cycle breaking: back edges of a DFS from the starts.
	const (
		unseen = iota
		onStack
		done
	)
	state := map[string]int{}
	var seenOrder []string
	var dfs func(n string)
	dfs = func(n string) {
		state[n] = onStack
		seenOrder = append(seenOrder, n)
		for _, e := range out[n] {
			if e.To == n { // a self-loop is drawn as one, not reversed
				continue
			}
			switch state[e.To] {
			case unseen:
				dfs(e.To)
			case onStack:
				g.Back[[2]string{e.From, e.To}] = true
			}
		}
		state[n] = done
	}
	for _, s := range starts {
		if _, ok := state[s]; !ok && contains(ids, s) {
			dfs(s)
		}
	}
	for _, n := range ids {
		if state[n] == unseen {
			dfs(n)
		}
	}
	// 2. Longest-path layering over the acyclic edges (self-loops and back
	// edges left out), in the DFS finishing order reversed (a topological order).
	preds := map[string][]string{}
	succs := map[string][]string{}
	indeg := map[string]int{}
	for _, e := range edges {
		if e.From == e.To || g.Back[[2]string{e.From, e.To}] {
			continue
		}
		preds[e.To] = append(preds[e.To], e.From)
		succs[e.From] = append(succs[e.From], e.To)
		indeg[e.To]++
	}
	layer := map[string]int{}
	queue := []string{}
	for _, n := range seenOrder {
		if indeg[n] == 0 {
			queue = append(queue, n)
		}
	}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, m := range succs[n] {
			if layer[n]+1 > layer[m] {
				layer[m] = layer[n] + 1
			}
			indeg[m]--
			if indeg[m] == 0 {
				queue = append(queue, m)
			}
		}
	}
	for _, n := range seenOrder {
		for len(g.Layers) <= layer[n] {
			g.Layers = append(g.Layers, nil)
		}
		g.Layers[layer[n]] = append(g.Layers[layer[n]], n)
	}
	// 3. Barycentre ordering: down sweeps by predecessors, up by successors.
	pos := map[string]float64{}
	setPos := func(l []string) {
		for i, n := range l {
			pos[n] = float64(i)
		}
	}
	for _, l := range g.Layers {
		setPos(l)
	}
	order := func(l []string, nb map[string][]string) {
		bary := map[string]float64{}
		for _, n := range l {
			if len(nb[n]) == 0 {
				bary[n] = pos[n]
				continue
			}
			sum := 0.0
			for _, m := range nb[n] {
				sum += pos[m]
			}
			bary[n] = sum / float64(len(nb[n]))
		}
		sort.SliceStable(l, func(i, j int) bool { return bary[l[i]] < bary[l[j]] })
		setPos(l)
	}
	for s := 0; s < layoutSweeps; s++ {
		for i := 1; i < len(g.Layers); i++ {
			order(g.Layers[i], preds)
		}
		for i := len(g.Layers) - 2; i >= 0; i-- {
			order(g.Layers[i], succs)
		}
	}
	// 4. Coordinates: a column per layer, each layer centred vertically.
	rows := 0
	for _, l := range g.Layers {
		rows = max(rows, len(l))
	}
	for li, l := range g.Layers {
		top := layoutMargin + (rows-len(l))*(layoutBoxH+layoutGapY)/2
		for i, n := range l {
			g.Nodes[n] = &layoutNode{ID: n, Layer: li, Order: i,
				X: layoutMargin + li*(layoutBoxW+layoutGapX), Y: top + i*(layoutBoxH+layoutGapY)}
		}
	}
	g.Width = 2*layoutMargin + max(len(g.Layers), 1)*(layoutBoxW+layoutGapX) - layoutGapX
	g.Height = 2*layoutMargin + max(rows, 1)*(layoutBoxH+layoutGapY) - layoutGapY + 40 // room for loops back
	return g
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
