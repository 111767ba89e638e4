package demo

import (
	"hash/fnv"
	"math/rand/v2"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// Bonds: the service-profit chain's link from staff to customers. Some
// hotel guests who come back have a favourite on the desk, who serves them
// whenever they stay; when that favourite is a regretted leaver (well
// liked, and not one of the curt staff of employeeEffects), a share of
// their guests drift away after the exit and never buy again. This is what
// the turnover cost's customer value at risk (internal/people, cost.go)
// measures: the leaver's customers lapse more than those served only by
// colleagues who stayed.
//
// Exits are recorded by the people step, after the purchases, but they are
// scripted (exitPlans) and their leavers are original staff
// (originalLeavers), so the customers step knows them when it plans the
// visits. A bond, and the drift after the exit, are drawn from a stream of
// the customer's own (bondStream), not the customers step's: replanning
// the visits (replanVisits) finds them again, and everything else the
// steps draw stays as it was without bonds.

const (
	// bondChance is the chance that a guest with minBondVisits or more visits
	// at the hotel in the year before an exit had the leaver as favourite.
	bondChance    = 0.2
	minBondVisits = 2
	// driftChance is the chance that a bonded guest stops buying after the
	// favourite leaves.
	driftChance = 0.35
	// bondWindow is how long before the exit a visit makes a bond: the
	// year of service the value at risk looks at (people.ServiceWindow).
	bondWindow = 365 * day
)

// bond is one regretted exit whose leaver's guests may drift away.
type bond struct {
	site   siteKey
	leaver *fresco.Employee
	from   time.Time // visits at site in [from, exit) make a bond
	exit   time.Time // the day after the last day worked
}

// originalLeavers picks, for each exit plan that is not a replacement's,
// who leaves: the site's first agent in staff order who is still there,
// never a known login, hired at least 90 days before the last day (nil
// when nobody is). Only the plans before it and the organisation decide,
// so the customers step and the people step find the same leavers.
func (w *world) originalLeavers() []*fresco.Employee {
	if w.leavers != nil {
		return w.leavers
	}
	w.leavers = make([]*fresco.Employee, len(exitPlans))
	left := map[int64]bool{}
	for i, p := range exitPlans {
		if p.replacement {
			continue
		}
		lastDay := w.exitDay(p)
		for _, e := range w.sites[p.site].staff {
			if e.Role != fresco.RoleAgent || e.Email == agentLogin.email || left[e.ID] || e.HiredAt.After(lastDay.AddDate(0, 0, -90)) {
				continue
			}
			w.leavers[i] = e
			left[e.ID] = p.rehire == 0 // a rehired leaver may leave again under a later plan
			break
		}
	}
	return w.leavers
}

// planBonds sets w.bonds: the regretted exits of well-liked leavers.
func (w *world) planBonds() {
	effect := employeeEffects(w)
	w.bonds = nil
	for i, e := range w.originalLeavers() {
		p := exitPlans[i]
		if e == nil || !p.regretted || effect[e.ID] < 0 {
			continue
		}
		exit := w.exitDay(p).Add(day)
		from := exit.Add(-bondWindow)
		if e.HiredAt != nil && e.HiredAt.After(from) {
			from = *e.HiredAt
		}
		w.bonds = append(w.bonds, bond{site: p.site, leaver: e, from: from, exit: exit})
	}
}

// bondStream is a customer's own stream for their bond: seeded by the
// demo's seed and how long after the history's start the customer was
// acquired, which the customers step draws before it plans any visit. (Not
// the acquisition time itself: the history ends at today, so two runs a
// second apart would draw other bonds and the same seed would not give
// the same business.)
func bondStream(w *world, p *person) *rng {
	h := fnv.New64a()
	h.Write([]byte("bonds"))
	return replay(*rand.NewPCG(uint64(w.opts.Seed)^h.Sum64(), uint64(p.acquired.Sub(w.start))))
}

// bondVisits decides whether p, a buy-till-you-die customer with these
// planned visits (in time order), had a regretted leaver as favourite,
// and whether they drift away after the exit; it returns the visits that
// remain. Churners and mercenaries leave on their own schedule.
func (w *world) bondVisits(p *person, visits []visit) []visit {
	p.bond, p.drifted = 0, false
	if p.class.life != lifeBuyTillYouDie || len(w.bonds) == 0 {
		return visits
	}
	var r *rng
	for i, b := range w.bonds {
		if b.visitsIn(visits) < minBondVisits {
			continue
		}
		if r == nil {
			r = bondStream(w, p)
		}
		if !r.chance(bondChance) {
			continue
		}
		p.bond = uint8(i + 1)
		if !r.chance(driftChance) {
			return visits
		}
		p.drifted = true
		for k, v := range visits {
			if !v.at.Before(b.exit) {
				return visits[:k]
			}
		}
		return visits
	}
	return visits
}

// visitsIn counts the visits at b's site in its window.
func (b bond) visitsIn(visits []visit) int {
	n := 0
	for _, v := range visits {
		if v.site == b.site && b.serves(v.at) {
			n++
		}
	}
	return n
}

// serves reports whether the favourite served their guests at time t.
func (b bond) serves(t time.Time) bool { return !t.Before(b.from) && t.Before(b.exit) }

// bondOf is p's bond, if any.
func (w *world) bondOf(p *person) (bond, bool) {
	if p.bond == 0 {
		return bond{}, false
	}
	return w.bonds[p.bond-1], true
}

// driftedBy reports whether p had drifted away by t: a guest who left with
// their favourite asks for no refund afterwards either.
func driftedBy(w *world, p *person, t time.Time) bool {
	b, ok := w.bondOf(p)
	return ok && p.drifted && !t.Before(b.exit)
}
