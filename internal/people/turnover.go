package people

import (
	"context"
	"encoding/json"
	"math"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// What turnover costs, as the seeds list it: recruiting a replacement, the
// training the leaver took with them, the lost productivity of co-workers
// and managers who cover and teach (weeks × weekly cost) and of the empty
// post (vacancy days × daily cost), and the value of the customers the
// leaver served who lapse after they leave. The first are editable inputs
// (settings, overridable per request); training and customer value come
// from the data.

// Inputs are the editable assumptions of the turnover-cost calculator.
type Inputs struct {
	RecruitingCostPerHire fresco.Money `json:"recruiting_cost_per_hire"`
	CoworkerWeeks         float64      `json:"coworker_weeks"`
	CoworkerWeeklyCost    fresco.Money `json:"coworker_weekly_cost"`
	ManagerWeeks          float64      `json:"manager_weeks"`
	ManagerWeeklyCost     fresco.Money `json:"manager_weekly_cost"`
	VacancyDays           float64      `json:"vacancy_days"`
	VacancyDailyCost      fresco.Money `json:"vacancy_daily_cost"`
	// LapseDays is how long after the exit a served customer must buy again
	// not to count as lapsed.
	LapseDays int `json:"lapse_days"`
}

// DefaultInputs are a small service business's: a replacement costs 4,000
// to recruit, co-workers lose four weeks and the manager two covering and
// teaching, and the post stays empty for a month.
func DefaultInputs() Inputs {
	return Inputs{RecruitingCostPerHire: 400000, CoworkerWeeks: 4, CoworkerWeeklyCost: 30000,
		ManagerWeeks: 2, ManagerWeeklyCost: 60000, VacancyDays: 30, VacancyDailyCost: 15000, LapseDays: 180}
}

// Validate names every input out of range.
func (in Inputs) Validate() error {
	var v fresco.Validation
	for _, m := range []struct {
		field string
		v     fresco.Money
	}{{"recruiting_cost_per_hire", in.RecruitingCostPerHire}, {"coworker_weekly_cost", in.CoworkerWeeklyCost},
		{"manager_weekly_cost", in.ManagerWeeklyCost}, {"vacancy_daily_cost", in.VacancyDailyCost}} {
		v.Check(m.v >= 0 && m.v <= 1e12, m.field, "must be between 0 and 10,000,000,000")
	}
	for _, f := range []struct {
		field string
		v     float64
	}{{"coworker_weeks", in.CoworkerWeeks}, {"manager_weeks", in.ManagerWeeks}, {"vacancy_days", in.VacancyDays}} {
		v.Check(f.v >= 0 && f.v <= 1000 && !math.IsNaN(f.v), f.field, "must be between 0 and 1000")
	}
	v.Check(in.LapseDays >= 7 && in.LapseDays <= 1095, "lapse_days", "must be between 7 and 1095")
	return v.Err()
}

const inputsKey = "people.turnover_inputs"

// Inputs returns the stored inputs, else the defaults.
func (s *Service) Inputs(ctx context.Context) (Inputs, error) {
	in := DefaultInputs()
	raw, found, err := s.db.Setting(ctx, inputsKey)
	if err != nil || !found {
		return in, err
	}
	return in, json.Unmarshal([]byte(raw), &in)
}

// SaveInputs stores the inputs. Owners and managers set them.
func (s *Service) SaveInputs(ctx context.Context, a Actor, in Inputs) error {
	if !a.Role.CanManageEmployees() {
		return forbidden("only owners and managers change the turnover-cost inputs")
	}
	if err := in.Validate(); err != nil {
		return err
	}
	raw, err := json.Marshal(in)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetSetting(ctx, inputsKey, string(raw)); err != nil {
			return err
		}
		return tx.Audit(ctx, a.Ref, "turnover_inputs.save", "settings", inputsKey, in)
	})
}

// Unit is a team or a location; ID nil is the employees in none.
type Unit struct {
	ID   *int64
	Name string
}

// By is what units are: "team" or "location"; "" is the business whole.
type By string

const (
	ByTeam     By = "team"
	ByLocation By = "location"
)

func (b By) of(sp *fresco.Spell) *int64 {
	switch b {
	case ByTeam:
		return sp.TeamID
	case ByLocation:
		return sp.LocationID
	}
	return nil
}

