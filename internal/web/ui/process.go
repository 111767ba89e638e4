package ui

// The Process page: the process mined from an event log — Fresco's own work
// or a stored log — drawn as a map (process_layout.go places the boxes),
// in a frequency or a performance view, a slider hiding rare paths, and
// the variants, activities, handovers between roles and rework. Owners,
// managers and analysts (they read event logs).

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/mining"
	"github.com/fresco-cx/fresco/internal/processlog"
)

// The map's start and end, drawn as small boxes before the first and after
// the last activities.
const (
	processStart = "\x00start"
	processEnd   = "\x00end"
)

type processLogChoice struct {
	Value, Label string
	Selected     bool
}

type processView struct {
	Logs                  []processLogChoice
	Log, From, To, Where  string
	Performance           bool
	Paths                 int
	Problem               string
	Cases, Events, Hidden int
	Map                   template.HTML
	Variants              []processVariantRow
	Activities            []mining.Activity
	Handovers             []mining.Handover
	Rework                []mining.Rework
	MedianThroughput      string
}

type processVariantRow struct {
	Steps string
	Count int
	Share string
}

// Process is GET /process.
func (u *UI) Process(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	a := staffActor(v)
	qv := r.URL.Query()
	view := &processView{Log: qv.Get("log"), From: qv.Get("from"), To: qv.Get("to"), Where: strings.TrimSpace(qv.Get("where")),
		Performance: qv.Get("view") == "performance", Paths: 0}
	if view.Log == "" {
		view.Log = "own"
	}
	if p, err := strconv.Atoi(qv.Get("paths")); err == nil && p >= 0 && p <= 100 {
		view.Paths = p
	}
	logs, err := u.processlog.List(r.Context(), a)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	view.Logs = append(view.Logs, processLogChoice{Value: "own", Label: "Fresco's own work (cases, follow-ups, call tasks)", Selected: view.Log == "own"})
	for _, l := range logs {
		id := strconv.FormatInt(l.ID, 10)
		view.Logs = append(view.Logs, processLogChoice{Value: id, Label: fmt.Sprintf("%s (%d cases)", l.Name, l.Cases), Selected: view.Log == id})
	}
	q := processlog.Query{Own: view.Log == "own"}
	var problems []string
	if !q.Own {
		id, err := strconv.ParseInt(view.Log, 10, 64)
		if err != nil {
			problems = append(problems, "Choose a log from the list.")
			q.Own, view.Log = true, "own"
		}
		q.ID = id
	}
	for _, p := range []struct {
		s    string
		to   bool
		into *time.Time
	}{{view.From, false, &q.From}, {view.To, true, &q.To}} {
		if p.s == "" {
			continue
		}
		d, err := time.Parse("2006-01-02", p.s)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%q is not a day (YYYY-MM-DD).", p.s))
			continue
		}
		if p.to {
			d = d.Add(24*time.Hour - time.Nanosecond)
		}
		*p.into = d
	}
	if view.Where != "" {
		q.Where = []string{view.Where}
	}
	status := http.StatusOK
	m, err := u.processlog.Mine(r.Context(), a, q)
	switch {
	case fresco.ErrorCode(err) == fresco.EINVALID:
		problems = append(problems, invalidMessage(err))
		status = http.StatusUnprocessableEntity
	case err != nil:
		u.fail(w, r, err)
		return
	}
	view.Problem = strings.Join(problems, " ")
	if m != nil {
		u.drawings.draw(view, m.Log, m.Kept) // process_drawn.go
	}
	u.render(w, r, status, "process", "Process", view)
}

func fillProcessView(view *processView, l *mining.Log) {
	st := l.Stats()
	view.Cases, view.Events = st.Cases, st.Events
	if st.Cases == 0 {
		return
	}
	g := l.DFG(mining.DFGOptions{})
	var hidden int
	view.Map, hidden = processMapSVG(g, view.Performance, view.Paths)
	view.Hidden = hidden
	for _, vr := range l.Variants(20) {
		view.Variants = append(view.Variants, processVariantRow{Steps: strings.Join(vr.Activities, " → "), Count: vr.Count,
			Share: fmt.Sprintf("%.0f%%", 100*vr.Share)})
	}
	view.Activities = l.Activities()
	view.Handovers = l.Handovers(mining.ByRole)
	for i := range view.Handovers {
		view.Handovers[i].From, view.Handovers[i].To = label(view.Handovers[i].From), label(view.Handovers[i].To)
	}
	view.Rework = l.Rework()
	if tp := l.Throughput(); tp.Summary.N > 0 {
		view.MedianThroughput = waitWords(tp.Summary.Median)
	}
}

