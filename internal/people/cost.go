package people

import (
	"context"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// Components are the parts of what turnover cost.
type Components struct {
	Recruiting          fresco.Money
	Training            fresco.Money
	LostProductivity    fresco.Money // co-workers', managers' and the vacancy's
	CustomerValueAtRisk fresco.Money
}

func (c Components) total() fresco.Money {
	return c.Recruiting + c.Training + c.LostProductivity + c.CustomerValueAtRisk
}

func (c *Components) add(o Components) {
	c.Recruiting += o.Recruiting
	c.Training += o.Training
	c.LostProductivity += o.LostProductivity
	c.CustomerValueAtRisk += o.CustomerValueAtRisk
}

// Turnover is what the leavers of a period, or of one unit, cost.
type Turnover struct {
	Unit       *Unit // nil for the whole business
	Leavers    int
	Regretted  int
	Headcount  int      // employed on the first day
	Rate       *float64 // leavers / headcount; nil when the headcount is 0
	Total      fresco.Money
	PerLeaver  fresco.Money // 0 without leavers
	Components Components
}

// Cost is the turnover-cost report: the whole, and per unit when asked.
type Cost struct {
	From, To time.Time
	Inputs   Inputs
	Turnover
	Units []Turnover
}

// Cost reports what the spells that ended on days [from, to] cost, with
// in as the editable inputs, per unit of by ("" for none).
func (s *Service) Cost(ctx context.Context, a Actor, from, to time.Time, by By, in Inputs) (*Cost, error) {
	if a.Role == fresco.RoleAgent {
		return nil, forbidden("turnover cost is for owners, managers and analysts")
	}
	var v fresco.Validation
	v.Merge("", in.Validate())
	checkPeriod(&v, from, to)
	if err := v.Err(); err != nil {
		return nil, err
	}
	spells, names, err := s.spellsIn(ctx, by, from, to)
	if err != nil {
		return nil, err
	}
	stored := &lazyValues{s: s}
	out := &Cost{From: from, To: to, Inputs: in}
	units := map[int64]*Turnover{}
	var order []int64
	unit := func(sp *fresco.Spell) *Turnover {
		id := by.of(sp)
		k := unitKey(id)
		if units[k] == nil {
			units[k] = &Turnover{Unit: &Unit{ID: id, Name: unitName(names, id)}}
			order = append(order, k)
		}
		return units[k]
	}
	for _, sp := range spells {
		if sp.ActiveOn(from) {
			out.Headcount++
			if by != "" {
				unit(sp).Headcount++
			}
		}
		if sp.LeftOn == nil || sp.LeftOn.Before(from) || sp.LeftOn.After(to) {
			continue
		}
		c, err := s.leaverCost(ctx, stored, sp, in)
		if err != nil {
			return nil, err
		}
		out.count(sp, c)
		if by != "" {
			unit(sp).count(sp, c)
		}
	}
	out.finish()
	sortIDs(order)
	for _, k := range order {
		units[k].finish()
		out.Units = append(out.Units, *units[k])
	}
	return out, nil
}

func (t *Turnover) count(sp *fresco.Spell, c Components) {
	t.Leavers++
	if sp.Regretted {
		t.Regretted++
	}
	t.Components.add(c)
}

func (t *Turnover) finish() {
	t.Total = t.Components.total()
	if t.Leavers > 0 {
		t.PerLeaver = fresco.Money(math.Round(float64(t.Total) / float64(t.Leavers)))
	}
	if t.Headcount > 0 {
		r := float64(t.Leavers) / float64(t.Headcount)
		t.Rate = &r
	}
}

// times is m × x, rounded to the cent.
func times(m fresco.Money, x float64) fresco.Money { return fresco.Money(math.Round(float64(m) * x)) }

// leaverCost is what one leaver's exit cost.
func (s *Service) leaverCost(ctx context.Context, stored *lazyValues, sp *fresco.Spell, in Inputs) (Components, error) {
	c := Components{
		Recruiting: in.RecruitingCostPerHire,
		LostProductivity: times(in.CoworkerWeeklyCost, in.CoworkerWeeks) + times(in.ManagerWeeklyCost, in.ManagerWeeks) +
			times(in.VacancyDailyCost, in.VacancyDays),
	}
	var err error
	if c.Training, _, err = s.db.TrainingCost(ctx, sp.EmployeeID, sp.StartedOn, *sp.LeftOn); err != nil {
		return c, err
	}
	c.CustomerValueAtRisk, err = s.exitValueAtRisk(ctx, stored, sp, in.LapseDays)
	return c, err
}

// ServiceWindow is how far before an exit a customer counts as served by
// the leaver.
const ServiceWindow = 365

// valueAtRisk is the customer value at risk of one exit. Method (also in
// docs/architecture.md, "People"):
//
//  1. Served customers: everyone the leaver served (purchases.served_by) in
//     the year before their last day. The baseline: customers served in the
//     same year, at the leaver's location, only by colleagues who stayed
//     (nobody who left within that year or the lapse window), and never by
//     the leaver.
//  2. Lapsed: no purchase in the lapse window after the exit (lapse_days,
//     cut at today: both groups are watched for the same days).
//  3. Matching: both groups are split into strata by how often the
//     customer bought in that year (1, 2–3, 4+ purchases), since frequent
//     buyers lapse less whoever serves them. Each stratum's baseline lapse
//     rate (the pooled baseline's when a stratum has none) says how many of
//     the leaver's customers would have lapsed anyway.
//  4. Excess lapsers = lapsed − n × baseline rate, per stratum. Each is
//     worth what a retained comparable customer is predicted to be worth:
//     the mean stored CLV (the last refit's) of the stratum's customers who
//     did not lapse, both groups pooled (all of the stratum when none
//     stayed).
//  5. The leaver's value at risk is the sum over strata, and 0 when it is
//     negative (their customers lapsed less than the baseline's) or when
//     there is no baseline at all.
func (s *Service) valueAtRisk(ctx context.Context, sp *fresco.Spell, lapseDays int) (fresco.Money, error) {
	zone := s.zone(ctx)
	exit := startOf(sp.LeftOn.AddDate(0, 0, 1), zone) // the first instant after the last day
	lapseEnd := exit.AddDate(0, 0, lapseDays)
	if now := s.now(); lapseEnd.After(now) {
		lapseEnd = now
	}
	if !lapseEnd.After(exit) {
		return 0, nil // too soon to tell
	}
	served, err := s.db.ServedCustomers(ctx, store.ServedQuery{
		Leaver: sp.EmployeeID, LocationID: sp.LocationID,
		From: exit.AddDate(0, 0, -ServiceWindow), Exit: exit, LapseEnd: lapseEnd,
		StayersFrom: sp.LeftOn.AddDate(0, 0, -ServiceWindow), StayersTo: sp.LeftOn.AddDate(0, 0, lapseDays),
	})
	if err != nil {
		return 0, err
	}
	return ValueAtRisk(served), nil
}

// stratum is a purchase-frequency band of step 3.
func stratum(purchases int) int {
	switch {
	case purchases <= 1:
		return 0
	case purchases <= 3:
		return 1
	}
	return 2
}

type tally struct {
	n, lapsed       int
	keptCLV, allCLV float64
	kept            int
}

func (t *tally) add(c store.ServedCustomer) {
	t.n++
	t.allCLV += c.CLV
	if c.After == 0 {
		t.lapsed++
		return
	}
	t.kept++
	t.keptCLV += c.CLV
}

// ValueAtRisk applies steps 3 to 5 of valueAtRisk's method to the served
// customers of one exit.
func ValueAtRisk(served []store.ServedCustomer) fresco.Money {
	var leaver, base [3]tally
	var pooled tally
	for _, c := range served {
		k := stratum(c.Purchases)
		switch {
		case c.ByLeaver:
			leaver[k].add(c)
		case c.ByStayer:
			base[k].add(c)
			pooled.add(c)
		}
	}
	if pooled.n == 0 {
		return 0
	}
	var total float64
	for k := range leaver {
		l, b := leaver[k], base[k]
		if l.n == 0 {
			continue
		}
		rate := float64(pooled.lapsed) / float64(pooled.n)
		if b.n > 0 {
			rate = float64(b.lapsed) / float64(b.n)
		}
		excess := float64(l.lapsed) - float64(l.n)*rate
		worth := (l.allCLV + b.allCLV) / float64(l.n+b.n)
		if kept := l.kept + b.kept; kept > 0 {
			worth = (l.keptCLV + b.keptCLV) / float64(kept)
		}
		total += excess * worth
	}
	if total <= 0 {
		return 0
	}
	return fresco.Money(math.Round(total))
}

func sortIDs(ids []int64) { slices.Sort(ids) }

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
