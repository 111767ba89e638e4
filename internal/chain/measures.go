package chain

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/people"
)

// cell gathers one unit-period's counts before they become figures.
type cell struct {
	pulseN                   int
	capSum, satSum           float64 // Σ n·mean over the shown pulse months
	capN, satN               int
	headcount, leavers       int
	headcountSet             bool
	promoters, passives, det int
	customers, returned      int
	againKnown               bool
	revenue, cost            int64
}

type cellKey struct {
	unit   int64
	period string
}

// unitPeriods measures every unit of by in every period, and returns when
// the customer figures of the periods still open were worked out (zero:
// none is open).
func (s *Service) unitPeriods(ctx context.Context, by, kind string, periods []period) ([]UnitPeriod, time.Time, error) {
	names, err := s.db.Reports().UnitNames(ctx, by)
	if err != nil {
		return nil, time.Time{}, err
	}
	cells := map[cellKey]*cell{}
	at := func(unit int64, p string) *cell {
		k := cellKey{unit, p}
		if cells[k] == nil {
			cells[k] = &cell{}
		}
		return cells[k]
	}
	periodOfMonth := map[string]string{}
	for _, p := range periods {
		for _, m := range p.Months {
			periodOfMonth[m] = p.Label
		}
	}
	first, end := periods[0].Start, periods[len(periods)-1].End
	spells, err := s.db.Reports().SpellsOverlapping(ctx, first, end.AddDate(0, 0, -1))
	if err != nil {
		return nil, time.Time{}, err
	}
	units := unitsOf(spells, by)
	if err := s.addPulse(ctx, by, periods, periodOfMonth, at); err != nil {
		return nil, time.Time{}, err
	}
	if err := s.addRetention(ctx, by, first, end, periodOfMonth, at); err != nil {
		return nil, time.Time{}, err
	}
	if err := s.addNPS(ctx, by, first, end, periodOfMonth, units, at); err != nil {
		return nil, time.Time{}, err
	}
	asOf, err := s.addCustomers(ctx, by, kind, periods, units, at)
	if err != nil {
		return nil, time.Time{}, err
	}
	var out []UnitPeriod
	for _, p := range periods {
		for _, id := range slices.Sorted(maps.Keys(names)) {
			c := cells[cellKey{id, p.Label}]
			if c == nil {
				c = &cell{}
			}
			out = append(out, c.figures(UnitRef{Kind: by, ID: id, Name: names[id]}, p.Label))
		}
	}
	return out, asOf, nil
}

// addPulse adds the pulse's shown cells: a quarter pools its shown months
// (weighted by their answers), which publishes nothing the months do not.
func (s *Service) addPulse(ctx context.Context, by string, periods []period, periodOf map[string]string, at func(int64, string) *cell) error {
	if s.pulse == nil {
		return nil
	}
	months, err := s.pulse.UnitMonths(ctx, by, periods[0].Months[0], periods[len(periods)-1].Months[len(periods[len(periods)-1].Months)-1])
	if err != nil {
		return err
	}
	for _, m := range months {
		p, ok := periodOf[m.Month]
		if !ok || m.Hidden {
			continue
		}
		c := at(m.Unit.ID, p)
		c.pulseN += m.N
		if sc := m.Capability; sc != nil {
			c.capSum, c.capN = c.capSum+sc.Mean*float64(sc.N), c.capN+sc.N
		}
		if sc := m.Satisfaction; sc != nil {
			c.satSum, c.satN = c.satSum+sc.Mean*float64(sc.N), c.satN+sc.N
		}
	}
	return nil
}

// addRetention adds headcount at the start of each period and its leavers.
func (s *Service) addRetention(ctx context.Context, by string, first, end time.Time, periodOf map[string]string, at func(int64, string) *cell) error {
	months, err := s.people.Retention(ctx, people.By(by), first, end.AddDate(0, 0, -1))
	if err != nil {
		return err
	}
	for _, m := range months {
		label := monthLabel(m.Month)
		p, ok := periodOf[label]
		if !ok || m.Unit.ID == nil {
			continue
		}
		c := at(*m.Unit.ID, p)
		if !c.headcountSet { // the period's first month: Retention lists months in order
			c.headcount, c.headcountSet = m.Headcount, true
		}
		c.leavers += m.Leavers
	}
	return nil
}

