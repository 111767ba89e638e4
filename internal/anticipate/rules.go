package anticipate

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// The rules: what makes each kind of next best action, worked out from
// one customer's facts at a given time. Pure: the same facts and clock
// give the same actions, whoever loaded them (one customer's page or the
// list across customers).

const day = 24 * time.Hour

// Thresholds of the rules.
const (
	// A regular has at least RegularPurchases purchases; their rhythm has
	// broken when the time since the last is over RhythmFactor times their
	// median interval and the lifetime-value model gives them less than
	// RhythmPAlive chance of still buying (or has not seen them yet). After
	// RhythmGone, or below RhythmFloor, they are gone rather than slipping.
	RegularPurchases = 3
	RhythmFactor     = 2
	RhythmPAlive     = 0.5
	RhythmFloor      = 0.05
	RhythmGone       = 2 * 365 * day

	// A product is replenished when bought on at least ReplenishTimes
	// days whose intervals vary by at most ReplenishCV (standard deviation
	// over mean) around a median of at least ReplenishMinInterval. It is
	// due from ReplenishLead before the last purchase plus the median
	// interval, for one more interval (at least a week) after that.
	ReplenishTimes       = 3
	ReplenishCV          = 0.5
	ReplenishMinInterval = 3 * day
	ReplenishLead        = 3 * day
	ReplenishHistory     = 2 * 365 * day // how far back purchases are read

	// Milestones: a visit count reached within MilestoneRecent, or the
	// anniversary of the first purchase from AnniversaryBefore before it
	// to AnniversaryAfter after.
	MilestoneRecent   = 30 * day
	AnniversaryBefore = 7 * day
	AnniversaryAfter  = 14 * day

	// A promoter answered 9 or 10 within PromoterRecent.
	PromoterRecent = 365 * day
)

// VisitMilestones are the purchase counts worth a thank-you.
var VisitMilestones = []int{10, 25, 50, 100, 250, 500, 1000}

// Facts are what the rules read of one customer. Products is nil when not
// loaded (no replenishment is worked out then).
type Facts struct {
	CustomerID int64
	Summary    *store.PurchaseSummary
	PAlive     *float64
	Products   []store.ProductPurchase // by product, then time
	NPS        *store.NPSAnswer
	Referred   bool
	Case       *store.CaseReturn
}

// Actions works out a customer's next best actions at now, the most
// pressing kind first, one at most of each kind. f writes dates.
func Actions(f Facts, now time.Time, fm fresco.Formatter) []fresco.NextAction {
	var out []fresco.NextAction
	for _, kind := range fresco.ActionKinds {
		if a := judge(kind, f, now, fm); a != nil {
			out = append(out, *a)
		}
	}
	return out
}

// judge works out the customer's action of one kind, nil when none.
func judge(kind string, f Facts, now time.Time, fm fresco.Formatter) *fresco.NextAction {
	var a *fresco.NextAction
	switch kind {
	case fresco.ActionCaseReturning:
		a = caseReturning(f, fm)
	case fresco.ActionRhythmBroken:
		a = rhythmBroken(f, now)
	case fresco.ActionReplenishment:
		a = replenishment(f, now, fm)
	case fresco.ActionPromoter:
		a = promoter(f, now, fm)
	case fresco.ActionMilestone:
		a = milestone(f, now, fm)
	}
	if a != nil {
		a.CustomerID = f.CustomerID
	}
	return a
}

func callLink(id int64, text string) (string, string) {
	return "/feedback/ask?customer_id=" + strconv.FormatInt(id, 10), text
}

func caseReturning(f Facts, fm fresco.Formatter) *fresco.NextAction {
	c := f.Case
	if c == nil {
		return nil
	}
	return &fresco.NextAction{Kind: fresco.ActionCaseReturning, Due: c.BackAt,
		Reason: fmt.Sprintf("Their case “%s” has been open since %s, and they came back on %s: put it right while they are here",
			clip(c.Summary, 60), fm.Date(c.OpenedAt), fm.Date(c.BackAt)),
		Link: "/cases/" + strconv.FormatInt(c.CaseID, 10), LinkText: "Open the case"}
}

func rhythmBroken(f Facts, now time.Time) *fresco.NextAction {
	s := f.Summary
	if s == nil || s.Purchases < RegularPurchases {
		return nil
	}
	median := (s.MiddleGaps[0] + s.MiddleGaps[1]) / 2
	since := now.Sub(s.LastAt)
	if median < day || since <= RhythmFactor*median || since > RhythmGone {
		return nil
	}
	if f.PAlive != nil && (*f.PAlive >= RhythmPAlive || *f.PAlive < RhythmFloor) {
		return nil
	}
	reason := fmt.Sprintf("Came about every %s; nothing for %s", span(median), span(since))
	if f.PAlive != nil {
		reason += fmt.Sprintf(" (chance still buying %d%%)", int(math.Round(*f.PAlive*100)))
	}
	a := &fresco.NextAction{Kind: fresco.ActionRhythmBroken, Due: s.LastAt.Add(RhythmFactor * median), Reason: reason}
	a.Link, a.LinkText = callLink(f.CustomerID, "Schedule a call")
	return a
}

