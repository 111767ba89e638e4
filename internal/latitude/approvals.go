package latitude

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/stats"
	"github.com/fresco-cx/fresco/internal/store"
)

// How often a role's gestures waited for approval, and what that says
// about its limits. Everything here is pure: the service loads the
// gestures and the limits.

// Thresholds of a recommendation.
const (
	// MinDecided is the fewest decided approvals a recommendation rests on:
	// below it the interval of the approval rate is too wide to act on.
	MinDecided = 20
	// RaiseAt is the approval rate (percent) from which raising the limit
	// is suggested: managers approve nearly everything they are asked.
	RaiseAt = 90.0
	// KeepBelow is the upper end of the approval rate's interval under
	// which the limit is said to hold: most requests above it are declined.
	KeepBelow = 50.0
	// CoverShare is the share of the waiting requests (percent) a suggested
	// limit covers: the 80th percentile of their amounts, rounded up.
	CoverShare = 80.0
)

// Approvals is one role's gestures of one kind.
type Approvals struct {
	Role string `json:"role"`
	Kind string `json:"kind"`
	// Gestures is every gesture of this kind the role asked for; Waited
	// those that needed approval (above the limit, or no limit set).
	Gestures int `json:"gestures"`
	Waited   int `json:"waited"`
	Approved int `json:"approved"`
	Declined int `json:"declined"`
	Pending  int `json:"pending"`
	// ApprovalRate is approved / (approved + declined) in percent, with
	// its 95% Agresti–Coull interval; null when none was decided.
	ApprovalRate *Rate `json:"approval_rate"`
	// MedianWaitHours is the median time from asking to the decision.
	MedianWaitHours *float64 `json:"median_wait_hours"`
	// Limit is the role's limit for the kind now (null: none set;
	// "unlimited" when set without an amount); CaseLimit the role's total
	// per case. Compared is the one a single gesture meets first: the
	// kind's limit when it has an amount, else the total per case ("*");
	// "" when neither has one.
	Limit     *string `json:"limit"`
	CaseLimit *string `json:"case_limit"`
	Compared  string  `json:"compared" doc:"The limit the amounts are set against: the kind's, or * for the total per case."`
	// Band is where the waiting requests' amounts lay against the limit.
	Band *Band `json:"band,omitempty"`
	// Summary says the figures in words; Recommendation what they suggest,
	// "" when the data cannot carry one (Reason says why).
	Summary        string `json:"summary"`
	Recommendation string `json:"recommendation,omitempty"`
	Reason         string `json:"reason,omitempty" doc:"Why there is no recommendation."`
}

// Rate is a percentage with its 95% interval.
type Rate struct {
	N       int     `json:"n"`
	Percent float64 `json:"percent"`
	CILow   float64 `json:"ci_low"`
	CIHigh  float64 `json:"ci_high"`
}

// Band is the share of the waiting requests whose amounts lay above the
// limit and at most High: High is the CoverShare-th percentile of their
// amounts rounded up to a round figure, the limit that would have let
// them through.
type Band struct {
	Low        string  `json:"low" doc:"The limit (0 when none is set)."`
	High       string  `json:"high"`
	Count      int     `json:"count"`
	Percent    float64 `json:"percent" doc:"Of the requests that waited."`
	UnderLimit int     `json:"under_limit" doc:"Requests that waited though under the kind's limit: the total per case stopped them."`
	low, high  fresco.Money
}

// Limits is the limits that apply to one role: amount by gesture kind
// ("*": the total per case); a nil amount is unlimited.
type Limits map[string]*fresco.Money

// roleKey groups gestures.
type roleKey struct {
	role fresco.Role
	kind string
}

// Counts are what one role's approvals of one gesture kind rest on, over
// one month or several: they add up month by month (Add), the waits and
// the amounts kept whole, since a median and a quantile do not add up.
type Counts struct {
	Role     fresco.Role `json:"role"`
	Kind     string      `json:"kind"`
	Gestures int         `json:"gestures"`
	Waited   int         `json:"waited"`
	Approved int         `json:"approved"`
	Declined int         `json:"declined"`
	Pending  int         `json:"pending"`
	// Waits are the hours from asking to the decision of those decided;
	// Amounts those of the gestures that waited.
	Waits   []float64      `json:"waits,omitempty"`
	Amounts []fresco.Money `json:"amounts,omitempty"`
}

