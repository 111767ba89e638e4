package processmap

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// The drawing's geometry, in CSS pixels. static/process-map.js draws the
// editor with the same numbers: keep them in step.
const (
	laneHeader  = 170 // the lane names, down the left
	axisHeight  = 34  // the time axis, across the top
	rowHeight   = 84  // one row of a lane
	boxHeight   = 58
	boxMinWidth = 130
	boxMaxWidth = 420
	unitWidth   = 120 // one unit of the map's time axis
	margin      = 24
	legendLine  = 18
)

// FailColour is the colour fail points are drawn in (and their legend).
const FailColour = "#c0392b"

// box is where an activity is drawn.
type box struct {
	x, y, w float64
	a       fresco.MapActivity
}

// layout places the lanes and boxes of m.
type layout struct {
	m       *fresco.ProcessMap
	laneTop map[string]float64
	laneH   map[string]float64
	boxes   map[string]box
	width   float64
	height  float64 // of the swimlanes, without the legend
}

func lay(m *fresco.ProcessMap) *layout {
	l := &layout{m: m, laneTop: map[string]float64{}, laneH: map[string]float64{}, boxes: map[string]box{}}
	rows := map[string]int{}
	for _, a := range m.Activities {
		rows[a.Lane] = max(rows[a.Lane], a.Position.Y+1)
	}
	y := float64(axisHeight)
	for _, ln := range m.Lanes {
		l.laneTop[ln.Key] = y
		l.laneH[ln.Key] = float64(max(rows[ln.Key], 1) * rowHeight)
		y += l.laneH[ln.Key]
	}
	l.height = y
	right := 0.0
	unit := fresco.UnitMinutesOf(m.TimeUnit)
	for _, a := range m.Activities {
		w := math.Min(math.Max(a.DurationMinutes()/unit*unitWidth, boxMinWidth), boxMaxWidth)
		b := box{x: laneHeader + 12 + a.Position.X*unitWidth, y: l.laneTop[a.Lane] + float64(a.Position.Y*rowHeight) + (rowHeight-boxHeight)/2, w: w, a: a}
		l.boxes[a.Key] = b
		right = math.Max(right, b.x+b.w)
	}
	l.width = math.Max(right+margin, 720)
	return l
}

// unitShort is the time axis's tick label unit.
func unitShort(unit string) string {
	switch unit {
	case fresco.UnitMinutes:
		return "min"
	case fresco.UnitHours:
		return "h"
	}
	return "d"
}

func esc(s string) string { return html.EscapeString(s) }

func num(f float64) string { return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64) }

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// SVGOptions choose what a drawing shows.
type SVGOptions struct {
	Title string // the SVG's accessible title; "" is the map's name
	// Legend adds the numbered legend (and the fail points') below the
	// lanes, for export and print.
	Legend bool
	// Overlay, when set, lays the real process on the map: counts and
	// waits on the arrows, frequencies on the activities, the arcs not in
	// the design dashed, arrows never taken greyed, real fail points in
	// FailColour with their reason and what they cost the customers in
	// money (gestures granted on the cases through them).
	Overlay *Overlay
	// Money writes an amount in the business's currency; nil writes the
	// plain amount (45.50).
	Money func(fresco.Money) string
}

func (opt SVGOptions) money(m fresco.Money) string {
	if opt.Money == nil {
		return m.String()
	}
	return opt.Money(m)
}

