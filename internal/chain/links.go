package chain

import (
	"fmt"
	"strings"

	"github.com/fresco-cx/fresco/internal/stats"
)

// Link is how strongly two measures move together across unit-periods:
// Pearson's r over the unit-periods that have both values (with a lag,
// "to" that many periods later in the same unit), with its Fisher-z 95%
// interval. With fewer than stats.MinCorrelationN pairs, or no spread, R
// is null and Reason says why.
type ChainLink struct {
	From        string   `json:"from"`
	To          string   `json:"to"`
	Lag         int      `json:"lag"`
	R           *float64 `json:"r"`
	CILow       *float64 `json:"ci_low"`
	CIHigh      *float64 `json:"ci_high"`
	N           int      `json:"n" doc:"Unit-periods with both values."`
	Significant bool     `json:"significant" doc:"The interval leaves out 0."`
	Reason      string   `json:"reason,omitempty" doc:"Why r is null."`
	// Points are the pairs, for the page's scatter; Words says the link in
	// plain language.
	Points []Point `json:"-"`
	Words  string  `json:"-"`
}

// Point is one unit-period of a link's scatter.
type Point struct {
	Unit   string
	Period string
	X, Y   float64
}

// linkPairs are the consecutive links of the chain followed by the pairs
// asked for that are not among them.
func linkPairs(extra [][2]string) [][2]string {
	var out [][2]string
	seen := map[[2]string]bool{}
	for i := 0; i+1 < len(Measures); i++ {
		p := [2]string{Measures[i], Measures[i+1]}
		out, seen[p] = append(out, p), true
	}
	for _, p := range extra {
		if !seen[p] {
			out, seen[p] = append(out, p), true
		}
	}
	return out
}

// links computes each pair's link over the shown unit-periods, reading the
// "to" value lag periods later from all (which runs past the shown ones).
func links(all []UnitPeriod, labels []string, shown []UnitPeriod, lag int, pairs [][2]string, by, periodKind string) ([]ChainLink, error) {
	index := map[string]int{}
	for i, l := range labels {
		index[l] = i
	}
	type key struct {
		unit   int64
		period string
	}
	byKey := map[key]*UnitPeriod{}
	for i := range all {
		byKey[key{all[i].Unit.ID, all[i].Period}] = &all[i]
	}
	out := make([]ChainLink, 0, len(pairs))
	for _, pair := range pairs {
		l := ChainLink{From: pair[0], To: pair[1], Lag: lag}
		var xs, ys []float64
		for i := range shown {
			u := &shown[i]
			x, ok := u.value(pair[0])
			if !ok {
				continue
			}
			j := index[u.Period] + lag
			if j >= len(labels) {
				continue
			}
			later := byKey[key{u.Unit.ID, labels[j]}]
			if later == nil {
				continue
			}
			y, ok := later.value(pair[1])
			if !ok {
				continue
			}
			xs, ys = append(xs, x), append(ys, y)
			l.Points = append(l.Points, Point{Unit: u.Unit.Name, Period: u.Period, X: x, Y: y})
		}
		c, err := stats.Correlate(xs, ys, 0)
		if err != nil {
			return nil, err
		}
		l.N, l.Significant, l.Reason = c.N, c.Significant, c.Reason
		if c.OK {
			l.R, l.CILow, l.CIHigh = ptr(c.R), ptr(c.CILow), ptr(c.CIHigh)
		}
		l.Words = linkWords(l, by, periodKind)
		out = append(out, l)
	}
	return out, nil
}

// How each measure reads in a sentence: as the subject's trait when high,
// and as what a unit has more or less of.
var phrases = map[string]struct{ subject, more, less, label, noun string }{
	EmployeeCapability:   {"staff feel better equipped", "better-equipped staff", "less well-equipped staff", "Employee capability", "staff capability"},
	EmployeeSatisfaction: {"staff are more satisfied", "more satisfied staff", "less satisfied staff", "Employee satisfaction", "staff satisfaction"},
	EmployeeRetention:    {"staff leave less often", "fewer leavers", "more leavers", "Employee retention", "staff retention"},
	CustomerSatisfaction: {"customers give a higher NPS", "higher NPS", "lower NPS", "Customer satisfaction (NPS)", "NPS"},
	CustomerLoyalty:      {"customers come back more often", "more customers coming back", "fewer customers coming back", "Customer loyalty", "customers coming back"},
	Profit:               {"customers bring more gross profit", "more gross profit per customer", "less gross profit per customer", "Profit per customer", "gross profit per customer"},
}

// Label is a measure's name on a page.
func Label(measure string) string { return phrases[measure].label }

// linkWords says a link plainly, as an association and never as a cause.
func linkWords(l ChainLink, by, periodKind string) string {
	units := "Teams"
	if by == ByLocation {
		units = "Locations"
	}
	from, to := phrases[l.From], phrases[l.To]
	later := ""
	if l.Lag > 0 {
		later = fmt.Sprintf(" %d %s%s later", l.Lag, periodKind, plural(l.Lag))
	}
	if l.R == nil {
		return fmt.Sprintf("Not enough data to link %s with %s%s: %s.", from.noun, to.noun, later, l.Reason)
	}
	figures := fmt.Sprintf("r = %s (%s to %s)", Decimal(*l.R), Decimal(*l.CILow), Decimal(*l.CIHigh))
	if !l.Significant {
		return fmt.Sprintf("No clear link between %s and %s%s: %s, a likely range that includes zero, over %d %s-%ss.",
			from.noun, to.noun, later, figures, l.N, strings.ToLower(units[:len(units)-1]), periodKind)
	}
	have := to.more
	if *l.R < 0 {
		have = to.less
	}
	return fmt.Sprintf("%s whose %s tend to have %s%s, %s, over %d %s-%ss.", units, from.subject, have, later, figures,
		l.N, strings.ToLower(units[:len(units)-1]), periodKind)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// Decimal writes x to two places with a true minus sign, as pages do.
func Decimal(x float64) string {
	return strings.Replace(fmt.Sprintf("%.2f", x), "-", "−", 1)
}