// Count gathers the gestures into counts per role and kind. Apology
// letters cost nothing and never wait: they are left out.
func Count(facts []store.GestureFact) map[roleKey]*Counts {
	groups := map[roleKey]*Counts{}
	for _, f := range facts {
		if f.Amount <= 0 {
			continue
		}
		k := roleKey{f.Role, f.Kind}
		c := groups[k]
		if c == nil {
			c = &Counts{Role: f.Role, Kind: f.Kind}
			groups[k] = c
		}
		c.Gestures++
		if !f.Waited {
			continue
		}
		c.Waited++
		c.Amounts = append(c.Amounts, f.Amount)
		switch {
		case f.Status == "pending_approval":
			c.Pending++
			continue
		case f.Status == "granted":
			c.Approved++
		default:
			c.Declined++
		}
		if f.DecidedAt != nil {
			c.Waits = append(c.Waits, f.DecidedAt.Sub(f.CreatedAt).Hours())
		}
	}
	return groups
}

// Add adds the counts of more months to groups.
func Add(groups map[roleKey]*Counts, more []Counts) {
	for _, m := range more {
		k := roleKey{m.Role, m.Kind}
		c := groups[k]
		if c == nil {
			c = &Counts{Role: m.Role, Kind: m.Kind}
			groups[k] = c
		}
		c.Gestures += m.Gestures
		c.Waited += m.Waited
		c.Approved += m.Approved
		c.Declined += m.Declined
		c.Pending += m.Pending
		c.Waits = append(c.Waits, m.Waits...)
		c.Amounts = append(c.Amounts, m.Amounts...)
	}
}

// Tally weighs the gestures per role and kind, in role order then kind
// order; format writes money for the summary.
func Tally(facts []store.GestureFact, limits map[fresco.Role]Limits, kinds []string, format func(fresco.Money) string) []Approvals {
	return tallyCounts(Count(facts), limits, kinds, format)
}

func tallyCounts(groups map[roleKey]*Counts, limits map[fresco.Role]Limits, kinds []string, format func(fresco.Money) string) []Approvals {
	var out []Approvals
	for _, role := range fresco.Roles {
		for _, kind := range kinds {
			if c := groups[roleKey{role, kind}]; c != nil && c.Gestures > 0 {
				out = append(out, tally(c, limits[role], format))
			}
		}
	}
	return out
}

func tally(c *Counts, limits Limits, format func(fresco.Money) string) Approvals {
	kind := c.Kind
	a := Approvals{Role: string(c.Role), Kind: kind, Gestures: c.Gestures, Waited: c.Waited,
		Approved: c.Approved, Declined: c.Declined, Pending: c.Pending}
	limit, hasLimit := limits[kind]
	a.Limit, a.CaseLimit = limitText(limit, hasLimit), limitText(limits["*"], hasKey(limits, "*"))
	if decided := a.Approved + a.Declined; decided > 0 {
		p, _ := stats.ProportionInterval(a.Approved, decided, 0.95) // counts are consistent by construction
		a.ApprovalRate = &Rate{N: decided, Percent: p.Percent, CILow: p.CILow, CIHigh: p.CIHigh}
	}
	if len(c.Waits) > 0 {
		m := median(c.Waits)
		a.MedianWaitHours = &m
	}
	var low fresco.Money
	switch total := limits["*"]; {
	case hasLimit && limit != nil:
		a.Compared, low = kind, *limit
	case total != nil:
		a.Compared, low = "*", *total
	}
	if len(c.Amounts) > 0 {
		a.Band = band(c.Amounts, low)
	}
	a.Summary = summary(a, format)
	a.Recommendation, a.Reason = recommend(a, format)
	return a
}

func hasKey(l Limits, k string) bool { _, ok := l[k]; return ok }

func limitText(m *fresco.Money, set bool) *string {
	if !set {
		return nil
	}
	s := "unlimited"
	if m != nil {
		s = m.String()
	}
	return &s
}

// band places the waiting amounts against the limit low: High is taken
// from the amounts above it (those under it waited for the total per
// case), the share of all that waited.
func band(amounts []fresco.Money, low fresco.Money) *Band {
	var above []fresco.Money
	for _, m := range amounts {
		if m > low {
			above = append(above, m)
		}
	}
	b := &Band{low: low, high: low, Low: low.String(), UnderLimit: len(amounts) - len(above)}
	if len(above) > 0 {
		slices.Sort(above)
		b.high = roundUp(quantile(above, CoverShare/100))
		for _, m := range above {
			if m <= b.high {
				b.Count++
			}
		}
	}
	b.High = b.high.String()
	b.Percent = 100 * float64(b.Count) / float64(len(amounts))
	return b
}