// SVG draws m with its fail points as a standalone SVG document: lanes
// down the left, the time axis across, numbered boxes and arrows, the line
// of visibility dashed under the customer-facing lanes, fail points in
// FailColour with their numbers, and (Legend) the numbered legend below.
// Activities are <g id="activity-KEY">, arrows <g id="arrow-KEY">, fail
// points marked with class "fail".
func SVG(m *fresco.ProcessMap, fps []*fresco.FailPoint, opt SVGOptions) string {
	l := lay(m)
	failOn := map[string][]int{} // "a:KEY" or "r:KEY" → fail point numbers (1-based)
	for i, f := range fps {
		k := "a:" + f.Activity
		if f.Arrow != "" {
			k = "r:" + f.Arrow
		}
		failOn[k] = append(failOn[k], i+1)
	}
	var legend []string
	if opt.Legend {
		legend = legendLines(m, fps)
	}
	height := l.height + margin
	if len(legend) > 0 {
		height += float64(len(legend))*legendLine + margin
	}
	title := opt.Title
	if title == "" {
		title = m.Name
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="process-map-svg" role="img" aria-labelledby="pm-title-%d" viewBox="0 0 %s %s" width="%s" height="%s" font-family="system-ui, sans-serif" font-size="13">`,
		m.ID, num(l.width), num(height), num(l.width), num(height))
	fmt.Fprintf(&b, `<title id="pm-title-%d">%s</title>`, m.ID, esc(title))
	b.WriteString(`<defs><marker id="pm-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#444"/></marker>`)
	fmt.Fprintf(&b, `<marker id="pm-arrow-fail" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="%s"/></marker></defs>`, FailColour)
	fmt.Fprintf(&b, `<rect width="%s" height="%s" fill="#fff"/>`, num(l.width), num(height))
	writeAxis(&b, l)
	writeLanes(&b, l)
	for _, r := range m.Arrows {
		writeArrow(&b, l, r, failOn["r:"+r.Key], opt)
	}
	if opt.Overlay != nil {
		writeExtras(&b, l, opt)
	}
	for _, a := range m.Activities {
		writeBox(&b, l.boxes[a.Key], failOn["a:"+a.Key], opt)
	}
	for i, line := range legend {
		fill := "#222"
		if strings.HasPrefix(line, "F") {
			fill = FailColour
		}
		fmt.Fprintf(&b, `<text class="pm-legend" x="%d" y="%s" fill="%s">%s</text>`, margin, num(l.height+margin+float64(i+1)*legendLine), fill, esc(line))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

func writeAxis(b *strings.Builder, l *layout) {
	short := unitShort(l.m.TimeUnit)
	ticks := int((l.width - laneHeader - 12) / unitWidth)
	fmt.Fprintf(b, `<g class="pm-axis"><text x="12" y="22" font-weight="600">Time (%s)</text>`, esc(l.m.TimeUnit))
	for i := 0; i <= ticks; i++ {
		x := laneHeader + 12 + float64(i*unitWidth)
		fmt.Fprintf(b, `<line x1="%s" y1="%d" x2="%s" y2="%s" stroke="#e3e3e3"/><text x="%s" y="22" fill="#555">%d %s</text>`,
			num(x), axisHeight-6, num(x), num(l.height), num(x+3), i, short)
	}
	b.WriteString(`</g>`)
}

func writeLanes(b *strings.Builder, l *layout) {
	for i, ln := range l.m.Lanes {
		top, h := l.laneTop[ln.Key], l.laneH[ln.Key]
		fill := "#f7f7f7"
		if i%2 == 1 {
			fill = "#fdfdfd"
		}
		fmt.Fprintf(b, `<g class="pm-lane" id="lane-%s"><rect x="0" y="%s" width="%s" height="%s" fill="%s" stroke="#ccc"/>`,
			esc(ln.Key), num(top), num(l.width), num(h), fill)
		fmt.Fprintf(b, `<rect x="0" y="%s" width="%d" height="%s" fill="#eef2f6" stroke="#ccc"/><text x="10" y="%s" font-weight="600">%s</text>`,
			num(top), laneHeader, num(h), num(top+24), esc(clip(ln.Name, 20)))
		if ln.CustomerFacing {
			fmt.Fprintf(b, `<text x="10" y="%s" fill="#555" font-size="11">customer sees</text>`, num(top+42))
		}
		b.WriteString(`</g>`)
		if ln.CustomerFacing && i+1 < len(l.m.Lanes) && !l.m.Lanes[i+1].CustomerFacing {
			y := top + h
			fmt.Fprintf(b, `<g class="pm-visibility"><line x1="0" y1="%s" x2="%s" y2="%s" stroke="#1f5fa8" stroke-width="2" stroke-dasharray="8 5"/><text x="%s" y="%s" fill="#1f5fa8" font-size="11" text-anchor="end">line of visibility</text></g>`,
				num(y), num(l.width), num(y), num(l.width-8), num(y-4))
		}
	}
}

func writeBox(b *strings.Builder, bx box, fails []int, opt SVGOptions) {
	a, o := bx.a, opt.Overlay
	stroke, cls, sw := "#335", "pm-activity", "1.5"
	real := o.FailsOn("a", a.Key)
	if len(fails) > 0 || len(real) > 0 {
		stroke, cls, sw = FailColour, "pm-activity fail", "3"
	}
	fmt.Fprintf(b, `<g class="%s" id="activity-%s" data-key="%s"><title>%d. %s — %s%s</title>`, cls, esc(a.Key), esc(a.Key), a.Number,
		esc(a.Name), esc(DurationWords(a.Duration, a.DurationUnit)), esc(descSuffix(a.Description)))
	fmt.Fprintf(b, `<rect x="%s" y="%s" width="%s" height="%d" rx="6" fill="#fff" stroke="%s" stroke-width="%s"/>`,
		num(bx.x), num(bx.y), num(bx.w), boxHeight, stroke, sw)
	fmt.Fprintf(b, `<circle cx="%s" cy="%s" r="11" fill="#335"/><text x="%s" y="%s" fill="#fff" font-size="12" text-anchor="middle" font-weight="700">%d</text>`,
		num(bx.x+16), num(bx.y+16), num(bx.x+16), num(bx.y+20), a.Number)
	chars := int((bx.w - 40) / 7)
	fmt.Fprintf(b, `<text x="%s" y="%s" font-weight="600">%s</text>`, num(bx.x+32), num(bx.y+21), esc(clip(a.Name, max(chars, 8))))
	fmt.Fprintf(b, `<text x="%s" y="%s" fill="#555" font-size="12">%s</text>`, num(bx.x+10), num(bx.y+45), esc(DurationWords(a.Duration, a.DurationUnit)))
	writeFailBadge(b, bx.x+bx.w-4, bx.y-2, fails)
	if o != nil {
		f := o.Activities[a.Key]
		fmt.Fprintf(b, `<text class="pm-real" x="%s" y="%s" fill="#1f5fa8" font-size="12" text-anchor="end">%d× in %d cases</text>`,
			num(bx.x+bx.w-8), num(bx.y+45), f.Count, f.Cases)
		writeRealFail(b, bx.x+4, bx.y+boxHeight+4, false, real, opt)
	}
	b.WriteString(`</g>`)
}

// writeRealFail writes the mark of the real fail points on one activity
// or arrow: "REAL FAIL POINT" and, for Fresco's own cases, what the cases
// through it cost in gestures; the reasons and every outcome as its title.
// x is its left edge, or its middle when centred.
func writeRealFail(b *strings.Builder, x, y float64, centred bool, fails []*RealFail, opt SVGOptions) {
	if len(fails) == 0 {
		return
	}
	reasons := make([]string, len(fails))
	for i, f := range fails {
		reasons[i] = f.Reason
	}
	title, text := strings.Join(reasons, "; "), "REAL FAIL POINT"
	if oc := fails[0].Outcomes; oc != nil { // the same cases go through each fail on one target
		title += ". " + OutcomeWords(oc, opt.money)
		text += " · " + opt.money(oc.GestureCost)
	}
	w := math.Max(96, float64(len([]rune(text)))*6.2+12)
	if centred {
		x -= w / 2
	}
	fmt.Fprintf(b, `<g class="pm-real-fail"><title>Real fail point: %s</title><rect x="%s" y="%s" width="%s" height="16" rx="8" fill="%s"/><text x="%s" y="%s" fill="#fff" font-size="10" font-weight="700" text-anchor="middle">%s</text></g>`,
		esc(title), num(x), num(y), num(w), FailColour, num(x+w/2), num(y+12), esc(text))
}

func descSuffix(d string) string {
	if d == "" {
		return ""
	}
	return ". " + d
}

// writeFailBadge writes "F1 F2" in the fail colour, right-aligned at x.
func writeFailBadge(b *strings.Builder, x, y float64, fails []int) {
	if len(fails) == 0 {
		return
	}
	names := make([]string, len(fails))
	for i, n := range fails {
		names[i] = "F" + strconv.Itoa(n)
	}
	text := strings.Join(names, " ")
	w := float64(len(text))*7.5 + 10
	fmt.Fprintf(b, `<g class="pm-fail-badge"><rect x="%s" y="%s" width="%s" height="18" rx="9" fill="%s"/><text x="%s" y="%s" fill="#fff" font-size="11" font-weight="700" text-anchor="middle">%s</text></g>`,
		num(x-w), num(y-9), num(w), FailColour, num(x-w/2), num(y+4), esc(text))
}

// arrowPath is the curve from one box to another, and the point to label it at.
func arrowPath(from, to box) (d string, mx, my float64) {
	x1, y1 := from.x+from.w, from.y+boxHeight/2
	x2, y2 := to.x, to.y+boxHeight/2
	if x2 >= x1+10 {
		dx := math.Max((x2-x1)/2, 20)
		d = fmt.Sprintf("M%s,%s C%s,%s %s,%s %s,%s", num(x1), num(y1), num(x1+dx), num(y1), num(x2-dx), num(y2), num(x2), num(y2))
	} else { // backwards or overlapping: round below the boxes
		low := math.Max(from.y, to.y) + boxHeight + 14
		d = fmt.Sprintf("M%s,%s C%s,%s %s,%s %s,%s", num(x1), num(y1), num(x1+60), num(low+30), num(x2-60), num(low+30), num(x2), num(y2))
	}
	mx, my = (x1+x2)/2, (y1+y2)/2
	if x2 < x1+10 {
		my = math.Max(from.y, to.y) + boxHeight + 30
	}
	return d, mx, my
}

func writeArrow(b *strings.Builder, l *layout, r fresco.MapArrow, fails []int, opt SVGOptions) {
	o := opt.Overlay
	from, okf := l.boxes[r.From]
	to, okt := l.boxes[r.To]
	if !okf || !okt {
		return
	}
	d, mx, my := arrowPath(from, to)
	stroke, cls, sw, marker, dash := "#444", "pm-arrow", "1.5", "pm-arrow", ""
	real := o.FailsOn("r", r.Key)
	fig, mined := ArcFigures{}, false
	if o != nil {
		fig, mined = o.Arrows[r.Key]
	}
	if mined && fig.Count == 0 {
		stroke, cls, dash = "#aaa", "pm-arrow never-taken", ` stroke-dasharray="2 4"`
	}
	if len(fails) > 0 || len(real) > 0 {
		stroke, cls, sw, marker = FailColour, cls+" fail", "3", "pm-arrow-fail"
	}
	fmt.Fprintf(b, `<g class="%s" id="arrow-%s" data-key="%s"><path d="%s" fill="none" stroke="%s" stroke-width="%s"%s marker-end="url(#%s)"/>`,
		cls, esc(r.Key), esc(r.Key), d, stroke, sw, dash, marker)
	if mined {
		text := "never taken"
		if fig.Count > 0 {
			text = fmt.Sprintf("%d×", fig.Count)
			if fig.MedianWaitS != nil {
				text += " · median " + SecondsWords(*fig.MedianWaitS) + " · p90 " + SecondsWords(*fig.P90WaitS)
			}
		}
		fill := "#1f5fa8"
		if len(real) > 0 {
			fill = FailColour
		}
		fmt.Fprintf(b, `<text class="pm-real" x="%s" y="%s" font-size="11" fill="%s" text-anchor="middle" paint-order="stroke" stroke="#fff" stroke-width="3">%s</text>`,
			num(mx), num(my+24), fill, esc(text))
		writeRealFail(b, mx, my+30, true, real, opt)
	}
	if r.Label != "" {
		fmt.Fprintf(b, `<text x="%s" y="%s" font-size="11" fill="#333" text-anchor="middle" paint-order="stroke" stroke="#fff" stroke-width="3">%s</text>`,
			num(mx), num(my-6), esc(r.Label))
	}
	writeFailBadge(b, mx+20, my+12, fails)
	b.WriteString(`</g>`)
}

// writeExtras draws, dashed, the arcs reality takes that the design has
// no arrow for, between activities on the map ("not in the design"), those
// that are real fail points in FailColour with their mark. Arcs to or from
// activities the map lacks are listed beside it instead.
func writeExtras(b *strings.Builder, l *layout, opt SVGOptions) {
	o := opt.Overlay
	key := map[string]string{}
	for _, a := range l.m.Activities {
		key[a.Name] = a.Key
	}
	for i, x := range o.Extras {
		from, okf := l.boxes[key[x.From]]
		to, okt := l.boxes[key[x.To]]
		if !okf || !okt {
			continue
		}
		d, mx, my := arrowPath(from, to)
		text := fmt.Sprintf("not in the design · %d×", x.Count)
		if x.MedianWaitS != nil {
			text += " · median " + SecondsWords(*x.MedianWaitS)
		}
		cls, colour, sw, marker := "pm-extra", "#8e44ad", "1.5", "pm-arrow"
		real := o.FailsOnExtra(x.From, x.To)
		if len(real) > 0 {
			cls, colour, sw, marker = cls+" fail", FailColour, "3", "pm-arrow-fail"
		}
		fmt.Fprintf(b, `<g class="%s" id="extra-%d"><title>%s → %s: not in the design</title><path d="%s" fill="none" stroke="%s" stroke-width="%s" stroke-dasharray="7 5" marker-end="url(#%s)"/>`,
			cls, i+1, esc(x.From), esc(x.To), d, colour, sw, marker)
		fmt.Fprintf(b, `<text x="%s" y="%s" font-size="11" fill="%s" text-anchor="middle" paint-order="stroke" stroke="#fff" stroke-width="3">%s</text>`,
			num(mx), num(my-20), colour, esc(text))
		writeRealFail(b, mx, my-14, true, real, opt)
		b.WriteString(`</g>`)
	}
}

// legendLines are the numbered legend: one line an activity, then one a
// fail point.
func legendLines(m *fresco.ProcessMap, fps []*fresco.FailPoint) []string {
	lane := map[string]string{}
	for _, l := range m.Lanes {
		lane[l.Key] = l.Name
	}
	var out []string
	for _, a := range m.Activities {
		out = append(out, fmt.Sprintf("%d. %s — %s, %s%s", a.Number, a.Name, lane[a.Lane], DurationWords(a.Duration, a.DurationUnit), descSuffix(clip(a.Description, 90))))
	}
	for i, f := range fps {
		out = append(out, fmt.Sprintf("F%d. %s on %s — %s; fix: %s%s", i+1, KindWords(f.Kind), TargetWords(m, f),
			InfluenceWords(f.Influence), strings.ToLower(StatusWords(f.Status)), descSuffix(clip(f.Note, 80))))
	}
	return out
}

// TargetWords names what a fail point is on: "activity 3 Resolved", "the
// arrow from 2 Handed over to 3 Resolved".
func TargetWords(m *fresco.ProcessMap, f *fresco.FailPoint) string {
	name := func(key string) string {
		if a := m.Activity(key); a != nil {
			return strconv.Itoa(a.Number) + " " + a.Name
		}
		return key
	}
	if f.Arrow != "" {
		if r := m.Arrow(f.Arrow); r != nil {
			return "the arrow from " + name(r.From) + " to " + name(r.To)
		}
		return "arrow " + f.Arrow
	}
	return "activity " + name(f.Activity)
}