// replenishment finds the product most overdue among those bought at a
// regular interval.
func replenishment(f Facts, now time.Time, fm fresco.Formatter) *fresco.NextAction {
	var best *fresco.NextAction
	for i := 0; i < len(f.Products); {
		j := i
		for j < len(f.Products) && f.Products[j].ProductID == f.Products[i].ProductID {
			j++
		}
		if a := replenishmentOf(f.Products[i:j], now, fm); a != nil && (best == nil || a.Due.Before(best.Due)) {
			best = a
		}
		i = j
	}
	if best != nil {
		best.Link, best.LinkText = callLink(f.CustomerID, "Remind them")
	}
	return best
}

// replenishmentOf judges one product's purchases, in time order.
func replenishmentOf(list []store.ProductPurchase, now time.Time, fm fresco.Formatter) *fresco.NextAction {
	var days []time.Time // distinct purchase days
	for _, p := range list {
		d := p.At.Truncate(day)
		if len(days) == 0 || !d.Equal(days[len(days)-1]) {
			days = append(days, d)
		}
	}
	if len(days) < ReplenishTimes {
		return nil
	}
	gaps := make([]float64, len(days)-1)
	mean := 0.0
	for i := range gaps {
		gaps[i] = days[i+1].Sub(days[i]).Hours() / 24
		mean += gaps[i]
	}
	mean /= float64(len(gaps))
	variance := 0.0
	for _, g := range gaps {
		variance += (g - mean) * (g - mean)
	}
	sd := math.Sqrt(variance / float64(len(gaps)))
	sorted := slices.Clone(gaps)
	sort.Float64s(sorted)
	median := (sorted[(len(sorted)-1)/2] + sorted[len(sorted)/2]) / 2
	interval := time.Duration(median * float64(day))
	if interval < ReplenishMinInterval || mean <= 0 || sd/mean > ReplenishCV {
		return nil
	}
	last := list[len(list)-1].At
	due := last.Add(interval)
	if now.Before(due.Add(-ReplenishLead)) || now.After(due.Add(max(interval, 7*day))) {
		return nil
	}
	return &fresco.NextAction{Kind: fresco.ActionReplenishment, Due: due,
		Reason: fmt.Sprintf("Buys %s about every %s; last on %s, due %s", clip(list[0].Product, 60), span(interval), fm.Date(last), fm.Date(due))}
}

func promoter(f Facts, now time.Time, fm fresco.Formatter) *fresco.NextAction {
	n := f.NPS
	if n == nil || n.Score < 9 || f.Referred || now.Sub(n.At) > PromoterRecent {
		return nil
	}
	a := &fresco.NextAction{Kind: fresco.ActionPromoter, Due: n.At,
		Reason: fmt.Sprintf("Said %d out of 10 they'd recommend us (%s) and hasn't referred anyone yet: ask them to", n.Score, fm.Date(n.At))}
	a.Link, a.LinkText = callLink(f.CustomerID, "Schedule a call")
	return a
}

func milestone(f Facts, now time.Time, fm fresco.Formatter) *fresco.NextAction {
	s := f.Summary
	if s == nil {
		return nil
	}
	var a *fresco.NextAction
	if slices.Contains(VisitMilestones, s.Purchases) && now.Sub(s.LastAt) <= MilestoneRecent && !s.LastAt.After(now) {
		a = &fresco.NextAction{Kind: fresco.ActionMilestone, Due: s.LastAt,
			Reason: fmt.Sprintf("Their %s visit was on %s: thank them", ordinal(s.Purchases), fm.Date(s.LastAt))}
	} else if first := s.FirstPositiveAt; first != nil {
		for y := 1; y <= 100; y++ {
			at := first.AddDate(y, 0, 0)
			if at.After(now.Add(AnniversaryBefore)) {
				break
			}
			if !at.Before(now.Add(-AnniversaryAfter)) {
				with := "A year with us"
				if y > 1 {
					with = strconv.Itoa(y) + " years with us"
				}
				a = &fresco.NextAction{Kind: fresco.ActionMilestone, Due: at,
					Reason: fmt.Sprintf("%s on %s (first purchase %s): thank them", with, fm.Date(at), fm.Date(*first))}
				break
			}
		}
	}
	if a != nil {
		a.Link, a.LinkText = callLink(f.CustomerID, "Schedule a call")
	}
	return a
}

// span writes a duration the way people say it: days, weeks or months.
func span(d time.Duration) string {
	days := int(math.Round(d.Hours() / 24))
	switch {
	case days <= 1:
		return "day"
	case days < 14:
		return strconv.Itoa(days) + " days"
	case days < 70:
		return strconv.Itoa(int(math.Round(float64(days)/7))) + " weeks"
	case days < 730:
		return strconv.Itoa(int(math.Round(float64(days)/30.4))) + " months"
	}
	return strconv.Itoa(int(math.Round(float64(days)/365.25))) + " years"
}

func ordinal(n int) string {
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return strconv.Itoa(n) + suffix
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