// unitsOf maps an employee to the unit their spells put them in, on a day.
type unitMap struct {
	by     string
	spells map[int64][]*fresco.Spell
}

func unitsOf(spells []*fresco.Spell, by string) unitMap {
	m := unitMap{by: by, spells: map[int64][]*fresco.Spell{}}
	for _, sp := range spells {
		m.spells[sp.EmployeeID] = append(m.spells[sp.EmployeeID], sp)
	}
	return m
}

// of returns the unit employee worked in during [from, to): that of the
// latest spell begun by its end. A leaver's unit is their last one: what
// customers say of a leaver's service after they left (a late answer)
// still belongs to the unit they served in. 0 when none.
func (m unitMap) of(employee int64, from, to time.Time) int64 {
	var unit int64
	last := to.AddDate(0, 0, -1)
	for _, sp := range m.spells[employee] { // oldest first
		if sp.StartedOn.After(last) {
			continue
		}
		u := sp.TeamID
		if m.by == ByLocation {
			u = sp.LocationID
		}
		unit = 0
		if u != nil {
			unit = *u
		}
	}
	return unit
}

// addNPS adds the customers' NPS answers per location, or per team of the
// serving employee, from the monthly rollup (UTC months).
func (s *Service) addNPS(ctx context.Context, by string, first, end time.Time, periodOf map[string]string, units unitMap, at func(int64, string) *cell) error {
	dim := "location"
	if by == ByTeam {
		dim = "employee"
	}
	rows, err := s.db.Reports().ChainNPS(ctx, dim, first.Format("2006-01-02"), end.AddDate(0, -1, 0).Format("2006-01-02"))
	if err != nil {
		return err
	}
	for _, r := range rows {
		month, err := time.Parse("2006-01-02", r.Month)
		if err != nil {
			return err
		}
		p, ok := periodOf[monthLabel(month)]
		if !ok {
			continue
		}
		unit := r.Ref
		if by == ByTeam {
			unit = units.of(r.Ref, month, month.AddDate(0, 1, 0))
		}
		if unit == 0 {
			continue
		}
		c := at(unit, p)
		switch {
		case r.Score >= 9:
			c.promoters += r.N
		case r.Score >= 7:
			c.passives += r.N
		default:
			c.det += r.N
		}
	}
	return nil
}

// figures turns the counts into the unit-period's figures.
func (c *cell) figures(u UnitRef, label string) UnitPeriod {
	out := UnitPeriod{Unit: u, Period: label, promoters: c.promoters, detractors: c.det, loyaltyKnown: c.againKnown}
	if c.pulseN > 0 {
		n := c.pulseN
		out.N.Pulse = &n
		if c.capN > 0 {
			out.EmployeeCapability = ptr(c.capSum / float64(c.capN))
		}
		if c.satN > 0 {
			out.EmployeeSatisfaction = ptr(c.satSum / float64(c.satN))
		}
	}
	out.N.Headcount, out.N.Leavers = c.headcount, c.leavers
	if c.headcount > 0 {
		out.EmployeeRetention = ptr(1 - float64(c.leavers)/float64(c.headcount))
	}
	responses := c.promoters + c.passives + c.det
	out.N.Responses = responses
	if responses >= MinResponses {
		out.CustomerSatisfaction = ptr(100 * float64(c.promoters-c.det) / float64(responses))
	}
	out.N.Customers, out.N.Returned = c.customers, c.returned
	if c.customers >= MinCustomers {
		if c.againKnown {
			out.CustomerLoyalty = ptr(float64(c.returned) / float64(c.customers))
		}
		profit := fresco.Money((c.revenue - c.cost) / int64(c.customers))
		out.Profit = &profit
	}
	return out
}

func ptr[T any](v T) *T { return &v }