// keptArcs are the arcs shown with paths% as the threshold: those at least
// paths% as frequent as the most frequent, and, so that every activity
// stays joined from start to end, each activity's most frequent arc in and
// out. It returns the arcs kept and the number hidden.
func keptArcs(arcs []mining.Arc, paths int) ([]mining.Arc, int) {
	most := 0
	bestIn, bestOut := map[string]int{}, map[string]int{}
	for i, a := range arcs {
		most = max(most, a.Count)
		if a.From == a.To {
			continue
		}
		if j, ok := bestOut[a.From]; !ok || arcs[j].Count < a.Count {
			bestOut[a.From] = i
		}
		if j, ok := bestIn[a.To]; !ok || arcs[j].Count < a.Count {
			bestIn[a.To] = i
		}
	}
	threshold := float64(most) * float64(paths) / 100
	var kept []mining.Arc
	for i, a := range arcs {
		if float64(a.Count) >= threshold || bestIn[a.To] == i || bestOut[a.From] == i || a.From == processStart || a.To == processEnd {
			kept = append(kept, a)
		}
	}
	return kept, len(arcs) - len(kept)
}

// processMapSVG draws the directly-follows graph: a box per activity with
// its count, an arrow per arc labelled with its count (frequency view) or
// median wait (performance view), thicker for more.
func processMapSVG(g mining.DFG, performance bool, paths int) (template.HTML, int) {
	arcs := append([]mining.Arc(nil), g.Arcs...)
	names := make([]string, 0, len(g.Activities)+2)
	for n := range g.Activities {
		names = append(names, n)
	}
	sort.Strings(names)
	var starts []string
	for n, c := range g.Start {
		arcs = append(arcs, mining.Arc{From: processStart, To: n, Count: c})
	}
	for n, c := range g.End {
		arcs = append(arcs, mining.Arc{From: n, To: processEnd, Count: c})
	}
	sort.SliceStable(arcs, func(i, j int) bool {
		if arcs[i].Count != arcs[j].Count {
			return arcs[i].Count > arcs[j].Count
		}
		if arcs[i].From != arcs[j].From {
			return arcs[i].From < arcs[j].From
		}
		return arcs[i].To < arcs[j].To
	})
	kept, hidden := keptArcs(arcs, paths)
	starts = append(starts, processStart)
	nodes := append(names, processStart, processEnd)
	edges := make([]layoutEdge, len(kept))
	for i, a := range kept {
		edges[i] = layoutEdge{From: a.From, To: a.To, Weight: a.Count}
	}
	lay := layoutGraph(nodes, edges, starts)
	value := func(a mining.Arc) float64 {
		if performance {
			if a.MedianWaitS == nil {
				return 0
			}
			return *a.MedianWaitS
		}
		return float64(a.Count)
	}
	most := 0.0
	for _, a := range kept {
		if a.From != processStart && a.To != processEnd {
			most = math.Max(most, value(a))
		}
	}
	var b strings.Builder
	view := "frequency"
	if performance {
		view = "performance"
	}
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" id="process-map" class="process-map" data-view="%s" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-labelledby="process-map-title">`,
		view, lay.Width, lay.Height, lay.Width, lay.Height)
	b.WriteString(`<title id="process-map-title">The mined process map</title>`)
	b.WriteString(`<defs><marker id="process-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#445"/></marker></defs>`)
	for i, a := range kept {
		from, to := lay.Nodes[a.From], lay.Nodes[a.To]
		w := 1.5
		if most > 0 && a.From != processStart && a.To != processEnd {
			w = 1.5 + 6*value(a)/most
		}
		var d string
		var lx, ly int
		switch {
		case a.From == a.To:
			x, y := from.X+layoutBoxW/2, from.Y
			d = fmt.Sprintf("M%d,%d C%d,%d %d,%d %d,%d", x-20, y, x-30, y-30, x+30, y-30, x+20, y)
			lx, ly = x, y-26
		case lay.Back[[2]string{a.From, a.To}] || to.Layer <= from.Layer:
			x1, y1 := from.X+layoutBoxW/2, from.Y+layoutBoxH
			x2, y2 := to.X+layoutBoxW/2, to.Y+layoutBoxH
			low := max(y1, y2) + 40
			d = fmt.Sprintf("M%d,%d C%d,%d %d,%d %d,%d", x1, y1, x1, low, x2, low, x2, y2)
			lx, ly = (x1+x2)/2, low-8
		default:
			x1, y1 := from.X+layoutBoxW, from.Y+layoutBoxH/2
			x2, y2 := to.X, to.Y+layoutBoxH/2
			mx := (x1 + x2) / 2
			d = fmt.Sprintf("M%d,%d C%d,%d %d,%d %d,%d", x1, y1, mx, y1, mx, y2, x2, y2)
			lx, ly = mx, (y1+y2)/2-4
		}
		labelText := strconv.Itoa(a.Count)
		if performance && a.From != processStart && a.To != processEnd {
			labelText = "–"
			if a.MedianWaitS != nil {
				labelText = waitWords(*a.MedianWaitS)
			}
		}
		title := fmt.Sprintf("%s → %s: %d times", nodeName(a.From), nodeName(a.To), a.Count)
		if a.MedianWaitS != nil {
			title += ", median wait " + waitWords(*a.MedianWaitS)
		}
		fmt.Fprintf(&b, `<g class="process-arc" id="process-arc-%d" data-from="%s" data-to="%s" data-count="%d"><title>%s</title>`+
			`<path d="%s" fill="none" stroke="#445" stroke-width="%.1f" marker-end="url(#process-arrow)"/>`+
			`<text x="%d" y="%d" text-anchor="middle" font-size="12" fill="#223" class="process-arc-label">%s</text></g>`,
			i, esc(nodeName(a.From)), esc(nodeName(a.To)), a.Count, esc(title), d, w, lx, ly, esc(labelText))
	}
	for _, id := range nodes {
		n := lay.Nodes[id]
		if id == processStart || id == processEnd {
			fmt.Fprintf(&b, `<g class="process-node process-%s"><rect x="%d" y="%d" width="%d" height="%d" rx="23" fill="#e8eef0" stroke="#445"/>`+
				`<text x="%d" y="%d" text-anchor="middle" font-size="13">%s</text></g>`,
				strings.TrimPrefix(id, "\x00"), n.X+layoutBoxW/2-40, n.Y, 80, layoutBoxH, n.X+layoutBoxW/2, n.Y+layoutBoxH/2+5, nodeName(id))
			continue
		}
		name := id
		if len([]rune(name)) > 24 {
			name = string([]rune(name)[:23]) + "…"
		}
		fmt.Fprintf(&b, `<g class="process-node" data-activity="%s"><title>%s: %d times</title><rect x="%d" y="%d" width="%d" height="%d" rx="4" fill="#f6f8fa" stroke="#334"/>`+
			`<text x="%d" y="%d" text-anchor="middle" font-size="13">%s</text><text x="%d" y="%d" text-anchor="middle" font-size="12" fill="#556">%d</text></g>`,
			esc(id), esc(id), g.Activities[id], n.X, n.Y, layoutBoxW, layoutBoxH, n.X+layoutBoxW/2, n.Y+19, esc(name), n.X+layoutBoxW/2, n.Y+37, g.Activities[id])
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()), hidden // #nosec G203 -- every text escaped above
}

func esc(s string) string { return html.EscapeString(s) }

func nodeName(id string) string {
	switch id {
	case processStart:
		return "Start"
	case processEnd:
		return "End"
	}
	return id
}

// waitWords writes seconds as a short duration: "45 min", "3.5 h", "2.1 days".
func waitWords(s float64) string {
	switch {
	case s < 60:
		return fmt.Sprintf("%.0f s", s)
	case s < 3600:
		return fmt.Sprintf("%.0f min", s/60)
	case s < 48*3600:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", s/3600), ".0") + " h"
	}
	return strings.TrimSuffix(fmt.Sprintf("%.1f", s/86400), ".0") + " days"
}