func unitKey(id *int64) int64 {
	if id == nil {
		return 0
	}
	return *id
}

// UnitMonth is one unit's headcount and leavers in one calendar month.
type UnitMonth struct {
	Unit      Unit
	Month     time.Time // the first day
	Headcount int       // employed on the first day
	Leavers   int       // spells whose last day is in the month
	Regretted int
	Retention *float64 // 1 − leavers/headcount; nil when the headcount is 0
}

// Retention returns, per unit and calendar month from the month of from to
// the month of to, headcount at the start, leavers, regretted leavers and
// retention (1 − leavers/headcount at start). It is the employee-retention
// link of the service-profit chain. Units come from the spells (where each
// employee worked while employed); months are the business calendar's.
func (s *Service) Retention(ctx context.Context, by By, from, to time.Time) ([]UnitMonth, error) {
	var v fresco.Validation
	checkPeriod(&v, from, to)
	if err := v.Err(); err != nil {
		return nil, err
	}
	first := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(to.Year(), to.Month()+1, 0, 0, 0, 0, 0, time.UTC)
	spells, names, err := s.spellsIn(ctx, by, first, end)
	if err != nil {
		return nil, err
	}
	return retention(spells, by, names, first, end), nil
}

// checkPeriod names what is wrong with the days [from, to].
func checkPeriod(v *fresco.Validation, from, to time.Time) {
	v.Check(!to.Before(from), "to", "is before from")
	v.Check(to.Sub(from) <= 10*366*24*time.Hour, "to", "the period is longer than ten years")
}

// spellsIn returns the spells overlapping the days [from, to] and the names
// of the units of by.
func (s *Service) spellsIn(ctx context.Context, by By, from, to time.Time) ([]*fresco.Spell, map[int64]string, error) {
	spells, err := s.db.SpellsOverlapping(ctx, from, to)
	if err != nil {
		return nil, nil, err
	}
	names, err := s.unitNames(ctx, by)
	return spells, names, err
}

// retention counts unit-months; a unit appears in a month when it had a
// headcount or a leaver.
func retention(spells []*fresco.Spell, by By, names map[int64]string, first, end time.Time) []UnitMonth {
	var out []UnitMonth
	for m := first; !m.After(end); m = m.AddDate(0, 1, 0) {
		last := m.AddDate(0, 1, -1)
		cells := map[int64]*UnitMonth{}
		var order []int64
		for _, sp := range spells {
			u := by.of(sp)
			k := unitKey(u)
			c := cells[k]
			if c == nil {
				c = &UnitMonth{Unit: Unit{ID: u, Name: unitName(names, u)}, Month: m}
			}
			counted := false
			if sp.ActiveOn(m) {
				c.Headcount++
				counted = true
			}
			if sp.LeftOn != nil && !sp.LeftOn.Before(m) && !sp.LeftOn.After(last) {
				c.Leavers++
				counted = true
				if sp.Regretted {
					c.Regretted++
				}
			}
			if counted && cells[k] == nil {
				cells[k] = c
				order = append(order, k)
			}
		}
		sortIDs(order)
		for _, k := range order {
			c := cells[k]
			if c.Headcount > 0 {
				r := 1 - float64(c.Leavers)/float64(c.Headcount)
				c.Retention = &r
			}
			out = append(out, *c)
		}
	}
	return out
}

func unitName(names map[int64]string, id *int64) string {
	if id == nil {
		return "None"
	}
	if n, ok := names[*id]; ok {
		return n
	}
	return "Unit " + itoa(*id)
}

// unitNames names the teams or locations.
func (s *Service) unitNames(ctx context.Context, by By) (map[int64]string, error) {
	names := map[int64]string{}
	switch by {
	case ByTeam:
		teams, err := s.db.ListTeams(ctx)
		if err != nil {
			return nil, err
		}
		for _, t := range teams {
			names[t.ID] = t.Name
		}
	case ByLocation:
		locs, _, err := s.db.ListLocations(ctx, store.LocationFilter{Limit: 1000})
		if err != nil {
			return nil, err
		}
		for _, l := range locs {
			names[l.ID] = l.Name
		}
	}
	return names, nil
}