// quantile is the q-th quantile of sorted amounts (the nearest rank at or
// above it).
func quantile(sorted []fresco.Money, q float64) fresco.Money {
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// roundUp rounds an amount up to a figure a manager would set: a multiple
// of 5 below 100, of 50 below 1,000, and so on (in whole currency units).
func roundUp(m fresco.Money) fresco.Money {
	units := float64(m) / 100
	if units <= 5 {
		return fresco.Money(math.Ceil(units) * 100)
	}
	step := 5 * math.Pow(10, math.Floor(math.Log10(units))-1)
	return fresco.Money(math.Ceil(units/step) * step * 100)
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if n := len(s); n%2 == 1 {
		return s[n/2]
	} else {
		return (s[n/2-1] + s[n/2]) / 2
	}
}

// noun is a gesture kind in words: "free_item" → "free items".
func noun(kind string) string { return strings.ReplaceAll(kind, "_", " ") + "s" }

// limitWords names the limit compared: "agent limit for refunds", "agent
// limit per case".
func limitWords(a Approvals) string {
	if a.Compared == "*" {
		return a.Role + " limit per case"
	}
	return a.Role + " limit for " + noun(a.Kind)
}

// summary says a row's figures in a sentence.
func summary(a Approvals, format func(fresco.Money) string) string {
	var b strings.Builder
	role := a.Role // a sentence starts with a capital: "Agents asked for …"
	if role != "" {
		role = strings.ToUpper(role[:1]) + role[1:]
	}
	fmt.Fprintf(&b, "%ss asked for %d %s; %d waited for approval", role, a.Gestures, noun(a.Kind), a.Waited)
	if a.Waited == 0 {
		b.WriteString(".")
		return b.String()
	}
	switch {
	case a.Band != nil && a.Band.Count == 0:
	case a.Band != nil && a.Compared != "":
		fmt.Fprintf(&b, ". %.0f%% of them were for %ss above %s and up to %s — the %s",
			a.Band.Percent, strings.ReplaceAll(a.Kind, "_", " "), format(a.Band.low), format(a.Band.high), limitWords(a))
		fmt.Fprintf(&b, " is %s", format(a.Band.low))
	case a.Band != nil:
		fmt.Fprintf(&b, ". %.0f%% of them were for up to %s — %ss have no limit with an amount for %s, so every one waits",
			a.Band.Percent, format(a.Band.high), a.Role, noun(a.Kind))
	}
	switch {
	case a.Band == nil || a.Band.UnderLimit == 0 || a.Compared == "":
	case a.Compared == "*":
		fmt.Fprintf(&b, "; %d were under it but over it with what the case had been granted before", a.Band.UnderLimit)
	default:
		fmt.Fprintf(&b, "; %d were within it but over the total per case", a.Band.UnderLimit)
	}
	if r := a.ApprovalRate; r != nil {
		fmt.Fprintf(&b, "; %.0f%% of the %d decided were approved (95%% interval %.0f–%.0f%%)", r.Percent, r.N, r.CILow, r.CIHigh)
	}
	if a.MedianWaitHours != nil {
		fmt.Fprintf(&b, ", after a median wait of %s", hours(*a.MedianWaitHours))
	}
	if a.Pending > 0 {
		fmt.Fprintf(&b, "; %d still wait", a.Pending)
	}
	b.WriteString(".")
	return b.String()
}

// hours says a duration in hours or days.
func hours(h float64) string {
	d := time.Duration(h * float64(time.Hour))
	switch {
	case d < time.Hour:
		return fmt.Sprintf("%.0f minutes", d.Minutes())
	case d < 48*time.Hour:
		return fmt.Sprintf("%.1f hours", h)
	}
	return fmt.Sprintf("%.1f days", h/24)
}

// recommend says what the figures suggest, or why they suggest nothing.
func recommend(a Approvals, format func(fresco.Money) string) (recommendation, reason string) {
	r := a.ApprovalRate
	switch {
	case a.Waited == 0:
		return "", "no gesture waited for approval"
	case r == nil || r.N < MinDecided:
		n := 0
		if r != nil {
			n = r.N
		}
		return "", fmt.Sprintf("only %d decided approvals: at least %d are needed before suggesting a change", n, MinDecided)
	case r.Percent >= RaiseAt && a.Band != nil && a.Band.Count > 0:
		verb := "raising the " + limitWords(a)
		if a.Compared == "" {
			verb = "setting a " + a.Role + " limit for " + noun(a.Kind)
		}
		return fmt.Sprintf("Consider %s to %s, which would have covered %.0f%% of the requests that waited (%.0f%% of them were approved).",
			verb, format(a.Band.high), a.Band.Percent, r.Percent), ""
	case r.CIHigh < KeepBelow:
		return fmt.Sprintf("Keep the %s: most %s above it are declined (%.0f%% approved).", limitWords(a), noun(a.Kind), r.Percent), ""
	}
	return "", fmt.Sprintf("%.0f%% approved is neither near-certain approval (≥ %.0f%%) nor mostly declined: no change suggested", r.Percent, RaiseAt)
}
