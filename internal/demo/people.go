package demo

import (
	"context"
	"math"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// People records: two years of trainings, exits and rehires. The Seaside
// Hotel's guest services fall into a cycle of mediocrity in the second
// year: fewer trainings, then regretted exits for workload and the manager,
// replacements who leave again. The other teams stay healthy: a training
// every quarter or so, an exit now and then, one rehire.
//
// Purchases were drawn before this step, so each leaver's purchases after
// their last day go to whoever replaces them (a new hire, the day after),
// and their cases with them; a leaver who is rehired hands the gap to
// their site's manager. The exits are scripted, though, and the customers
// step knew the leavers (originalLeavers): the guests of a well-liked one
// had them as favourite, and some drift away after the exit (bonds.go).

// exitPlan is one scripted exit. at is a fraction of the history; rehire,
// when set, is when they come back (else a replacement is hired).
type exitPlan struct {
	site        siteKey
	at          float64
	reason      string
	regretted   bool
	notes       string
	rehire      float64
	replacement bool // the leaver is the site's first replacement, not an original agent
	// burst, when set, puts the exit this many days into the burst quarter
	// (see burstStart) instead of at at.
	burst int
}

// burstStart is the first day of the quarter before the last complete one
// at the end of the history: the quarter in which Seaside's staff leave in
// a burst and its guests' NPS falls, so that the daily cycle-of-mediocrity
// check (which looks at the last two complete quarters) finds it whatever
// End is. Zero when that quarter starts before the second half of the
// history (a short demo): the exits then fall at their fractions.
func (w *world) burstStart() time.Time {
	e := w.end.UTC()
	q := time.Date(e.Year(), time.Month((int(e.Month())-1)/3*3+1), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -6, 0)
	if q.Before(w.at(0.6)) {
		return time.Time{}
	}
	return q
}

// exitDay is the last day worked under plan p.
func (w *world) exitDay(p exitPlan) time.Time {
	if b := w.burstStart(); p.burst > 0 && !b.IsZero() {
		return b.AddDate(0, 0, p.burst)
	}
	return w.at(p.at).Truncate(day)
}

var exitPlans = []exitPlan{
	{site: cityHotel, at: 0.30, reason: "relocation", regretted: true, notes: "Moving to be near family; would gladly come back.", rehire: 0.52},
	{site: seasideHotel, at: 0.58, reason: "workload", regretted: true, notes: "Covering double shifts since the spring; no time left to help guests properly."},
	{site: cafe, at: 0.62, reason: "career", notes: "Starting a catering course."},
	// Three leave within one quarter: the burst the cycle-of-mediocrity
	// alert (internal/chain) finds, beside the guests' falling NPS.
	{site: seasideHotel, at: 0.70, burst: 12, reason: "manager", regretted: true, notes: "Every refund needs a sign-off; felt unable to fix anything for a guest."},
	{site: seasideHotel, at: 0.72, burst: 30, reason: "workload", regretted: true, notes: "Too few people on the desk; guests angry at the queues."},
	{site: seasideHotel, at: 0.74, burst: 50, reason: "workload", regretted: true, notes: "Tired of apologising for things I was not allowed to put right."},
	{site: seasideHotel, at: 0.90, reason: "workload", notes: "Never got the training that was promised.", replacement: true},
}

var courses = []struct{ course, skill string }{
	{"Service recovery: the ten steps", "service recovery"},
	{"Listening to guests", "listening"},
	{"Complaint handling", "complaint handling"},
	{"Product and room knowledge", "product knowledge"},
	{"The booking system", "tools"},
	{"First aid", "safety"},
	{"Anticipating what guests need", "anticipatory service"},
}

// absence is a gap in one employee's employment: from the day after an
// exit until a rehire (zero: never back).
type absence struct{ from, until time.Time }

func (w *world) leave(id int64, a absence) {
	if w.away == nil {
		w.away = map[int64][]absence{}
	}
	w.away[id] = append(w.away[id], a)
}

// employedOn reports whether e worked for the business on day t: hired by
// then and not in a gap between an exit and a rehire.
func (w *world) employedOn(e *fresco.Employee, t time.Time) bool {
	if e.HiredAt != nil && e.HiredAt.After(t) {
		return false
	}
	for _, a := range w.away[e.ID] {
		if !t.Before(a.from) && (a.until.IsZero() || t.Before(a.until)) {
			return false
		}
	}
	return true
}

// peopleState is what the step tracks per site.
type peopleState struct {
	names        *namer // staff addresses (the customers step let go of the world's namer)
	left         map[int64]bool
	replacements map[siteKey][]*fresco.Employee
	leftOn       map[int64]time.Time
}

func generatePeople(ctx context.Context, w *world, r *rng) error {
	st := &peopleState{names: newNamer(), left: map[int64]bool{}, replacements: map[siteKey][]*fresco.Employee{}, leftOn: map[int64]time.Time{}}
	for _, e := range w.employees {
		st.names.reserve(e.Email)
	}
	err := w.db.InTx(ctx, func(tx *store.Tx) error {
		for i := range exitPlans {
			if err := planExit(ctx, tx, w, r, st, i); err != nil {
				return err
			}
		}
		for _, e := range w.employees {
			if e.LocationID == nil {
				continue
			}
			if err := trainings(ctx, tx, w, r, st, e); err != nil {
				return err
			}
		}
		return nil
	})
	w.summary.Employees = len(w.employees)
	return err
}

// leaverFor picks who leaves under plan i: for a replacement's plan, the
// site's first replacement still there, hired at least 30 days before;
// otherwise the original agent originalLeavers picked.
func leaverFor(w *world, st *peopleState, i int, lastDay time.Time) *fresco.Employee {
	p := exitPlans[i]
	if !p.replacement {
		return w.originalLeavers()[i]
	}
	for _, e := range st.replacements[p.site] {
		if !st.left[e.ID] && e.HiredAt.Before(lastDay.AddDate(0, 0, -30)) {
			return e
		}
	}
	return nil
}

func planExit(ctx context.Context, tx *store.Tx, w *world, r *rng, st *peopleState, i int) error {
	p := exitPlans[i]
	lastDay := w.exitDay(p)
	e := leaverFor(w, st, i, lastDay)
	if e == nil {
		return nil
	}
	sp, err := tx.OpenSpell(ctx, e.ID)
	if err != nil {
		return err
	}
	if err := tx.EndSpell(ctx, sp, fresco.Exit{LeftOn: lastDay, Reason: p.reason, Regretted: p.regretted, Notes: p.notes}); err != nil {
		return err
	}
	st.left[e.ID], st.leftOn[e.ID] = true, lastDay
	after := lastDay.AddDate(0, 0, 1)
	if p.rehire > 0 {
		back := w.at(p.rehire).Truncate(day)
		w.leave(e.ID, absence{from: after, until: back})
		if err := tx.HandOver(ctx, e.ID, w.sites[p.site].manager.ID, after, back, false); err != nil {
			return err
		}
		_, err := tx.StartSpell(ctx, e, back)
		st.left[e.ID] = false
		return err
	}
	w.leave(e.ID, absence{from: after})
	e.Active = false
	if err := tx.UpdateEmployee(ctx, e); err != nil {
		return err
	}
	s := w.sites[p.site]
	n := &fresco.Employee{Role: fresco.RoleAgent, LocationID: &s.loc.ID, TeamID: &s.team.ID, Active: true,
		JobTitle: e.JobTitle, HiredAt: ptr(after)}
	n.Name, n.Email = staffIdentity(r, st.names)
	if err := createEmployee(ctx, tx, w, n); err != nil {
		return err
	}
	st.replacements[p.site] = append(st.replacements[p.site], n)
	return tx.HandOver(ctx, e.ID, n.ID, after, time.Time{}, true)
}

// trainingsPerYear is how often e's team trains at fraction x of the
// history: the Seaside team all but stops in the second half.
func trainingsPerYear(w *world, e *fresco.Employee, x float64) float64 {
	if *e.LocationID == w.sites[seasideHotel].loc.ID && x > 0.5 {
		return 0.7
	}
	return 4
}

// trainings records e's trainings while employed during the history.
func trainings(ctx context.Context, tx *store.Tx, w *world, r *rng, st *peopleState, e *fresco.Employee) error {
	from := w.start
	if e.HiredAt != nil && e.HiredAt.After(from) {
		from = *e.HiredAt
	}
	to := w.end
	if d, ok := st.leftOn[e.ID]; ok && st.left[e.ID] {
		to = d
	}
	for t := from; t.Before(to); t = t.AddDate(0, 1, 0) {
		x := float64(t.Sub(w.start)) / float64(w.horizon())
		if !r.chance(trainingsPerYear(w, e, x) / 12) {
			continue
		}
		c := courses[r.IntN(len(courses))]
		hours := math.Round(r.between(2, 16)*2) / 2
		on := t.Add(time.Duration(r.between(0, 27)) * day).Truncate(day)
		if !on.Before(to) {
			continue
		}
		tr := &fresco.Training{EmployeeID: e.ID, Course: c.course, Skill: c.skill, TakenOn: on, Hours: hours,
			Cost: fresco.Money(math.Round(hours * r.between(40, 90) * 100))}
		if err := tx.CreateTraining(ctx, tr); err != nil {
			return err
		}
	}
	return nil
}
