package demo

import (
	"context"
	"math"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/pulse"
	"github.com/fresco-cx/fresco/internal/store"
)

// The employee pulse: a pulse for each of the last 24 months of the
// history (fewer when the history is shorter), answered by about 90% of
// the staff employed that month. Every team is healthy — satisfaction and
// capability about 4 of 5, eNPS positive — except Seaside Hotel guest
// services, the team in the cycle of mediocrity: in the second year its
// satisfaction, capability and latitude slide month by month to about 2.6
// and its staff ask, in the open question, for the decisions they cannot
// make. The teams are small (3 to 6 people), so the anonymity floor of 5
// hides many of their monthly cells: that is the honest outcome, not a bug.
// The month of Options.End stays open; the known logins have not answered
// it, so it can be tried.

const (
	pulseMonths       = 24
	pulseResponseRate = 0.9
	pulseTextRate     = 0.35
)

// pulseIdeas are answers to "What decisions could you make that you can't
// now?"; the struggling team gives the first ones more often.
var pulseIdeas = []string{
	"Refund a night's stay when the room was not ready, without waiting for the manager",
	"Give a late checkout to a guest who had a bad experience",
	"Comp a breakfast or a drink when a guest has waited too long",
	"Move a guest to a better room when theirs has a problem",
	"Waive the parking fee for a guest who complains about noise",
	"Order the spare parts we need without three approvals",
	"Change the rota with a colleague without going through head office",
	"Send a small gift to a regular on their anniversary",
	"Offer a discount code to a customer whose order arrived late",
	"Decide which local suppliers we buy pastries from",
}

func generatePulses(ctx context.Context, w *world, r *rng) error {
	first := monthStart(w.end).AddDate(0, 1-pulseMonths, 0)
	if s := monthStart(w.start); first.Before(s) {
		first = s
	}
	secondYear := monthStart(w.end).AddDate(0, -11, 0)
	teamLocation := map[int64]*int64{}
	for _, t := range w.teams {
		teamLocation[t.ID] = t.LocationID
	}
	seaside := w.sites[seasideHotel].team.ID
	known := map[string]bool{ownerLogin.email: true, managerLogin.email: true, agentLogin.email: true, analystLogin.email: true}
	personal := map[int64]float64{} // each employee's own lean, drawn once
	for _, e := range w.employees {
		personal[e.ID] = 0.35 * r.NormFloat64()
	}
	return w.db.InTx(ctx, func(tx *store.Tx) error {
		qs := &fresco.PulseQuestionSet{Questions: pulse.DefaultQuestions, CreatedBy: "Fresco (defaults)"}
		if err := tx.InsertPulseQuestions(ctx, qs); err != nil {
			return err
		}
		for m := first; !m.After(w.end); m = m.AddDate(0, 1, 0) {
			p := &fresco.Pulse{Period: m.Format("2006-01"), QuestionVersion: qs.Version, OpenedAt: m.Add(9 * time.Hour),
				ClosesAt: m.AddDate(0, 1, 0)}
			if p.OpenedAt.After(w.end) {
				break
			}
			open := p.ClosesAt.After(w.end)
			var staff []*fresco.Employee
			for _, e := range w.employees {
				if w.employedOn(e, m.AddDate(0, 0, 14)) { // employed mid-month
					staff = append(staff, e)
				}
			}
			p.Invited = len(staff)
			if err := tx.InsertPulse(ctx, p); err != nil {
				return err
			}
			w.summary.Pulses++
			// How far the team has slid: 0 in the first year, 1 by the last month.
			slide := 0.0
			if !m.Before(secondYear) {
				slide = float64(monthsBetween(secondYear, m)+1) / 12
			}
			for _, e := range staff {
				if !r.chance(pulseResponseRate) || (open && known[e.Email]) {
					continue
				}
				lean := personal[e.ID]
				if e.TeamID != nil && *e.TeamID == seaside {
					lean -= 1.4 * slide
				}
				answer := pulseAnswer(r, lean, e.TeamID != nil && *e.TeamID == seaside && slide > 0)
				location := e.LocationID
				if location == nil && e.TeamID != nil {
					location = teamLocation[*e.TeamID]
				}
				if err := tx.MarkPulseAnswered(ctx, p.ID, e.ID); err != nil {
					return err
				}
				if err := tx.InsertPulseResponse(ctx, &fresco.PulseResponse{PulseID: p.ID, TeamID: e.TeamID,
					LocationID: location, Answers: answer}); err != nil {
					return err
				}
				w.summary.PulseAnswers++
			}
		}
		return nil
	})
}

// pulseAnswer draws one employee's answers around 4 of 5, moved by lean;
// struggling staff write about the decisions they need more often.
func pulseAnswer(r *rng, lean float64, struggling bool) map[string]fresco.PulseAnswer {
	mood := 4.0 + lean
	score := func(centre float64) *int {
		s := int(math.Round(math.Max(1, math.Min(5, centre+0.55*r.NormFloat64()))))
		return &s
	}
	sat := score(mood)
	enps := int(math.Round(math.Max(0, math.Min(10, 2*mood+0.3+1.1*r.NormFloat64()))))
	a := map[string]fresco.PulseAnswer{
		pulse.KeySatisfaction: {Score: sat},
		pulse.KeyCapability:   {Score: score(mood + 0.1)},
		pulse.KeyLatitude:     {Score: score(mood - 0.4)},
		pulse.KeyENPS:         {Score: &enps},
	}
	textRate := pulseTextRate
	if struggling {
		textRate = 0.7
	}
	if r.chance(textRate) {
		idea := oneOf(r, pulseIdeas)
		if struggling && r.chance(0.6) {
			idea = pulseIdeas[r.IntN(4)]
		}
		a[pulse.KeyDecisions] = fresco.PulseAnswer{Text: idea}
	}
	return a
}

// monthStart is the first instant of t's month, UTC (the demo business's
// zone).
func monthStart(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

func monthsBetween(a, b time.Time) int {
	return (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
}
